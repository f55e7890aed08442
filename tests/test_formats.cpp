// Tests for the CI output formats (github, junit), the --format/--output plan, atomic writes and
// the golden files of testdata/e2e/sarif/.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/fingerprint.h"
#include "core/version.h"
#include "report/output.h"
#include "report/report.h"
#include "util.h"

namespace cl = catalog_lint;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

fs::path make_temp_dir() {
  std::string t = (fs::temp_directory_path() / "catalog-lint-formats-XXXXXX").string();
  REQUIRE(mkdtemp(t.data()) != nullptr);
  return t;
}

cl::Diagnostic diag(std::string rule, cl::Severity sev, std::string file, int line, int col,
                    std::string message) {
  cl::Diagnostic d;
  d.rule = std::move(rule);
  d.severity = sev;
  d.file = std::move(file);
  d.start = cl::SourcePos{line, col, col, 0};
  d.message = std::move(message);
  d.document = 0;
  return d;
}

// The SARIF golden is pinned without the tool version.
std::string normalise_sarif(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text);
  auto& driver = j["runs"][0]["tool"]["driver"];
  CHECK(driver["version"] == std::string(cl::kVersion));
  CHECK(driver["semanticVersion"] == std::string(cl::kVersion));
  driver["version"] = "VERSION";
  driver["semanticVersion"] = "VERSION";
  driver["fullName"] = "catalog-lint VERSION";
  // Rules come and go as others are added: pin only the descriptors of rules with results here
  // (ruleIndex becomes the index into that list; the sarif tests check the real indexes).
  std::set<std::string> used;
  for (const auto& r : j["runs"][0]["results"]) used.insert(r["ruleId"].get<std::string>());
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, int> index;
  for (const auto& rule : driver["rules"]) {
    if (!used.count(rule["id"].get<std::string>())) continue;
    index[rule["id"].get<std::string>()] = static_cast<int>(rules.size());
    rules.push_back(rule);
  }
  driver["rules"] = rules;
  for (auto& r : j["runs"][0]["results"]) r["ruleIndex"] = index[r["ruleId"].get<std::string>()];
  return j.dump(2) + "\n";
}

void check_golden(const fs::path& golden, const std::string& actual) {
  if (const char* u = std::getenv("CATALOG_LINT_UPDATE_GOLDENS"); u && std::string(u) == "1") {
    spit(golden, actual);
    MESSAGE("updated " << golden);
    return;
  }
  const std::string expected = slurp(golden);
  CHECK_MESSAGE(expected == actual, "golden "
                                        << golden
                                        << " differs; rerun with "
                                           "CATALOG_LINT_UPDATE_GOLDENS=1 and review the diff");
}

}  // namespace

TEST_CASE("formats: github annotations escape properties and data, errors first, summary last") {
  cl::LintResult r;
  r.files = 2;
  r.linted = {"a.yaml", "dir,x/b:c.yaml"};
  r.diagnostics.push_back(diag("rule-n", cl::Severity::note, "a.yaml", 1, 1, "a note"));
  r.diagnostics.push_back(
      diag("rule-w", cl::Severity::warning, "dir,x/b:c.yaml", 2, 3, "50% off\r\nnext, line: x"));
  cl::Diagnostic e = diag("rule-e", cl::Severity::error, "a.yaml", 3, 5, "bad value");
  e.end = cl::SourcePos{3, 9, 9, 0};
  e.help = "fix it";
  r.diagnostics.push_back(e);
  std::ostringstream out;
  cl::report_github(out, r, cl::GithubOptions{fs::current_path().string()});
  const std::string expected =
      "::error file=a.yaml,line=3,col=5,endLine=3,endColumn=9,title=rule-e::bad value%0Ahelp: "
      "fix it\n"
      "::warning file=dir%2Cx/b%3Ac.yaml,line=2,col=3,title=rule-w::50%25 off%0D%0Anext, line: x\n"
      "::notice file=a.yaml,line=1,col=1,title=rule-n::a note\n"
      "catalog-lint: 1 error, 1 warning, 1 note in 2 of 2 files (GitHub shows at most 10 "
      "annotations of each type per step; every finding is listed above)\n";
  CHECK(out.str() == expected);
  // A newline in a file name is escaped as GitHub's escapeProperty does (%0A), so the
  // annotation names the real file (it was shown as the symbol U+240A).
  cl::LintResult n;
  n.files = 1;
  n.linted = {"a\nb.yaml"};
  n.diagnostics.push_back(diag("rule-e", cl::Severity::error, "a\nb.yaml", 1, 1, "bad"));
  std::ostringstream nl;
  cl::report_github(nl, n, cl::GithubOptions{fs::current_path().string()});
  CHECK(nl.str().rfind("::error file=a%0Ab.yaml,line=1,col=1,title=rule-e::bad\n", 0) == 0);
}

TEST_CASE("formats: xml_escape escapes markup, drops XML-invalid characters, repairs UTF-8") {
  CHECK(cl::xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(cl::xml_escape("t\tn\nr\r") == "t&#9;n&#10;r&#13;");
  CHECK(cl::xml_escape(std::string("x\x01y\x1Fz\x7F", 6)) == "xyz");
  CHECK(cl::xml_escape(std::string("nul\0!", 5)) == "nul!");
  CHECK(cl::xml_escape("\xEF\xBF\xBE\xEF\xBF\xBF") == "");  // U+FFFE, U+FFFF
  CHECK(cl::xml_escape("caf\xC3\xA9 \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(cl::xml_escape("bad\xFF") == "bad\xEF\xBF\xBD");  // U+FFFD
  CHECK(cl::xml_escape("\xC2\x85") == "");                // C1 control
}

TEST_CASE("formats: junit groups by file and entity, failures only at or above fail-on") {
  cl::LintResult r;
  r.files = 3;
  cl::Diagnostic a = diag("invalid-tag", cl::Severity::error, "a.yaml", 4, 3, "tag <x> & y");
  a.entity = "component:default/a";
  cl::Diagnostic b = diag("some-warning", cl::Severity::warning, "a.yaml", 5, 3, "meh");
  b.entity = "component:default/a";
  cl::Diagnostic c = diag("yaml-syntax-error", cl::Severity::error, "a.yaml", 9, 1, "broken");
  c.document = 1;
  r.diagnostics = {a, b, c};
  std::ostringstream out;
  cl::report_junit(out, r, cl::JunitOptions{{"a.yaml", "clean.yaml"}, cl::Severity::error});
  const std::string xml = out.str();
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"catalog-lint\" "
                  "tests=\"3\" failures=\"2\" errors=\"0\">",
                  0) == 0);
  CHECK(xml.find("<testsuite name=\"a.yaml\" tests=\"2\" failures=\"2\"") != std::string::npos);
  CHECK(xml.find("<testcase name=\"component:default/a\"") != std::string::npos);
  CHECK(xml.find("<testcase name=\"document 2\"") != std::string::npos);
  CHECK(xml.find("message=\"tag &lt;x&gt; &amp; y [invalid-tag]\"") != std::string::npos);
  CHECK(xml.find("<system-out>a.yaml:5:3: warning: meh [some-warning]") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"clean.yaml\" tests=\"1\" failures=\"0\"") != std::string::npos);
}

TEST_CASE("formats: --format/--output plan") {
  using A = cl::OutputArg;
  std::vector<cl::OutputSpec> plan;
  CHECK_FALSE(cl::plan_outputs({}, plan));
  REQUIRE(plan.size() == 1);
  CHECK((plan[0].format == "human" && plan[0].to_stdout()));

  CHECK_FALSE(
      cl::plan_outputs({A{true, "sarif"}, A{false, "r.sarif"}, A{true, "junit=j.xml"}}, plan));
  REQUIRE(plan.size() == 3);  // human stays on the terminal
  CHECK((plan[0].format == "human" && plan[0].to_stdout()));
  CHECK((plan[1].format == "sarif" && plan[1].file == "r.sarif"));
  CHECK((plan[2].format == "junit" && plan[2].file == "j.xml"));

  CHECK_FALSE(cl::plan_outputs({A{true, "json"}}, plan));
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].format == "json");

  CHECK(cl::plan_outputs({A{false, "x"}}, plan));                      // no format
  CHECK(cl::plan_outputs({A{true, "xml"}}, plan));                     // unknown
  CHECK(cl::plan_outputs({A{true, "json"}, A{true, "sarif"}}, plan));  // 2 stdout
  CHECK(cl::plan_outputs({A{true, "sarif=a"}, A{false, "b"}}, plan));  // 2 files
  CHECK(cl::plan_outputs({A{true, "sarif=a"}, A{true, "junit"}, A{false, "a"}}, plan));  // same
  CHECK(cl::plan_outputs({A{true, "sarif="}}, plan));  // empty file
}

TEST_CASE("formats: write_file_atomically replaces the file and leaves no temporary behind") {
  const fs::path dir = make_temp_dir();
  const fs::path target = dir / "out.sarif";
  spit(target, "old");
  CHECK_FALSE(cl::write_file_atomically(target.string(), "new content"));
  CHECK(slurp(target) == "new content");
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.exists() ? 1 : 0;
  CHECK(entries == 1);
  const auto err = cl::write_file_atomically((dir / "missing" / "x.sarif").string(), "x");
  REQUIRE(err);
  CHECK(err->find("missing") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "missing"));
  fs::remove_all(dir);
}

TEST_CASE("formats: fingerprint hash ignores nothing it should not") {
  const std::string h = cl::fingerprint_hash("invalid-tag", "a.yaml", "component:default/a", "/x");
  CHECK(h.size() == 16);
  CHECK(h == cl::fingerprint_hash("invalid-tag", "a.yaml", "component:default/a", "/x"));
  CHECK(h != cl::fingerprint_hash("invalid-tag", "b.yaml", "component:default/a", "/x"));
  CHECK(h != cl::fingerprint_hash("invalid-tag", "a.yaml", "component:default/b", "/x"));
  CHECK(h != cl::fingerprint_hash("invalid-tag", "a.yaml", "component:default/a", "/y"));
  CHECK(h != cl::fingerprint_hash("invalid-label", "a.yaml", "component:default/a", "/x"));
  CHECK(cl::fingerprint_hash("ab", "c", "", "") != cl::fingerprint_hash("a", "bc", "", ""));
  cl::FingerprintCounter counter;
  CHECK(counter.next("r", "f", "", "") == cl::fingerprint_hash("r", "f", "", "") + ":1");
  CHECK(counter.next("r", "f", "", "") == cl::fingerprint_hash("r", "f", "", "") + ":2");
}

TEST_CASE("formats: golden sarif, github and junit outputs of testdata/e2e/sarif") {
  const fs::path src = CATALOG_LINT_SOURCE_DIR;
  const fs::path golden = src / "testdata/e2e/sarif/expected";
  const fs::path tmp = make_temp_dir();
  const catalog_lint::test::CliRun run = catalog_lint::test::run_cli(
      {"testdata/e2e/sarif/input", "-j", "1", "--color", "never", "--format", "sarif", "--output",
       (tmp / "out.sarif").string(), "--format",
       fmt::format("github={}", (tmp / "out.github").string()), "--format",
       fmt::format("junit={}", (tmp / "out.xml").string())},
      src.string());
  const std::string& human = run.out;
  CHECK(run.exit_code == 1);
  // Human output stays on the terminal when the other formats go to files.
  CHECK(human.find("[invalid-tag]") != std::string::npos);
  check_golden(golden / "results.sarif", normalise_sarif(slurp(tmp / "out.sarif")));
  check_golden(golden / "github.txt", slurp(tmp / "out.github"));
  check_golden(golden / "junit.xml", slurp(tmp / "out.xml"));
  fs::remove_all(tmp);
}
