// The team report (issue 15, docs/report.md): a lint result aggregated by owner team through the
// Group hierarchy, with policy areas, cumulative levels, inventories and KPIs; its JSON form
// (schemas/team-report.schema.json), merge of many reports and comparison of two.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/linter.h"
#include "core/policy.h"

namespace catalog_lint::team {

/// The report JSON type: keys keep their insertion order, so output is stable.
using Json = nlohmann::ordered_json;

/// `report_version` of the JSON this code writes and reads.
constexpr int kReportVersion = 1;
/// The row of entities whose owner resolves to no known Group (missing, invalid or unknown).
constexpr std::string_view kUnowned = "unowned";
/// Bytes of one report that --compare or --merge reads at most.
constexpr std::size_t kMaxInputBytes = std::size_t{256} << 20;
/// `notes[].id` when no org catalog is declared (no `catalog:`, not `catalog_complete`):
/// ownership, escalation and references are then not measured for any entity.
constexpr std::string_view kNoteNoCatalog = "org-catalog-not-declared";
/// `notes[].id` when an org catalog source could not be read: the same areas are not measured.
constexpr std::string_view kNoteCatalogUnreadable = "org-catalog-unreadable";
/// The note id: no config applies to any entity, so the policy areas are not measured.
constexpr std::string_view kNoteNoConfig = "policy-not-configured";
/// JSON nesting depth of a report input at most (the schema needs 6).
constexpr int kMaxInputDepth = 32;

/// The policy areas, in report order (core/report_levels.h's report_area_ids(): the config
/// loader checks `report.levels` against them).
const std::vector<std::string>& area_ids();

/// The area of a rule from its id and category (registry or declarative rule), or "" for the
/// tool's own findings (suppression comments, baselines, configs, internal errors): those belong
/// to no area.
std::string area_of(std::string_view rule, std::string_view category);

/// The default levels, derived from the platform-ownership model: bronze (valid for Backstage
/// and accountably owned), silver (+ escalation, references, change notice), gold (+ golden
/// paths, escape hatches, cost, data classification, declarative rules).
std::vector<ReportLevel> default_levels();

/// What build() needs besides the lint result.
struct BuildOptions {
  std::string root;                  ///< repository root: entity and finding paths are relative
  std::vector<ReportLevel> levels;   ///< empty = default_levels()
  std::vector<std::string> sources;  ///< what was linted, as given (informational)
  /// The repository's name (`repositories[].name`, each entity's `repository`); required.
  std::string repository;
  /// Its link template (HtmlOptions::source_url's form), recorded for a merged report's HTML;
  /// empty = none.
  std::string source_url;
  /// False when no config file applies anywhere in the run (the policy rules are then off): a
  /// note says why the policy areas are not measured.
  bool configured = true;
  unsigned jobs = 1;  ///< threads that build the entity records (>= 1)
};

/// An error message when `levels` names a requirement that is neither an area nor a rule id in
/// `rule_ids`, or has no levels; std::nullopt when valid.
std::optional<std::string> check_levels(const std::vector<ReportLevel>& levels,
                                        const std::vector<std::string>& rule_ids);

/// The report of one run: `result` must carry its index (LintOptions::keep_index). Suppressed
/// findings and informational notes (a fixed note severity) are left out.
Json build(const LintResult& result, const BuildOptions& options);

/// The text of build()'s report as `--format json` writes it (`build(result, options).dump(2)`
/// plus a line break, invalid UTF-8 replaced), byte for byte, made without holding the document:
/// each entity record is dumped as it is made (on BuildOptions::jobs threads) and only its counts
/// are kept for `teams` and `org`.
std::string build_json(const LintResult& result, const BuildOptions& options);

/// Recomputes `teams` and `org` of `report` from its `entities`, `groups`, `users`, `levels` and
/// `today` (what build() and merge() both end with). `report` must have passed check_input().
void aggregate(Json& report);

/// An error message ("entities[3].areas is not an object") when `report` is not a team report
/// of kReportVersion this code can read; std::nullopt when it is.
std::optional<std::string> check_input(const Json& report);

/// Parses report JSON text read from `name`: an error message in `error` (not JSON, nested over
/// kMaxInputDepth, wrong version or shape) and std::nullopt on failure.
std::optional<Json> parse_input(const std::string& text, const std::string& name,
                                std::string& error);

/// How merge() treats its inputs.
struct MergeOptions {
  /// Accept inputs made on different days (`today`): the merged `today` is the latest and
  /// `merged_dates` lists every input's day. Without it such inputs are an error.
  bool mixed_dates = false;
  /// The inputs' file names, for messages (else "report 2").
  std::vector<std::string> names;
  /// Keep the first input's record of an entity ref that is in several inputs (or twice in one);
  /// without it such a ref is an error.
  bool allow_duplicate_entities = false;
};

/// Warnings about kept duplicates merge() gives at most (then one line counts the others).
constexpr std::size_t kMaxDuplicateWarnings = 10;

/// One report of every input's entities, groups and users (a Group or User in several inputs,
/// such as the org catalog's, is taken from the first), aggregated again: equal to the report of
/// all their trees linted at once. An error message in `error` when the inputs' levels differ,
/// their days (`today`, `merged_dates`) do without MergeOptions::mixed_dates, or an entity ref is
/// in two inputs (or twice in one) without MergeOptions::allow_duplicate_entities: "entity
/// 'component:default/cart' is in both 'a.json' and 'b.json'" (names from MergeOptions::names).
/// With it, the first record is kept and each duplicate is a line in `warnings` (when given; at
/// most kMaxDuplicateWarnings, then one line with the count of the others).
std::optional<Json> merge(std::vector<Json> inputs, std::string& error,
                          const MergeOptions& options = {},
                          std::vector<std::string>* warnings = nullptr);

/// Per team, what changed from `old` to `now`: level moves, findings added and fixed, entities
/// and their findings moved in from or out to another team (matched by entity ref and finding
/// rule/entity/message: an owner fix is a move, not an addition and a fix), escape hatches opened,
/// closed and expired; `org`, the same org-wide with the entities that changed team; `touched`
/// lists the teams with any change.
Json compare(const Json& old, const Json& now);

/// GitHub-flavoured markdown (job summary, PR comment): one table of teams, then per team details
/// in <details>; with a comparison, first the org's change and the teams the change touches.
std::string render_markdown(const Json& report, const Json* comparison);

/// Options of the HTML page.
struct HtmlOptions {
  /// Link template of a finding whose repository recorded none (`repositories[].source_url`):
  /// `{path}`, `{line}` and `{repository}` are replaced (e.g.
  /// `https://github.com/org/{repository}/blob/main/{path}#L{line}`); empty = no links.
  std::string source_url;
};

/// A repository name for `--repository`, `repositories[].name`: an error message when `name` is
/// empty, longer than kMaxRepositoryName bytes, not UTF-8, or holds a control character (C0, DEL,
/// C1) or a bidirectional override (U+202A-U+202E, U+2066-U+2069: the name would show as another).
std::optional<std::string> check_repository_name(std::string_view name);

/// A link template for `--source-url`, `repositories[].source_url`: an error message unless it
/// starts with `https://` or `http://` (any case) and a host, is at most 2,048 bytes and holds
/// what check_repository_name() allows in a name.
std::optional<std::string> check_source_url(std::string_view url);
/// Bytes of a repository name at most.
constexpr std::size_t kMaxRepositoryName = 256;

/// One self-contained HTML page (no external resource): an org overview with an inline SVG chart
/// of levels per team, a sortable table of teams, one section per team with its inventories and
/// findings.
std::string render_html(const Json& report, const Json* comparison, const HtmlOptions& options);

}  // namespace catalog_lint::team
