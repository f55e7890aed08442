// Stable result fingerprints for SARIF partialFingerprints (SARIF 2.1.0 §3.27.17, §5
// "fingerprints").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/diagnostic.h"

namespace catalog_lint {

/// The partialFingerprints key under which catalog-lint stores its own fingerprint (§3.27.17: a
/// versioned key; bump the version whenever the hashed inputs change). v2 (issue 13): keyed by
/// value, not list position (finding_hash); v1 was fingerprint_hash over the whole pointer.
inline constexpr std::string_view kFingerprintKey = "catalogLint/v2";

/// 64-bit FNV-1a of `data`, continuing from `seed` (deterministic on every platform).
std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 0xcbf29ce484222325ull);

/// The hash part of a stable fingerprint (§3.27.17): 16 lower-case hex digits over rule id,
/// repository-relative artifact URI, entity ref and JSON pointer. The line and column are
/// deliberately left out, so the value survives lines inserted or removed elsewhere in the file.
std::string fingerprint_hash(std::string_view rule, std::string_view uri, std::string_view entity,
                             std::string_view path);

/// `pointer` without its list positions: every all-digit token is dropped
/// (`/spec/dependsOn/2` → `/spec/dependsOn`), so that inserting an item above a finding does not
/// change its key. (A mapping key made of digits goes too; the value still tells findings apart.)
std::string pointer_without_indices(std::string_view pointer);

/// The offending text of `d` as written: its source line between `start` and `end` (code-point
/// columns), or "" when the range is unknown or spans lines.
std::string finding_text(const Diagnostic& d);

/// The v2 hash of a finding (16 lower-case hex digits): rule id, repository-relative artifact
/// URI `uri`, entity ref, pointer_without_indices(path) and finding_text(). Neither the line nor
/// a list position enters it: lines inserted above, items inserted before, reordered or removed
/// elsewhere leave it unchanged.
std::string finding_hash(const Diagnostic& d, std::string_view uri);

/// Hands out `hash:k` values (§3.27.17), where k counts earlier results of the same run with the
/// same hash (1-based), so two findings with equal inputs still get distinct fingerprints.
class FingerprintCounter {
 public:
  /// The fingerprint of the next result with these inputs.
  std::string next(std::string_view rule, std::string_view uri, std::string_view entity,
                   std::string_view path);
  /// The v2 fingerprint (finding_hash) of the next result `d`, stored at artifact URI `uri`.
  std::string next(const Diagnostic& d, std::string_view uri);

 private:
  std::unordered_map<std::string, int> seen_;
};

}  // namespace catalog_lint
