// Stable result fingerprints for SARIF partialFingerprints (SARIF 2.1.0 §3.27.17, §5
// "fingerprints").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace catalog_lint {

/// The partialFingerprints key under which catalog-lint stores its own fingerprint (§3.27.17: a
/// versioned key; bump the version whenever the hashed inputs change).
inline constexpr std::string_view kFingerprintKey = "catalogLint/v1";

/// 64-bit FNV-1a of `data`, continuing from `seed` (deterministic on every platform).
std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 0xcbf29ce484222325ull);

/// The hash part of a stable fingerprint (§3.27.17): 16 lower-case hex digits over rule id,
/// repository-relative artifact URI, entity ref and JSON pointer. The line and column are
/// deliberately left out, so the value survives lines inserted or removed elsewhere in the file.
std::string fingerprint_hash(std::string_view rule, std::string_view uri, std::string_view entity,
                             std::string_view path);

/// Hands out `hash:k` values (§3.27.17), where k counts earlier results of the same run with the
/// same hash (1-based), so two findings with equal inputs still get distinct fingerprints.
class FingerprintCounter {
 public:
  /// The fingerprint of the next result with these inputs.
  std::string next(std::string_view rule, std::string_view uri, std::string_view entity,
                   std::string_view path);

 private:
  std::unordered_map<std::string, int> seen_;
};

}  // namespace catalog_lint
