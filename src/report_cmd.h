// `catalog-lint report`: the per-team compliance report (issue 15, docs/report.md). It lints
// exactly as a plain run (main.cpp's pipeline: configs, catalog sources, baselines,
// suppressions), then aggregates by owner team; or merges JSON reports (--merge).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_support.h"
#include "core/linter.h"
#include "report/output.h"

namespace catalog_lint {

/// The options of `catalog-lint report`; the lint options (--config, --catalog, --baseline,
/// --today, --rule, …) are the main command's, given before or after `report`.
struct ReportArgs {
  std::vector<std::string> paths;    ///< what to lint (default: .)
  std::vector<std::string> formats;  ///< json | markdown | html, or FORMAT=FILE; default markdown
  std::vector<std::string> outputs;  ///< --output FILE of the preceding --format
  std::string compare;               ///< --compare OLD.json
  std::vector<std::string> merge;    ///< --merge A.json B.json …: no lint
  std::string source_url;            ///< HTML link template with {path}, {line}, {repository}
  std::string repository;    ///< --repository NAME (default: the repository root's folder name)
  bool mixed_dates = false;  ///< --mixed-dates: --merge accepts reports of other days
  bool allow_duplicate_entities = false;  ///< --merge keeps the first record of a repeated ref
  CLI::App* command = nullptr;
  CLI::Option* format_opt = nullptr;
  CLI::Option* output_opt = nullptr;
};

/// Adds the `report` subcommand to `app` (fallthrough: the lint options of `app` apply).
CLI::App* add_report_command(CLI::App& app, ReportArgs& args);

/// Checks the report options and plans the outputs (every format to its file, at most one to
/// standard output) into `plan`; with --merge, does the whole merge. Returns an exit code when
/// the command is done (2 on a usage or input error, 0 after a merge), std::nullopt when main
/// goes on to lint. `closed` says whether standard output was closed at start: a report planned
/// for it is then an error (exit 2); reports written to files are not affected.
std::optional<int> report_prepare(ReportArgs& args, std::vector<OutputSpec>& plan,
                                  const ClosedStreams& closed);

/// Builds and writes the report of a finished lint `result` (run with LintOptions::keep_index)
/// to `plan`; the level definitions come from the config of the first path. 0 written, 2 on any
/// error (an invalid level, an unreadable --compare file, a write failure (standard output
/// closed at start, as `closed` says), a run error).
int run_report(const ReportArgs& args, const std::vector<OutputSpec>& plan,
               const LintResult& result, const LintOptions& options, const ClosedStreams& closed);

}  // namespace catalog_lint
