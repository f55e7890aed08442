// Issue 11: everything a file controls is bounded and near-linear. Each case below is a shape
// that was exponential, quadratic or gigabytes large before, checked by its exact findings: a
// regression shows up as a run killed by the 120 s guard (exit 128 + SIGALRM) or by the memory
// cap (std::bad_alloc: exit 2, "out of memory"), never by a timing assertion.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/glob.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

constexpr std::string_view kComponent =
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\n";
constexpr std::string_view kSpec =
    "spec:\n  type: service\n  lifecycle: production\n  owner: group:default/x\n";

// These tests measure paths of many findings: each run raises the per-file findings limit
// (--limit findings=N), which would otherwise cut them at 10,000.

// run_cli() with the address space capped at `cap_bytes` (a run that needs more fails with
// "out of memory", exit 2), killed after 120 s like run_cli.
CliRun run_capped(const std::vector<std::string>& args, const std::string& cwd,
                  std::size_t cap_bytes) {
  return run_with(args, RunOptions{.cwd = cwd, .address_space = cap_bytes});
}

// rule -> number of findings, from a --format json run.
std::map<std::string, int> counts(const CliRun& run) {
  std::map<std::string, int> out;
  const auto j = nlohmann::json::parse(run.out);
  for (const auto& d : j["diagnostics"]) ++out[d["rule"].get<std::string>()];
  return out;
}

// "rule line:column" of the JSON run's diagnostic `i`.
std::string at(const CliRun& run, std::size_t i) {
  const auto d = nlohmann::json::parse(run.out)["diagnostics"].at(i);
  return fmt::format("{} {}:{}", d["rule"].get<std::string>(), d["line"].get<int>(),
                     d["column"].get<int>());
}

std::string git_init(const std::string& dir) {
  fs::create_directories(dir);
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  return dir;
}

}  // namespace

TEST_CASE("bounds: glob semantics: * ? [...] within a segment, ** across, leading dots") {
  CHECK(glob_match("*.yaml", "a.yaml"));
  CHECK_FALSE(glob_match("*.yaml", ".a.yaml"));  // FNM_PERIOD: * never matches a leading dot
  CHECK(glob_match(".*.yaml", ".a.yaml"));
  CHECK_FALSE(glob_match("*.yaml", "d/a.yaml"));  // * stays in one segment
  CHECK(glob_match("a/**/b", "a/b"));
  CHECK(glob_match("a/**/b", "a/x/y/b"));
  CHECK(glob_match("**", "x/.hidden/y"));  // ** takes any whole segments
  CHECK(glob_match("./a//b", "a/b"));      // empty and . segments are ignored
  CHECK(glob_match("s[0-9]?", "s7x"));
  CHECK_FALSE(glob_match("s[!0-9]", "s7"));
  CHECK(glob_match("[[:upper:]]*", "Xy"));
  CHECK_FALSE(glob_match("[.]x", ".x"));  // a bracket does not match a leading dot either
  CHECK(glob_match("a\\*", "a*"));
  CHECK_FALSE(glob_match("a\\*", "ab"));
  CHECK(glob_match("x[", "x["));  // an unclosed [ is an ordinary character (as fnmatch)
  CHECK(glob_segment_match("*a*a*a*a*a*a*a*a*b", std::string(60, 'a') + "b"));
  CHECK_FALSE(glob_segment_match("*a*a*a*a*a*a*a*a*b", std::string(4000, 'a')));
  // Was exponential: 30 `**` against a 40-segment path that does not match.
  std::string pattern, path;
  for (int i = 0; i < 30; ++i) pattern += "**/";
  for (int i = 0; i < 40; ++i) path += fmt::format("d{}/", i);
  CHECK_FALSE(glob_match(pattern + "x.yaml", path + "y.yaml"));
  CHECK(glob_match(pattern + "y.yaml", path + "y.yaml"));
}

TEST_CASE("bounds: a Location target with 20 ** segments over an 18-level tree") {
  const std::string dir = git_init(temp_dir() + "/repo");
  std::string deep;
  for (int i = 0; i < 18; ++i) deep += fmt::format("d{}/", i);
  write_file(dir + "/" + deep + "catalog-info.yaml",
             std::string(kComponent) + "  tags: [Bad]\n" + std::string(kSpec));
  write_file(dir + "/" + deep + "other.txt", "not a catalog file\n");
  std::string target = "./";
  for (int i = 0; i < 20; ++i) target += "**/";
  write_file(dir + "/loc.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n"
             "  targets:\n    - '" +
                 target + "catalog-info.yaml'\n    - '" + target + "missing-*.yaml'\n");
  const CliRun r = run_cli({"--format", "json", "loc.yaml"}, dir);
  REQUIRE(r.exit_code == 1);
  CHECK(counts(r) ==
        std::map<std::string, int>{{"invalid-tag", 1}, {"location-target-not-found", 1}});
  CHECK(at(r, 0) == "invalid-tag 5:10");  // in the deep file, found through the first target
  CHECK(at(r, 1) == "location-target-not-found 8:7");
}

TEST_CASE("bounds: 20,000 ** targets over 3,000 files: one walk of the tree") {
  const std::string dir = git_init(temp_dir() + "/repo");
  for (int i = 0; i < 3000; ++i)
    write_file(fmt::format("{}/svc/t{}/s{}/x.txt", dir, i % 60, i), "");
  write_file(dir + "/svc/t7/s7/catalog-info.yaml",
             std::string(kComponent) + "  tags: [Bad]\n" + std::string(kSpec));
  std::string targets = "    - ./svc/**/catalog-info.yaml\n";
  for (int i = 0; i < 20000; ++i) targets += fmt::format("    - ./svc/**/nope-{}.yaml\n", i);
  write_file(dir + "/loc.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n"
             "  targets:\n" +
                 targets);
  const CliRun r = run_cli({"--limit", "findings=1000000", "--format", "json", "loc.yaml"}, dir);
  REQUIRE(r.exit_code == 1);
  CHECK(counts(r) ==
        std::map<std::string, int>{{"invalid-tag", 1}, {"location-target-not-found", 20000}});
  CHECK(at(r, 0) == "location-target-not-found 8:7");
  CHECK(at(r, 19999) == "location-target-not-found 20007:7");
  CHECK(at(r, 20000) == "invalid-tag 5:10");
  CHECK(nlohmann::json::parse(r.out)["summary"]["files"] == 2);
}

TEST_CASE("bounds: the repository boundary comes from the Location's file, not the cwd") {
  // /base/repo holds the Location; /base/outside.yaml lies outside it; /base/other is another
  // repository; /base itself is in none (checked: else the case says nothing).
  const std::string base = temp_dir();
  const CliRun probe = run_cli({"--version"}, base);
  REQUIRE(probe.exit_code == 0);
  if (std::system(("git -C '" + base + "' rev-parse 2>/dev/null").c_str()) == 0) {
    MESSAGE("skipped: the temporary directory is inside a git repository");
    return;
  }
  const std::string repo = git_init(base + "/repo");
  const std::string other = git_init(base + "/other");
  write_file(base + "/outside.yaml",
             std::string(kComponent) + "  tags: [Out]\n" + std::string(kSpec));
  write_file(repo + "/a/catalog-info.yaml",
             std::string(kComponent) + "  tags: [Bad]\n" + std::string(kSpec));
  write_file(repo + "/loc.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n"
             "  targets:\n    - ./a/catalog-info.yaml\n    - ../outside.yaml\n"
             "    - ./a/*.yaml\n");
  // Findings as "file-relative-to-base rule line:col", whatever the working directory.
  auto findings = [&](const std::string& cwd) {
    const CliRun r = run_cli({"--format", "json", repo + "/loc.yaml"}, cwd);
    CHECK(r.exit_code == 1);
    std::vector<std::string> out;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    for (const auto& d : j["diagnostics"]) {
      const fs::path file = fs::weakly_canonical(fs::path(cwd) / d["file"].get<std::string>());
      out.push_back(
          fmt::format("{} {} {}:{}", file.lexically_relative(fs::weakly_canonical(base)).string(),
                      d["rule"].get<std::string>(), d["line"].get<int>(), d["column"].get<int>()));
    }
    std::sort(out.begin(), out.end());  // report order follows the paths as printed
    std::string text;
    for (const std::string& f : out) text += f + "\n";
    return text;
  };
  const std::string expected =
      "repo/a/catalog-info.yaml invalid-tag 5:10\n"
      "repo/loc.yaml location-target-outside-repository 8:7\n";
  CHECK(findings(repo) == expected);   // inside the repository
  CHECK(findings(base) == expected);   // outside any repository: outside.yaml was read before
  CHECK(findings(other) == expected);  // inside another one: both targets were "outside"
}

TEST_CASE("bounds: 100,000 findings under 740,000 suppression rule entries") {
  // Was O(findings x directives x rules): minutes.
  // (A suppressible rule: findings that make Backstage reject the document cannot be silenced.)
  std::string text = std::string(kComponent) + "  x-flags: [no";
  for (int i = 1; i < 100000; ++i) text += ",no";
  text += "]\n";
  std::string line = "# catalog-lint-disable-file yaml-1-1-habit";
  for (int i = 1; i < 40; ++i) line += ",yaml-1-1-habit";
  line += " -- generated\n";
  for (int i = 0; i < 18500; ++i) text += line;
  text += kSpec;
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", text);  // 12 MB: the rule id is longer than invalid-tag
  const CliRun r = run_cli({"--limit", "findings=1000000", "--limit", "file-bytes=16777216",
                            "--format", "json", "catalog-info.yaml"},
                           dir);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["diagnostics"].empty());
  CHECK(j["summary"]["suppressed"] == 100000);
}

TEST_CASE("bounds: one comment naming 20,000 rules shares its line among the findings") {
  // Was one 240 KB copy of the line per finding: gigabytes.
  std::string rules = "no-such-rule-0";
  for (int i = 1; i < 20000; ++i) rules += fmt::format(", no-such-rule-{}", i);
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", std::string(kComponent) + "# catalog-lint-disable-file " +
                                             rules + " -- generated\n" + std::string(kSpec));
  const CliRun r = run_capped(
      {"--limit", "findings=1000000", "--format", "json", "catalog-info.yaml"}, dir, 2ull << 30);
  REQUIRE(r.exit_code == 0);
  CHECK(counts(r) == std::map<std::string, int>{{"invalid-suppression", 20000}});
  // Each at its rule's name: the last one, no-such-rule-19999, ends the list.
  const int last =
      static_cast<int>(28 + rules.size() - std::string("no-such-rule-19999").size() + 1);
  CHECK(at(r, 19999) == fmt::format("invalid-suppression 5:{}", last));
  // SARIF: the region of each (no end: the whole line) was counted over the line per result.
  const CliRun sarif = run_capped(
      {"--limit", "findings=1000000", "--format", "sarif", "catalog-info.yaml"}, dir, 2ull << 30);
  REQUIRE(sarif.exit_code == 0);
  const auto log = nlohmann::json::parse(sarif.out);
  const auto& results = log["runs"][0]["results"];
  REQUIRE(results.size() == 20000);
  const auto& region = results[19999]["locations"][0]["physicalLocation"]["region"];
  CHECK(region == nlohmann::json{{"startLine", 5},
                                 {"startColumn", last},
                                 {"endLine", 5},
                                 {"endColumn", static_cast<int>(28 + rules.size() + 13 + 1)}});
}

TEST_CASE("bounds: a Location line with 50,000 targets shares its line among the findings") {
  std::string targets = "./m0.yaml";
  for (int i = 1; i < 50000; ++i) targets += fmt::format(", ./m{}.yaml", i);
  const std::string dir = git_init(temp_dir() + "/repo");
  write_file(dir + "/loc.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n"
             "  targets: [" +
                 targets + "]\n");
  const CliRun r =
      run_capped({"--limit", "findings=1000000", "--format", "json", "loc.yaml"}, dir, 2ull << 30);
  REQUIRE(r.exit_code == 0);  // warnings only
  CHECK(counts(r) == std::map<std::string, int>{{"location-target-not-found", 50000}});
  CHECK(at(r, 0) == "location-target-not-found 6:13");
  CHECK(at(r, 1) == "location-target-not-found 6:24");
}

TEST_CASE("bounds: human output of 20,000 findings on one 10 MB line") {
  // snippet() walked from the line start to each finding's column: O(findings x line).
  std::string text = std::string(kComponent) + "  tags: [";
  const std::string pad(500, 'x');
  int last_column = 0;  // of the 20,000th tag
  for (int i = 0; i < 20000; ++i) {
    text += i ? ", " : "";
    last_column = static_cast<int>(text.size() - text.rfind('\n'));
    text += fmt::format("B{}{}", pad, i);
  }
  text += "]\n" + std::string(kSpec);
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", text);
  const CliRun r =
      run_cli({"--limit", "findings=1000000", "--color", "never", "catalog-info.yaml"}, dir);
  REQUIRE(r.exit_code == 1);
  // Each finding: the diagnostic, the snippet, the caret line and the help; then the summary.
  std::vector<std::string> lines;
  for (std::size_t b = 0, e; b < r.out.size(); b = e + 1) {
    e = r.out.find('\n', b);
    if (e == std::string::npos) e = r.out.size();
    lines.push_back(r.out.substr(b, e - b));
  }
  REQUIRE(lines.size() == 4 * 20000 + 1);
  CHECK(lines.back() == "20000 errors, 0 warnings in 1 of 1 file");
  CHECK(lines[4 * 19999].rfind(fmt::format("catalog-info.yaml:5:{}: error: tag 'B", last_column),
                               0) == 0);
  // The snippet is the window around the caret, cut at both ends.
  CHECK(lines[4 * 19999 + 1].rfind("5 | …", 0) == 0);
  CHECK(lines[4 * 19999 + 2] == "  | " + std::string(54, ' ') + "^" + std::string(159, '~'));
}

TEST_CASE(
    "bounds: more findings in one file than limits.max_findings are cut, with one "
    "limit-exceeded finding") {
  std::string tags;
  for (int i = 0; i < 12'000; ++i) tags += (i ? ", T" : "T") + std::to_string(i);
  const std::string text =
      std::string(kComponent) + "  tags: [" + tags + "]\n" + std::string(kSpec);
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", text);
  const CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 10'001);
  CHECK(j["diagnostics"][0]["rule"] == "invalid-tag");
  CHECK(j["diagnostics"][0]["column"] == 10);
  const auto& last = j["diagnostics"][10'000];
  CHECK(last["rule"] == "limit-exceeded");
  CHECK(last["severity"] == "error");
  CHECK(last["message"] == "file has more than 10000 findings; the rest are not reported");
  CHECK(last["line"] == 5);
  const CliRun raised =
      run_cli({"--limit", "findings=20000", "--format", "json", "catalog-info.yaml"}, dir);
  CHECK(nlohmann::json::parse(raised.out)["diagnostics"].size() == 12'000);
}

TEST_CASE("bounds: running out of memory is a message and exit 2, not an abort") {
  // A failed allocation reached std::terminate (exit 134) from anywhere it was not caught.
  const std::string dir = temp_dir();
  std::string text =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  tags:\n";
  for (int i = 0; i < 1'000'000; ++i) text += fmt::format("    - t{}\n", i);
  write_file(dir + "/catalog-info.yaml", text);
  const std::vector<std::string> args = {"-j",
                                         "1",
                                         "--limit",
                                         "file-bytes=100000000",
                                         "--limit",
                                         "nodes=100000000",
                                         "catalog-info.yaml"};
  const CliRun r = run_capped(args, dir, std::size_t{150} << 20);
#ifndef CATALOG_LINT_SANITIZED
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "catalog-lint: error: out of memory; lint fewer files at once or raise the memory "
        "limit\n");
  CHECK(r.out.empty());
#else
  // No cap under the sanitizers (util.cpp): the same run completes with its findings.
  CHECK(r.exit_code == 1);
#endif
}

TEST_CASE("bounds: suppression directives past the findings limit are not read") {
  // Each was an invalid-suppression finding: 200,000 comments gave 820 MB and 3.9 s.
  std::string text = std::string(kComponent);
  for (int i = 0; i < 20000; ++i) text += "# catalog-lint-disable-next-line no-such-rule -- r\n";
  text += kSpec;
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", text);
  CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  REQUIRE(r.exit_code == 1);  // limit-exceeded is an error
  CHECK(counts(r) ==
        std::map<std::string, int>{{"invalid-suppression", 10000}, {"limit-exceeded", 1}});
  auto j = nlohmann::json::parse(r.out);
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == "limit-exceeded") {
      CHECK(d["line"] == 10005);
      CHECK(d["message"] ==
            "file has more than 10000 suppression rule names; the directives from here on are not "
            "read");
    }
  // One directive naming more rules than the limit: the cut is at that directive.
  std::string rules = "no-such-rule-0";
  for (int i = 1; i < 10005; ++i) rules += fmt::format(", no-such-rule-{}", i);
  write_file(dir + "/catalog-info.yaml", std::string(kComponent) + "# catalog-lint-disable-file " +
                                             rules + " -- generated\n" + std::string(kSpec));
  r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  REQUIRE(r.exit_code == 1);  // limit-exceeded is an error
  CHECK(counts(r) ==
        std::map<std::string, int>{{"invalid-suppression", 10000}, {"limit-exceeded", 1}});
  j = nlohmann::json::parse(r.out);
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == "limit-exceeded") CHECK(d["line"] == 5);
}

TEST_CASE("bounds: 250 flow re-reads in a 3 MB document stop at 4 times the file's size") {
  // Each '?' of `[a?b]` that yaml-cpp cannot read makes load_yaml read the document again from its
  // start: 250 of them after 3 MB of text read 750 MB again (9 MB took 295 s and 10 GB). The
  // re-reads stop at 4 x the file's size + 1 MiB, with one limit-exceeded finding.
  std::string head = std::string(kComponent) + "  annotations:\n";
  std::string text = head;
  for (int i = 0; i < 30'000; ++i) text += fmt::format("    k{}: {}\n", i, std::string(90, 'x'));
  text += "  labels:\n";
  std::string flows;
  for (int i = 0; i < 250; ++i) flows += fmt::format("    t{}: [a?b{}]\n", i, i);
  const std::string dir = temp_dir();
  write_file(dir + "/big.yaml", text + flows + std::string(kSpec));
  const CliRun r = run_capped({"--format", "json", "big.yaml"}, dir, 1024ull << 20);
  REQUIRE(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 2);
  const int first_flow_line = 30'000 + 7;  // kComponent's 4 lines, annotations, labels
  // 3 MB read 5 times is over 13 MiB: the 6th `[a?b]` is where the re-reads stop.
  CHECK(at(r, 0) == fmt::format("limit-exceeded {}:11", first_flow_line + 5));
  CHECK(j["diagnostics"][0]["severity"] == "error");
  CHECK(j["diagnostics"][0]["message"] ==
        "catalog-lint stopped re-reading flow collections that its YAML reader cannot read as "
        "written (`[a?b]`, `{? : c}`, a key over lines): at most 256 re-reads per file, re-reading "
        "at most 4 times the file's size; from here on such text is not read as Backstage reads "
        "it, and a syntax error reported in it may be text that Backstage accepts");
  CHECK(at(r, 1) == fmt::format("yaml-syntax-error {}:11", first_flow_line + 5));
  // A small file gets all 250 re-reads: each `[a?b]` is read as Backstage reads it, a list
  // where a label value must be a string.
  write_file(dir + "/small.yaml", head + flows + std::string(kSpec));
  const CliRun s = run_cli({"--format", "json", "small.yaml"}, dir);
  CHECK(counts(s) == std::map<std::string, int>{{"invalid-field-type", 250}});
}
