// catalog-lint command line (CLI11 wiring only).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/discover.h"
#include "core/linter.h"
#include "core/version.h"
#include "report/output.h"
#include "report/report.h"

namespace cl = catalog_lint;

namespace {

// Exit codes (README "Exit codes").
constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

bool valid_date(const std::string& s) {
  int y, m, d;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return false;
  if (s[4] != '-' || s[7] != '-' || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

int print_rules() {
  const auto& rules = cl::Registry::instance().rules();
  std::size_t w = 4;
  for (const auto& r : rules) w = std::max(w, r.id.size());
  std::cout << fmt::format("{:<{}}  {:<8}  {:<10}  {}\n", "RULE", w, "SEVERITY", "CATEGORY",
                           "SUMMARY");
  for (const auto& r : rules)
    std::cout << fmt::format("{:<{}}  {:<8}  {:<10}  {}\n", r.id, w,
                             cl::to_string(r.default_severity), r.category, r.summary);
  return kExitClean;
}

int explain(const std::string& id) {
  const cl::RuleInfo* r = cl::Registry::instance().find(id);
  if (r == nullptr) {
    std::cerr << fmt::format(
        "catalog-lint: error: unknown rule '{}'; `catalog-lint rules` lists "
        "them\n",
        id);
    return kExitError;
  }
  std::cout << fmt::format("{} ({}, default severity {})\n{}\n\nSource: {}\n\n{}", r->id,
                           r->category, cl::to_string(r->default_severity), r->summary, r->source,
                           r->doc);
  return kExitClean;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"catalog-lint: a fast validator and linter for Backstage catalog files",
               "catalog-lint"};
  app.set_version_flag("--version", std::string(cl::kVersion));
  std::vector<std::string> paths;
  std::string color = "auto", fail_on = "error", today;
  std::vector<std::string> formats, outputs;  // --format / --output, paired in parse order
  std::string sarif_category;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  bool quiet = false;
  app.add_option("paths", paths, "files or directories to lint (default: .)");
  CLI::Option* format_opt =
      app.add_option("--format", formats,
                     "output format: human|json|sarif|github|junit, or FORMAT=FILE; repeatable")
          ->allow_extra_args(false);
  CLI::Option* output_opt =
      app.add_option("--output,-o", outputs, "write the preceding --format to FILE; repeatable")
          ->allow_extra_args(false);
  app.add_option("--sarif-category", sarif_category, "SARIF automationDetails.id (category/run)");
  app.add_option("--color", color, "colour in human output")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--fail-on", fail_on, "lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  app.add_option("--jobs,-j", jobs, "worker threads (default: number of cores)")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--today", today, "fix today's date (YYYY-MM-DD) for date-based rules");
  std::string config_file;
  std::vector<std::string> catalogs;
  app.add_option("--config", config_file,
                 "use this config file instead of the nearest .catalog-lint.yaml");
  app.add_option("--catalog", catalogs,
                 "org catalog folder whose Groups/Users/Templates are looked up, not linted; "
                 "repeatable")
      ->allow_extra_args(false);
  app.add_flag("--quiet,-q", quiet, "report errors only");
  app.require_subcommand(0, 1);
  CLI::App* rules_cmd = app.add_subcommand("rules", "list every rule");
  CLI::App* explain_cmd = app.add_subcommand("explain", "show a rule's documentation");
  std::string explain_id;
  explain_cmd->add_option("rule", explain_id, "rule id")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitClean : kExitError;
  }
  if (*rules_cmd) return print_rules();
  if (*explain_cmd) return explain(explain_id);

  if (!today.empty() && !valid_date(today)) {
    std::cerr << fmt::format("catalog-lint: error: --today '{}' is not a date (YYYY-MM-DD)\n",
                             today);
    return kExitError;
  }
  if (paths.empty()) paths.push_back(".");

  cl::LintOptions options;
  options.jobs = jobs;
  options.today = today;
  options.catalogs = catalogs;
  for (const std::string& c : catalogs)
    if (::access(c.c_str(), R_OK) != 0) {
      std::cerr << fmt::format("catalog-lint: error: --catalog '{}': no such file or directory\n",
                               c);
      return kExitError;
    }
  std::shared_ptr<const cl::Config> explicit_config;
  try {
    if (!config_file.empty())
      explicit_config = std::make_shared<const cl::Config>(cl::load_config_file(config_file));
    options.resolver = std::make_shared<cl::ConfigResolver>(options.config, explicit_config,
                                                             !catalogs.empty());
  } catch (const cl::ConfigError& e) {
    std::cerr << "catalog-lint: " << e.format() << "\n";
    return kExitError;
  }
  const cl::Discovery found = cl::discover(paths);
  for (const auto& [path, reason] : found.errors)
    std::cerr << fmt::format("catalog-lint: error: {}: {}\n", path, reason);

  cl::LintResult result;
  try {
    result = cl::lint_files(found.files, options);  // finds each file's .catalog-lint.yaml first
  } catch (const cl::ConfigError& e) {
    std::cerr << "catalog-lint: " << e.format() << "\n";
    return kExitError;
  }
  // Output dispatch: every requested format, files written atomically, at most one to stdout.
  std::vector<cl::OutputArg> output_args;
  std::size_t next_format = 0, next_output = 0;
  for (const CLI::Option* opt : app.parse_order()) {
    if (opt == format_opt && next_format < formats.size())
      output_args.push_back({true, formats[next_format++]});
    else if (opt == output_opt && next_output < outputs.size())
      output_args.push_back({false, outputs[next_output++]});
  }
  std::vector<cl::OutputSpec> plan;
  if (const auto error = cl::plan_outputs(output_args, plan)) {
    std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
    return kExitError;
  }
  bool write_failed = false;
  for (const cl::OutputSpec& spec : plan) {
    std::ostringstream text;
    if (spec.format == "json") {
      cl::report_json(text, result);
    } else if (spec.format == "sarif") {
      cl::SarifOptions sarif;
      sarif.root = cl::find_repo_root();
      sarif.category = sarif_category;
      sarif.config = &options.config;
      sarif.path_errors = found.errors;
      cl::report_sarif(text, result, sarif);
    } else if (spec.format == "github") {
      cl::report_github(text, result, cl::GithubOptions{cl::find_repo_root()});
    } else if (spec.format == "junit") {
      cl::report_junit(text, result, cl::JunitOptions{found.files, *cl::parse_severity(fail_on)});
    } else {
      cl::HumanOptions human;
      human.quiet = quiet;
      const char* term = std::getenv("TERM");
      human.color =
          spec.to_stdout() && (color == "always" || (color == "auto" && isatty(STDOUT_FILENO) &&
                                                     std::getenv("NO_COLOR") == nullptr &&
                                                     !(term && std::string(term) == "dumb")));
      cl::report_human(text, result, human);
    }
    if (spec.to_stdout()) {
      std::cout << text.str();
    } else if (const auto error = cl::write_file_atomically(spec.file, text.str())) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
      write_failed = true;
    }
  }
  std::cout.flush();
  if (write_failed) return kExitError;

  if (result.io_error || !found.errors.empty()) return kExitError;
  const cl::Severity threshold = *cl::parse_severity(fail_on);
  for (const auto& d : result.diagnostics)
    if (d.severity >= threshold) return kExitFindings;
  return kExitClean;
}
