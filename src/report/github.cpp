// GitHub Actions workflow commands (`::error file=…::message`), for inline PR annotations.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/source.h"
#include "report/report.h"

namespace catalog_lint {

namespace {

// GitHub's escapeData (@actions/core command.ts): % CR LF.
std::string escape_data(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

// GitHub's escapeProperty: escapeData plus ':' and ','.
std::string escape_property(std::string_view s) {
  std::string out;
  for (const char c : escape_data(s)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

// printable(), but CR and LF are kept: escape_data() encodes them, and GitHub shows them as line
// breaks in the annotation.
std::string log_text(std::string_view s) {
  std::string out;
  while (!s.empty()) {
    const std::size_t end = std::min(s.find_first_of("\r\n"), s.size());
    out += printable(s.substr(0, end));
    if (end < s.size()) out += s[end];
    s.remove_prefix(std::min(end + 1, s.size()));
  }
  return out;
}

std::string_view command_of(Severity s) {
  return s == Severity::error ? "error" : s == Severity::warning ? "warning" : "notice";
}

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

void report_github(std::ostream& out, const LintResult& result, const GithubOptions& options) {
  const std::string root = options.root.empty() ? find_repo_root() : options.root;
  std::map<std::string, std::string, std::less<>> paths;
  auto path_of = [&](const std::string& file) -> const std::string& {
    auto it = paths.find(file);
    // CR and LF kept for escape_property (%0D, %0A): GitHub then finds the file by its name.
    if (it == paths.end()) it = paths.emplace(file, log_text(artifact_uri(file, root).path)).first;
    return it->second;
  };
  for (const Severity level : {Severity::error, Severity::warning, Severity::note}) {
    for (const Diagnostic& d : result.diagnostics) {
      if (d.severity != level || d.suppressed) continue;
      const int line = std::max(d.start.line, 1);
      const int col = std::max(d.start.column_utf16, 1);
      std::string props =
          fmt::format("file={},line={},col={}", escape_property(path_of(d.file)), line, col);
      // Same line only; endColumn is exclusive, as in SARIF.
      if (d.end.valid() && d.end.line == line && d.end.column_utf16 > col)
        props += fmt::format(",endLine={},endColumn={}", d.end.line, d.end.column_utf16);
      props += fmt::format(",title={}", escape_property(printable(d.rule)));
      // Input text through log_text(): control bytes would reach the CI log as they are.
      std::string message = log_text(d.message);
      if (!d.help.empty()) message += "\nhelp: " + log_text(d.help);
      for (const RelatedNote& n : d.notes)
        message +=
            fmt::format("\nnote: {} at {}:{}:{}", log_text(n.message),
                        path_of(n.file.empty() ? d.file : n.file), n.pos.line, n.pos.column_utf16);
      out << fmt::format("::{} {}::{}\n", command_of(level), props, escape_data(message));
    }
  }
  const Summary s = summarize(result);
  out << fmt::format(
      "catalog-lint: {}, {}, {} in {} of {} (GitHub shows at most 10 annotations of each type "
      "per step; every finding is listed above)\n",
      plural(s.errors, "error"), plural(s.warnings, "warning"), plural(s.notes, "note"),
      s.files_with_findings, plural(s.files, "file"));
}

}  // namespace catalog_lint
