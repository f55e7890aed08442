#include "report_cmd.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli_support.h"
#include "core/file_io.h"
#include "core/registry.h"
#include "core/repo.h"
#include "report/report.h"
#include "report/team_report.h"

namespace catalog_lint {

namespace {

void error(const std::string& message) {
  std::cerr << "catalog-lint: error: " << printable(message) << "\n";
}

bool is_report_format(const std::string& f) {
  return f == "json" || f == "markdown" || f == "html";
}

// Reads and checks one report JSON (--compare, --merge): an error message or the report.
std::optional<team::Json> read_report(const std::string& path, std::string_view option,
                                      std::string& why) {
  const FileBytes f = read_regular_file(path, team::kMaxInputBytes);
  if (f.too_big) {
    why = fmt::format("{} '{}' is {} bytes, over the limit of {} for a report", option, path,
                      f.size, team::kMaxInputBytes);
    return std::nullopt;
  }
  if (!f.error.empty()) {
    why = fmt::format("{} '{}': cannot read it: {}", option, path, f.error);
    return std::nullopt;
  }
  std::string inner;
  auto j = team::parse_input(f.bytes, path, inner);
  if (!j) why = fmt::format("{} {}", option, inner);
  return j;
}

// No output may be a report this run reads (--compare, --merge) or another output.
std::optional<std::string> guard(const std::vector<OutputSpec>& plan, const ReportArgs& args) {
  std::vector<std::pair<FileIdentity, std::string>> seen;
  for (const OutputSpec& o : plan) {
    if (o.to_stdout()) continue;
    const auto id = file_identity(o.file);
    if (!id) continue;
    for (const auto& [other, name] : seen)
      if (other == *id)
        return fmt::format("refusing to write '{}': it is also the output file '{}'", o.file, name);
    seen.emplace_back(*id, o.file);
    std::vector<std::pair<std::string, std::string>> inputs;
    if (!args.compare.empty()) inputs.emplace_back("the --compare file", args.compare);
    for (const std::string& m : args.merge) inputs.emplace_back("a --merge file", m);
    for (const auto& [role, path] : inputs)
      if (const auto in = file_identity(path); in && in->name.empty() && *in == *id)
        return fmt::format("refusing to write '{}': it is {} '{}'", o.file, role, path);
  }
  return std::nullopt;
}

// Writes `report` (and the comparison, when --compare) in every planned format.
int write_all(const ReportArgs& args, const std::vector<OutputSpec>& plan, const team::Json& report,
              const ClosedStreams& closed) {
  std::optional<team::Json> comparison;
  if (!args.compare.empty()) {
    std::string why;
    const auto old = read_report(args.compare, "--compare", why);
    if (!old) {
      error(why);
      return kExitError;
    }
    // Its teams are recomputed from its checked records: what compare() reads is never taken
    // from the file as is.
    team::Json again = std::move(*old);
    team::aggregate(again);
    comparison = team::compare(again, report);
  }
  team::HtmlOptions html;
  html.source_url = args.source_url;
  bool failed = false;
  for (const OutputSpec& spec : plan) {
    std::string text;
    if (spec.format == "json") {
      // The report is dumped as it is, not copied (a copy was a second report in memory);
      // with --compare, a copy gains the comparison.
      constexpr auto kReplace = team::Json::error_handler_t::replace;
      if (comparison) {
        team::Json out = report;
        out["comparison"] = *comparison;
        text = out.dump(2, ' ', false, kReplace) + "\n";
      } else {
        text = report.dump(2, ' ', false, kReplace) + "\n";
      }
    } else if (spec.format == "html") {
      text = team::render_html(report, comparison ? &*comparison : nullptr, html);
    } else {
      text = team::render_markdown(report, comparison ? &*comparison : nullptr);
    }
    const auto why = spec.to_stdout() ? write_stdout(text, closed) : write_output(spec.file, text);
    if (why) error(*why), failed = true;
  }
  return failed ? kExitError : kExitClean;
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, ReportArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "report",
      "the per-team compliance report (docs/report.md): lint, then aggregate by owner team");
  cmd->fallthrough();
  cmd->add_option("paths", args.paths, "files or directories to lint (default: .)");
  args.format_opt =
      cmd->add_option("--format", args.formats,
                      "json|markdown|html, or FORMAT=FILE; repeatable (default: markdown)")
          ->allow_extra_args(false);
  args.output_opt = cmd->add_option("--output,-o", args.outputs,
                                    "write the preceding --format to FILE; repeatable")
                        ->allow_extra_args(false);
  cmd->add_option("--compare", args.compare,
                  "an earlier JSON report: show per team what changed since");
  cmd->add_option("--merge", args.merge,
                  "JSON reports (one per repository) to combine into one; no lint")
      ->expected(1, -1);
  cmd->add_flag("--mixed-dates", args.mixed_dates,
                "with --merge: accept reports made on different days (merged_dates lists them)");
  cmd->add_flag("--allow-duplicate-entities", args.allow_duplicate_entities,
                "with --merge: an entity in several reports keeps the first report's record "
                "(a warning names each); without it that is an error");
  cmd->add_option("--source-url", args.source_url,
                  "HTML link of a finding, with {path}, {line} and {repository}, e.g. "
                  "https://github.com/org/repo/blob/main/{path}#L{line}; recorded in the JSON "
                  "(a merged report links each repository's findings with its own)");
  cmd->add_option("--repository", args.repository,
                  "the repository's name in the report (a merged report names each finding's "
                  "repository); default: the repository root's folder name");
  args.command = cmd;
  return cmd;
}

std::optional<int> report_prepare(ReportArgs& args, std::vector<OutputSpec>& plan,
                                  const ClosedStreams& closed) {
  plan.clear();
  // `--merge --mixed-dates a.json`: --merge takes its first value whatever it looks like, so a
  // flag right after it arrives as a file name. A flag of this command is taken as the flag.
  for (auto it = args.merge.begin(); it != args.merge.end();) {
    if (*it == "--mixed-dates") {
      args.mixed_dates = true;
    } else if (*it == "--allow-duplicate-entities") {
      args.allow_duplicate_entities = true;
    } else {
      if (it->starts_with("--") && !std::filesystem::exists(*it)) {
        error(fmt::format(
            "--merge '{}' is not a report file; give the report files right after --merge "
            "(options before it, or after its files)",
            printable(*it)));
        return kExitError;
      }
      ++it;
      continue;
    }
    it = args.merge.erase(it);
  }
  // A merge lints nothing, so what CLI11 left as paths (the files after a flag that followed
  // --merge: `--merge --mixed-dates --allow-duplicate-entities a.json`) are report files too.
  if (args.command->count("--merge") > 0) {
    for (std::string& p : args.paths) args.merge.push_back(std::move(p));
    args.paths.clear();
  }
  if (args.command->count("--merge") > 0 && args.merge.empty()) {
    error("--merge needs at least one report file");
    return kExitError;
  }
  std::size_t next_format = 0, next_output = 0;
  for (const CLI::Option* opt : args.command->parse_order()) {
    if (opt == args.format_opt && next_format < args.formats.size()) {
      std::string f = args.formats[next_format++];
      std::string file;
      if (const auto eq = f.find('='); eq != std::string::npos)
        file = f.substr(eq + 1), f.resize(eq);
      if (!is_report_format(f)) {
        error(fmt::format("report --format '{}': expected json, markdown or html", f));
        return kExitError;
      }
      plan.push_back({f, file});
    } else if (opt == args.output_opt && next_output < args.outputs.size()) {
      const std::string& file = args.outputs[next_output++];
      if (plan.empty() || !plan.back().file.empty()) {
        error(fmt::format("report --output '{}' must follow a --format without a file", file));
        return kExitError;
      }
      plan.back().file = file;
    }
  }
  if (plan.empty()) plan.push_back({"markdown", ""});
  std::size_t to_stdout = 0;
  for (const OutputSpec& s : plan) to_stdout += s.to_stdout() ? 1 : 0;
  if (to_stdout > 1) {
    error(
        "report: more than one --format goes to standard output; give the others a file "
        "(--output)");
    return kExitError;
  }
  if (args.command->count("--source-url") > 0)
    if (const auto why = team::check_source_url(args.source_url)) {
      error(fmt::format("--source-url '{}': {}", printable(args.source_url), *why));
      return kExitError;
    }
  if (!args.repository.empty() || args.command->count("--repository") > 0) {
    if (!args.merge.empty()) {
      error(
          "report --merge does not take --repository: each merged report names its own "
          "(give --repository to the runs that make the reports)");
      return kExitError;
    }
    if (const auto why = team::check_repository_name(args.repository)) {
      error(fmt::format("--repository '{}': {}", printable(args.repository), *why));
      return kExitError;
    }
  }
  if (args.mixed_dates && args.merge.empty()) {
    error("report --mixed-dates applies to --merge only");
    return kExitError;
  }
  if (args.allow_duplicate_entities && args.merge.empty()) {
    error("report --allow-duplicate-entities applies to --merge only");
    return kExitError;
  }
  // A merge lints nothing: each report was judged on its own day, which --today cannot change.
  if (const CLI::App* main = args.command->get_parent(); !args.merge.empty() && main) {
    const CLI::Option* today = main->get_option_no_throw("--today");
    if (today != nullptr && today->count() > 0) {
      error(
          "report --merge does not take --today: each report was judged on its own day (its "
          "'today'); give --today to the runs that make the reports");
      return kExitError;
    }
  }
  if (const auto why = guard(plan, args)) {
    error(*why);
    return kExitError;
  }
  if (args.merge.empty()) return std::nullopt;
  // One file given twice (also as another spelling of its path, or through a hard or symbolic
  // link) would count each of its entities twice.
  std::vector<std::pair<FileIdentity, std::string>> inputs_seen;
  for (const std::string& m : args.merge) {
    const auto id = file_identity(m);
    if (!id || !id->name.empty()) continue;  // missing: read_report() says so
    for (const auto& [other, name] : inputs_seen)
      if (other == *id) {
        error(fmt::format("--merge '{}' is the same file as '{}': give each report once", m, name));
        return kExitError;
      }
    inputs_seen.emplace_back(*id, m);
  }
  std::vector<team::Json> inputs;
  inputs.reserve(args.merge.size());
  for (const std::string& m : args.merge) {
    std::string why;
    auto j = read_report(m, "--merge", why);
    if (!j) {
      error(why);
      return kExitError;
    }
    inputs.push_back(std::move(*j));
  }
  std::string why;
  team::MergeOptions merge;
  merge.mixed_dates = args.mixed_dates;
  merge.names = args.merge;
  merge.allow_duplicate_entities = args.allow_duplicate_entities;
  std::vector<std::string> warnings;
  auto merged = team::merge(std::move(inputs), why, merge, &warnings);
  if (!merged) {
    error(why);
    return kExitError;
  }
  for (const std::string& w : warnings)
    std::cerr << "catalog-lint: warning: --merge: " << printable(w) << "\n";
  // The merge's --source-url serves the repositories that recorded none, and is recorded for
  // them: a merge of merged reports keeps their links.
  team::Json& out = *merged;
  if (!args.source_url.empty())
    for (team::Json& r : out["repositories"])
      if (r["source_url"].is_null()) r["source_url"] = args.source_url;
  return write_all(args, plan, out, closed);
}

int run_report(const ReportArgs& args, const std::vector<OutputSpec>& plan,
               const LintResult& result, const LintOptions& options, const ClosedStreams& closed) {
  if (!result.index) {
    error("report: the lint kept no entities (internal error)");
    return kExitError;
  }
  // The levels: `report: levels:` of the config that applies to the first path.
  std::vector<ReportLevel> levels;
  if (options.resolver) {
    std::string first = args.paths.empty() ? std::string(".") : args.paths.front();
    std::error_code ec;
    if (std::filesystem::is_directory(first, ec))
      first = (std::filesystem::path(first) / "catalog-info.yaml").string();
    const ResolvedConfig& r = options.resolver->for_file(first);
    if (r.error) {
      // Said once: the lint before the report printed every config error its files claimed.
      const std::vector<ConfigError> said = options.resolver->claimed_errors();
      if (std::none_of(said.begin(), said.end(),
                       [&](const ConfigError& e) { return e.format() == r.error->format(); }))
        std::cerr << "catalog-lint: " << printable(r.error->format()) << "\n";
      return kExitError;
    }
    levels = r.policy().report_levels;
  }
  if (levels.empty()) levels = team::default_levels();
  std::vector<std::string> rule_ids;
  for (const Rule& r : Registry::instance().rules()) rule_ids.push_back(r.info.id);
  if (options.resolver)
    for (const RuleInfo& r : options.resolver->declared_rules()) rule_ids.push_back(r.id);
  if (const auto why = team::check_levels(levels, rule_ids)) {
    error(*why);
    return kExitError;
  }
  team::BuildOptions build;
  build.root = find_repo_root();
  build.repository = args.repository;
  if (build.repository.empty()) {
    std::filesystem::path root = std::filesystem::path(build.root).lexically_normal();
    if (root.filename().empty()) root = root.parent_path();  // "/srv/repo/"
    build.repository = root.filename().string();
    // The root "/" has no folder name; nor has a name that is not a valid repository name.
    if (team::check_repository_name(build.repository)) build.repository = "repository";
  }
  build.source_url = args.source_url;
  build.configured = !options.resolver || !options.resolver->config_files().empty();
  build.jobs = options.jobs;
  build.levels = levels;
  build.sources = args.paths.empty() ? std::vector<std::string>{"."} : args.paths;
  int code = kExitClean;
  if (args.compare.empty() && std::all_of(plan.begin(), plan.end(),
                                          [](const OutputSpec& s) { return s.format == "json"; })) {
    // JSON alone: the text is made record by record, without the document (bench/team_merge.md).
    const std::string text = team::build_json(result, build);
    for (const OutputSpec& spec : plan)
      if (const auto why =
              spec.to_stdout() ? write_stdout(text, closed) : write_output(spec.file, text))
        error(*why), code = kExitError;
  } else {
    code = write_all(args, plan, team::build(result, build), closed);
  }
  if (code != kExitClean) return code;
  // What else went to std::cout (the summary of --fix) must have been written too; the report
  // itself was checked above, with `closed`.
  if (const int out = checked_stdout(kExitClean, ClosedStreams{}); out != kExitClean) return out;
  return result.io_error || result.internal_error ? kExitError : kExitClean;
}

}  // namespace catalog_lint
