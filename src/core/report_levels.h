// The team report's vocabulary that the config loader needs too (docs/report.md): the policy
// areas a `report.levels` requirement may name, and the check of those requirements when a
// config file is loaded (so a typo is an invalid-config error of every command, not only of
// `catalog-lint report`). The report itself lives in src/report/team_report.*.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/node.h"
#include "core/policy.h"

namespace catalog_lint {

/// The policy areas, in report order: backstage, ownership, escalation, golden-paths,
/// escape-hatches, change-notice, cost, data-classification, references, declarative.
const std::vector<std::string>& report_area_ids();

/// A requirement of `report.levels` that names nothing: the node of the value and the message.
struct LevelRequirementError {
  const Node* at = nullptr;
  std::string message;
};

/// Checks every `require` value of `report.levels` under `report` (the config's `report:` node,
/// or nullptr) against the areas, the built-in rule ids and the ids of `policy`'s declarative
/// rules (this config's and those it extends): the first value that is none of them, with a
/// "did you mean" when one candidate is within max(1, length / 4) edits (Levenshtein distance)
/// of it. Shapes (lists, strings) are the loader's to check: values of another shape are skipped.
std::optional<LevelRequirementError> check_level_requirements(const Node* report,
                                                              const Policy& policy);

}  // namespace catalog_lint
