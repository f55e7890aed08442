// The lint run of the command line: its options (those of the main command, which `report`
// shares) and run_lint, the whole pipeline from option checks through discovery, the lint, the
// output guard, fixes and baselines to the reports and the exit code.
#pragma once

#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_support.h"
#include "core/config.h"
#include "core/fix.h"

namespace catalog_lint {

struct ReportArgs;

/// The options of a lint run (README "Usage"), as CLI11 stores them.
struct LintArgs {
  std::vector<std::string> paths;             ///< files or directories; empty means "."
  std::string color = "auto";                 ///< auto | always | never
  std::string fail_on = "error";              ///< lowest severity that makes the exit code 1
  std::string today;                          ///< YYYY-MM-DD, checked when given
  std::vector<std::string> formats, outputs;  ///< --format / --output, paired in parse order
  std::string sarif_category;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  bool quiet = false;
  std::string config_file;            ///< --config
  std::vector<std::string> catalogs;  ///< --catalog, overriding `catalog:` of the configs
  ConfigLoadOptions load_options;     ///< --allow-extends-from
  std::vector<std::string> rule_args, disable_args, limit_args;
  bool use_stdin = false;
  std::string stdin_filename, baseline_file, write_baseline_file, changed_since;
  FixArgs fix_args;                ///< docs/fixes.md
  std::string skeletons;           ///< --skeletons: "" (each file's config), skip or lint
  bool skip_non_entities = false;  ///< --skip-non-entities (LintOptions::skip_non_entities)

  CLI::Option* format_opt = nullptr;  ///< set by add_lint_options
  CLI::Option* output_opt = nullptr;
  CLI::Option* today_opt = nullptr;
  std::vector<CLI::Option*> parse_order;  ///< the app's parse_order(), set after parsing
};

/// Adds the lint options to the main command `app`, stored in `args`.
void add_lint_options(CLI::App& app, LintArgs& args);

/// What else a run does besides a plain lint: `report` (aggregate the result instead of the
/// finding reports) or `print-config PATH` (stop once the configuration is resolved).
struct LintMode {
  ReportArgs* report = nullptr;               ///< the `report` subcommand's options, when given
  const std::string* print_config = nullptr;  ///< the `print-config` path, when given
};

/// Runs the main command: 0 clean, 1 a finding at or above --fail-on, 2 a usage, config, I/O or
/// internal error (each with a message on stderr). Every output is planned and guarded (no
/// output is an input of the run or another output) before anything is written.
int run_lint(LintArgs& args, const LintMode& mode, const ClosedStreams& closed);

}  // namespace catalog_lint
