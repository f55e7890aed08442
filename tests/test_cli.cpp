// End-to-end tests of the built binary: exit codes, human and JSON output, discovery, subcommands.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint::test;

namespace {
const std::string kBad = "testdata/e2e/basic/bad";
const std::string kGood = "testdata/e2e/basic/good";
}  // namespace

TEST_CASE("cli: a clean file exits 0 with a one-line summary") {
  const CliRun r = run_cli({kGood}, source_dir());
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no problems in 1 file\n");
  CHECK(r.err.empty());
}

TEST_CASE("cli: human output is compiler style with snippet, caret, help and summary") {
  const CliRun r = run_cli({"--color", "never", kBad}, source_dir());
  CHECK(r.exit_code == 1);
  CHECK(r.out == read_file(source_dir() + "/testdata/e2e/basic/expected-human.txt"));
}

TEST_CASE("cli: --color always adds ANSI colours, auto does not when piped") {
  CHECK(run_cli({"--color", "always", kBad}, source_dir()).out.find("\x1b[1;31merror") !=
        std::string::npos);
  CHECK(run_cli({kBad}, source_dir()).out.find('\x1b') == std::string::npos);
}

TEST_CASE("cli: JSON output has the documented shape and exact values") {
  const CliRun r = run_cli({"--format", "json", kBad}, source_dir());
  REQUIRE(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["version"] == 1);
  const auto& d = j["diagnostics"];
  REQUIRE(d.size() == 5);
  CHECK(d[0] == nlohmann::json::parse(R"({
    "file": "testdata/e2e/basic/bad/catalog-info.yaml", "line": 4, "column": 9,
    "end_line": 4, "end_column": 13, "severity": "error", "rule": "invalid-field-type",
    "category": "backstage",
    "message": "`metadata.name` must be a string, found a number '2001'",
    "help": "YAML 1.2 reads the unquoted value '2001' as a number; quote it: \"2001\"",
    "document": 0, "entity": null, "path": "/metadata/name",
    "fix": {"description": "quote '2001' as a string", "safety": "safe",
            "edits": [{"begin": 68, "end": 72, "text": "\"2001\""}]}})"));
  // Columns count code points: "café-api" is 8 characters, 9 bytes.
  CHECK(d[4]["rule"] == "invalid-entity-name");
  CHECK(d[4]["line"] == 14);
  CHECK(d[4]["column"] == 9);
  CHECK(d[4]["end_column"] == 17);
  CHECK(d[4]["document"] == 1);
  CHECK(d[4]["entity"] == "api:default/café-api");
  CHECK(
      j["summary"] ==
      nlohmann::json::parse(
          R"({"errors":5,"warnings":0,"notes":0,"files":1,"files_with_findings":1,"in_files_not_linted":0,"suppressed":0})"));
}

TEST_CASE("cli: --fail-on sets the severity threshold of exit code 1") {
  CHECK(run_cli({"--fail-on", "note", kGood}, source_dir()).exit_code == 0);
  CHECK(run_cli({"--fail-on", "warning", kBad}, source_dir()).exit_code == 1);
}

TEST_CASE("cli: --quiet prints errors only and nothing when clean") {
  CHECK(run_cli({"--quiet", kGood}, source_dir()).out.empty());
  const CliRun r = run_cli({"--quiet", kBad}, source_dir());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("[invalid-tag]") != std::string::npos);
}

TEST_CASE("cli: an unreadable file is reported, the others are still linted, exit 2") {
  const std::string dir = temp_dir();
  fs::create_symlink(dir + "/nowhere.yaml", dir + "/dangling.yaml");
  const CliRun r = run_cli({"--format", "json", dir + "/dangling.yaml", source_dir() + "/" + kBad});
  CHECK(r.exit_code == 2);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 6);
  int unreadable = 0;
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == "unreadable-file") {
      ++unreadable;
      CHECK(d["message"] == "cannot read file: No such file or directory");
      CHECK(d["line"] == 1);
      CHECK(d["category"] == "input");
    }
  CHECK(unreadable == 1);
}

TEST_CASE("cli: a path that does not exist is an error (exit 2) but other paths are linted") {
  const CliRun r = run_cli({"no/such/dir", kGood}, source_dir());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "catalog-lint: error: no/such/dir: no such file or directory\n");
  // Not "no problems": a path was not linted.
  CHECK(r.out == "1 file linted, no findings; 1 path could not be read\n");
  const CliRun none = run_cli({"no/such/dir"}, source_dir());
  CHECK(none.exit_code == 2);
  CHECK(none.out == "0 files linted, no findings; 1 path could not be read\n");
  // The report of such a run is written, and the run fails as a lint's does.
  const CliRun report = run_cli({"report", "no/such/dir", kGood}, source_dir());
  CHECK(report.exit_code == 2);
  CHECK(report.err == r.err);
  CHECK(report.out.find("| Team |") != std::string::npos);
}

TEST_CASE("cli: usage errors exit 2") {
  CHECK(run_cli({"--format", "xml", kGood}, source_dir()).exit_code == 2);
  CHECK(run_cli({"--jobs", "0", kGood}, source_dir()).exit_code == 2);
  const CliRun r = run_cli({"--today", "2026-02-30", kGood}, source_dir());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "catalog-lint: error: --today '2026-02-30' is not a date (YYYY-MM-DD)\n");
  CHECK(run_cli({"--today", "2028-02-29", kGood}, source_dir()).exit_code == 0);
}

TEST_CASE("cli: --version, rules and explain") {
  CHECK(run_cli({"--version"}).out == "0.1.0\n");
  const CliRun rules = run_cli({"rules"});
  CHECK(rules.exit_code == 0);
  CHECK(rules.out.rfind("RULE", 0) == 0);
  CHECK(rules.out.find("\ninvalid-tag ") != std::string::npos);
  CHECK(rules.out.find(" backstage ") != std::string::npos);
  const CliRun explain = run_cli({"explain", "invalid-tag"});
  CHECK(explain.exit_code == 0);
  CHECK(explain.out.rfind("invalid-tag (backstage, default severity error)\n", 0) == 0);
  CHECK(explain.out.find("## Bad example") != std::string::npos);
  CHECK(explain.out.find("## Good example") != std::string::npos);
  const CliRun unknown = run_cli({"explain", "no-such-rule"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown rule 'no-such-rule'") != std::string::npos);
  // A near miss gets a suggestion; a far one none (payments-team is no security-team).
  CHECK(run_cli({"explain", "unknown-ownr"}).err ==
        "catalog-lint: error: unknown rule 'unknown-ownr'; did you mean 'unknown-owner'? "
        "`catalog-lint rules` lists them\n");
  CHECK(unknown.err ==
        "catalog-lint: error: unknown rule 'no-such-rule'; `catalog-lint rules` "
        "lists them\n");
}

TEST_CASE("cli: directory discovery picks catalog files and skips the rest") {
  const std::string dir = temp_dir();
  const std::string entity =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: NAME\n"
      "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
  auto with_name = [&](const std::string& n) {
    std::string s = entity;
    s.replace(s.find("NAME"), 4, n);
    return s;
  };
  write_file(dir + "/catalog-info.yaml", with_name("a"));
  write_file(dir + "/svc/catalog-info.yml", with_name("b"));
  write_file(dir + "/org/catalog-groups.yaml", with_name("c"));
  write_file(dir + "/apis/payments.yaml", with_name("d"));  // sniffed: backstage apiVersion
  write_file(dir + "/apis/typo.yaml", "apiVersion: backstage.io/v1alpa1\nkind: API\n");
  write_file(dir + "/k8s/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\n");
  write_file(dir + "/.github/workflows/ci.yml", "on: push\n");
  write_file(dir + "/node_modules/x/catalog-info.yaml", with_name("e"));
  write_file(dir + "/.git/catalog-info.yaml", with_name("f"));
  write_file(dir + "/notes.txt", "apiVersion: backstage.io/v1alpha1\n");
  const CliRun r = run_cli({"--format", "json", "."}, dir);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["summary"]["files"] == 5);
  std::set<std::string> files;
  for (const auto& d : j["diagnostics"]) files.insert(d["file"].get<std::string>());
  // Only the typo file has findings (unsupported apiVersion, missing metadata, missing spec).
  CHECK(files == std::set<std::string>{"apis/typo.yaml"});
  CHECK(r.exit_code == 1);
}

TEST_CASE("cli: files ignored by the repository's .gitignore are skipped") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q " + dir).c_str()) == 0);
  write_file(dir + "/.gitignore", "generated/\n");
  write_file(dir + "/generated/catalog-info.yaml", "kind: [\n");
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\n"
             "spec: {}\n");
  const CliRun r = run_cli({"."}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no problems in 1 file\n");
}

TEST_CASE("cli: the summary counts the fixes the findings shown offer, by option") {
  const std::string dir = temp_dir();
  const std::string head = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n";
  const std::string spec = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
  write_file(dir + "/catalog-info.yaml", head + "  name: x\n  tags: [Java]\n" + spec);
  CliRun r = run_cli({"catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("  = fix: lower-case 'Java' (--fix --unsafe-fixes applies it)\n") !=
        std::string::npos);
  CHECK(r.out.substr(r.out.find("1 error,")) ==
        "1 error, 0 warnings in 1 of 1 file\n1 fixable with --fix --unsafe-fixes\n");
  write_file(dir + "/catalog-info.yaml", head + "  name: 4711\n" + spec);
  r = run_cli({"catalog-info.yaml"}, dir);
  CHECK(r.out.substr(r.out.find("1 error,")) ==
        "1 error, 0 warnings in 1 of 1 file\n1 fixable with --fix\n");
  // After --fix, what is left says no more than what is left.
  r = run_cli({"--fix", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("fixable") == std::string::npos);
  // A finding without a fix: no count.
  write_file(dir + "/catalog-info.yaml", head + "  name: x\n" + "spec:\n  type: service\n");
  r = run_cli({"catalog-info.yaml"}, dir);
  CHECK(r.out.find("fixable") == std::string::npos);
  CHECK(r.out.find("= fix:") == std::string::npos);
}

TEST_CASE("cli: an empty option value is a usage error, not an option silently off") {
  // `--baseline "$BASELINE"` with the variable unset ran without the baseline (exit 0 or 1).
  const std::string dir = temp_dir();
  for (const std::string opt :
       {"--baseline", "--write-baseline", "--changed-since", "--config", "--catalog", "--output",
        "--stdin-filename", "--allow-extends-from", "--sarif-category"}) {
    CAPTURE(opt);
    const CliRun r = run_cli({opt, "", "."}, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.out == "");
    CHECK(r.err == "catalog-lint: error: " + opt +
                       ": an empty value (an unset variable?)\nRun with --help for more "
                       "information.\n");
    // `--config=`: CLI11 took the next argument as the value.
    const CliRun eq = run_cli({opt + "=", "catalog-info.yaml"}, dir);
    CHECK(eq.exit_code == 2);
    CHECK(eq.err == r.err);
  }
}
