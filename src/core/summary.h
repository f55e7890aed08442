// Entity summaries: the compact record of each entity that the catalog phase reads once the YAML
// tree of its file is gone, and the index of all of them.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/rule_config.h"

namespace catalog_lint {

struct Policy;

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
  /// `/metadata` and `/spec` keys; the relation fields (spec.system, domain, subcomponentOf,
  /// subdomainOf, parent; the keys and string items of providesApis, consumesApis, dependsOn,
  /// dependencyOf, children, members, memberOf). Document order.
  std::vector<SummaryField> fields;
  const RuleConfig* rules = nullptr;  ///< severities for this entity's file (nullptr: the run's)
  const Policy* policy = nullptr;     ///< policy for this entity's file (nullptr: none)
  /// Of a file linted in skeleton mode: its references are judged, but it defines nothing the
  /// org can refer to (no owner, no target) and is never a duplicate.
  bool skeleton = false;

  /// The field with JSON pointer `pointer`, or nullptr.
  const SummaryField* field(std::string_view pointer) const;
  /// The kept tags (`/metadata/tags/*` string values starting with `golden-path`).
  std::vector<const SummaryField*> tags() const;
  /// The text of a line kept in `lines`.
  std::string_view line_text(LineSlice s) const {
    return std::string_view(lines).substr(s.offset, s.size);
  }
};

/// An org catalog source whose entities are summarized on demand, when a rule looks one up (a
/// version-2 snapshot, core/snapshot.h SnapshotIndex; docs/snapshot.md): a one-file lint reads
/// the few entities it names, not the whole org. Thread-safe; every pointer it returns lives as
/// long as the object.
class LazyCatalog {
 public:
  virtual ~LazyCatalog() = default;
  /// The entity with ref key `key` (lower-cased `kind:namespace/name`), the first of the file
  /// when it holds several; nullptr when there is none or the source turned out unreadable.
  virtual const EntitySummary* find(std::string_view key) const = 0;
  /// The distinct ref keys starting with `prefix` (e.g. `group:`, `component:default/`), sorted.
  virtual std::vector<std::string> keys(std::string_view prefix) const = 0;
  /// Every entity whose ref key starts with `prefix`, duplicates included, in file order.
  virtual std::vector<const EntitySummary*> entities(std::string_view prefix) const = 0;
  /// Non-empty once a lookup found an entity unreadable (not JSON, too deep, its ref not the
  /// one indexed): a message naming the file. Lookups then find nothing.
  virtual std::string error() const = 0;
};

/// Every entity of the run, in deterministic (file, document) order.
struct CatalogIndex {
  /// A deque: filled by moving each file's summaries in and freeing that file's array at once,
  /// so the run never holds two copies of them.
  std::deque<EntitySummary> entities;
  /// Every entity of the org catalog (`catalog:` sources or `--catalog`): looked up, never
  /// reported on.
  std::vector<EntitySummary> org;
  /// Org catalog sources read on demand, in catalog-source order; `org_at`: how many entities of
  /// `org` come from the sources before this one (lookups take the first definition in source
  /// order, as if its entities stood at org[org_at]).
  struct LazySource {
    std::string path;  ///< the catalog source as given
    std::shared_ptr<const LazyCatalog> catalog;
    std::size_t org_at = 0;
  };
  std::vector<LazySource> lazy_org;
  /// True when the run has an org catalog (or LintOptions::catalog_complete): owners and entity
  /// references are judged for every entity, whatever its own config says.
  bool org_declared = false;
  /// A catalog source could not be read (an unreadable-file finding says which): owners and
  /// references are then not judged at all, rather than against a partial org.
  bool catalog_failed = false;
  std::string today;  ///< YYYY-MM-DD, for date-based rules
  /// Lookups the catalog rules share, built once on first use by whichever rule asks first
  /// (rules/policy_common.h `org_of`); type-erased, since the engine does not know their type.
  mutable std::once_flag shared_once;
  mutable std::shared_ptr<const void> shared;
};

}  // namespace catalog_lint
