// catalog-lint command line (CLI11 wiring only).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/baseline.h"
#include "core/discover.h"
#include "core/fix.h"
#include "core/linter.h"
#include "core/process.h"
#include "core/version.h"
#include "lsp/server.h"
#include "report/output.h"
#include "report/report.h"
#include "report_cmd.h"
#include "snapshot_cmd.h"

namespace cl = catalog_lint;

namespace {

// Exit codes (README "Exit codes").
constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

// Which of the standard streams were closed when the run started (`<&-`, `>&-`): they are
// opened on /dev/null so that no file the run opens takes their place, and remembered so that
// reading or writing them is still an error.
struct ClosedStreams {
  bool in = false, out = false;
};

ClosedStreams plug_closed_streams() {
  ClosedStreams closed;
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);  // takes the lowest fd
    if (null >= 0 && null != fd) dup2(null, fd), close(null);
    if (fd == 0) closed.in = true;
    if (fd == 1) closed.out = true;
  }
  return closed;
}

// Writes a report to standard output; an error message when it cannot (a full disk, a closed or
// broken pipe), or std::nullopt.
std::optional<std::string> write_stdout(std::string_view text, const ClosedStreams& closed) {
  if (text.empty()) return std::nullopt;
  if (closed.out) return std::string("cannot write the report to standard output: it is closed");
  while (!text.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return fmt::format("cannot write the report to standard output: {}", std::strerror(errno));
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

// `code`, or kExitError when what went to std::cout could not be written.
int checked_stdout(int code, const ClosedStreams& closed) {
  std::cout.flush();
  if (std::cout.good() && !closed.out) return code;
  std::cerr << "catalog-lint: error: cannot write to standard output\n";
  return kExitError;
}

int print_rules() {
  std::vector<const cl::RuleInfo*> rules;
  for (const cl::Rule& r : cl::Registry::instance().rules()) rules.push_back(&r.info);
  std::size_t w = 4, c = 8;
  for (const auto* r : rules) w = std::max(w, r->id.size()), c = std::max(c, r->category.size());
  std::cout << fmt::format("{:<{}}  {:<8}  {:<{}}  {}\n", "RULE", w, "SEVERITY", "CATEGORY", c,
                           "SUMMARY");
  for (const auto* r : rules)
    std::cout << fmt::format("{:<{}}  {:<8}  {:<{}}  {}\n", r->id, w,
                             cl::to_string(r->default_severity), r->category, c, r->summary);
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

// `--rule RULE=SEVERITY` and `--disable RULE` as one override map; an error message on a bad one.
std::optional<std::string> command_line_rules(
    const std::vector<std::string>& rules, const std::vector<std::string>& disabled,
    std::map<std::string, cl::Severity, std::less<>>& out) {
  const cl::Registry& registry = cl::Registry::instance();
  for (const std::string& r : rules) {
    const std::size_t eq = r.find('=');
    const std::string id = r.substr(0, eq);
    const auto sev = eq == std::string::npos ? std::nullopt : cl::parse_severity(r.substr(eq + 1));
    if (!sev) return fmt::format("--rule '{}': expected RULE=error|warning|note|off", r);
    if (registry.find(id) == nullptr)
      return fmt::format("--rule '{}': unknown rule '{}'; `catalog-lint rules` lists them", r, id);
    out[id] = *sev;
  }
  for (const std::string& id : disabled) {
    if (registry.find(id) == nullptr)
      return fmt::format("--disable '{}': unknown rule; `catalog-lint rules` lists them", id);
    out[id] = cl::Severity::off;
  }
  return std::nullopt;
}

// `--limit NAME=VALUE` into `limits`; an error message on a bad one. Names: file-bytes, depth,
// nodes, documents, scalar-bytes, findings (README "Limits").
std::optional<std::string> apply_limits(const std::vector<std::string>& args, cl::Limits& limits) {
  for (const std::string& a : args) {
    const std::size_t eq = a.find('=');
    const std::string name = a.substr(0, eq);
    unsigned long long value = 0;
    const std::string text = eq == std::string::npos ? "" : a.substr(eq + 1);
    const bool number = !text.empty() &&
                        text.find_first_not_of("0123456789") == std::string::npos &&
                        text.size() <= 12;
    if (number) value = std::stoull(text);
    if (!number || value == 0)
      return fmt::format("--limit '{}': expected NAME=N with a positive integer N", a);
    if (name == "file-bytes")
      limits.max_file_bytes = value;
    else if (name == "depth")
      limits.max_depth = static_cast<int>(std::min<unsigned long long>(value, 1'000'000));
    else if (name == "nodes")
      limits.max_nodes = value;
    else if (name == "documents")
      limits.max_documents = value;
    else if (name == "scalar-bytes")
      limits.max_scalar_bytes = value;
    else if (name == "findings")
      limits.max_findings = value;
    else
      return fmt::format(
          "--limit '{}': unknown limit '{}' (file-bytes, depth, nodes, documents, "
          "scalar-bytes, findings)",
          a, name);
  }
  return std::nullopt;
}

// Files git reports changed since `ref` (committed, staged, unstaged) plus untracked ones, as
// absolute paths; an error message when git cannot tell. `ref` is checked to be a commit first
// (`rev-parse --verify --end-of-options REF^{commit}`) and only its resolved id reaches `git diff`:
// a value such as `--output=FILE` is never taken as an option.
std::optional<std::string> changed_files(const std::string& ref, std::set<std::string>& out,
                                         cl::ChangeSet& change) {
  const std::string root = cl::find_repo_root();
  auto killed = [&](const cl::CommandResult& r) {
    return fmt::format("--changed-since '{}': git {}; the changed files are unknown", ref,
                       r.killed);
  };
  const cl::CommandResult rev = cl::run_command(
      {"git", "-C", root, "rev-parse", "-q", "--verify", "--end-of-options", ref + "^{commit}"});
  if (!rev.killed.empty()) return killed(rev);
  std::string id = rev.output;
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  if (rev.exit_code != 0 || id.empty() ||
      id.find_first_not_of("0123456789abcdef") != std::string::npos)
    return fmt::format(
        "--changed-since '{}' is not a commit in this repository; give a branch, tag or commit id",
        ref);
  const cl::CommandResult diff =
      cl::run_command({"git", "-C", root, "diff", "--name-only", "-z", id, "--"});
  if (!diff.killed.empty()) return killed(diff);
  if (diff.exit_code != 0)
    return fmt::format("--changed-since '{}': git diff failed (exit code {})", ref, diff.exit_code);
  const cl::CommandResult untracked = cl::run_command(
      {"git", "-C", root, "ls-files", "--others", "--exclude-standard", "--full-name", "-z"});
  if (!untracked.killed.empty()) return killed(untracked);
  if (untracked.exit_code != 0)
    return fmt::format("--changed-since '{}': git ls-files failed (exit code {})", ref,
                       untracked.exit_code);
  for (const std::string* text : {&diff.output, &untracked.output})
    for (const std::string& path : cl::split_nul(*text)) out.insert(root + "/" + path);
  change.root = root;
  change.base = id;
  change.ref = ref;
  change.changed.assign(out.begin(), out.end());
  return std::nullopt;
}

// One thing a run reads or writes, for the output guard: what it is ("the linted file") and its
// path as given.
struct GuardedFile {
  std::string role;
  std::string path;
};

// The output guard: no output may be an input of the run or another output, compared by device
// and inode (file_identity). `outputs` in writing order; `inputs()` is asked only when some output
// already exists (a file that does not exist yet cannot be an input). An error message, or
// std::nullopt.
template <typename Inputs>
std::optional<std::string> guard_outputs(const std::vector<GuardedFile>& outputs, Inputs inputs) {
  std::vector<std::pair<cl::FileIdentity, const GuardedFile*>> seen;
  bool any_exists = false;
  for (const GuardedFile& o : outputs) {
    const auto id = cl::file_identity(o.path);
    if (!id) continue;
    for (const auto& [other, file] : seen)
      if (other == *id)
        return fmt::format("refusing to write '{}': it is also {} '{}'", o.path, file->role,
                           file->path);
    seen.emplace_back(*id, &o);
    any_exists = any_exists || id->name.empty();
  }
  if (!any_exists) return std::nullopt;
  for (const GuardedFile& in : inputs()) {
    const auto id = cl::file_identity(in.path);
    if (!id || !id->name.empty()) continue;
    for (const auto& [other, file] : seen)
      if (other == *id)
        return fmt::format("refusing to write '{}': it is {} '{}'", file->path, in.role, in.path);
  }
  return std::nullopt;
}

// catalog-lint print-config PATH: the configuration that applies to PATH, as JSON.
int print_config(const std::string& path, cl::ConfigResolver& resolver) {
  using json = nlohmann::ordered_json;
  const cl::ResolvedConfig& r = resolver.for_file(path);
  if (r.error) {
    std::cerr << "catalog-lint: " << r.error->format() << "\n";
    return kExitError;
  }
  const cl::Policy& p = r.policy();
  json rules = json::object();
  for (const cl::Rule& rule : cl::Registry::instance().rules())
    rules[rule.info.id] = std::string(cl::to_string(r.rules.severity(rule.id)));
  for (const auto& d : p.declarative_rules)
    if (!rules.contains(d->info.id))
      rules[d->info.id] = std::string(cl::to_string(r.rules.severity(d->info.id)));
  json declarative = json::array();
  for (const auto& d : p.declarative_rules) declarative.push_back(d->info.id);
  const json out = {{"file", path},
                    {"config_file", r.config->file.empty() ? json(nullptr) : json(r.config->file)},
                    {"rules", std::move(rules)},
                    {"policy",
                     {{"annotation_prefix", p.annotation_prefix},
                      {"platform_team", p.platform_team},
                      {"architecture_committee", p.architecture_committee},
                      {"escape_hatch_expiry_warning_days", p.escape_hatch_expiry_warning_days},
                      {"deprecation_notice_days", p.deprecation_notice_days},
                      {"infrastructure_types", p.infrastructure_types},
                      {"known_owners", p.known_owners},
                      {"golden_paths", p.golden_paths},
                      {"declarative_rules", std::move(declarative)}}}};
  std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
  return kExitClean;
}

// A commented starter configuration (catalog-lint init).
constexpr std::string_view kStarterConfig =
    R"(# catalog-lint configuration (docs/policy.md lists every key).
# The nearest .catalog-lint.yaml above a linted file applies, up to the repository root.
# Without `extends:` this file extends the built-in "default" preset; "strict" turns more on.
extends: [default]

# Per-rule severity: error | warning | note | off. `catalog-lint rules` lists the rule ids.
rules:
  missing-golden-path: warning
  # unknown-kind: off          # if your Backstage adds its own kinds

policy:
  annotation_prefix: platform/
  platform_team: group:default/platform-team                     # escalation level 2, approver
  architecture_committee: group:default/architecture-committee   # escalation level 3
  escape_hatch_expiry_warning_days: 14
  deprecation_notice_days: 14
  infrastructure_types: [kubernetes-cluster, eks-cluster, vpc, network, dns-zone]
  known_owners: []     # owners defined outside the linted files, e.g. group:default/sre
  golden_paths: []     # approved template names besides Templates tagged golden-path
)";

}  // namespace

int main(int argc, char** argv) {
  // git may exit before reading all we write to it; a closed stdout pipe is not fatal either.
  std::signal(SIGPIPE, SIG_IGN);
  const ClosedStreams closed = plug_closed_streams();
  cl::set_skip_after_timeout(true);  // a git that hangs costs one deadline per run
  cl::anchor_git_environment();      // GIT_DIR=.git means the same to `git -C DIR`
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
  const CLI::Option* today_opt =
      app.add_option("--today", today, "fix today's date (YYYY-MM-DD) for date-based rules");
  std::string config_file;
  std::vector<std::string> catalogs;
  cl::ConfigLoadOptions load_options;
  app.add_option("--allow-extends-from", load_options.extends_roots,
                 "let config files extend files under DIR too (default: only inside their own "
                 "repository); repeatable")
      ->allow_extra_args(false);
  app.add_option("--config", config_file,
                 "use this config file instead of the nearest .catalog-lint.yaml");
  app.add_option("--catalog", catalogs,
                 "org catalog (folder, file or snapshot) whose entities are looked up, not linted; "
                 "repeatable")
      ->allow_extra_args(false);
  app.add_flag("--quiet,-q", quiet,
               "report only findings at or above --fail-on; print nothing when there are none");
  std::vector<std::string> rule_args, disable_args, limit_args;
  app.add_option("--limit", limit_args,
                 "raise or lower a resource limit: NAME=N with NAME one of file-bytes, depth, "
                 "nodes, documents, scalar-bytes, findings; repeatable")
      ->allow_extra_args(false);
  app.add_option("--rule", rule_args,
                 "set a rule's severity: RULE=error|warning|note|off; repeatable")
      ->allow_extra_args(false);
  app.add_option("--disable", disable_args, "turn a rule off; repeatable")->allow_extra_args(false);
  bool use_stdin = false;
  std::string stdin_filename, baseline_file, write_baseline_file, changed_since;
  app.add_flag("--stdin", use_stdin, "lint standard input instead of files");
  app.add_option("--stdin-filename", stdin_filename,
                 "the file name standard input stands for (config lookup, reports)");
  app.add_option("--baseline", baseline_file, "report only findings not recorded in FILE");
  app.add_option("--write-baseline", write_baseline_file,
                 "record the current findings in FILE (they are then not reported)");
  app.add_option("--changed-since", changed_since,
                 "lint only files git reports changed since REF (plus untracked ones)");
  cl::FixArgs fix_args;  // docs/fixes.md
  app.add_flag("--fix", fix_args.fix, "apply safe fixes in place (with --stdin: print the text)");
  app.add_flag("--diff", fix_args.diff, "print the fixes as a unified diff; write nothing");
  app.add_flag("--unsafe-fixes", fix_args.unsafe, "with --fix or --diff: apply unsafe fixes too");
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
  std::vector<cl::OutputSpec> report_plan;
  cl::lsp::LspArgs lsp_args;
  CLI::App* lsp_cmd = cl::lsp::add_lsp_command(app, lsp_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // --help and --version print to std::cout: check it
    return code == 0 ? checked_stdout(kExitClean, closed) : kExitError;
  }
  if (!cl::child_timeout_from_env()) {
    std::cerr << fmt::format(
        "catalog-lint: error: {} '{}' is not a whole number of milliseconds from 1 to {}\n",
        cl::kChildTimeoutVariable, cl::printable(std::getenv(cl::kChildTimeoutVariable)),
        cl::kMaxChildTimeoutMs);
    return kExitError;
  }
  if (*rules_cmd) return checked_stdout(print_rules(), closed);
  if (*lsp_cmd) return cl::lsp::run_lsp(lsp_args);
  if (*explain_cmd) return checked_stdout(explain(explain_id), closed);
  if (*snapshot_cmd) {
    cl::Limits snapshot_limits;
    if (const auto error = apply_limits(snapshot_args.limit_args, snapshot_limits)) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
      return kExitError;
    }
    return checked_stdout(cl::run_snapshot(snapshot_args, snapshot_limits), closed);
  }
  if (*init_cmd) {
    const std::string path = ".catalog-lint.yaml";
    // A symlink counts as there even when it leads nowhere: writing would create its target,
    // wherever a checked-out repository points it.
    std::error_code ec;
    if (!init_force && std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
      std::cerr << "catalog-lint: error: .catalog-lint.yaml exists; use --force to overwrite\n";
      return kExitError;
    }
    if (const auto error = cl::write_output(path, kStarterConfig)) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
      return kExitError;
    }
    std::cout << "wrote .catalog-lint.yaml\n";
    return checked_stdout(kExitClean, closed);
  }

  if (today_opt->count() > 0 && !cl::parse_date_days(today)) {
    std::cerr << fmt::format("catalog-lint: error: --today '{}' is not a date (YYYY-MM-DD)\n",
                             today);
    return kExitError;
  }
  if (*report_cmd) {  // the report's own outputs, or the whole of a --merge
    if (const auto code = cl::report_prepare(report_args, report_plan))
      return checked_stdout(*code, closed);
    if (!report_args.paths.empty()) paths = report_args.paths;
  }
  if (paths.empty()) paths.push_back(".");

  cl::LintOptions options;
  options.keep_index = report_cmd->parsed();
  std::map<std::string, cl::Severity, std::less<>> command_line;
  if (const auto error = command_line_rules(rule_args, disable_args, command_line)) {
    std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
    return kExitError;
  }
  options.config.apply(command_line);
  if (const auto error = apply_limits(limit_args, options.limits)) {
    std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
    return kExitError;
  }
  if (!stdin_filename.empty() && !use_stdin) {
    std::cerr << "catalog-lint: error: --stdin-filename needs --stdin\n";
    return kExitError;
  }
  if (use_stdin && !paths.empty() && !(paths.size() == 1 && paths[0] == ".")) {
    std::cerr << "catalog-lint: error: --stdin takes no paths (use --stdin-filename NAME)\n";
    return kExitError;
  }
  if (fix_args.unsafe && !fix_args.any()) {
    std::cerr << "catalog-lint: error: --unsafe-fixes needs --fix or --diff\n";
    return kExitError;
  }
  if (!baseline_file.empty() && !write_baseline_file.empty()) {
    std::cerr << "catalog-lint: error: --baseline and --write-baseline cannot be combined; "
                 "--write-baseline already reads the file it updates\n";
    return kExitError;
  }
  options.jobs = jobs;
  options.today = today;
  options.catalogs = catalogs;
  for (const std::string& c : catalogs) {
    // A FIFO or device is never opened (it could block or never end): only a folder or a file.
    struct stat st {};
    const bool exists = ::stat(c.c_str(), &st) == 0;
    std::string why;
    if (!exists && errno == ENOENT)
      why = "no such file or directory";
    else if (!exists || ::access(c.c_str(), R_OK) != 0)
      why = fmt::format("cannot read it: {}", std::strerror(errno));
    else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
      why =
          "not a folder or a regular file (a FIFO, socket or device); give the org catalog's "
          "folder";
    if (!why.empty()) {
      std::cerr << fmt::format("catalog-lint: error: --catalog '{}': {}\n", cl::printable(c), why);
      return kExitError;
    }
  }
  std::shared_ptr<const cl::Config> explicit_config;
  try {
    if (!config_file.empty())
      explicit_config =
          std::make_shared<const cl::Config>(cl::load_config_file(config_file, load_options));
    options.resolver = std::make_shared<cl::ConfigResolver>(options.config, explicit_config,
                                                            !catalogs.empty(), load_options);
    options.resolver->set_command_line(command_line);
    if (*print_config_cmd)
      return checked_stdout(print_config(print_config_path, *options.resolver), closed);
  } catch (const cl::ConfigError& e) {
    std::cerr << "catalog-lint: " << cl::printable(e.format()) << "\n";
    return kExitError;
  }
  cl::Discovery found;
  if (!use_stdin) found = cl::discover(paths);
  for (const auto& [path, reason] : found.errors)
    std::cerr << fmt::format("catalog-lint: error: {}: {}\n", cl::printable(path), reason);
  if (options.resolver) {
    // include/exclude of each file's config narrow directory discovery (named files stay).
    std::vector<std::string> kept;
    std::vector<bool> kept_walked;
    options.resolver->set_listed_dirs(&found.listed);
    try {
      for (std::size_t i = 0; i < found.files.size(); ++i)
        if (!found.walked[i] ||
            options.resolver->for_file(found.files[i]).config->discovers(found.files[i])) {
          kept.push_back(found.files[i]);
          kept_walked.push_back(found.walked[i]);
        }
    } catch (const cl::ConfigError& e) {
      std::cerr << "catalog-lint: " << cl::printable(e.format()) << "\n";
      return kExitError;
    }
    found.files = std::move(kept);
    found.walked = std::move(kept_walked);
    options.resolver->set_listed_dirs(nullptr);  // every file's directory is looked up now
    found.listed = {};
  }
  if (!changed_since.empty()) {
    std::set<std::string> changed;
    auto change = std::make_shared<cl::ChangeSet>();
    if (const auto error = changed_files(changed_since, changed, *change)) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", cl::printable(*error));
      return kExitError;
    }
    std::vector<std::string> kept;
    for (const std::string& f : found.files) {
      std::error_code ec;
      if (changed.count(std::filesystem::weakly_canonical(f, ec).string()))
        kept.push_back(f);
      else
        change->others.push_back(f);  // linted too when the change affects them
    }
    found.files = std::move(kept);
    options.change = std::move(change);
  }

  // The output plan, checked before any work: formats, files, at most one to stdout.
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
  if (*report_cmd) plan = report_plan;  // guarded below like any output
  cl::LintResult result;
  cl::FixInput fix_input{found.files, use_stdin, "", ""};
  try {
    if (use_stdin) {
      if (closed.in) {
        std::cerr << "catalog-lint: error: cannot read standard input: it is closed\n";
        return kExitError;
      }
      // Read at most one byte over the size limit: enough to know the input is too big.
      const std::size_t limit = options.limits.max_file_bytes;
      std::string bytes;
      char buf[65536];
      while (bytes.size() <= limit) {
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          std::cerr << fmt::format("catalog-lint: error: cannot read standard input: {}\n",
                                   std::strerror(errno));
          return kExitError;
        }
        if (n == 0) break;
        bytes.append(buf, static_cast<std::size_t>(n));
      }
      const std::string name = stdin_filename.empty() ? "<stdin>" : stdin_filename;
      std::vector<cl::FileResult> one;
      if (fix_args.any()) fix_input.stdin_name = name, fix_input.stdin_bytes = bytes;
      one.push_back(cl::lint_bytes(name, std::move(bytes), options));
      result = cl::finish(std::move(one), options);
    } else {
      result = cl::lint_files(found.files, options);  // finds each file's config first
    }
  } catch (const cl::ConfigError& e) {
    std::cerr << "catalog-lint: " << cl::printable(e.format()) << "\n";
    return kExitError;
  }
  // Invalid config files are findings (invalid-config) and, as run errors, on stderr too, unless
  // the human report on standard output already shows them (once is enough on a terminal).
  const bool human_on_stdout = std::any_of(plan.begin(), plan.end(), [](const cl::OutputSpec& s) {
    return s.to_stdout() && s.format == "human";
  });
  if (!human_on_stdout)
    for (const cl::ConfigError& e : options.resolver->claimed_errors())
      std::cerr << "catalog-lint: " << cl::printable(e.format()) << "\n";
  // The output guard, before anything is written: no output (baseline, report files) may be an
  // input of the run (a linted file, Location targets included; a config; the baseline; the file
  // standard input stands for; a --catalog file) or another output.
  {
    std::vector<GuardedFile> outputs;
    if (!write_baseline_file.empty())
      outputs.push_back({"the --write-baseline file", write_baseline_file});
    for (const cl::OutputSpec& spec : plan)
      if (!spec.to_stdout()) outputs.push_back({"the output file", spec.file});
    auto inputs = [&] {
      std::vector<GuardedFile> in;
      if (use_stdin) {
        if (!stdin_filename.empty()) in.push_back({"the --stdin-filename file", stdin_filename});
      } else {
        for (const std::string& f : result.linted) in.push_back({"the linted file", f});
      }
      for (const std::string& f : options.resolver->config_files())
        in.push_back({"the config file", f});
      if (!baseline_file.empty()) in.push_back({"the --baseline file", baseline_file});
      if (!catalogs.empty())
        for (const std::string& f : cl::discover(catalogs).files)
          in.push_back({"the --catalog file", f});
      else if (const auto sources = options.resolver->catalog_sources(); !sources.empty())
        for (const std::string& f : cl::discover(sources).files)
          in.push_back({"the catalog file", f});
      return in;
    };
    if (const auto error = guard_outputs(outputs, inputs)) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", cl::printable(*error));
      return kExitError;
    }
  }
  // Fixes (docs/fixes.md), after the output guard and before the baseline: what is left is
  // what the reports show.
  if (fix_args.any()) {
    const auto fixed = cl::run_fixes(fix_args, fix_input, options, *cl::parse_severity(fail_on),
                                     result, std::cout, std::cerr);
    if (fixed.exit_code) return checked_stdout(*fixed.exit_code, closed);
  }
  if (!write_baseline_file.empty() || !baseline_file.empty()) {
    const std::string root = cl::find_repo_root();
    try {
      if (!write_baseline_file.empty()) {
        // Entries of files this run did not lint stay (writing from a subset of the files).
        std::vector<cl::BaselineEntry> keep;
        if (std::filesystem::exists(write_baseline_file))
          keep = cl::entries_of_other_files(cl::load_baseline(write_baseline_file), result, root);
        if (const auto error =
                cl::write_output(write_baseline_file, cl::baseline_json(result, root, keep))) {
          std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
          return kExitError;
        }
        // What was just recorded is accepted: report it as suppressed, like a later run would.
        cl::apply_baseline(cl::load_baseline(write_baseline_file), result, root,
                           cl::rules_for(write_baseline_file, options),
                           options.limits.max_findings);
      } else {
        cl::apply_baseline(cl::load_baseline(baseline_file), result, root,
                           cl::rules_for(baseline_file, options), options.limits.max_findings);
      }
    } catch (const std::runtime_error& e) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", e.what());
      return kExitError;
    }
  }
  if (*report_cmd)
    return checked_stdout(cl::run_report(report_args, plan, result, options), closed);
  // Output dispatch: every requested format, files written atomically, at most one to stdout.
  bool write_failed = false;
  for (const cl::OutputSpec& spec : plan) {
    std::ostringstream text;
    if (spec.format == "json") {
      cl::report_json(text, result, found.errors);
    } else if (spec.format == "sarif") {
      cl::SarifOptions sarif;
      sarif.root = cl::find_repo_root();
      sarif.category = sarif_category;
      sarif.config = &options.config;
      sarif.extra_rules = options.resolver->declared_rules();
      sarif.path_errors = found.errors;
      cl::report_sarif(text, result, sarif);
    } else if (spec.format == "github") {
      cl::report_github(text, result, cl::GithubOptions{cl::find_repo_root()});
    } else if (spec.format == "junit") {
      cl::report_junit(text, result, cl::JunitOptions{found.files, *cl::parse_severity(fail_on)});
    } else {
      cl::HumanOptions human;
      human.quiet = quiet;
      human.quiet_threshold = *cl::parse_severity(fail_on);
      const char* term = std::getenv("TERM");
      human.color =
          spec.to_stdout() && (color == "always" || (color == "auto" && isatty(STDOUT_FILENO) &&
                                                     std::getenv("NO_COLOR") == nullptr &&
                                                     !(term && std::string(term) == "dumb")));
      cl::report_human(text, result, human);
    }
    if (!text) {  // the report could not be built in memory (a failed allocation sets badbit)
      std::cerr << fmt::format(
          "catalog-lint: error: the {} report could not be built (out of memory); nothing was "
          "written for it\n",
          spec.format);
      write_failed = true;
      continue;
    }
    // Standard output is written at once, unbuffered: a file output may be the same stream
    // (/dev/stdout), and must come after it.
    const auto error = spec.to_stdout() ? write_stdout(text.str(), closed)
                                        : cl::write_output(spec.file, text.str());
    if (error) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", cl::printable(*error));
      write_failed = true;
    }
  }
  if (write_failed) return kExitError;

  if (result.io_error || result.internal_error || !found.errors.empty()) return kExitError;
  const cl::Severity threshold = *cl::parse_severity(fail_on);
  for (const auto& d : result.diagnostics)
    if (!d.suppressed)
      if (d.severity >= threshold) return kExitFindings;
  return kExitClean;
}
