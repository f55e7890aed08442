// `catalog-lint rules` and `catalog-lint explain` (rules_cmd.h).
#include "rules_cmd.h"

#include <algorithm>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "cli_support.h"
#include "core/registry.h"

namespace catalog_lint {

int print_rules() {
  std::vector<const RuleInfo*> rules;
  for (const Rule& r : Registry::instance().rules()) rules.push_back(&r.info);
  std::size_t w = 4, c = 8;
  for (const auto* r : rules) w = std::max(w, r->id.size()), c = std::max(c, r->category.size());
  std::cout << fmt::format("{:<{}}  {:<8}  {:<{}}  {}\n", "RULE", w, "SEVERITY", "CATEGORY", c,
                           "SUMMARY");
  for (const auto* r : rules)
    std::cout << fmt::format("{:<{}}  {:<8}  {:<{}}  {}\n", r->id, w,
                             to_string(r->default_severity), r->category, c, r->summary);
  return kExitClean;
}

int explain(const std::string& id) {
  const RuleInfo* r = Registry::instance().find(id);
  if (r == nullptr) {
    std::cerr << fmt::format(
        "catalog-lint: error: unknown rule '{}'; `catalog-lint rules` lists "
        "them\n",
        id);
    return kExitError;
  }
  std::cout << fmt::format("{} ({}, default severity {})\n{}\n\nSource: {}\n\n{}", r->id,
                           r->category, to_string(r->default_severity), r->summary, r->source,
                           r->doc);
  return kExitClean;
}

}  // namespace catalog_lint
