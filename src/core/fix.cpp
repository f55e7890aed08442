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

std::string_view to_string(FixSafety s) {
  return s == FixSafety::safe ? "safe" : "unsafe";
}

std::optional<TextEdit> replace_scalar(SourcePos pos, SourcePos end, std::string_view value,
                                       std::string_view replacement) {
  if (!pos.valid() || !end.valid() || end.offset < pos.offset || replacement.empty())
    return std::nullopt;
  const std::size_t raw = end.offset - pos.offset;
  if (raw == value.size()) {
    static const RE2 plain_safe(R"([A-Za-z0-9][A-Za-z0-9._:/+#-]*)");
    if (!RE2::FullMatch(replacement, plain_safe)) return std::nullopt;
    // `a #b` would start a comment, `a: b` a mapping; the pattern has no space, so neither.
    return TextEdit{pos.offset, end.offset, std::string(replacement)};
  }
  if (raw == value.size() + 2) {
    if (replacement.find_first_of("\"'\\\n\r") != std::string_view::npos) return std::nullopt;
    return TextEdit{pos.offset + 1, end.offset - 1, std::string(replacement)};
  }
  return std::nullopt;
}

Fix single_edit_fix(std::string description, FixSafety safety, TextEdit edit) {
  Fix f;
  f.description = std::move(description);
  f.safety = safety;
  f.edits.push_back(std::move(edit));
  return f;
}

namespace {

// True when [a.begin, a.end) and [b.begin, b.end) cannot both be applied: they share a byte, or
// one is an insertion at the other's start or inside it.
bool overlaps(const TextEdit& a, const TextEdit& b) {
  if (a.begin == b.begin) return true;
  const TextEdit& first = a.begin < b.begin ? a : b;
  const TextEdit& second = a.begin < b.begin ? b : a;
  return second.begin < first.end;
}

bool edit_less(const TextEdit& a, const TextEdit& b) {
  return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
}

}  // namespace

std::string apply_edits(std::string_view bytes, std::vector<TextEdit> edits, std::size_t* applied) {
  std::stable_sort(edits.begin(), edits.end(), edit_less);
  std::string out;
  out.reserve(bytes.size());
  std::size_t at = 0, taken = 0;
  bool any = false;
  std::size_t last_begin = 0;
  for (const TextEdit& e : edits) {
    if (e.end < e.begin || e.end > bytes.size()) continue;
    if (any && (e.begin < at || e.begin == last_begin)) continue;  // overlaps one taken
    out.append(bytes.substr(at, e.begin - at));
    out += e.text;
    at = e.end;
    last_begin = e.begin;
    any = true;
    ++taken;
  }
  out.append(bytes.substr(std::min(at, bytes.size())));
  if (applied) *applied = taken;
  return out;
}

std::vector<TextEdit> round_edits(const std::vector<Diagnostic>& diagnostics,
                                  const std::string& file, bool unsafe) {
  std::vector<const Fix*> fixes;
  for (const Diagnostic& d : diagnostics)
    if (d.file == file && !d.suppressed && d.severity != Severity::off && d.fix &&
        !d.fix->edits.empty() && fix_allowed(*d.fix, unsafe))
      fixes.push_back(&*d.fix);
  auto first = [](const Fix* f) {
    return std::min_element(f->edits.begin(), f->edits.end(), edit_less)->begin;
  };
  std::stable_sort(fixes.begin(), fixes.end(),
                   [&](const Fix* a, const Fix* b) { return first(a) < first(b); });
  std::vector<TextEdit> chosen;
  for (const Fix* f : fixes) {
    bool clash = false;
    for (std::size_t i = 0; i < f->edits.size() && !clash; ++i) {
      for (std::size_t j = i + 1; j < f->edits.size() && !clash; ++j)
        clash = overlaps(f->edits[i], f->edits[j]);
      for (const TextEdit& c : chosen) clash = clash || overlaps(f->edits[i], c);
    }
    if (clash) continue;
    chosen.insert(chosen.end(), f->edits.begin(), f->edits.end());
  }
  std::stable_sort(chosen.begin(), chosen.end(), edit_less);
  return chosen;
}

namespace {

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? s.size() : nl + 1;
    lines.push_back(s.substr(start, end - start));
    start = end;
  }
  return lines;
}

// One step of the edit script: keep a[i] (= b[j]), delete a[i], or insert b[j].
enum class Op : unsigned char { keep, del, ins };

// Myers' greedy O(ND) shortest edit script between `a` and `b`, as a sequence of operations.
std::vector<Op> edit_script(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b) {
  const long n = static_cast<long>(a.size()), m = static_cast<long>(b.size());
  const long max = n + m;
  std::vector<long> v(2 * max + 2, 0);
  std::vector<std::vector<long>> trace;
  long d_end = 0;
  for (long d = 0; d <= max; ++d) {
    trace.push_back(v);
    bool done = false;
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]))
        x = v[k + 1 + max];
      else
        x = v[k - 1 + max] + 1;
      long y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[k + max] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
    if (done) {
      d_end = d;
      break;
    }
  }
  // Walk the trace back from (n, m).
  std::vector<Op> ops;
  long x = n, y = m;
  for (long d = d_end; d > 0; --d) {
    const std::vector<long>& pv = trace[d];
    const long k = x - y;
    long prev_k;
    if (k == -d || (k != d && pv[k - 1 + max] < pv[k + 1 + max]))
      prev_k = k + 1;
    else
      prev_k = k - 1;
    const long prev_x = pv[prev_k + max];
    const long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) ops.push_back(Op::keep), --x, --y;
    if (x == prev_x)
      ops.push_back(Op::ins), --y;
    else
      ops.push_back(Op::del), --x;
  }
  while (x > 0 && y > 0) ops.push_back(Op::keep), --x, --y;
  std::reverse(ops.begin(), ops.end());
  return ops;
}

std::string hunk_range(std::size_t start, std::size_t count) {
  // GNU diff: "L" for one line, "L,N" otherwise; an empty range names the line before it.
  if (count == 1) return fmt::format("{}", start + 1);
  return fmt::format("{},{}", count == 0 ? start : start + 1, count);
}

void put_line(std::string& out, char mark, std::string_view line) {
  out += mark;
  out.append(line);
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, std::string_view path) {
  if (before == after) return {};
  const auto a = split_lines(before), b = split_lines(after);
  const std::vector<Op> ops = edit_script(a, b);
  // Positions in a and b before each op.
  std::vector<std::size_t> ai(ops.size() + 1), bi(ops.size() + 1);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    ai[i + 1] = ai[i] + (ops[i] != Op::ins);
    bi[i + 1] = bi[i] + (ops[i] != Op::del);
  }
  constexpr std::size_t kContext = 3;
  std::string out = fmt::format("--- a/{}\n+++ b/{}\n", path, path);
  std::size_t i = 0;
  while (i < ops.size()) {
    if (ops[i] == Op::keep) {
      ++i;
      continue;
    }
    // A hunk: from kContext keeps before this change to kContext keeps after the last change
    // that is at most 2 * kContext keeps away from the previous one.
    std::size_t begin = i;
    for (std::size_t c = 0; c < kContext && begin > 0 && ops[begin - 1] == Op::keep; ++c) --begin;
    std::size_t end = i;
    while (true) {
      while (end < ops.size() && ops[end] != Op::keep) ++end;
      std::size_t keeps = 0;
      while (end + keeps < ops.size() && ops[end + keeps] == Op::keep) ++keeps;
      if (end + keeps < ops.size() && keeps <= 2 * kContext) {
        end += keeps;
        continue;
      }
      end += std::min(keeps, kContext);
      break;
    }
    out += fmt::format("@@ -{} +{} @@\n", hunk_range(ai[begin], ai[end] - ai[begin]),
                       hunk_range(bi[begin], bi[end] - bi[begin]));
    for (std::size_t k = begin; k < end; ++k) {
      if (ops[k] == Op::keep)
        put_line(out, ' ', a[ai[k]]);
      else if (ops[k] == Op::del)
        put_line(out, '-', a[ai[k]]);
      else
        put_line(out, '+', b[bi[k]]);
    }
    i = end;
  }
  return out;
}

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
  const FileBytes now = read_regular_file(real.string(), expected.size() + 1);
  if (!now.error.empty() || now.too_big || now.bytes != expected)
    return fmt::format("refusing to fix {}: it changed while it was linted", path);
  fs::path dir = real.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / fmt::format(".{}.fix.XXXXXX", real.filename().string())).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0)
    return fmt::format("cannot fix {}: cannot create a temporary file in {}: {}", path,
                       dir.string(), std::strerror(errno));
  auto fail = [&](std::string_view what) {
    const int e = errno;
    close(fd);
    unlink(tmpl.c_str());
    return fmt::format("cannot fix {}: {}: {}", path, what, std::strerror(e));
  };
  if (fchmod(fd, st.st_mode & 07777) != 0) return fail("chmod");
  std::string_view rest = content;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (fsync(fd) != 0) return fail("fsync");
  if (close(fd) != 0) {
    const int e = errno;
    unlink(tmpl.c_str());
    return fmt::format("cannot fix {}: close: {}", path, std::strerror(e));
  }
  if (std::rename(tmpl.c_str(), real.c_str()) != 0) {
    const int e = errno;
    unlink(tmpl.c_str());
    return fmt::format("cannot fix {}: rename: {}", path, std::strerror(e));
  }
  return std::nullopt;
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
    for (const std::string& f : input.walk) {
      if (!linted.count(f) || blocked.count(f) || eligible.count(f)) continue;
      bool has_fix = false;
      for (const Diagnostic& d : result.diagnostics) has_fix = has_fix || (d.file == f && d.fix);
      if (!has_fix) continue;
      if (const auto outside = link_leaves_repository(f)) {
        err << fmt::format(
            "catalog-lint: warning: not fixing {}: it is a symbolic link to '{}', outside the "
            "repository '{}'\n",
            f, outside->target, outside->top);
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
    for (const std::string& f : eligible) {
      const std::vector<TextEdit> edits = round_edits(result.diagnostics, f, args.unsafe);
      if (edits.empty()) continue;
      std::size_t fixes = 0;
      for (const Diagnostic& d : result.diagnostics)
        if (d.file == f && !d.suppressed && d.fix && fix_allowed(*d.fix, args.unsafe)) {
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
          f);
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
    for (const std::string& f : changed) text += unified_diff(original[f], current[f], f);
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
      err << fmt::format("catalog-lint: error: {}\n", *error);
      failed = true;
      continue;
    }
    err << fmt::format("catalog-lint: fixed {} finding{} in {}\n", fixed_count[f],
                       fixed_count[f] == 1 ? "" : "s", f);
  }
  // What is left, from the files as they are now on disk (the run's own pipeline, Location
  // targets and --changed-since included).
  if (!changed.empty()) result = lint_files(input.walk, options);
  if (failed) outcome.exit_code = 2;
  return outcome;
}

}  // namespace catalog_lint
