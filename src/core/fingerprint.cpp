#include "core/fingerprint.h"

#include <fmt/format.h>

namespace catalog_lint {

std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (const char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string fingerprint_hash(std::string_view rule, std::string_view uri, std::string_view entity,
                             std::string_view path) {
  // Length-prefixed fields: ("a", "bc") and ("ab", "c") must not collide.
  std::uint64_t h = fnv1a64("catalog-lint fingerprint v1");
  for (const std::string_view field : {rule, uri, entity, path}) {
    h = fnv1a64(fmt::format("{}:", field.size()), h);
    h = fnv1a64(field, h);
  }
  return fmt::format("{:016x}", h);
}

std::string FingerprintCounter::next(std::string_view rule, std::string_view uri,
                                     std::string_view entity, std::string_view path) {
  std::string hash = fingerprint_hash(rule, uri, entity, path);
  const int k = ++seen_[hash];
  return fmt::format("{}:{}", hash, k);
}

}  // namespace catalog_lint
