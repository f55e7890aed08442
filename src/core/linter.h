// The lint pipeline: per-file phase in parallel, then the catalog phase, then sorting.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/changes.h"
#include "core/config.h"
#include "core/diagnostic.h"
#include "core/file_io.h"
#include "core/loader.h"
#include "core/locations.h"
#include "core/registry.h"
#include "core/rule.h"
#include "core/skeleton.h"
#include "core/suppression.h"

namespace catalog_lint {

/// Options of one lint run.
struct LintOptions {
  /// The rules that run (tests may swap a rule's check: Registry::with_entity_check).
  const Registry* registry = &Registry::instance();
  RuleConfig config = Registry::instance().defaults();
  Limits limits;
  unsigned jobs = 1;  ///< worker threads for the per-file phase (>= 1)
  /// Today's date (YYYY-MM-DD) for date-based policy rules; "" = the current local date.
  std::string today;
  /// Finds each file's .catalog-lint.yaml (or applies --config). nullptr: every file gets the
  /// built-in default policy and `config` as is (what unit tests and lint_text use).
  std::shared_ptr<ConfigResolver> resolver;
  /// `--catalog` paths: org catalog folders (or files) whose entities are loaded for lookups in
  /// the catalog phase but not reported on. When empty, the `catalog:` sources of the configs the
  /// run read are used instead.
  std::vector<std::string> catalogs;
  /// The linted files are the whole org: owners and references are judged against them even
  /// without a catalog (a config's `catalog_complete: true` does the same for its files). True
  /// for runs without a resolver (unit tests, lint_text: the text is the whole context).
  bool catalog_complete = false;
  /// `--changed-since`: lint_files then also lints the files the change affects
  /// (ChangeSet::others that mention an entity a changed file defines or defined, or that a
  /// changed config or catalog file governs) and reports `removed-entity-referenced`.
  std::shared_ptr<const ChangeSet> change;
  /// Lint the files that Location entities name by relative target (lint_files only).
  bool follow_locations = true;
  /// Keep the catalog index in LintResult::index (the team report reads the entities).
  bool keep_index = false;
  /// Scaffolder skeletons (docs/skeletons.md): when true, a file that sniff_skeleton()s and
  /// declares a Backstage apiVersion or kind (sniff_backstage, sniff_backstage_kind), or that is
  /// in `skeleton_files`, is skipped (FileResult::skipped_skeleton) or linted in skeleton mode,
  /// as `lint_skeletons` or else its config's `skeletons:` says (default: skipped). When false
  /// (unit tests, lint_text) every file is linted as written.
  bool detect_skeletons = false;
  /// `--skeletons`: true = lint in skeleton mode, false = skip; unset = each file's config.
  std::optional<bool> lint_skeletons;
  /// Files discovery found to be skeletons (paths as given), whatever their content: those
  /// under a Template's fetch:template / fetch:plain folder.
  std::shared_ptr<const std::unordered_set<std::string>> skeleton_files;
  /// `--skip-non-entities` (the pre-commit hook): a file that a directory walk would not take
  /// (walk_takes: no Backstage apiVersion or kind, not named catalog-info.yaml) is skipped
  /// (FileResult::skipped_not_entity), not linted. Location targets are linted whatever they hold.
  bool skip_non_entities = false;
  /// Record the files the `$text`/`$json`/`$yaml` placeholders of each entity read
  /// (FileResult::placeholder_targets): the output guard keeps reports off them.
  bool collect_placeholder_targets = false;
};

/// Findings of one file, before the catalog phase.
struct FileResult {
  std::string file;
  std::vector<Diagnostic> diagnostics;
  std::vector<EntitySummary> entities;
  std::vector<Suppression> suppressions;  ///< in-source suppression comments of this file
  std::vector<LocationTarget> locations;  ///< targets of its Location entities
  bool unreadable = false;                ///< the file could not be read at all (exit code 2)
  const RuleConfig* rules = nullptr;      ///< the file's effective configuration
  /// A scaffolder skeleton left out (LintOptions::detect_skeletons): nothing else is set.
  bool skipped_skeleton = false;
  /// Not an entity file, left out (LintOptions::skip_non_entities): nothing else is set.
  bool skipped_not_entity = false;
  /// With LintOptions::collect_placeholder_targets: placeholder_target_path() of every local
  /// placeholder target of its entities (absolute paths, unsorted, maybe repeated).
  std::vector<std::string> placeholder_targets;
  /// Set when the file was linted in skeleton mode: the catalog phase adjusts its findings too.
  std::shared_ptr<const SkeletonFile> skeleton;
};

/// Lints one file's bytes as if read from `file` (no disk access). Never throws for bad input.
FileResult lint_bytes(const std::string& file, std::string bytes, const LintOptions& options);

/// Reads and lints one file from disk; an unreadable file yields an `unreadable-file` diagnostic.
FileResult lint_file(const std::string& file, const LintOptions& options);

/// Result of a whole run.
struct LintResult {
  std::vector<Diagnostic> diagnostics;  ///< sorted by diagnostic_less
  std::size_t files = 0;                ///< files linted
  std::vector<std::string> linted;      ///< their paths, as reported
  /// Scaffolder skeletons left out (FileResult::skipped_skeleton), in file order; not linted.
  std::vector<std::string> skipped_skeletons;
  /// Files left out as no entity files (FileResult::skipped_not_entity), in file order.
  std::vector<std::string> skipped_not_entities;
  /// The placeholder targets of the linted files (FileResult::placeholder_targets), sorted,
  /// without repeats.
  std::vector<std::string> placeholder_targets;
  /// (file, entity ref) of every entity of the linted files with a ref, in file and document
  /// order (JUnit's testcases).
  std::vector<std::pair<std::string, std::string>> entities;
  bool io_error = false;        ///< some file could not be read
  bool internal_error = false;  ///< some rule failed (an internal-error finding)
  /// Every entity of the run and of its org catalog, when LintOptions::keep_index; else null.
  std::shared_ptr<const CatalogIndex> index;
};

/// The effective rule configuration of `file` in a run with `options`: its config file (or
/// --config), overrides by glob and the command line. The one source stamping uses.
const RuleConfig& rules_for(const std::string& file, const LintOptions& options);

/// Lints `files` on `options.jobs` threads; then, when `options.follow_locations`, the files their
/// Location entities name (repeatedly, each file once; within `repo_root`, absolute; "" = the
/// repository of each Location's own file, see resolve_location_targets); then the catalog
/// phase over every entity; then
/// in-source suppressions; sorted.
LintResult lint_files(const std::vector<std::string>& files, const LintOptions& options,
                      const std::string& repo_root = "");

/// Lints `files` on `options.jobs` threads (per-file phase only), in the order given.
std::vector<FileResult> lint_parallel(const std::vector<std::string>& files,
                                      const LintOptions& options);

/// Runs the catalog phase over per-file results, applies each file's suppression comments, and
/// merges everything into one sorted result.
LintResult finish(std::vector<FileResult> results, const LintOptions& options);

}  // namespace catalog_lint
