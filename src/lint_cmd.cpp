// The lint run of the command line (lint_cmd.h).
#include "lint_cmd.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "config_cmd.h"
#include "core/baseline.h"
#include "core/date.h"
#include "core/discover.h"
#include "core/linter.h"
#include "core/process.h"
#include "core/source.h"
#include "report/output.h"
#include "report/report.h"
#include "report_cmd.h"
#include "skeleton_option.h"

namespace catalog_lint {

namespace {

// Files git reports changed since `ref` (committed, staged, unstaged) plus untracked ones, as
// absolute paths; an error message when git cannot tell. `ref` is checked to be a commit first
// (`rev-parse --verify --end-of-options REF^{commit}`) and only its resolved id reaches `git diff`:
// a value such as `--output=FILE` is never taken as an option.
std::optional<std::string> changed_files(const std::string& ref, std::set<std::string>& out,
                                         ChangeSet& change) {
  const std::string root = find_repo_root();
  auto killed = [&](const CommandResult& r) {
    return fmt::format("--changed-since '{}': git {}; the changed files are unknown", ref,
                       r.killed);
  };
  const CommandResult rev = run_command(
      {"git", "-C", root, "rev-parse", "-q", "--verify", "--end-of-options", ref + "^{commit}"});
  if (!rev.killed.empty()) return killed(rev);
  std::string id = rev.output;
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  if (rev.exit_code != 0 || id.empty() ||
      id.find_first_not_of("0123456789abcdef") != std::string::npos)
    return fmt::format(
        "--changed-since '{}' is not a commit in this repository; give a branch, tag or commit id",
        ref);
  // The plumbing diff-index (not `git diff`): it refreshes no index, so it writes nothing and runs
  // no index hook; a file whose stat data alone changed is listed too (linted once more, never
  // missed). Comparing a file's content hashes it through the clean filter its attributes name
  // (gitattributes(5) "filter"): every filter driver of the repository's config is emptied
  // (an empty command is no filter).
  std::vector<std::string> argv = {"git", "-C", root};
  const CommandResult drivers =
      run_command({"git", "-C", root, "config", "-z", "--name-only", "--get-regexp", "^filter\\."});
  if (!drivers.killed.empty()) return killed(drivers);
  std::set<std::string> names;
  for (const std::string& key : split_nul(drivers.output))
    if (const std::size_t dot = key.rfind('.'); dot > 7) names.insert(key.substr(7, dot - 7));
  for (const std::string& name : names)
    for (const char* part : {"clean", "smudge", "process"})
      argv.insert(argv.end(), {"-c", fmt::format("filter.{}.{}=", name, part)});
  argv.insert(argv.end(), {"diff-index", "--name-only", "-z", id, "--"});
  const CommandResult diff = run_command(argv);
  if (!diff.killed.empty()) return killed(diff);
  if (diff.exit_code != 0)
    return fmt::format("--changed-since '{}': git diff-index failed (exit code {})", ref,
                       diff.exit_code);
  const CommandResult untracked = run_command(
      {"git", "-C", root, "ls-files", "--others", "--exclude-standard", "--full-name", "-z"});
  if (!untracked.killed.empty()) return killed(untracked);
  if (untracked.exit_code != 0)
    return fmt::format("--changed-since '{}': git ls-files failed (exit code {})", ref,
                       untracked.exit_code);
  for (const std::string* text : {&diff.output, &untracked.output})
    for (const std::string& path : split_nul(*text)) out.insert(root + "/" + path);
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
  std::vector<std::pair<FileIdentity, const GuardedFile*>> seen;
  bool any_exists = false;
  for (const GuardedFile& o : outputs) {
    // A new `.catalog-lint.yaml` would be the configuration of its folder from the next run on
    // (every run then fails on a JSON report or baseline as config).
    // (In any case: on a case-insensitive file system `.CATALOG-LINT.YAML` is that file.)
    std::string name = std::filesystem::path(o.path).filename().string();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (o.path != "/dev/stdout" && name == kConfigFileName)
      return fmt::format(
          "refusing to write '{}': a file named {} is read as the configuration of "
          "its folder",
          o.path, kConfigFileName);
    const auto id = file_identity(o.path);
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
    const auto id = file_identity(in.path);
    if (!id || !id->name.empty()) continue;
    for (const auto& [other, file] : seen)
      if (other == *id)
        return fmt::format("refusing to write '{}': it is {} '{}'", file->path, in.role, in.path);
  }
  return std::nullopt;
}

// Reads standard input, at most one byte over `limit` (enough to know the input is too big),
// into `bytes`; an error message when it cannot be read.
std::optional<std::string> read_stdin(std::size_t limit, std::string& bytes) {
  char buf[65536];
  while (bytes.size() <= limit) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fmt::format("cannot read standard input: {}", std::strerror(errno));
    if (n == 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

// Output dispatch: every format of `plan` built from `result`, files written atomically, at most
// one to standard output. False (each failure said on stderr) when some report could not be
// built or written; the others are still written.
bool write_reports(const std::vector<OutputSpec>& plan, const LintArgs& args,
                   const LintResult& result, const Discovery& found, const LintOptions& options,
                   const ClosedStreams& closed) {
  bool write_failed = false;
  for (const OutputSpec& spec : plan) {
    std::ostringstream text;
    if (spec.format == "json") {
      report_json(text, result, found.errors);
    } else if (spec.format == "sarif") {
      SarifOptions sarif;
      sarif.root = find_repo_root();
      sarif.category = args.sarif_category;
      sarif.config = &options.config;
      sarif.extra_rules = options.resolver->declared_rules();
      sarif.path_errors = found.errors;
      report_sarif(text, result, sarif);
    } else if (spec.format == "github") {
      report_github(text, result, GithubOptions{find_repo_root()});
    } else if (spec.format == "junit") {
      report_junit(text, result, JunitOptions{found.files, *parse_severity(args.fail_on)});
    } else {
      HumanOptions human;
      human.quiet = args.quiet;
      human.quiet_threshold = *parse_severity(args.fail_on);
      human.path_errors = found.errors.size();
      const char* term = std::getenv("TERM");
      human.color = spec.to_stdout() &&
                    (args.color == "always" || (args.color == "auto" && isatty(STDOUT_FILENO) &&
                                                std::getenv("NO_COLOR") == nullptr &&
                                                !(term && std::string(term) == "dumb")));
      report_human(text, result, human);
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
    // Standard error named as a file (`json=/dev/stderr`) when it was closed: that is /dev/null
    // now, and the report would be lost without a word.
    const bool to_closed_stderr =
        closed.err &&
        (spec.file == "/dev/stderr" || spec.file == "/dev/fd/2" || spec.file == "/proc/self/fd/2");
    const auto error =
        to_closed_stderr
            ? std::optional<std::string>(fmt::format(
                  "cannot write the report to '{}': standard error is closed", spec.file))
        : spec.to_stdout() ? write_stdout(text.str(), closed)
                           : write_output(spec.file, text.str());
    if (error) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", printable(*error));
      write_failed = true;
    }
  }
  return !write_failed;
}

// Refuses an empty value ("--baseline ''"): in CI it is an unset variable, and the option would
// silently do nothing.
const CLI::Validator kNotEmpty(
    [](const std::string& value) {
      return value.empty() ? std::string("an empty value (an unset variable?)") : std::string();
    },
    "");

}  // namespace

void add_lint_options(CLI::App& app, LintArgs& args) {
  app.add_option("paths", args.paths, "files or directories to lint (default: .)");
  args.format_opt =
      app.add_option("--format", args.formats,
                     "output format: human|json|sarif|github|junit, or FORMAT=FILE; repeatable")
          ->allow_extra_args(false);
  args.output_opt = app.add_option("--output,-o", args.outputs,
                                   "write the preceding --format to FILE; repeatable")
                        ->allow_extra_args(false)
                        ->check(kNotEmpty);
  app.add_option("--sarif-category", args.sarif_category,
                 "SARIF automationDetails.id (category/run)")
      ->check(kNotEmpty);
  app.add_option("--color", args.color, "colour in human output")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--fail-on", args.fail_on, "lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  app.add_option("--jobs,-j", args.jobs, "worker threads (default: number of cores)")
      ->check(CLI::Range(1u, 1024u));
  args.today_opt =
      app.add_option("--today", args.today, "fix today's date (YYYY-MM-DD) for date-based rules");
  app.add_option("--allow-extends-from", args.load_options.extends_roots,
                 "let config files extend files under DIR too (default: only inside their own "
                 "repository); repeatable")
      ->allow_extra_args(false)
      ->check(kNotEmpty);
  app.add_option("--config", args.config_file,
                 "use this config file instead of the nearest .catalog-lint.yaml")
      ->check(kNotEmpty);
  app.add_option("--catalog", args.catalogs,
                 "org catalog (folder, file or snapshot) whose entities are looked up, not linted; "
                 "repeatable")
      ->allow_extra_args(false)
      ->check(kNotEmpty);
  app.add_flag("--quiet,-q", args.quiet,
               "report only findings at or above --fail-on; print nothing when there are none");
  app.add_option("--limit", args.limit_args,
                 "raise or lower a resource limit: NAME=N with NAME one of file-bytes, depth, "
                 "nodes, documents, scalar-bytes, findings; repeatable")
      ->allow_extra_args(false);
  app.add_option("--rule", args.rule_args,
                 "set a rule's severity: RULE=error|warning|note|off; repeatable")
      ->allow_extra_args(false);
  app.add_option("--disable", args.disable_args, "turn a rule off; repeatable")
      ->allow_extra_args(false);
  app.add_flag("--stdin", args.use_stdin, "lint standard input instead of files");
  app.add_option("--stdin-filename", args.stdin_filename,
                 "the file name standard input stands for (config lookup, reports)")
      ->check(kNotEmpty);
  app.add_option("--baseline", args.baseline_file, "report only findings not recorded in FILE")
      ->check(kNotEmpty);
  app.add_option("--write-baseline", args.write_baseline_file,
                 "record the current findings in FILE (they are then not reported)")
      ->check(kNotEmpty);
  app.add_option(
         "--changed-since", args.changed_since,
         "lint the files git reports changed since REF (plus untracked ones) and the files the "
         "change affects")
      ->check(kNotEmpty);
  app.add_flag("--fix", args.fix_args.fix,
               "apply safe fixes in place (with --stdin: print the text)");
  app.add_flag("--diff", args.fix_args.diff, "print the fixes as a unified diff; write nothing");
  app.add_flag("--unsafe-fixes", args.fix_args.unsafe,
               "with --fix or --diff: apply unsafe fixes too");
  add_skeleton_option(app, args.skeletons);
  app.add_flag("--skip-non-entities", args.skip_non_entities,
               "skip named files that a folder walk would skip (no Backstage apiVersion or kind, "
               "not named catalog-info.yaml); the pre-commit hook passes it");
}

int run_lint(LintArgs& args, const LintMode& mode, const ClosedStreams& closed) {
  std::vector<std::string>& paths = args.paths;
  const std::string &today = args.today, &fail_on = args.fail_on;
  const std::vector<std::string>&formats = args.formats, &outputs = args.outputs,
        &catalogs = args.catalogs;
  const std::string& config_file = args.config_file;
  const std::string &stdin_filename = args.stdin_filename, &baseline_file = args.baseline_file,
                    &write_baseline_file = args.write_baseline_file,
                    &changed_since = args.changed_since;
  const bool use_stdin = args.use_stdin;
  const FixArgs& fix_args = args.fix_args;
  const ConfigLoadOptions& load_options = args.load_options;
  std::vector<OutputSpec> report_plan;
  if (args.today_opt != nullptr && args.today_opt->count() > 0 && !parse_date_days(today)) {
    std::cerr << fmt::format("catalog-lint: error: --today '{}' is not a date (YYYY-MM-DD)\n",
                             today);
    return kExitError;
  }
  if (mode.report) {  // the report's own outputs, or the whole of a --merge
    if (const auto code = report_prepare(*mode.report, report_plan, closed)) return *code;
    if (!mode.report->paths.empty()) paths = mode.report->paths;
  }
  if (paths.empty()) paths.push_back(".");

  LintOptions options;
  options.keep_index = mode.report != nullptr;
  std::map<std::string, Severity, std::less<>> command_line;
  if (const auto error = command_line_rules(args.rule_args, args.disable_args, command_line)) {
    std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
    return kExitError;
  }
  options.config.apply(command_line);
  if (const auto error = apply_limits(args.limit_args, options.limits)) {
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
  if ((mode.report || mode.print_config) && (fix_args.any() || !write_baseline_file.empty())) {
    // They would rewrite files or a baseline behind a command that only reads.
    std::cerr << fmt::format(
        "catalog-lint: error: {} takes no {}; run `catalog-lint {}` on its own first\n",
        mode.report ? "report" : "print-config",
        fix_args.fix    ? "--fix"
        : fix_args.diff ? "--diff"
                        : "--write-baseline",
        fix_args.fix    ? "--fix"
        : fix_args.diff ? "--diff"
                        : "--write-baseline FILE");
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
  options.jobs = args.jobs;
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
      std::cerr << fmt::format("catalog-lint: error: --catalog '{}': {}\n", printable(c), why);
      return kExitError;
    }
  }
  std::shared_ptr<const Config> explicit_config;
  try {
    if (!config_file.empty())
      explicit_config = std::make_shared<const Config>(load_config_file(config_file, load_options));
    options.resolver = std::make_shared<ConfigResolver>(options.config, explicit_config,
                                                        !catalogs.empty(), load_options);
    options.resolver->set_command_line(command_line);
    if (mode.print_config)
      return checked_stdout(print_config(*mode.print_config, *options.resolver), closed);
  } catch (const ConfigError& e) {
    std::cerr << "catalog-lint: " << printable(e.format()) << "\n";
    return kExitError;
  }
  Discovery found;
  if (!use_stdin) found = discover(paths, /*note_skeletons=*/false);
  plan_skeletons(args.skeletons, found, options);
  options.skip_non_entities = args.skip_non_entities;
  for (const auto& [path, reason] : found.errors)
    std::cerr << fmt::format("catalog-lint: error: {}: {}\n", printable(path), reason);
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
    } catch (const ConfigError& e) {
      std::cerr << "catalog-lint: " << printable(e.format()) << "\n";
      return kExitError;
    }
    found.files = std::move(kept);
    found.walked = std::move(kept_walked);
    options.resolver->set_listed_dirs(nullptr);  // every file's directory is looked up now
    found.listed = {};
  }
  if (!changed_since.empty()) {
    std::set<std::string> changed;
    auto change = std::make_shared<ChangeSet>();
    if (const auto error = changed_files(changed_since, changed, *change)) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", printable(*error));
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
  std::vector<OutputArg> output_args;
  std::size_t next_format = 0, next_output = 0;
  for (const CLI::Option* opt : args.parse_order) {
    if (opt == args.format_opt && next_format < formats.size())
      output_args.push_back({true, formats[next_format++]});
    else if (opt == args.output_opt && next_output < outputs.size())
      output_args.push_back({false, outputs[next_output++]});
  }
  std::vector<OutputSpec> plan;
  if (const auto error = plan_outputs(output_args, plan)) {
    std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
    return kExitError;
  }
  if (mode.report) plan = report_plan;  // guarded below like any output
  // Only a run that writes files (standard output redirected to one included) needs to know
  // what its placeholders read (the output guard).
  struct stat stdout_stat {};
  const bool stdout_to_file =
      ::fstat(STDOUT_FILENO, &stdout_stat) == 0 && S_ISREG(stdout_stat.st_mode);
  options.collect_placeholder_targets =
      !write_baseline_file.empty() || stdout_to_file ||
      std::any_of(plan.begin(), plan.end(), [](const OutputSpec& s) { return !s.to_stdout(); });
  LintResult result;
  FixInput fix_input{found.files, use_stdin, "", ""};
  try {
    if (use_stdin) {
      if (closed.in) {
        std::cerr << "catalog-lint: error: cannot read standard input: it is closed\n";
        return kExitError;
      }
      std::string bytes;
      if (const auto error = read_stdin(options.limits.max_file_bytes, bytes)) {
        std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
        return kExitError;
      }
      const std::string name = stdin_filename.empty() ? "<stdin>" : stdin_filename;
      std::vector<FileResult> one;
      if (fix_args.any()) fix_input.stdin_name = name, fix_input.stdin_bytes = bytes;
      one.push_back(lint_bytes(name, std::move(bytes), options));
      result = finish(std::move(one), options);
    } else {
      result = lint_files(found.files, options);  // finds each file's config first
    }
  } catch (const ConfigError& e) {
    std::cerr << "catalog-lint: " << printable(e.format()) << "\n";
    return kExitError;
  }
  note_skipped_skeletons(result);
  note_skipped_non_entities(result);
  // Nothing found to lint is worth a word (as ruff says "No Python files found"): a typo in the
  // path, or a repository whose entity files have other names. Not an error: exit 0.
  if (!use_stdin && changed_since.empty() && mode.report == nullptr && result.files == 0 &&
      result.skipped_skeletons.empty() && result.skipped_not_entities.empty() &&
      found.errors.empty())
    std::cerr << fmt::format(
        "catalog-lint: warning: no catalog files found in {}; a folder walk takes "
        "catalog-info.yaml, other catalog-*.yaml files with a Backstage kind, and YAML files "
        "that declare a Backstage apiVersion\n",
        paths.size() == 1 ? fmt::format("'{}'", printable(paths[0]))
                          : fmt::format("the {} paths given", paths.size()));
  // Invalid config files are findings (invalid-config) and, as run errors, on stderr too, unless
  // the human report on standard output already shows them (once is enough on a terminal).
  const bool human_on_stdout = std::any_of(plan.begin(), plan.end(), [](const OutputSpec& s) {
    return s.to_stdout() && s.format == "human";
  });
  if (!human_on_stdout)
    for (const ConfigError& e : options.resolver->claimed_errors())
      std::cerr << "catalog-lint: " << printable(e.format()) << "\n";
  // The output guard, before anything is written: no output (baseline, report files) may be an
  // input of the run (a linted file, Location targets included; a config; the baseline; the file
  // standard input stands for; a --catalog file) or another output.
  {
    std::vector<GuardedFile> outputs;
    if (!write_baseline_file.empty())
      outputs.push_back({"the --write-baseline file", write_baseline_file});
    for (const OutputSpec& spec : plan)
      if (!spec.to_stdout()) outputs.push_back({"the output file", spec.file});
    // Standard output redirected to a file (`>> catalog-info.yaml`) is an output like the others.
    if (stdout_to_file) outputs.push_back({"standard output", "/dev/stdout"});
    auto inputs = [&] {
      std::vector<GuardedFile> in;
      if (use_stdin) {
        if (!stdin_filename.empty()) in.push_back({"the --stdin-filename file", stdin_filename});
      } else {
        for (const std::string& f : result.linted) in.push_back({"the linted file", f});
        for (const std::string& f : result.skipped_skeletons) in.push_back({"an input file", f});
        for (const std::string& f : result.skipped_not_entities) in.push_back({"an input file", f});
      }
      for (const std::string& f : result.placeholder_targets)
        in.push_back({"the file a $text/$json/$yaml placeholder reads", f});
      for (const std::string& f : options.resolver->config_files())
        in.push_back({"the config file", f});
      if (!baseline_file.empty()) in.push_back({"the --baseline file", baseline_file});
      if (!catalogs.empty())
        for (const std::string& f : discover(catalogs, false).files)
          in.push_back({"the --catalog file", f});
      else if (const auto sources = options.resolver->catalog_sources(); !sources.empty())
        for (const std::string& f : discover(sources, false).files)
          in.push_back({"the catalog file", f});
      return in;
    };
    if (const auto error = guard_outputs(outputs, inputs)) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", printable(*error));
      return kExitError;
    }
  }
  // Fixes (docs/fixes.md), after the output guard and before the baseline: what is left is
  // what the reports show.
  if (fix_args.any()) {
    FixArgs shown = fix_args;
    shown.show_carriage_returns = fix_args.diff && isatty(STDOUT_FILENO) != 0;
    const auto fixed = run_fixes(shown, fix_input, options, *parse_severity(fail_on), result,
                                 std::cout, std::cerr);
    if (fixed.exit_code) return checked_stdout(*fixed.exit_code, closed);
  }
  if (!write_baseline_file.empty() || !baseline_file.empty()) {
    // Entries are relative to the repository holding the baseline, wherever the run starts.
    const std::string root =
        repo_root_for(write_baseline_file.empty() ? baseline_file : write_baseline_file);
    try {
      if (!write_baseline_file.empty()) {
        // Entries of files this run did not lint stay (writing from a subset of the files).
        std::vector<BaselineEntry> keep;
        if (std::filesystem::exists(write_baseline_file))
          keep = entries_of_other_files(load_baseline(write_baseline_file), result, root);
        if (const auto error =
                write_output(write_baseline_file, baseline_json(result, root, keep))) {
          std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
          return kExitError;
        }
        // What was just recorded is accepted: report it as suppressed, like a later run would.
        const Baseline written = load_baseline(write_baseline_file);
        apply_baseline(written, result, root, rules_for(write_baseline_file, options),
                       options.limits.max_findings);
        // Said on stderr, as `ruff --add-noqa` says what it added: the reports then show the
        // findings as suppressed, which alone reads like nothing happened.
        std::cerr << fmt::format(
            "catalog-lint: recorded {} finding{} in baseline '{}'{}\n", written.entries.size(),
            written.entries.size() == 1 ? "" : "s", printable(write_baseline_file),
            keep.empty() ? ""
                         : fmt::format(" ({} kept from files this run did not lint)", keep.size()));
      } else {
        apply_baseline(load_baseline(baseline_file), result, root,
                       rules_for(baseline_file, options), options.limits.max_findings);
      }
    } catch (const std::runtime_error& e) {
      std::cerr << fmt::format("catalog-lint: error: {}\n", e.what());
      return kExitError;
    }
  }
  if (mode.report) {
    // A path that could not be read fails the run, as a lint's does (docs/report.md).
    const int code = run_report(*mode.report, plan, result, options, closed);
    return code == kExitClean && !found.errors.empty() ? kExitError : code;
  }
  if (!write_reports(plan, args, result, found, options, closed)) return kExitError;

  if (result.io_error || result.internal_error || !found.errors.empty()) return kExitError;
  const Severity threshold = *parse_severity(fail_on);
  for (const auto& d : result.diagnostics)
    if (!d.suppressed)
      if (d.severity >= threshold) return kExitFindings;
  return kExitClean;
}

}  // namespace catalog_lint
