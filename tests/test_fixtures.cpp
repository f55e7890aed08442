// Per-rule fixtures (testdata/rules/<rule-id>/{bad,ok}-*), rule registry invariants, and the
// examples in each rule's documentation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// Expectations written in the fixture: `# expect: RULE@COL` on the offending line, or
// `# expect: RULE@LINE:COL` anywhere; several separated by commas. For files that cannot hold a
// comment (binary, UTF-16), a sidecar `<file>.expect` holds `RULE@LINE:COL` lines.
std::multiset<std::string> expectations(const std::string& path, const std::string& text) {
  std::multiset<std::string> out;
  static const RE2 item(R"(([a-z0-9-]+)@(\d+)(?::(\d+))?)");
  if (fs::exists(path + ".expect")) {
    std::string side = read_file(path + ".expect");
    re2::StringPiece in(side);
    std::string rule, a, b;
    while (RE2::FindAndConsume(&in, item, &rule, &a, &b))
      out.insert(fmt::format("{}@{}:{}", rule, a, b));
    return out;
  }
  int line_no = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string line = text.substr(start, end - start);
    const std::size_t at = line.find("# expect:");
    if (at != std::string::npos) {
      re2::StringPiece in(line);
      in.remove_prefix(at + 9);
      std::string rule, a, b;
      while (RE2::FindAndConsume(&in, item, &rule, &a, &b)) {
        if (b.empty())
          out.insert(fmt::format("{}@{}:{}", rule, line_no, a));
        else
          out.insert(fmt::format("{}@{}:{}", rule, a, b));
      }
    }
    start = end + 1;
  }
  return out;
}

std::vector<fs::path> fixture_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 7 && name.substr(name.size() - 7) == ".expect") continue;
    if (name == "COVERED-ELSEWHERE" || name == "README.md" || name == "EXPECTED") continue;
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A rule whose bad case cannot be a fixture file (e.g. unreadable-file) has a file
// COVERED-ELSEWHERE naming the TEST_CASE that covers it; that test must exist in tests/*.cpp.
// Such a rule still needs ok fixtures.
bool covered_elsewhere(const fs::path& dir) {
  const fs::path marker = dir / "COVERED-ELSEWHERE";
  if (!fs::exists(marker)) return false;
  std::string name = read_file(marker.string());
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r' || name.back() == ' '))
    name.pop_back();
  REQUIRE_MESSAGE(!name.empty(), "empty " << marker.string());
  const std::string needle = "TEST_CASE(\"" + name + "\")";
  bool found = false;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir()) / "tests"))
    if (e.path().extension() == ".cpp" &&
        read_file(e.path().string()).find(needle) != std::string::npos)
      found = true;
  CHECK_MESSAGE(found, marker.string() << " names no existing test: " << name);
  return true;
}

}  // namespace

/// The day every fixture is judged on (the day testdata/rules/*/EXPECTED was written).
constexpr const char* kFixtureToday = "2026-12-01";

TEST_CASE("every rule's fixtures produce exactly the expected diagnostics") {
  const fs::path root = fs::path(source_dir()) / "testdata" / "rules";
  for (const Rule& r : Registry::instance().rules()) {
    const RuleInfo& rule = r.info;
    CAPTURE(rule.id);
    const fs::path dir = root / rule.id;
    CHECK_MESSAGE(fs::is_directory(dir), "no fixtures for rule " << rule.id);
    if (!fs::is_directory(dir)) continue;  // report every rule without fixtures, not just the first
    int bad = 0, ok = 0;
    std::string findings;  // every finding of every fixture, with severity and message
    for (const fs::path& file : fixture_files(dir)) {
      const std::string name = file.filename().string();
      CAPTURE(name);
      const std::string text = read_file(file.string());
      const std::multiset<std::string> expected = expectations(file.string(), text);
      // Judged on a fixed day: EXPECTED holds messages that count days ("expired … (2496 days
      // ago)"), and CI runs on any day.
      const LintResult result = lint_text(text, rule.id, name, kFixtureToday);
      const std::vector<std::string> got_list = brief(result);
      const std::multiset<std::string> got(got_list.begin(), got_list.end());
      for (const Diagnostic& d : result.diagnostics)
        findings += fmt::format("{} {}:{} {} {}\n", name, d.start.line, d.start.column,
                                to_string(d.severity), d.message);
      if (name.rfind("bad-", 0) == 0) {
        ++bad;
        CHECK_MESSAGE(!expected.empty(), "bad fixture without expectations: " << name);
      } else {
        REQUIRE_MESSAGE(name.rfind("ok-", 0) == 0, "fixture names start with bad- or ok-");
        ++ok;
        CHECK_MESSAGE(expected.empty(), "ok fixture with expectations: " << name);
      }
      for (const auto& e : expected)
        CHECK_MESSAGE(got.count(e) >= expected.count(e), "missing diagnostic " << e);
      for (const auto& g : got)
        CHECK_MESSAGE(expected.count(g) >= got.count(g), "unexpected diagnostic " << g);
    }
    // Severity and message of each finding: testdata/rules/<id>/EXPECTED, one line per finding
    // ("fixture line:col severity message"). scripts/update-fixture-expectations rewrites it
    // after a deliberate change (review its diff).
    const fs::path expected_file = dir / "EXPECTED";
    if (const char* update = std::getenv("CATALOG_LINT_UPDATE_EXPECTED"); update && *update) {
      write_file(expected_file.string(), findings);
    } else {
      CHECK_MESSAGE(fs::exists(expected_file), "no " << expected_file.string());
      if (fs::exists(expected_file)) CHECK(read_file(expected_file.string()) == findings);
    }
    if (!covered_elsewhere(dir))
      CHECK_MESSAGE(bad > 0, "rule " << rule.id << " has no bad fixture");
    CHECK_MESSAGE(ok > 0, "rule " << rule.id << " has no ok fixture");
  }
}

TEST_CASE("each rule doc's bad example triggers the rule and its good example does not") {
  static const RE2 block(R"((?s)## (Bad|Good) example\n\n```yaml\n(.*?)```)");
  for (const Rule& r : Registry::instance().rules()) {
    const RuleInfo& rule = r.info;
    CAPTURE(rule.id);
    re2::StringPiece doc(rule.doc);
    std::string which, yaml;
    int seen = 0;
    while (RE2::FindAndConsume(&doc, block, &which, &yaml)) {
      ++seen;
      if (yaml.rfind("# (", 0) == 0) continue;  // describes input a doc cannot show (binary, …)
      const LintResult r = lint_text(yaml, rule.id, "test.yaml", kFixtureToday);
      if (which == "Bad")
        CHECK_MESSAGE(!r.diagnostics.empty(), "bad example does not trigger " << rule.id);
      else
        CHECK_MESSAGE(r.diagnostics.empty(), "good example triggers " << rule.id);
    }
    CHECK(seen == 2);
  }
}
