#include "core/report_levels.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/registry.h"
#include "core/suggest.h"

namespace catalog_lint {

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
      const auto best = nearest_name(v->text, known);
      std::string message = fmt::format(
          "report.levels '{}' requires '{}', which is neither a policy area ({}) nor a rule id",
          name != nullptr ? name->str() : "", v->text, fmt::join(report_area_ids(), ", "));
      message += best ? fmt::format("; did you mean '{}'?", *best)
                      : std::string("; `catalog-lint rules` lists the rule ids");
      return LevelRequirementError{v, std::move(message)};
    }
  }
  return std::nullopt;
}

}  // namespace catalog_lint
