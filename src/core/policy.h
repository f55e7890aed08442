// The organisation facts the policy rules read (platform team, committee, annotation prefix,
// …) and the rules an organisation writes in YAML: one named block of a configuration
// (`policy:` and `declarative_rules:` in .catalog-lint.yaml, docs/policy.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/rule_info.h"

namespace re2 {
class RE2;
}

namespace catalog_lint {

struct AppConfig;

/// A policy check written in YAML (docs/policy.md "Declarative rules"): for entities matching every
/// non-empty selector, require one annotation, label, tag or field, optionally matching `pattern`
/// (RE2, full match) or one of `one_of`.
struct DeclarativeRule {
  /// What the rule requires.
  enum class Target { annotation, label, tag, field };

  RuleInfo info;        ///< id, summary, category (default "policy"), severity, doc, source
  std::string message;  ///< reported when the requirement is absent
  std::string help;
  // Selectors (empty = any). Kinds compare case-insensitively, the others exactly.
  std::vector<std::string> kinds;
  std::vector<std::string> types;       ///< spec.type
  std::vector<std::string> lifecycles;  ///< spec.lifecycle
  std::vector<std::string> namespaces;  ///< metadata.namespace (default "default")
  std::vector<std::string> has_tags;    ///< entity has at least one of these tags
  Target target = Target::annotation;
  std::string key;  ///< annotation/label key, tag, or dotted field path (`spec.system`): keys[0]
  /// Every key the rule accepts: the requirement holds when any of them is present (a list in
  /// the config, e.g. `annotation: [backstage.io/source-location, github.com/project-slug]`).
  std::vector<std::string> keys;
  std::shared_ptr<const re2::RE2> pattern;  ///< full-match pattern for the value, may be null
  std::string pattern_text;
  std::vector<std::string> one_of;  ///< allowed values, may be empty
};

/// One cumulative level of the team report (`report: levels:` in .catalog-lint.yaml,
/// docs/report.md): an entity reaches it when every requirement of it and of the levels before it
/// holds. A requirement is a policy area id (`ownership`, `golden-paths`, …) or a rule id.
struct ReportLevel {
  std::string name;                  ///< e.g. "silver"; unique within the list
  std::vector<std::string> require;  ///< area or rule ids (checked on load: core/report_levels.h)
};

/// The organisation's platform-ownership facts (issue 3 "Configuration"; the model's
/// "Escalation Path", "Golden Paths", "Escape Hatches" and "Change Management" sections), shared
/// by the policy rules. A value one rule owns (a notice period, the infrastructure types) is an
/// option of that rule instead (rules/<id>.md front matter, core/rule_options.h); the `policy:`
/// keys that used to set them are deprecated aliases the loader maps onto those options.
struct Policy {
  std::string annotation_prefix = "platform/";
  std::string platform_team = "group:default/platform-team";  ///< level 2, approver
  std::string architecture_committee = "group:default/architecture-committee";  ///< level 3
  /// Where a config file set one of those (its path as the run names it, the value's position):
  /// findings about the ref go there. `file` is empty for the defaults.
  struct SetAt {
    std::string file;
    SourcePos pos;
  };
  SetAt platform_team_at, architecture_committee_at;
  std::vector<std::string> known_owners;  ///< entity refs (default kind group), lower-cased keys
  std::vector<std::string> golden_paths;  ///< approved template names, in addition to Templates
  std::vector<std::shared_ptr<const DeclarativeRule>> declarative_rules;
  /// `report: levels:` in order, lowest first; empty = the report's default bronze/silver/gold.
  std::vector<ReportLevel> report_levels;
  /// `catalog:`: the org catalog sources (folders or files of entity YAML, snapshots), as paths
  /// resolved against the directory of the config file that named them.
  std::vector<std::string> catalog;
  /// `catalog_complete: true`: the repository is the whole organisation (a monorepo); it is then
  /// a catalog source (ConfigResolver::catalog_sources).
  bool catalog_complete = false;
  /// `skeletons: lint`: scaffolder skeletons are linted in skeleton mode, not skipped.
  bool lint_skeletons = false;
  /// `app_config:`: Backstage's app-config files, merged (core/app_config.h); null when none.
  std::shared_ptr<const AppConfig> app_config;
  /// True when the org is declared (a catalog, or catalog_complete): only then are owners and
  /// references judged (docs/org-catalog.md "When the org is known").
  bool org_declared() const { return catalog_complete || !catalog.empty(); }

  /// `annotation_prefix` + `name`, e.g. "platform/escape-hatch".
  std::string annotation(std::string_view name) const;
};

}  // namespace catalog_lint
