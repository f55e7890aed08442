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

std::string pointer_without_indices(std::string_view pointer) {
  std::string out;
  while (!pointer.empty()) {
    std::size_t end = pointer.find('/', 1);
    if (end == std::string_view::npos) end = pointer.size();
    const std::string_view token = pointer.substr(1, end - 1);
    const bool index =
        !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
    if (!index) out.append(pointer.substr(0, end));
    pointer.remove_prefix(end);
  }
  return out;
}

std::string finding_text(const Diagnostic& d) {
  if (!d.source_line || !d.start.valid() || !d.end.valid() || d.end.line != d.start.line) return "";
  const std::string& line = *d.source_line;
  // Byte offset of code-point column `column` (1-based) in `line`.
  auto byte_at = [&](int column) {
    std::size_t i = 0;
    for (int c = 1; c < column && i < line.size(); ++c) {
      ++i;
      while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) ++i;
    }
    return i;
  };
  const std::size_t from = byte_at(d.start.column), to = byte_at(d.end.column);
  return to > from ? line.substr(from, to - from) : "";
}

std::string finding_hash(const Diagnostic& d, std::string_view uri) {
  std::uint64_t h = fnv1a64("catalog-lint fingerprint v2");
  const std::string path = pointer_without_indices(d.path);
  const std::string text = finding_text(d);
  for (const std::string_view field : {std::string_view(d.rule), uri, std::string_view(d.entity),
                                       std::string_view(path), std::string_view(text)}) {
    h = fnv1a64(fmt::format("{}:", field.size()), h);
    h = fnv1a64(field, h);
  }
  return fmt::format("{:016x}", h);
}

std::string FingerprintCounter::next(const Diagnostic& d, std::string_view uri) {
  std::string hash = finding_hash(d, uri);
  const int k = ++seen_[hash];
  return fmt::format("{}:{}", hash, k);
}

std::string FingerprintCounter::next(std::string_view rule, std::string_view uri,
                                     std::string_view entity, std::string_view path) {
  std::string hash = fingerprint_hash(rule, uri, entity, path);
  const int k = ++seen_[hash];
  return fmt::format("{}:{}", hash, k);
}

}  // namespace catalog_lint
