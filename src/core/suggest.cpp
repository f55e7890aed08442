#include "core/suggest.h"

#include <algorithm>

#include <fmt/format.h>

namespace catalog_lint {

std::size_t bounded_distance(std::string_view a, std::string_view b, std::size_t limit) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() >= limit) return limit;
  const std::size_t big = limit;              // any value >= limit stands for "too far"
  thread_local std::vector<std::size_t> row;  // one buffer per thread: no allocation per pair
  row.assign(b.size() + 1, big);
  for (std::size_t j = 0; j <= b.size() && j < limit; ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const std::size_t from = i >= limit ? i - limit + 1 : 1;
    const std::size_t to = std::min(b.size(), i + limit - 1);
    std::size_t diag = row[from - 1];  // D[i-1][from-1]
    row[from - 1] = from == 1 && i < limit ? i : big;
    std::size_t row_min = row[from - 1];
    for (std::size_t j = from; j <= to; ++j) {
      const std::size_t up = row[j];  // D[i-1][j]
      row[j] = std::min({up + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1), big});
      diag = up;
      row_min = std::min(row_min, row[j]);
    }
    if (to < b.size()) row[to + 1] = big;  // outside the band from here on
    if (row_min >= limit) return limit;
  }
  return std::min(row[b.size()], limit);
}

std::optional<std::string> nearest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  std::size_t best_d = suggestion_bound(name.size()) + 1;
  std::optional<std::string> best;
  for (const std::string& c : candidates) {
    if (c == name) continue;
    if (const std::size_t d = bounded_distance(name, c, best_d); d < best_d) best_d = d, best = c;
  }
  return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const auto near = nearest_name(name, candidates);
  return near ? fmt::format("did you mean '{}'? ", *near) : "";
}

}  // namespace catalog_lint
