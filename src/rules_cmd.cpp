// `catalog-lint rules` and `catalog-lint explain` (rules_cmd.h).
#include "rules_cmd.h"

#include <algorithm>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "cli_support.h"
#include "core/registry.h"
#include "core/suggest.h"

namespace catalog_lint {

namespace {

// "integer from 0 to 100000, default 14", "list of strings, default [a, b]".
std::string describe_option(const OptionSpec& o) {
  std::string type(to_string(o.type));
  if (o.minimum && o.maximum)
    type += fmt::format(" from {} to {}", *o.minimum, *o.maximum);
  else if (o.minimum)
    type += fmt::format(" from {}", *o.minimum);
  else if (o.maximum)
    type += fmt::format(" up to {}", *o.maximum);
  return fmt::format("{}, default {}", type, format_option_value(o.default_value));
}

}  // namespace

int print_rules() {
  std::vector<const RuleInfo*> rules;
  for (const Rule& r : Registry::instance().rules()) rules.push_back(&r.info);
  std::size_t w = 4, c = 8;
  for (const auto* r : rules) w = std::max(w, r->id.size()), c = std::max(c, r->category.size());
  std::cout << fmt::format("{:<{}}  {:<8}  {:<{}}  {}\n", "RULE", w, "SEVERITY", "CATEGORY", c,
                           "SUMMARY");
  for (const auto* r : rules) {
    std::cout << fmt::format("{:<{}}  {:<8}  {:<{}}  {}\n", r->id, w,
                             to_string(r->default_severity), r->category, c, r->summary);
    // A rule's options, one line each under it (`explain` says more).
    for (const OptionSpec& o : r->options)
      std::cout << fmt::format("  option {}: {}\n", o.name, describe_option(o));
  }
  return kExitClean;
}

int explain(const std::string& id) {
  const RuleInfo* r = Registry::instance().find(id);
  if (r == nullptr) {
    std::cerr << fmt::format(
        "catalog-lint: error: unknown rule '{}'; {}`catalog-lint rules` lists them\n", id,
        did_you_mean(id, Registry::instance().ids()));
    return kExitError;
  }
  std::string options;
  if (!r->options.empty()) {
    options = fmt::format("Options (rules: {{{}: {{options: {{NAME: VALUE}}}}}}):\n", r->id);
    for (const OptionSpec& o : r->options) {
      options += fmt::format("  {}: {}\n    {}\n", o.name, describe_option(o), o.doc);
      if (!o.policy_alias.empty())
        options += fmt::format("    deprecated alias: policy.{}\n", o.policy_alias);
    }
    options += "\n";
  }
  std::cout << fmt::format("{} ({}, default severity {})\n{}\n\nSource: {}\n\n{}{}", r->id,
                           r->category, to_string(r->default_severity), r->summary, r->source,
                           options, r->doc);
  return kExitClean;
}

}  // namespace catalog_lint
