// "Did you mean": the bounded edit distance every suggestion of catalog-lint rests on (config
// keys, rule ids, option names, report levels, entity references).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catalog_lint {

/// Levenshtein distance of `a` and `b` when it is below `limit`, else `limit`; O(|a| * limit)
/// time, one row of memory per thread. Only the diagonal band |i - j| < limit can hold a smaller
/// distance, and a row whose minimum reaches `limit` ends the search: Ukkonen's cut-off,
/// "Algorithms for approximate string matching", Information and Control 64 (1985).
std::size_t bounded_distance(std::string_view a, std::string_view b, std::size_t limit);

/// The most edits a name of `length` characters may be from a suggestion: max(1, length / 4),
/// so that a short name gets only near misses and `payments-team` never suggests
/// `security-team`.
inline std::size_t suggestion_bound(std::size_t length) {
  return length / 4 > 1 ? length / 4 : 1;
}

/// The candidate nearest to `name` within suggestion_bound(|name|) edits (the first of the list
/// on a tie), or nothing; an exact match is not a suggestion.
std::optional<std::string> nearest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

/// "did you mean 'X'? " for nearest_name(name, candidates), or "": the start of a help text.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace catalog_lint
