// Path globs as config files and Location targets write them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace catalog_lint {

/// Matches a relative `path` ('/'-separated) against `pattern`: `*`, `?` and `[...]` match within
/// one path segment (fnmatch(3) with FNM_PERIOD, so `*` does not match a leading dot); a `**`
/// segment matches zero or more whole segments (`a/**/b` matches `a/b` and `a/x/y/b`).
bool glob_match(std::string_view pattern, std::string_view path);

/// Why `pattern` is not a usable glob (an unclosed `[`, an empty pattern, an absolute path), or
/// std::nullopt when it is.
std::optional<std::string> glob_error(std::string_view pattern);

}  // namespace catalog_lint
