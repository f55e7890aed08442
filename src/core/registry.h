// The registry: every rule of catalog-lint, in id order, each one object with its identity,
// metadata and check. Built from the explicit table in rules/registry.def (no static
// initialisers) and the embedded rules/*.md front matter.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/rule.h"
#include "core/rule_config.h"
#include "core/rule_id.h"
#include "core/rule_info.h"

namespace catalog_lint {

/// How a rule's findings come about (rules/registry.def).
enum class RuleKind { entity, catalog, declarative, emitted };

/// One rule.
struct Rule {
  RuleId id;
  RuleKind kind = RuleKind::emitted;
  RuleInfo info;                               ///< from rules/<id>.md
  std::shared_ptr<const EntityRule> entity;    ///< for RuleKind::entity
  std::shared_ptr<const CatalogRule> catalog;  ///< for RuleKind::catalog
};

/// Every rule compiled into the binary.
class Registry {
 public:
  /// The process-wide registry. Thread-safe after first use. A mismatch between
  /// rules/registry.def and the embedded docs ends the process with a message (a build fault
  /// that tests/test_registry.cpp catches first).
  static const Registry& instance();

  const std::vector<Rule>& rules() const { return rules_; }  ///< sorted by id
  /// Every rule id, sorted (the candidates of "did you mean").
  std::vector<std::string> ids() const;
  const Rule& rule(RuleId id) const { return rules_[static_cast<std::size_t>(id)]; }
  /// The rule with id `id`, or nullptr (a repository's own declarative rules are not here).
  const Rule* find_rule(std::string_view id) const;
  /// Its metadata, or nullptr.
  const RuleInfo* find(std::string_view id) const;
  /// The options of rule `id` under `rules` (a file's configuration; null: every option at its
  /// front matter default). A rule with no options (or an id the registry lacks) has none.
  RuleOptions options(std::string_view id, const RuleConfig* rules) const;
  /// Default configuration: every recommended rule at its default severity, the others off.
  RuleConfig defaults() const;

  /// A copy whose rule `id` checks with `check` instead (tests: a rule that throws).
  Registry with_entity_check(RuleId id, std::shared_ptr<const EntityRule> check) const;
  /// The same for a catalog rule.
  Registry with_catalog_check(RuleId id, std::shared_ptr<const CatalogRule> check) const;

 private:
  Registry();
  std::vector<Rule> rules_;
};

}  // namespace catalog_lint
