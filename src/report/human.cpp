#include <fmt/format.h>

#include <set>

#include "core/source.h"
#include "report/report.h"

namespace catalog_lint {

Summary summarize(const LintResult& result) {
  Summary s;
  s.files = result.files;
  std::set<std::string_view> with;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.suppressed) {
      ++s.suppressed;
      continue;
    }
    if (d.severity == Severity::error) ++s.errors;
    if (d.severity == Severity::warning) ++s.warnings;
    if (d.severity == Severity::note) ++s.notes;
    with.insert(d.file);
  }
  s.files_with_findings = with.size();
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
  for (const Diagnostic& d : result.diagnostics) {
    if (d.suppressed || (options.quiet && d.severity != Severity::error)) continue;
    out << fmt::format("{}{}:{}:{}:{} {}{}:{} {}{}{} [{}]\n", st.bold(), sanitize_utf8(d.file),
                       d.start.line, d.start.column, st.reset(), st.color(d.severity),
                       to_string(d.severity), st.reset(), st.bold(), sanitize_utf8(d.message),
                       st.reset(), d.rule);
    if (!d.source_line.empty()) {
      const std::string line = sanitize_utf8(d.source_line);
      const std::string gutter = std::to_string(d.start.line);
      const std::string pad(gutter.size(), ' ');
      int width = 1;
      if (d.end.valid() && d.end.line == d.start.line && d.end.column > d.start.column)
        width = d.end.column - d.start.column;
      out << fmt::format("{}{} |{} {}\n", st.dim(), gutter, st.reset(), line);
      out << fmt::format("{}{} |{} {}{}^{}{}\n", st.dim(), pad, st.reset(),
                         caret_prefix(line, d.start.column), st.color(d.severity),
                         std::string(static_cast<std::size_t>(width - 1), '~'), st.reset());
    }
    if (!d.help.empty())
      out << fmt::format("  = {}help:{} {}\n", st.green(), st.reset(), sanitize_utf8(d.help));
    for (const RelatedNote& n : d.notes)
      out << fmt::format("  = note: {} at {}:{}:{}\n", sanitize_utf8(n.message),
                         sanitize_utf8(n.file), n.pos.line, n.pos.column);
  }
  const Summary s = summarize(result);
  if (options.quiet && s.errors == 0) return;
  const std::string suppressed =
      s.suppressed ? fmt::format(" ({} suppressed)", s.suppressed) : std::string();
  if (s.errors + s.warnings + s.notes == 0) {
    out << fmt::format("{}no problems{} in {}{}\n", st.green(), st.reset(), plural(s.files, "file"),
                       suppressed);
    return;
  }
  std::string counts =
      fmt::format("{}, {}", plural(s.errors, "error"), plural(s.warnings, "warning"));
  if (s.notes) counts += ", " + plural(s.notes, "note");
  out << fmt::format("{}{}{} in {} of {}{}\n", st.bold(), counts, st.reset(), s.files_with_findings,
                     plural(s.files, "file"), suppressed);
}

}  // namespace catalog_lint
