#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include <map>
#include <set>

#include "core/source.h"
#include "report/report.h"

namespace catalog_lint {

Summary summarize(const LintResult& result) {
  Summary s;
  s.files = result.files;
  std::map<std::string_view, std::size_t> with;  // file → counted findings
  for (const Diagnostic& d : result.diagnostics) {
    if (d.suppressed) {
      ++s.suppressed;
      continue;
    }
    if (d.severity == Severity::error) ++s.errors;
    if (d.severity == Severity::warning) ++s.warnings;
    if (d.severity == Severity::note) ++s.notes;
    ++with[d.file];
  }
  // Findings located outside the linted files (a stale baseline entry, a config) count no file.
  const std::set<std::string_view> linted(result.linted.begin(), result.linted.end());
  for (const auto& [f, n] : with)
    if (linted.count(f)) {
      ++s.files_with_findings;
    } else {
      if (s.elsewhere_files++ == 0) s.elsewhere_file = std::string(f);
      s.elsewhere += n;
    }
  return s;
}

namespace {

struct Style {
  bool on;
  std::string_view bold() const { return on ? "\x1b[1m" : ""; }
  std::string_view reset() const { return on ? "\x1b[0m" : ""; }
  std::string_view color(Severity s) const {
    if (!on) return "";
    switch (s) {
      case Severity::error:
        return "\x1b[1;31m";
      case Severity::warning:
        return "\x1b[1;33m";
      default:
        return "\x1b[1;36m";
    }
  }
  std::string_view dim() const { return on ? "\x1b[2m" : ""; }
  std::string_view green() const { return on ? "\x1b[1;32m" : ""; }
};

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// At most this many code points of a source line are shown, around the caret.
constexpr int kSnippetWidth = 160;

// Byte offsets of the code points of one line, found once for all the findings on that line
// (Diagnostic::source_line is shared among them): every kStep-th code point's offset is kept, so
// a lookup costs O(kStep) after one pass over the line up to the column, not O(column).
class ColumnIndex {
 public:
  /// Byte offset in `line` of its code point number `cp` (1-based: the cp-th byte that is not a
  /// UTF-8 continuation byte), or npos when the line has fewer.
  std::size_t find(std::string_view line, int cp) {
    if (line.data() != data_ || line.size() != size_) {
      data_ = line.data(), size_ = line.size();
      marks_.clear(), done_ = false;
      const std::size_t first = next_start(line, 0);
      if (first == std::string_view::npos)
        done_ = true;
      else
        marks_.push_back(first);
    }
    if (cp < 1) return std::string_view::npos;
    const std::size_t k = static_cast<std::size_t>(cp - 1) / kStep;
    while (marks_.size() <= k && !done_) {
      std::size_t i = marks_.back();
      for (std::size_t n = 0; n < kStep && i != std::string_view::npos; ++n)
        i = next_start(line, i + 1);
      if (i == std::string_view::npos)
        done_ = true;
      else
        marks_.push_back(i);
    }
    if (marks_.size() <= k) return std::string_view::npos;
    std::size_t i = marks_[k];
    for (std::size_t n = k * kStep + 1; n < static_cast<std::size_t>(cp); ++n) {
      i = next_start(line, i + 1);
      if (i == std::string_view::npos) return i;
    }
    return i;
  }

 private:
  static constexpr std::size_t kStep = 256;
  static std::size_t next_start(std::string_view line, std::size_t i) {
    for (; i < line.size(); ++i)
      if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) return i;
    return std::string_view::npos;
  }
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::vector<std::size_t> marks_;  // marks_[k]: offset of code point k * kStep + 1
  bool done_ = false;               // the line has no more marks
};

// The number of code points of valid UTF-8 `s`.
int code_points(std::string_view s) {
  return static_cast<int>(std::count_if(
      s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

// The part of the raw source `line` to show (made printable), and the caret column within it.
// Costs O(kSnippetWidth) plus ColumnIndex's share: one line may carry 100,000 findings.
std::pair<std::string, int> snippet(std::string_view line, int column, ColumnIndex& index) {
  const int first = std::max(1, column - kSnippetWidth / 3);
  // Byte offset of code point `first`, and of the code point after the window.
  const std::size_t at = index.find(line, first);
  const std::size_t after = index.find(line, first + kSnippetWidth);
  const std::size_t b = at == std::string_view::npos ? 0 : at;
  const bool cut_right = after != std::string_view::npos;
  const std::size_t e = cut_right ? after : line.size();
  // The caret's column in what is shown: printable() may widen a code point before it (C1 and
  // bidirectional controls become `<U+202E>`).
  int caret = column - first + 1;
  if (const std::size_t c = index.find(line, column); c != std::string_view::npos && c >= b)
    caret = 1 + code_points(printable(line.substr(b, c - b)));
  if (first == 1 && !cut_right) return {printable(line), caret};
  std::string out =
      (first > 1 ? "…" : "") + printable(line.substr(b, e - b)) + (cut_right ? "…" : "");
  return {out, caret + (first > 1 ? 1 : 0)};
}

// Spaces (or tabs where the source has tabs) up to code point column `column`.
std::string caret_prefix(std::string_view line, int column) {
  std::string out;
  int cp = 1;
  for (std::size_t i = 0; i < line.size() && cp < column; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    out += c == '\t' ? '\t' : ' ';
    ++cp;
  }
  while (cp++ < column) out += ' ';
  return out;
}

}  // namespace

void report_human(std::ostream& out, const LintResult& result, const HumanOptions& options) {
  const Style st{options.color};
  ColumnIndex columns;
  std::size_t safe_fixes = 0, unsafe_fixes = 0;  // of the findings shown
  for (const Diagnostic& d : result.diagnostics) {
    if (d.suppressed || (options.quiet && d.severity < options.quiet_threshold)) continue;
    out << fmt::format("{}{}:{}:{}:{} {}{}:{} {}{}{} [{}]\n", st.bold(), printable(d.file),
                       d.start.line, d.start.column, st.reset(), st.color(d.severity),
                       to_string(d.severity), st.reset(), st.bold(), printable(d.message),
                       st.reset(), d.rule);
    if (d.source_line && !d.source_line->empty()) {
      const auto [line, caret] = snippet(*d.source_line, d.start.column, columns);
      const std::string gutter = std::to_string(d.start.line);
      const std::string pad(gutter.size(), ' ');
      int width = 1;
      if (d.end.valid() && d.end.line == d.start.line && d.end.column > d.start.column)
        width = std::min(d.end.column - d.start.column, kSnippetWidth);
      out << fmt::format("{}{} |{} {}\n", st.dim(), gutter, st.reset(), line);
      out << fmt::format("{}{} |{} {}{}^{}{}\n", st.dim(), pad, st.reset(),
                         caret_prefix(line, caret), st.color(d.severity),
                         std::string(static_cast<std::size_t>(width - 1), '~'), st.reset());
    }
    if (!d.help.empty())
      out << fmt::format("  = {}help:{} {}\n", st.green(), st.reset(), printable(d.help));
    for (const RelatedNote& n : d.notes)
      out << fmt::format("  = note: {} at {}:{}:{}\n", printable(n.message), printable(n.file),
                         n.pos.line, n.pos.column);
    if (d.fix) {
      const bool safe = d.fix->safety == FixSafety::safe;
      (safe ? safe_fixes : unsafe_fixes) += 1;
      out << fmt::format("  = {}fix:{} {} ({})\n", st.green(), st.reset(),
                         printable(d.fix->description),
                         safe ? "--fix applies it" : "--fix --unsafe-fixes applies it");
    }
  }
  const Summary s = summarize(result);
  if (options.quiet) {
    const std::size_t failing = s.errors +
                                (options.quiet_threshold <= Severity::warning ? s.warnings : 0) +
                                (options.quiet_threshold <= Severity::note ? s.notes : 0);
    if (failing == 0) return;
  }
  const std::string suppressed =
      s.suppressed ? fmt::format(" ({} suppressed)", s.suppressed) : std::string();
  if (s.errors + s.warnings + s.notes == 0 && options.path_errors > 0) {
    out << fmt::format("{} linted, no findings; {} could not be read{}\n", plural(s.files, "file"),
                       plural(options.path_errors, "path"), suppressed);
    return;
  }
  if (s.errors + s.warnings + s.notes == 0) {
    out << fmt::format("{}no problems{} in {}{}\n", st.green(), st.reset(), plural(s.files, "file"),
                       suppressed);
    return;
  }
  std::string counts =
      fmt::format("{}, {}", plural(s.errors, "error"), plural(s.warnings, "warning"));
  if (s.notes) counts += ", " + plural(s.notes, "note");
  // "0 errors, 1 warning in 0 of 1 file" read as a contradiction when the warning was about a
  // config or a catalog source: those are counted apart.
  std::string elsewhere;
  if (s.elsewhere_files == 1)
    elsewhere = fmt::format(", {} in {}", s.elsewhere, printable(s.elsewhere_file));
  else if (s.elsewhere_files > 1)
    elsewhere = fmt::format(", {} in {} files not linted (config, catalog source or baseline)",
                            s.elsewhere, s.elsewhere_files);
  out << fmt::format("{}{}{} in {} of {}{}{}\n", st.bold(), counts, st.reset(),
                     s.files_with_findings, plural(s.files, "file"), elsewhere, suppressed);
  // As ruff and ESLint end their summaries: how many of these the fix options would fix.
  if (safe_fixes > 0 && unsafe_fixes > 0)
    out << fmt::format("{} fixable with --fix ({} more with --fix --unsafe-fixes)\n", safe_fixes,
                       unsafe_fixes);
  else if (safe_fixes > 0)
    out << fmt::format("{} fixable with --fix\n", safe_fixes);
  else if (unsafe_fixes > 0)
    out << fmt::format("{} fixable with --fix --unsafe-fixes\n", unsafe_fixes);
}

}  // namespace catalog_lint
