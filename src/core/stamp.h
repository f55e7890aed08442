// The one stamping step: whatever produced a finding (the loader, a rule, suppressions,
// baselines, Location following), its severity and category come from here, from the effective
// configuration of the finding's file.
#pragma once

#include <vector>

#include "core/diagnostic.h"
#include "core/rule_config.h"

namespace catalog_lint {

/// Stamps `d` with `rules`, the effective configuration of its file: the rule's severity there
/// (or the finding's own fixed_severity), and the category of the rule in the registry ("policy"
/// for a repository's own declarative rule). Returns false when the rule is off there, so the
/// finding must be dropped; the findings of an always-reported rule (registry front matter
/// `always_reported`) are then kept as errors.
bool stamp(Diagnostic& d, const RuleConfig& rules);

/// Stamps findings [from, end) of `findings` with `rules_of(file)` of each finding's file and
/// removes those whose rule is off. `rules_of` is called with Diagnostic::file.
template <class RulesOf>
void stamp_all(std::vector<Diagnostic>& findings, RulesOf&& rules_of, std::size_t from = 0) {
  std::size_t kept = from;
  for (std::size_t i = from; i < findings.size(); ++i) {
    if (!stamp(findings[i], rules_of(findings[i].file))) continue;
    if (kept != i) findings[kept] = std::move(findings[i]);
    ++kept;
  }
  findings.resize(kept);
}

}  // namespace catalog_lint
