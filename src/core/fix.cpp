#include "core/fix.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/discover.h"
#include "core/file_io.h"
#include "core/rule_id.h"
#include "core/source.h"

namespace catalog_lint {

namespace fs = std::filesystem;

namespace {

// Findings after which a file is not fixed: it was not read, or not parsed as a whole.
bool blocks_fixing(const Diagnostic& d) {
  static const std::set<std::string_view> kRules = {
      rule_name(RuleId::unreadable_file),   rule_name(RuleId::invalid_config),
      rule_name(RuleId::invalid_utf8),      rule_name(RuleId::unsupported_encoding),
      rule_name(RuleId::limit_exceeded),    rule_name(RuleId::yaml_syntax_error),
      rule_name(RuleId::internal_error),    rule_name(RuleId::recursive_alias),
      rule_name(RuleId::excessive_aliases),
  };
  return kRules.count(d.rule) > 0;
}

// The files not to fix. A syntax error does not block a file whose bare CRs have a fix: they are
// what yaml-cpp stumbles on, and a round that leaves the file unparsable is undone.
std::set<std::string> blocked_files(const LintResult& result, bool first_round) {
  std::set<std::string> cr_fixable;
  if (first_round)
    for (const Diagnostic& d : result.diagnostics)
      if (d.rule == rule_name(RuleId::bare_cr_line_break) && d.fix) cr_fixable.insert(d.file);
  std::set<std::string> out;
  for (const Diagnostic& d : result.diagnostics)
    if (blocks_fixing(d) &&
        !(d.rule == rule_name(RuleId::yaml_syntax_error) && cr_fixable.count(d.file)))
      out.insert(d.file);
  return out;
}

// Writes `content` over the regular file `path` atomically, keeping its permission bits: a
// temporary file in the same directory, fsync, rename. `expected` is what the file must still
// hold (a file changed since it was linted is not overwritten).
std::optional<std::string> write_in_place(const std::string& path, std::string_view expected,
                                          std::string_view content) {
  if (const auto outside = link_leaves_repository(path))
    return fmt::format(
        "refusing to fix {}: it is a symbolic link to '{}', outside the repository '{}'", path,
        outside->target, outside->top);
  std::error_code ec;
  // A link inside the repository: its target is written and the link stays.
  const fs::path real = fs::is_symlink(path, ec) ? fs::canonical(path, ec) : fs::path(path);
  if (ec) return fmt::format("cannot fix {}: {}", path, ec.message());
  struct stat st {};
  if (::lstat(real.c_str(), &st) != 0)
    return fmt::format("cannot fix {}: {}", path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fmt::format("refusing to fix {}: not a regular file", path);
  // The rename below needs only the folder to be writable: a file its owner made read-only
  // would be replaced all the same. It is written only when it could be written in place.
  if (::access(real.c_str(), W_OK) != 0)
    return fmt::format("cannot fix {}: {}", path, std::strerror(errno));
  const FileBytes now = read_regular_file(real.string(), expected.size() + 1);
  if (!now.error.empty() || now.too_big || now.bytes != expected)
    return fmt::format("refusing to fix {}: it changed while it was linted", path);
  return write_file_atomically(real.string(), content, st.st_mode);
}

int exit_code_of(const LintResult& result, Severity fail_on) {
  if (result.io_error || result.internal_error) return 2;
  for (const Diagnostic& d : result.diagnostics)
    if (!d.suppressed && d.severity >= fail_on) return 1;
  return 0;
}

}  // namespace

FixOutcome run_fixes(const FixArgs& args, const FixInput& input, const LintOptions& options,
                     Severity fail_on, LintResult& result, std::ostream& out, std::ostream& err) {
  FixOutcome outcome;
  // The text of every linted file: as read (for the eligible ones) and as fixed so far.
  std::map<std::string, std::string> original, current;
  std::set<std::string> eligible;
  const std::set<std::string> blocked = blocked_files(result, true);
  if (input.from_stdin) {
    // Printed as it is when it is not fixed.
    original[input.stdin_name] = current[input.stdin_name] = input.stdin_bytes;
    if (!blocked.count(input.stdin_name) && !sniff_skeleton(input.stdin_bytes))
      eligible.insert(input.stdin_name);
  } else {
    const std::set<std::string> linted(result.linted.begin(), result.linted.end());
    std::set<std::string_view> with_fix;
    for (const Diagnostic& d : result.diagnostics)
      if (d.fix && fix_allowed(*d.fix, args.unsafe)) with_fix.insert(d.file);
    for (const std::string& f : input.walk) {
      if (!linted.count(f) || blocked.count(f) || eligible.count(f) || !with_fix.count(f)) continue;
      if (const auto outside = link_leaves_repository(f)) {
        err << fmt::format(
            "catalog-lint: warning: not fixing {}: it is a symbolic link to '{}', outside the "
            "repository '{}'\n",
            printable(f), printable(outside->target), printable(outside->top));
        continue;
      }
      FileBytes in = read_regular_file(f, options.limits.max_file_bytes);
      if (!in.error.empty() || in.too_big) continue;
      if (sniff_skeleton(in.bytes)) continue;  // a scaffolder skeleton is not a catalog file
      eligible.insert(f);
      original[f] = current[f] = std::move(in.bytes);
    }
  }
  std::map<std::string, std::size_t> fixed_count;
  LintOptions again = options;
  again.follow_locations = false;  // the first run found them: result.linted has them all
  again.change = nullptr;
  for (int round = 0; round < kMaxFixRounds && !eligible.empty(); ++round) {
    std::map<std::string, std::string> previous;
    bool any = false;
    const bool unsafe = unsafe_in_round(args.unsafe, round);
    for (const std::string& f : eligible) {
      const std::vector<TextEdit> edits = round_edits(result.diagnostics, f, unsafe);
      if (edits.empty()) continue;
      std::size_t fixes = 0;
      for (const Diagnostic& d : result.diagnostics)
        if (d.file == f && !d.suppressed && d.fix && fix_allowed(*d.fix, unsafe)) {
          // Count the findings whose first edit was chosen.
          for (const TextEdit& e : edits)
            if (!d.fix->edits.empty() && e.begin == d.fix->edits.front().begin &&
                e.end == d.fix->edits.front().end && e.text == d.fix->edits.front().text) {
              ++fixes;
              break;
            }
        }
      std::string next = apply_edits(current[f], edits);
      if (next == current[f]) continue;
      previous[f] = std::move(current[f]);
      current[f] = std::move(next);
      fixed_count[f] += fixes;
      any = true;
    }
    if (!any) break;
    // Lint every file again, the fixed ones from memory.
    std::vector<FileResult> results;
    for (const std::string& f : result.linted) {
      const auto it = current.find(f);
      results.push_back(it != current.end() ? lint_bytes(f, it->second, again)
                                            : lint_file(f, again));
    }
    LintResult next = finish(std::move(results), again);
    // A fix must never leave a file unparsable (a bare-CR file may have been so before): undo
    // that file's round and stop fixing it.
    const std::set<std::string> now_blocked = blocked_files(next, false);
    bool undone = false;
    for (const auto& [f, before] : previous) {
      if (!now_blocked.count(f)) continue;
      err << fmt::format(
          "catalog-lint: warning: {}: a round of fixes was left out: the file would not parse "
          "with it\n",
          printable(f));
      current[f] = before;
      eligible.erase(f);
      undone = true;
    }
    if (undone) {
      std::vector<FileResult> redo;
      for (const std::string& f : result.linted) {
        const auto it = current.find(f);
        redo.push_back(it != current.end() ? lint_bytes(f, it->second, again)
                                           : lint_file(f, again));
      }
      next = finish(std::move(redo), again);
    }
    result = std::move(next);
  }
  std::vector<std::string> changed;
  for (const auto& [f, text] : current)
    if (text != original[f]) changed.push_back(f);
  outcome.files = changed.size();
  for (const std::string& f : changed) outcome.fixes += fixed_count[f];

  if (args.diff) {
    std::string text;
    // (Names quoted as git quotes them: a newline in a file name must not forge diff lines.)
    for (const std::string& f : changed) text += unified_diff(original[f], current[f], f);
    if (args.show_carriage_returns) {
      std::string shown;
      shown.reserve(text.size());
      for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))
          shown += "\u240D";
        else
          shown += text[i];
      text = std::move(shown);
    }
    out << text;
    outcome.exit_code = changed.empty() ? 0 : 1;
    return outcome;
  }
  if (input.from_stdin) {
    out << current[input.stdin_name];
    outcome.exit_code = exit_code_of(result, fail_on);
    return outcome;
  }
  bool failed = false;
  for (const std::string& f : changed) {
    if (const auto error = write_in_place(f, original[f], current[f])) {
      err << fmt::format("catalog-lint: error: {}\n", printable(*error));
      failed = true;
      continue;
    }
    err << fmt::format("catalog-lint: fixed {} finding{} in {}\n", fixed_count[f],
                       fixed_count[f] == 1 ? "" : "s", printable(f));
  }
  // What is left, from the files as they are now on disk (the run's own pipeline, Location
  // targets and --changed-since included).
  if (!changed.empty()) result = lint_files(input.walk, options);
  if (failed) outcome.exit_code = 2;
  return outcome;
}

}  // namespace catalog_lint
