// JUnit XML reporter (the Ant/Jenkins/GitLab "JUnit" dialect), for CI test-report views.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/source.h"
#include "report/report.h"

namespace catalog_lint {

std::string xml_escape(std::string_view text) {
  const std::string s = sanitize_utf8(text);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    len = std::min(len, s.size() - i);
    if (len == 1) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        case '\t':
          out += "&#9;";
          break;
        case '\n':
          out += "&#10;";
          break;
        case '\r':
          out += "&#13;";
          break;
        default:
          if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);  // drop C0 controls and DEL
      }
    } else {
      // XML 1.0 Char excludes U+FFFE and U+FFFF (EF BF BE / EF BF BF); surrogates cannot occur
      // after sanitize_utf8. C1 controls (U+0080–U+009F) are allowed but discouraged: drop them.
      const std::string_view seq(s.data() + i, len);
      const bool nonchar = seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF";
      const bool c1 = len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
      if (!nonchar && !c1) out.append(seq);
    }
    i += len;
  }
  return out;
}

namespace {

std::string testcase_name(const Diagnostic& d) {
  if (!d.entity.empty()) return d.entity;
  if (d.document >= 0) return fmt::format("document {}", d.document + 1);
  return "file";
}

// Input text is shown with printable() (control pictures) before XML escaping, as in the other
// text formats, instead of being dropped by xml_escape().
std::string finding_line(const Diagnostic& d) {
  std::string s = fmt::format("{}:{}:{}: {}: {} [{}]", printable(d.file), d.start.line,
                              d.start.column, to_string(d.severity), printable(d.message), d.rule);
  if (!d.path.empty()) s += fmt::format(" at {}", printable(d.path));
  if (!d.help.empty()) s += fmt::format("\n  help: {}", printable(d.help));
  for (const RelatedNote& n : d.notes)
    s += fmt::format("\n  note: {} at {}:{}:{}", printable(n.message),
                     printable(n.file.empty() ? d.file : n.file), n.pos.line, n.pos.column);
  return s + "\n";
}

struct TestCase {
  std::string name;
  std::vector<const Diagnostic*> failures, others;
};

struct Suite {
  std::vector<TestCase> cases;
  std::map<std::string, std::size_t, std::less<>> index;
};

}  // namespace

void report_junit(std::ostream& out, const LintResult& result, const JunitOptions& options) {
  std::vector<std::string> order;
  std::map<std::string, Suite, std::less<>> suites;
  auto suite_of = [&](const std::string& file) -> Suite& {
    auto it = suites.find(file);
    if (it == suites.end()) {
      order.push_back(file);
      it = suites.emplace(file, Suite{}).first;
    }
    return it->second;
  };
  auto case_of = [](Suite& s, const std::string& name) -> TestCase& {
    auto it = s.index.find(name);
    if (it == s.index.end()) {
      it = s.index.emplace(name, s.cases.size()).first;
      s.cases.push_back(TestCase{name, {}, {}});
    }
    return s.cases[it->second];
  };
  for (const std::string& f : options.files) suite_of(f);
  // One testcase per entity, a clean one too (it passes), in document order.
  for (const auto& [file, ref] : result.entities) case_of(suite_of(file), ref);
  for (const Diagnostic& d : result.diagnostics) {
    if (d.suppressed) continue;
    TestCase& tc = case_of(suite_of(d.file), testcase_name(d));
    (d.severity >= options.fail_on ? tc.failures : tc.others).push_back(&d);
  }

  std::size_t total_tests = 0, total_failures = 0;
  std::string body;
  for (const std::string& file : order) {
    Suite& s = suites[file];
    if (s.cases.empty()) s.cases.push_back(TestCase{"file", {}, {}});  // a clean file passes
    std::size_t failures = 0;
    std::string cases;
    for (const TestCase& tc : s.cases) {
      cases += fmt::format("    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
                           xml_escape(printable(tc.name)), xml_escape(printable(file)),
                           xml_escape(printable(file)));
      if (tc.failures.empty() && tc.others.empty()) {
        cases += "/>\n";
        continue;
      }
      cases += ">\n";
      if (!tc.failures.empty()) {
        ++failures;
        const Diagnostic& first = *tc.failures.front();
        std::string message = fmt::format("{} [{}]", printable(first.message), first.rule);
        if (tc.failures.size() > 1)
          message += fmt::format(" (and {} more)", tc.failures.size() - 1);
        std::string text;
        for (const Diagnostic* d : tc.failures) text += finding_line(*d);
        cases += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                             xml_escape(message), xml_escape(first.rule), xml_escape(text));
      }
      if (!tc.others.empty()) {
        std::string text;
        for (const Diagnostic* d : tc.others) text += finding_line(*d);
        cases += fmt::format("      <system-out>{}</system-out>\n", xml_escape(text));
      }
      cases += "    </testcase>\n";
    }
    total_tests += s.cases.size();
    total_failures += failures;
    body += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n{}"
        "  </testsuite>\n",
        xml_escape(printable(file)), s.cases.size(), failures, cases);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format(
      "<testsuites name=\"catalog-lint\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", total_tests,
      total_failures);
  out << body << "</testsuites>\n";
}

}  // namespace catalog_lint
