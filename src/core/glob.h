// Path globs as config files and Location targets write them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catalog_lint {

/// Matches a relative `path` ('/'-separated) against `pattern`: `*`, `?` and `[...]` match within
/// one path segment (fnmatch(3) with FNM_PERIOD in the C locale, glibc's reading of bracket
/// expressions included, so `*` does not match a leading dot); a `**` segment matches zero or
/// more whole segments (`a/**/b` matches `a/b` and `a/x/y/b`). Empty and `.` segments are
/// ignored. Costs O(|pattern| x |path|) at most, whatever the number of `*` and `**`.
bool glob_match(std::string_view pattern, std::string_view path);

/// Matches one path segment `name` (no '/') against one pattern segment (not `**`), as
/// glob_match does within a segment.
bool glob_segment_match(std::string_view pattern, std::string_view name);

/// The segments of a '/'-separated path or pattern, without empty and `.` segments (views into
/// `s`).
std::vector<std::string_view> glob_segments(std::string_view s);

/// glob_match() on patterns and paths already split by glob_segments(), for matching one pattern
/// against many paths (or many patterns against one) without splitting each time.
bool glob_match_segments(const std::vector<std::string_view>& pattern,
                         const std::vector<std::string_view>& path);

/// Why `pattern` is not a usable glob (an unclosed `[`, an empty pattern, an absolute path), or
/// std::nullopt when it is.
std::optional<std::string> glob_error(std::string_view pattern);

}  // namespace catalog_lint
