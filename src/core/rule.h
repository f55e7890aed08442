// Rules: metadata (from rules/*.md front matter), checkers (C++ code that emits rule ids),
// the registry that holds both, and the context through which checkers report.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/diagnostic.h"
#include "core/entity.h"

namespace catalog_lint {

/// What a rule is, read from the front matter of `rules/<id>.md` (the single source of truth).
struct RuleInfo {
  std::string id;        ///< stable kebab-case id; never reused
  std::string summary;   ///< one line
  std::string category;  ///< backstage | yaml | input | catalog | ...
  Severity default_severity = Severity::error;
  bool recommended = true;
  std::string source;  ///< the Backstage file or policy section it implements
  std::string doc;     ///< the markdown body after the front matter
};

/// Parses one rule document: `---` front matter of `key: value` lines, `---`, markdown body.
/// Throws std::runtime_error naming the missing or bad key.
RuleInfo parse_rule_doc(std::string_view text);

/// The effective rule configuration of one run: severity per rule id (Severity::off = disabled).
class RuleConfig {
 public:
  Severity severity(std::string_view id) const;
  bool enabled(std::string_view id) const { return severity(id) != Severity::off; }
  void set(std::string id, Severity s) { severities_[std::move(id)] = s; }
  /// Disables every rule except `id` (fixture runs test one rule at a time).
  void only(std::string id);
  /// True after only(): config files may then change severities but enable nothing new.
  bool only_mode() const { return only_mode_; }
  /// Applies config-file overrides (`rules:` in .catalog-lint.yaml): sets each id's severity; in
  /// only() mode, only rules that are still enabled change.
  void apply(const std::map<std::string, Severity, std::less<>>& overrides);

 private:
  friend class Registry;
  std::map<std::string, Severity, std::less<>> severities_;
  bool only_mode_ = false;
};

class EntityContext;
struct CatalogIndex;
class CatalogContext;
struct Policy;

/// C++ code that checks entities and emits one or more rule ids. Stateless after construction,
/// so one instance is shared by every thread.
class Checker {
 public:
  virtual ~Checker() = default;
  /// Every rule id this checker may report (each must have a rules/<id>.md).
  virtual std::vector<std::string_view> rule_ids() const = 0;
  /// Per-entity checks; `ctx` knows the file and document.
  virtual void check_entity(const Entity& entity, EntityContext& ctx) const;
  /// Checks that need every entity of the run (category catalog).
  virtual void check_catalog(const CatalogIndex& index, CatalogContext& ctx) const;
};

/// All rules (docs) and checkers compiled into the binary.
class Registry {
 public:
  /// The process-wide registry: embedded docs + registered checkers. Thread-safe after first use.
  static const Registry& instance();

  const std::vector<RuleInfo>& rules() const { return rules_; }  ///< sorted by id
  const RuleInfo* find(std::string_view id) const;
  const std::vector<std::unique_ptr<Checker>>& checkers() const { return checkers_; }
  /// Default configuration: every rule at its default severity (recommended or not).
  RuleConfig defaults() const;

  /// Used by CATALOG_LINT_REGISTER_CHECKER at static-initialisation time.
  static void add_factory(std::function<std::unique_ptr<Checker>()> factory);

 private:
  Registry();
  std::vector<RuleInfo> rules_;
  std::unordered_map<std::string_view, std::size_t> index_;
  std::vector<std::unique_ptr<Checker>> checkers_;
};

#define CATALOG_LINT_REGISTER_CHECKER(Type)                                         \
  namespace {                                                                       \
  const bool registered_##Type = [] {                                               \
    ::catalog_lint::Registry::add_factory([] { return std::make_unique<Type>(); }); \
    return true;                                                                    \
  }();                                                                              \
  }

/// A diagnostic of `rule` at `severity`, its category stamped from the registry ("policy" for a
/// repository's own declarative rule). Everything that creates diagnostics starts here.
Diagnostic new_diagnostic(std::string_view rule, Severity severity);

/// Where checkers report per-entity findings. The engine stamps severity and category.
class EntityContext {
 public:
  EntityContext(const RuleConfig& config, std::string_view file, std::string_view entity_ref,
                int document, std::vector<Diagnostic>& out, const Policy* policy = nullptr)
      : config_(config),
        file_(file),
        entity_(entity_ref),
        document_(document),
        out_(out),
        policy_(policy) {}

  bool enabled(std::string_view rule) const { return config_.enabled(rule); }
  /// Reports `rule` at node `at` (its start and end), for JSON pointer `path`.
  void report(std::string_view rule, const Node* at, std::string path, std::string message,
              std::string help = {});
  /// Reports at an explicit position.
  void report_at(std::string_view rule, SourcePos pos, SourcePos end, std::string path,
                 std::string message, std::string help = {});
  /// Adds a related note to the diagnostic just reported.
  void note_last(std::string message, std::string file, SourcePos pos);
  std::string_view file() const { return file_; }
  const RuleConfig& config() const { return config_; }
  /// The policy (src/core/config.h) that applies to this file; nullptr outside a lint run.
  const Policy* policy() const { return policy_; }

 private:
  const RuleConfig& config_;
  std::string_view file_;
  std::string_view entity_;
  int document_;
  std::vector<Diagnostic>& out_;
  const Policy* policy_ = nullptr;
};

/// A source line kept with an entity summary: a slice of EntitySummary::lines.
struct LineSlice {
  std::uint32_t offset = 0;  ///< bytes into EntitySummary::lines
  std::uint32_t size = 0;    ///< bytes
};

/// `pointer` as a view that lives as long as the process: each distinct JSON pointer is stored
/// once (most entities repeat the same annotation keys). Thread-safe.
std::string_view intern_pointer(std::string_view pointer);

/// A value the catalog phase reads, with where it was written. Keyed by JSON pointer
/// (`/spec/owner`, `/metadata/tags/0`, `/metadata/annotations/platform~1escape-hatch`; `/metadata`
/// and `/spec` hold the positions of those keys, for "missing" findings).
struct SummaryField {
  /// The JSON pointer, or for a list item (`item` >= 0) the list's pointer and a '/': interned
  /// (intern_pointer) or a string literal. Use pointer() for the whole pointer.
  std::string_view base;
  int item = -1;      ///< index of a list item (a tag), or -1
  std::string value;  ///< the scalar text ("" for mappings)
  SourcePos pos;
  SourcePos end;
  LineSlice line;  ///< source line of pos, within the entity's `lines`

  /// The whole JSON pointer (`/spec/owner`, `/metadata/tags/3`).
  std::string pointer() const {
    return item < 0 ? std::string(base) : fmt::format("{}{}", base, item);
  }
  /// Whether pointer() == `p`, without building it.
  bool is(std::string_view p) const;
};

/// The compact record of one entity kept for the catalog phase (the YAML tree is gone by then).
struct EntitySummary {
  std::string ref;   ///< lower-cased kind:namespace/name
  std::string kind;  ///< as written
  std::string file;
  int document = 0;
  SourcePos name_pos;  ///< position of metadata.name (or of the document)
  SourcePos name_end;
  LineSlice name_line;  ///< source line of name_pos, within `lines`
  /// The source lines that name_pos and the fields are on, each once, concatenated: one
  /// allocation per entity rather than one per line.
  std::string lines;
  // For the policy rules (issue 3): only what they read, so memory follows entity count.
  std::string type;       ///< spec.type when a string
  std::string lifecycle;  ///< spec.lifecycle when a string
  std::string ns;         ///< metadata.namespace or "default"
  std::string name;       ///< metadata.name as written
  /// spec.owner, golden-path tags (`golden-path…`; other tags are not kept), spec.type,
  /// spec.lifecycle, spec.profile.email, the annotations under the
  /// policy prefix plus backstage.io/source-template and pagerduty.com/*, opsgenie.com/* keys;
  /// `/metadata` and `/spec` keys. Document order.
  std::vector<SummaryField> fields;
  const RuleConfig* rules = nullptr;  ///< severities for this entity's file (nullptr: the run's)
  const Policy* policy = nullptr;     ///< policy for this entity's file (nullptr: none)

  /// The field with JSON pointer `pointer`, or nullptr.
  const SummaryField* field(std::string_view pointer) const;
  /// The kept tags (`/metadata/tags/*` string values starting with `golden-path`).
  std::vector<const SummaryField*> tags() const;
  /// The text of a line kept in `lines`.
  std::string_view line_text(LineSlice s) const {
    return std::string_view(lines).substr(s.offset, s.size);
  }
};

/// Every entity of the run, in deterministic (file, document) order.
struct CatalogIndex {
  /// A deque: filled by moving each file's summaries in and freeing that file's array at once,
  /// so the run never holds two copies of them.
  std::deque<EntitySummary> entities;
  /// Groups, Users and Templates of `--catalog` folders: looked up, never reported on.
  std::vector<EntitySummary> org;
  std::string today;  ///< YYYY-MM-DD, for date-based rules
};

/// Where checkers report catalog-phase findings.
class CatalogContext {
 public:
  CatalogContext(const RuleConfig& config, std::vector<Diagnostic>& out)
      : config_(config), out_(out) {}
  bool enabled(std::string_view rule) const { return config_.enabled(rule); }
  /// Reports `rule` at entity `e`'s metadata.name; returns the diagnostic (to add notes), or
  /// nullptr when the rule is off.
  Diagnostic* report(std::string_view rule, const EntitySummary& e, std::string path,
                     std::string message, std::string help = {});
  /// Reports `rule` for entity `e` at field `at` (its position, line and pointer); uses `e`'s
  /// own severities when it has them. Returns nullptr when the rule is off for `e`.
  Diagnostic* report_field(std::string_view rule, const EntitySummary& e, const SummaryField& at,
                           std::string message, std::string help = {});
  /// True when `rule` is enabled for entity `e` (its file's configuration).
  bool enabled_for(std::string_view rule, const EntitySummary& e) const {
    return (e.rules ? *e.rules : config_).enabled(rule);
  }
  /// True when any of `rules` is enabled for `e`: lets a checker skip an entity cheaply.
  bool any_enabled_for(const std::vector<std::string_view>& rules, const EntitySummary& e) const {
    for (std::string_view r : rules)
      if (enabled_for(r, e)) return true;
    return false;
  }

 private:
  /// Diagnostic::source_line for a line of `e`: one shared copy per line however many findings
  /// point at it (a long line with many findings must not multiply memory).
  std::shared_ptr<const std::string> shared_line(const EntitySummary& e, LineSlice s);

  const RuleConfig& config_;
  std::vector<Diagnostic>& out_;
  std::map<std::pair<const EntitySummary*, std::uint32_t>, std::shared_ptr<const std::string>>
      lines_;
};

}  // namespace catalog_lint
