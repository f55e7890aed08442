// The rule API: what a rule object implements, and the contexts through which it reports. The
// engine binds each context to the rule it calls, so a rule never names its own id.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnostic.h"
#include "core/entity.h"
#include "core/rule_config.h"
#include "core/rule_id.h"
#include "core/rule_info.h"
#include "core/summary.h"

namespace catalog_lint {

struct Policy;
class EntityContext;
class CatalogContext;

/// A rule over one entity (the per-file phase). Stateless: one object serves every thread.
class EntityRule {
 public:
  virtual ~EntityRule() = default;
  /// Checks `entity`; reports through `ctx`. May throw: the engine turns an exception into an
  /// `internal-error` finding and goes on.
  virtual void check(const Entity& entity, EntityContext& ctx) const = 0;
};

/// A rule over one entity with every entity of the run in view (the catalog phase). Stateless.
class CatalogRule {
 public:
  virtual ~CatalogRule() = default;
  /// Checks `entity` (one of `index.entities`); reports through `ctx`. May throw, as above.
  virtual void check(const EntitySummary& entity, const CatalogIndex& index,
                     CatalogContext& ctx) const = 0;
};

/// A diagnostic of `rule`, not yet stamped: the engine sets severity and category from the
/// file's configuration in one step (src/core/stamp.h). Everything that creates findings starts
/// here.
Diagnostic new_diagnostic(std::string_view rule);
/// The same for a registry rule.
Diagnostic new_diagnostic(RuleId rule);

/// One finding of the schema walk (rules/schema_check.h), shared by the three schema rules.
struct SchemaFinding {
  RuleId rule;  ///< missing_field, invalid_field_type or invalid_field_value
  const Node* at = nullptr;
  std::string path, message, help;
  std::optional<Fix> fix;  ///< the finding's fix, if it offers one
};

/// Where an entity rule reports. The engine creates one per entity and points it at each rule
/// in turn (`bind`).
class EntityContext {
 public:
  EntityContext(std::string_view file, std::string_view entity_ref, int document,
                std::vector<Diagnostic>& out, const Policy* policy = nullptr,
                const RuleConfig* rules = nullptr)
      : file_(file),
        entity_(entity_ref),
        document_(document),
        out_(out),
        policy_(policy),
        rules_(rules) {}

  /// Reports the bound rule at node `at` (its start and end), for JSON pointer `path`.
  void report(const Node* at, std::string path, std::string message, std::string help = {});
  /// Reports the bound rule at an explicit position.
  void report_at(SourcePos pos, SourcePos end, std::string path, std::string message,
                 std::string help = {});
  /// Adds a related note to the diagnostic just reported.
  void note_last(std::string message, std::string file, SourcePos pos);
  /// Attaches `fix` to the diagnostic just reported (a no-op when nothing was reported).
  void fix_last(Fix fix);
  std::string_view file() const { return file_; }
  /// The policy (src/core/config.h) that applies to this file; nullptr outside a lint run.
  const Policy* policy() const { return policy_; }
  /// The bound rule's options for this file (its front matter defaults under the file's config).
  RuleOptions options() const;
  /// Where the schema walk of this entity is kept once the first schema rule has made it
  /// (rules/schema_check.h `schema_findings`).
  std::optional<std::vector<SchemaFinding>>& schema_slot() { return schema_; }

  // For the engine.
  /// Makes `rule` the rule that report() reports.
  void bind(std::string_view rule) { rule_ = rule; }
  std::string_view bound() const { return rule_; }
  /// How many diagnostics the output list holds (the engine drops a failed rule's partial ones).
  std::size_t size() const { return out_.size(); }
  /// Drops diagnostics from index `from` on.
  void truncate(std::size_t from) { out_.resize(from); }

 private:
  std::string_view file_;
  std::string_view entity_;
  int document_;
  std::vector<Diagnostic>& out_;
  const Policy* policy_ = nullptr;
  const RuleConfig* rules_ = nullptr;  ///< the file's configuration; null: defaults
  std::string_view rule_;
  std::optional<std::vector<SchemaFinding>> schema_;
};

/// Where a catalog rule reports. The engine creates one per rule; a rule's findings go to its
/// own list, so rules can run on separate threads.
class CatalogContext {
 public:
  /// `run_rules`: the configuration of entities whose EntitySummary::rules is null (the run's).
  CatalogContext(std::string_view rule, std::vector<Diagnostic>& out,
                 const RuleConfig* run_rules = nullptr)
      : rule_(rule), out_(out), run_rules_(run_rules) {}
  /// The rule's options for entity `e`'s file (its front matter defaults under that file's
  /// config, overrides included).
  RuleOptions options(const EntitySummary& e) const;
  /// The options of another rule `rule` for `e`'s file: for a rule whose message names a value
  /// that rule owns (missing-sunset-date names short-deprecation-notice's notice period).
  RuleOptions options(const EntitySummary& e, RuleId rule) const;
  /// Reports the rule at entity `e`'s metadata.name; returns the diagnostic (to add notes).
  Diagnostic* report(const EntitySummary& e, std::string path, std::string message,
                     std::string help = {});
  /// Reports the rule for entity `e` at field `at` (its position, line and pointer).
  Diagnostic* report_field(const EntitySummary& e, const SummaryField& at, std::string message,
                           std::string help = {});
  /// Reports the rule once per run, as a note whatever its severity, at field `at` of `e` ("no
  /// source of groups": one note instead of a finding per entity).
  void note_once(const EntitySummary& e, const SummaryField& at, std::string message,
                 std::string help);

 private:
  /// Diagnostic::source_line for a line of `e`: one shared copy per line however many findings
  /// point at it (a long line with many findings must not multiply memory).
  std::shared_ptr<const std::string> shared_line(const EntitySummary& e, LineSlice s);

  std::string_view rule_;
  std::vector<Diagnostic>& out_;
  const RuleConfig* run_rules_ = nullptr;
  bool noted_ = false;
  std::map<std::pair<const EntitySummary*, std::uint32_t>, std::shared_ptr<const std::string>>
      lines_;
};

}  // namespace catalog_lint
