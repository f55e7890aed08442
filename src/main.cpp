// catalog-lint command line: the options and subcommands (CLI11), and which runs. The lint run
// is lint_cmd, the subcommands are beside it (*_cmd).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli_support.h"
#include "config_cmd.h"
#include "core/process.h"
#include "core/source.h"
#include "core/version.h"
#include "lint_cmd.h"
#include "lsp/server.h"
#include "report_cmd.h"
#include "rules_cmd.h"
#include "snapshot_cmd.h"

namespace cl = catalog_lint;

namespace {

int run(int argc, char** argv) {
  // git may exit before reading all we write to it; a closed stdout pipe is not fatal either.
  std::signal(SIGPIPE, SIG_IGN);
  const cl::ClosedStreams closed = cl::plug_closed_streams();
  cl::set_skip_after_timeout(true);  // a git that hangs costs one deadline per run
  cl::anchor_git_environment();      // GIT_DIR=.git means the same to `git -C DIR`
  CLI::App app{"catalog-lint: a fast validator and linter for Backstage catalog files",
               "catalog-lint"};
  app.set_version_flag("--version", std::string(cl::kVersion));
  // Usage errors read like the tool's own: "catalog-lint: error: --jobs: Value 0 not in range …".
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return fmt::format("catalog-lint: error: {}\nRun with --help for more information.\n",
                       e.what());
  });
  cl::LintArgs lint;
  cl::add_lint_options(app, lint);
  app.require_subcommand(0, 1);
  CLI::App* rules_cmd = app.add_subcommand("rules", "list every rule");
  CLI::App* explain_cmd = app.add_subcommand("explain", "show a rule's documentation");
  std::string explain_id;
  explain_cmd->add_option("rule", explain_id, "rule id")->required();
  CLI::App* print_config_cmd =
      app.add_subcommand("print-config", "show the effective configuration for a file");
  std::string print_config_path = "catalog-info.yaml";
  print_config_cmd->add_option("path", print_config_path, "file (default: ./catalog-info.yaml)");
  CLI::App* init_cmd = app.add_subcommand("init", "write a commented starter .catalog-lint.yaml");
  bool init_force = false;
  init_cmd->add_flag("--force", init_force, "overwrite an existing .catalog-lint.yaml");
  cl::SnapshotArgs snapshot_args;
  CLI::App* snapshot_cmd = cl::add_snapshot_command(app, snapshot_args);
  cl::ReportArgs report_args;
  CLI::App* report_cmd = cl::add_report_command(app, report_args);
  cl::lsp::LspArgs lsp_args;
  CLI::App* lsp_cmd = cl::lsp::add_lsp_command(app, lsp_args);

  // `--config=` (an unset variable after the '='): CLI11 would take the next argument as the
  // value. An empty value is refused, as `--config ''` is.
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--") break;
    if (arg.size() > 3 && arg.starts_with("--") && arg.ends_with('=')) {
      std::cerr << fmt::format(
          "catalog-lint: error: {}: an empty value (an unset variable?)\nRun with --help for "
          "more information.\n",
          cl::printable(arg.substr(0, arg.size() - 1)));
      return cl::kExitError;
    }
  }
  try {
    app.parse(argc, argv);
    lint.parse_order = app.parse_order();
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // --help and --version print to std::cout: check it
    return code == 0 ? cl::checked_stdout(cl::kExitClean, closed) : cl::kExitError;
  }
  if (!cl::child_timeout_from_env()) {
    std::cerr << fmt::format(
        "catalog-lint: error: {} '{}' is not a whole number of milliseconds from 1 to {}\n",
        cl::kChildTimeoutVariable, cl::printable(std::getenv(cl::kChildTimeoutVariable)),
        cl::kMaxChildTimeoutMs);
    return cl::kExitError;
  }
  if (*rules_cmd) return cl::checked_stdout(cl::print_rules(), closed);
  if (*lsp_cmd) return cl::lsp::run_lsp(lsp_args);
  if (*explain_cmd) return cl::checked_stdout(cl::explain(explain_id), closed);
  if (*snapshot_cmd) {
    cl::Limits snapshot_limits;
    if (const auto error = cl::apply_limits(snapshot_args.limit_args, snapshot_limits)) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
      return cl::kExitError;
    }
    return cl::checked_stdout(cl::run_snapshot(snapshot_args, snapshot_limits), closed);
  }
  if (*init_cmd) return cl::init_config(init_force, closed);

  cl::LintMode mode;
  if (*report_cmd) mode.report = &report_args;
  if (*print_config_cmd) mode.print_config = &print_config_path;
  return cl::run_lint(lint, mode, closed);
}

}  // namespace

/// Every run ends with an exit code: an exception that no command handled (a failed allocation on
/// a huge input, a bug) is said on standard error and exits 2, never std::terminate's abort.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fputs(
        "catalog-lint: error: out of memory; lint fewer files at once or raise the memory "
        "limit\n",
        stderr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "catalog-lint: internal error: %s\n", e.what());
  }
  return cl::kExitError;
}
