#include "core/stamp.h"

#include "core/registry.h"

namespace catalog_lint {

bool stamp(Diagnostic& d, const RuleConfig& rules) {
  const Rule* rule = Registry::instance().find_rule(d.rule);
  Severity s = rule ? rules.severity(rule->id) : rules.severity(d.rule);
  if (s == Severity::off) {
    if (rule == nullptr || !rule->info.always_reported) return false;
    s = Severity::error;  // never hidden: the run could not read or check something
  }
  d.severity = d.fixed_severity ? *d.fixed_severity : s;
  d.category = rule ? rule->info.category : "policy";  // a repository's own declarative rule
  return true;
}

}  // namespace catalog_lint
