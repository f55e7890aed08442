#include "core/report_levels.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/registry.h"

namespace catalog_lint {

namespace {

// Levenshtein distance of `a` and `b` when at most `limit`, else limit + 1 (rows of the
// classic dynamic programme; the callers keep `limit` and the candidates short).
std::size_t distance_within(std::string_view a, std::string_view b, std::size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    std::size_t row_min = row[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({up + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
      row_min = std::min(row_min, row[j]);
    }
    if (row_min > limit) return limit + 1;
  }
  return std::min(row[b.size()], limit + 1);
}

}  // namespace

const std::vector<std::string>& report_area_ids() {
  static const std::vector<std::string> ids = {
      "backstage",     "ownership", "escalation",          "golden-paths", "escape-hatches",
      "change-notice", "cost",      "data-classification", "references",   "declarative"};
  return ids;
}

std::optional<LevelRequirementError> check_level_requirements(const Node* report,
                                                              const Policy& policy) {
  const Node* levels = report != nullptr && report->is_map() ? report->get("levels") : nullptr;
  if (levels == nullptr || !levels->is_seq()) return std::nullopt;
  std::vector<std::string> known = report_area_ids();
  for (const Rule& r : Registry::instance().rules()) known.push_back(r.info.id);
  for (const auto& d : policy.declarative_rules) known.push_back(d->info.id);
  for (const Node* level : levels->items) {
    if (!level->is_map()) continue;
    const Node* name = level->get("name");
    const Node* require = level->get("require");
    if (require == nullptr) continue;
    std::vector<const Node*> values;
    if (require->is_string())
      values.push_back(require);
    else if (require->is_seq())
      values = require->items;
    for (const Node* v : values) {
      if (!v->is_string() || std::find(known.begin(), known.end(), v->text) != known.end())
        continue;
      // The closest candidate within the bound; the first in `known` order on a tie.
      const std::size_t limit = std::max<std::size_t>(1, v->text.size() / 4);
      const std::string* best = nullptr;
      std::size_t best_d = limit + 1;
      for (const std::string& k : known)
        if (const std::size_t d = distance_within(v->text, k, limit); d < best_d)
          best_d = d, best = &k;
      std::string message = fmt::format(
          "report.levels '{}' requires '{}', which is neither a policy area ({}) nor a rule id",
          name != nullptr ? name->str() : "", v->text, fmt::join(report_area_ids(), ", "));
      message += best != nullptr ? fmt::format("; did you mean '{}'?", *best)
                                 : std::string("; `catalog-lint rules` lists the rule ids");
      return LevelRequirementError{v, std::move(message)};
    }
  }
  return std::nullopt;
}

}  // namespace catalog_lint
