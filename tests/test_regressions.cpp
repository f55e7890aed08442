// Regression tests for bugs found by review, fixtures and the new-user trial, one per kind.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint::test;

namespace {
std::string component(const std::string& name_yaml, const std::string& extra = "") {
  return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name_yaml +
         "\n" + extra + "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
}
}  // namespace

TEST_CASE("regression: input bytes never reach the terminal as control characters") {
  const std::string dir = temp_dir();
  // An escape sequence and a bell inside a quoted value, and a DEL byte.
  write_file(dir + "/catalog-info.yaml", component("\"a\\x1b[31mred\\x07\\x7f\""));
  const CliRun r = run_cli({"--color", "never", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  for (const char c : r.out) {
    const unsigned char u = static_cast<unsigned char>(c);
    const bool visible = (u >= 0x20 || c == '\n') && u != 0x7F;
    CHECK_MESSAGE(visible, "raw control byte " << int(u));
  }
  // Shown as Unicode control pictures: U+241B (ESC), U+2407 (BEL), U+2421 (DEL).
  CHECK(r.out.find("a\xE2\x90\x9B[31mred\xE2\x90\x87\xE2\x90\xA1") != std::string::npos);
}

TEST_CASE("regression: a very long source line is shown as a window around the caret") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml",
             component("payments", "  description: " + std::string(5000, 'x') + "\n  tags: [" +
                                       std::string(3000, 'y') + "Z]\n"));
  const CliRun r = run_cli({"--color", "never", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  std::size_t longest = 0, start = 0;
  while (start < r.out.size()) {
    std::size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    const std::string line = r.out.substr(start, end - start);
    // Diagnostic lines quote the value; snippet lines (`N | …`) are windowed.
    if (line.find(" | ") != std::string::npos) longest = std::max(longest, line.size());
    start = end + 1;
  }
  CHECK(longest <= 180);
  CHECK(r.out.find("6 | …") == std::string::npos);  // the caret is near the start: no left cut
  CHECK(r.out.find("yyy…\n") != std::string::npos);
}

TEST_CASE("regression: a FIFO under --catalog is skipped, not read (no hang)") {
  const std::string dir = temp_dir();
  fs::create_directories(dir + "/org");
  REQUIRE(mkfifo((dir + "/org/catalog-groups.yaml").c_str(), 0644) == 0);
  write_file(dir + "/catalog-info.yaml", component("payments"));
  const CliRun r = run_cli({"--catalog", "org", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);  // a hang would be killed by run_cli's alarm (exit 142)
  CHECK(r.err.empty());
}

TEST_CASE("regression: SARIF describes a repository's own declarative rule") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/.catalog-lint.yaml",
             "declarative_rules:\n"
             "  - id: missing-runbook\n"
             "    summary: a Component has no runbook annotation\n"
             "    severity: warning\n"
             "    select: {kind: [Component]}\n"
             "    require: {annotation: example.com/runbook}\n"
             "    message: no example.com/runbook annotation\n");
  write_file(dir + "/catalog-info.yaml", component("payments"));
  const CliRun r = run_cli({"--format", "sarif", "catalog-info.yaml"}, dir);
  const auto log = nlohmann::json::parse(r.out);
  const auto& run = log["runs"][0];
  int index = -1;
  for (std::size_t i = 0; i < run["tool"]["driver"]["rules"].size(); ++i)
    if (run["tool"]["driver"]["rules"][i]["id"] == "missing-runbook") index = static_cast<int>(i);
  REQUIRE(index >= 0);
  bool found = false;
  for (const auto& res : run["results"])
    if (res["ruleId"] == "missing-runbook") {
      found = true;
      CHECK(res["ruleIndex"] == index);
      CHECK(res["level"] == "warning");
    }
  CHECK(found);
}
