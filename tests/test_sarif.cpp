// SARIF output: structure, stable fingerprints, and validation against the official schema with
// ../shared/sarif/validate-sarif.sh.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "util.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string quote(const std::string& s) {
  std::string out(1, '\'');
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  out += '\'';
  return out;
}

// Runs `cmd` through the shell; returns the exit code and stdout+stderr in `out`.
int run_shell(const std::string& cmd, std::string& out) {
  out.clear();
  std::FILE* p = popen(fmt::format("{} 2>&1", cmd).c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs catalog-lint in `cwd` with `args` and `--format sarif=<tmp file>`; returns the log.
json lint_sarif(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& out,
                int* exit_code = nullptr) {
  std::string cmd = fmt::format("cd {} && {}", quote(cwd.string()), quote(CATALOG_LINT_BINARY));
  for (const auto& a : args) cmd += fmt::format(" {}", quote(a));
  cmd += fmt::format(" --format {} >/dev/null", quote(fmt::format("sarif={}", out.string())));
  std::string output;
  const int code = run_shell(cmd, output);
  if (exit_code) *exit_code = code;
  std::ifstream in(out, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "no SARIF written; catalog-lint said: " << output);
  std::ostringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

fs::path make_temp_dir() {
  std::string t = (fs::temp_directory_path() / "catalog-lint-sarif-XXXXXX").string();
  REQUIRE(mkdtemp(t.data()) != nullptr);
  return t;
}

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

const json* find_result(const json& log, const std::string& rule, const std::string& pointer) {
  for (const json& r : log["runs"][0]["results"]) {
    if (r["ruleId"] != rule) continue;
    const json& loc = r["locations"][0];
    if (!loc.contains("logicalLocations")) continue;
    if (loc["logicalLocations"][0]["properties"].value("jsonPointer", "") == pointer) return &r;
  }
  return nullptr;
}

const char* kEntity = R"(apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  tags: [ok, Bad]
spec:
  type: service
  lifecycle: production
  owner: team-a
)";

// Checks what no schema checks (GITHUB.md §9): ruleIndex points at the rule, regions are 1-based
// with an exclusive end after the start, one run, columnKind declared.
void check_invariants(const json& log) {
  REQUIRE(log["runs"].size() == 1);
  const json& run = log["runs"][0];
  CHECK(run["columnKind"] == "utf16CodeUnits");
  const json& rules = run["tool"]["driver"]["rules"];
  for (std::size_t i = 1; i < rules.size(); ++i)
    CHECK(rules[i - 1]["id"].get<std::string>() < rules[i]["id"].get<std::string>());
  for (const json& r : run["results"]) {
    REQUIRE(r.contains("ruleIndex"));
    CHECK(rules.at(r["ruleIndex"].get<std::size_t>())["id"] == r["ruleId"]);
    CHECK(r["partialFingerprints"].contains("catalogLint/v2"));
    CHECK_FALSE(r["partialFingerprints"].contains("primaryLocationLineHash"));
    const json& region = r["locations"][0]["physicalLocation"]["region"];
    CHECK(region["startLine"].get<int>() >= 1);
    CHECK(region["startColumn"].get<int>() >= 1);
    CHECK(region["endLine"].get<int>() >= region["startLine"].get<int>());
    if (region["endLine"] == region["startLine"])
      CHECK(region["endColumn"].get<int>() >= region["startColumn"].get<int>());
  }
}

}  // namespace

TEST_CASE("sarif: columns are UTF-16 code units after non-ASCII and astral characters") {
  const fs::path tmp = make_temp_dir();
  // "é" is 2 bytes / 1 unit, "😀" is 4 bytes / 2 units; "Bad" starts at code point 19.
  write(tmp / "catalog-info.yaml",
        std::string(kEntity).replace(std::string(kEntity).find("[ok, Bad]"), 9,
                                     "[\"é\", \"😀\", Bad]"));
  const json log = lint_sarif({"catalog-info.yaml"}, tmp, tmp / "out.sarif");
  check_invariants(log);
  const json* bad = find_result(log, "invalid-tag", "/metadata/tags/2");
  REQUIRE(bad != nullptr);
  const json& region = (*bad)["locations"][0]["physicalLocation"]["region"];
  //   tags: ["é", "😀", Bad]   → code points: B at 20; UTF-16: one more for the emoji.
  CHECK(region["startColumn"] == 21);
  CHECK(region["endColumn"] == 24);
  CHECK((*bad)["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "catalog-info.yaml");
  CHECK((*bad)["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  fs::remove_all(tmp);
}

TEST_CASE("sarif: partialFingerprints survive lines inserted above the finding") {
  const fs::path tmp = make_temp_dir();
  write(tmp / "catalog-info.yaml", kEntity);
  const json before = lint_sarif({"catalog-info.yaml"}, tmp, tmp / "before.sarif");
  write(tmp / "catalog-info.yaml",
        fmt::format("# A comment above everything\n# and another one\n\n{}", kEntity));
  const json after = lint_sarif({"catalog-info.yaml"}, tmp, tmp / "after.sarif");
  const json* b = find_result(before, "invalid-tag", "/metadata/tags/1");
  const json* a = find_result(after, "invalid-tag", "/metadata/tags/1");
  REQUIRE(b != nullptr);
  REQUIRE(a != nullptr);
  const auto line = [](const json* r) {
    return (*r)["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>();
  };
  CHECK(line(a) == line(b) + 3);
  CHECK((*a)["partialFingerprints"]["catalogLint/v2"] ==
        (*b)["partialFingerprints"]["catalogLint/v2"]);
  fs::remove_all(tmp);
}

TEST_CASE("sarif: a run over testdata/ and broken inputs is valid per the official schema") {
  const fs::path src = CATALOG_LINT_SOURCE_DIR;
  const fs::path tmp = make_temp_dir();
  // Unreadable even for root: a dangling symlink. Plus UTF-16 (not parsed at all), invalid UTF-8,
  // and a file name that needs percent-encoding.
  fs::create_symlink(tmp / "does-not-exist.yaml", tmp / "catalog-dangling.yaml");
  write(tmp / "catalog-utf16.yaml", std::string("\xFF\xFE"
                                                "a\0p\0i\0",
                                                8));
  write(tmp / "catalog bad utf8 {0}.yaml",
        std::string(kEntity).replace(std::string(kEntity).find("Bad"), 3, "B\xFF\xFE"));
  int code = 0;
  const json log = lint_sarif(
      {"testdata/", (tmp / "catalog-dangling.yaml").string(), (tmp / "catalog-utf16.yaml").string(),
       (tmp / "catalog bad utf8 {0}.yaml").string(), "--sarif-category", "catalog-lint/test"},
      src, tmp / "out.sarif", &code);
  CHECK(code == 2);  // an unreadable file
  check_invariants(log);
  const json& run = log["runs"][0];
  CHECK(run["automationDetails"]["id"] == "catalog-lint/test");
  CHECK(run["invocations"][0]["executionSuccessful"] == false);
  std::set<std::string> rules_seen;
  for (const json& r : run["results"]) rules_seen.insert(r["ruleId"].get<std::string>());
  for (const char* rule : {"yaml-syntax-error", "duplicate-entity", "invalid-tag",
                           "unreadable-file", "unsupported-encoding", "invalid-utf8"})
    CHECK_MESSAGE(rules_seen.count(rule) == 1, "no " << rule << " result");
  std::set<std::string> notified;
  for (const json& n : run["invocations"][0]["toolExecutionNotifications"])
    notified.insert(n["descriptor"]["id"].get<std::string>());
  CHECK(notified.count("unreadable-file") == 1);
  CHECK(notified.count("unsupported-encoding") == 1);

  // The external validators: OASIS schema (Ajv) and upload-sarif's own checks.
  std::string out;
  if (run_shell("command -v node && command -v npm", out) != 0) {
    catalog_lint::test::skip("node and npm are not installed: validate-sarif.sh cannot run");
    fs::remove_all(tmp);
    return;
  }
  std::string deps = fs::path(CATALOG_LINT_BINARY).parent_path() / "sarif-validator-deps";
  if (const char* env = std::getenv("SARIF_VALIDATOR_DEPS"); env && *env) deps = env;
  const fs::path validator = src / ".." / "shared" / "sarif" / "validate-sarif.sh";
  const int rc = run_shell(
      fmt::format("cd {} && bash {} --deps {} {}", quote(src.string()), quote(validator.string()),
                  quote(deps), quote((tmp / "out.sarif").string())),
      out);
  CHECK_MESSAGE(rc == 0, "validate-sarif.sh exit " << rc << ":\n" << out);
  fs::remove_all(tmp);
}
