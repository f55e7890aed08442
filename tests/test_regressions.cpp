// Regression tests for bugs found by review, fixtures and the new-user trial, one per kind.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/fingerprint.h"
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
  // A hang would be killed by run_cli's alarm (exit 142). The declared org has no Groups, so
  // the owner is unknown (exit 1).
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("[unknown-owner]") != std::string::npos);
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

TEST_CASE("regression: a file and a symlink to it are linted once (no false duplicate-entity)") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/real.yaml", component("payments"));
  fs::create_symlink("real.yaml", dir + "/catalog-info.yaml");
  const CliRun r = run_cli({"--color", "never", ".", "real.yaml"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no problems in 1 file\n");
}

TEST_CASE("regression: ** in a Location target also matches zero directories") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\n"
             "spec:\n  targets: [./svc/**/*.yaml]\n");
  write_file(dir + "/svc/top.yaml", component("top", "  tags: [Top]\n"));
  write_file(dir + "/svc/a/b/deep.yaml", component("deep", "  tags: [Deep]\n"));
  const CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  const auto j = nlohmann::json::parse(r.out);
  std::set<std::string> files;
  for (const auto& d : j["diagnostics"]) files.insert(d["file"].get<std::string>());
  CHECK(files == std::set<std::string>{"svc/a/b/deep.yaml", "svc/top.yaml"});
  CHECK(j["summary"]["files"] == 3);
}

TEST_CASE("regression: config mistakes that would silently lint nothing are errors") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/catalog-info.yaml", component("payments"));
  write_file(dir + "/.catalog-lint.yaml", "include: ['[unclosed']\n");
  // (JSON on stdout: the error is on stderr too, as the run's error.)
  const CliRun bad_glob = run_cli({"--format", "json", "."}, dir);
  CHECK(bad_glob.exit_code == 2);
  CHECK(bad_glob.err ==
        "catalog-lint: .catalog-lint.yaml:1:10: error: include '[unclosed' is not a valid glob: a "
        "[ bracket expression is not closed\n");
  fs::remove(dir + "/.catalog-lint.yaml");
  fs::create_directory(dir + "/.catalog-lint.yaml");
  const CliRun dir_config = run_cli({"."}, dir);
  CHECK(dir_config.exit_code == 2);
  CHECK(dir_config.out.find(
            ".catalog-lint.yaml:1:1: error: the config is a directory; a config must be a file") !=
        std::string::npos);
}

TEST_CASE("regression: the tool refuses to write a report or baseline over a linted file") {
  const std::string dir = temp_dir();
  const std::string text = component("payments", "  tags: [Java]\n");
  write_file(dir + "/catalog-info.yaml", text);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--format", "json", "-o", "catalog-info.yaml", "."},
        std::vector<std::string>{"--format", "sarif=./catalog-info.yaml", "catalog-info.yaml"},
        std::vector<std::string>{"--write-baseline", "catalog-info.yaml", "."}}) {
    const CliRun r = run_cli(args, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("refusing to write") != std::string::npos);
    CHECK(read_file(dir + "/catalog-info.yaml") == text);
  }
}

TEST_CASE("regression: --stdin stops reading one byte past the size limit") {
  const std::string dir = temp_dir();
  const CliRun r = run_cli({"--format", "json", "--limit", "file-bytes=1000", "--stdin"}, dir,
                           std::string(200000, '#'));
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["rule"] == "limit-exceeded");
  CHECK(run_cli({"--stdin-filename", "x.yaml", "."}, dir).exit_code == 2);
  CHECK(run_cli({"--limit", "depth=0", "."}, dir).exit_code == 2);
  CHECK(run_cli({"--limit", "widgets=3", "."}, dir).err ==
        "catalog-lint: error: --limit 'widgets=3': unknown limit 'widgets' (file-bytes, depth, "
        "nodes, documents, scalar-bytes, findings)\n");
}

TEST_CASE("regression: a baseline run over a subset of files keeps the other files' entries") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/a/catalog-info.yaml", component("a", "  tags: [A]\n"));
  write_file(dir + "/b/catalog-info.yaml", component("b", "  tags: [B]\n"));
  REQUIRE(run_cli({"--write-baseline", "base.json", "."}, dir).exit_code == 0);
  // Only a/ linted (a pre-commit run): b's entry is neither stale nor dropped.
  const CliRun one = run_cli(
      {"--format", "json", "--fail-on", "note", "--baseline", "base.json", "a/catalog-info.yaml"},
      dir);
  CHECK(one.exit_code == 0);
  const auto j = nlohmann::json::parse(one.out);
  CHECK(j["diagnostics"].empty());
  CHECK(j["summary"]["suppressed"] == 1);
  REQUIRE(run_cli({"--write-baseline", "base.json", "a/catalog-info.yaml"}, dir).exit_code == 0);
  const auto base = nlohmann::json::parse(read_file(dir + "/base.json"));
  CHECK(base["findings"].size() == 2);
  // A stale entry is located in the baseline file, which is not a linted file.
  write_file(dir + "/a/catalog-info.yaml", component("a"));
  write_file(dir + "/b/catalog-info.yaml", component("b", "  tags: [B, C]\n"));
  const CliRun stale = run_cli({"--color", "never", "--baseline", "base.json", "."}, dir);
  CHECK(stale.out.find(
            "1 error, 0 warnings, 1 note in 1 of 2 files, 1 in base.json (1 suppressed)\n") !=
        std::string::npos);
}

TEST_CASE("regression: --quiet shows what fails the run, as set by --fail-on") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/.catalog-lint.yaml", "rules:\n  invalid-tag: warning\n");
  write_file(dir + "/catalog-info.yaml", component("payments", "  tags: [Java]\n"));
  const CliRun warn = run_cli({"--quiet", "--fail-on", "warning", "--color", "never", "."}, dir);
  CHECK(warn.exit_code == 1);
  CHECK(warn.out.find("warning: tag 'Java' is not valid") != std::string::npos);
  const CliRun err = run_cli({"--quiet", "--color", "never", "."}, dir);
  CHECK(err.exit_code == 0);
  CHECK(err.out.empty());
}

TEST_CASE("regression: findings on one line share one copy of the line") {
  std::string tags;
  for (int i = 0; i < 500; ++i) tags += (i ? ", T" : "T") + std::to_string(i);
  const auto r = lint_text(component("x", "  tags: [" + tags + "]\n"), "invalid-tag");
  REQUIRE(r.diagnostics.size() == 500);
  for (const auto& d : r.diagnostics)
    CHECK(d.source_line.get() == r.diagnostics[0].source_line.get());
}

// Issue 13 (fidelity and diagnostics): one test per kind of fault, each asserting rule, line,
// column, severity, message and help of every finding.
namespace {
// "rule@line:col severity: message | help" for each diagnostic, in report order.
std::vector<std::string> full(const catalog_lint::LintResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    out.push_back(
        d.rule + "@" + std::to_string(d.start.line) + ":" + std::to_string(d.start.column) + " " +
        std::string(catalog_lint::to_string(d.severity)) + ": " + d.message + " | " + d.help);
  return out;
}
const std::string kEntityHead = "apiVersion: backstage.io/v1alpha1\nkind: ";
}  // namespace

TEST_CASE("regression: a reference with kind and namespace swapped gets the swapped-back hint") {
  const auto r =
      lint_text(component("a", "") + "  dependsOn: [resource/default:queue-x, payments/db:x]\n",
                "invalid-entity-ref");
  CHECK(full(r) ==
        std::vector<std::string>{
            "invalid-entity-ref@9:15 error: `spec.dependsOn[0]` is not a valid entity reference: "
            "Entity reference \"resource/default:queue-x\" had missing or empty kind (e.g. did "
            "not start with \"component:\" or similar) | the kind and the namespace are swapped: "
            "write 'resource:default/queue-x' (<kind>:<namespace>/<name>)",
            // Not a kind in front: the general hint stays.
            "invalid-entity-ref@9:41 error: `spec.dependsOn[1]` is not a valid entity reference: "
            "Entity reference \"payments/db:x\" had missing or empty kind (e.g. did not start "
            "with \"component:\" or similar) | `spec.dependsOn[1]` needs the kind in every "
            "reference, e.g. component:payments/db:x or resource:payments/db:x"});
  // An owner written `namespace:kind/name` is read with kind `default`.
  const auto o = lint_text(kEntityHead +
                               "Component\nmetadata:\n  name: a\nspec:\n  type: service\n"
                               "  lifecycle: production\n  owner: default:group/team-a\n---\n" +
                               kEntityHead +
                               "Group\nmetadata:\n  name: team-a\nspec:\n"
                               "  type: team\n  children: []\n",
                           "unknown-owner");
  CHECK(full(o) == std::vector<std::string>{
                       "unknown-owner@8:10 error: owner 'default:group/team-a' is a default, not a "
                       "Group or User | the kind and the namespace are swapped: write "
                       "'group:default/team-a' (<kind>:<namespace>/<name>)"});
}

TEST_CASE("regression: a $-key that is no Backstage placeholder says so") {
  const auto r = lint_text(kEntityHead +
                               "Component\nmetadata:\n  name: a\nspec:\n  type: service\n"
                               "  lifecycle: production\n  owner: {$topic: team-a}\n",
                           "invalid-field-type");
  CHECK(full(r) == std::vector<std::string>{
                       "invalid-field-type@8:10 error: `spec.owner` must be a string, found a "
                       "mapping | '$topic' is not a placeholder Backstage resolves ($text, $json, "
                       "$yaml), so the mapping stays a mapping; write the value itself, or read it "
                       "from a file with `$text: ./path`"});
  // $openapi and $asyncapi come from a module that default Backstage does not install.
  const auto api = lint_text(kEntityHead +
                                 "API\nmetadata:\n  name: a\nspec:\n  type: openapi\n"
                                 "  lifecycle: production\n  owner: team-a\n  definition:\n"
                                 "    $openapi: ./openapi.yaml\n",
                             "invalid-field-type");
  CHECK(full(api) == std::vector<std::string>{
                         "invalid-field-type@10:5 error: `spec.definition` must be a string, found "
                         "a mapping | '$openapi' is resolved only where the OpenAPI module "
                         "(@backstage/plugin-catalog-backend-module-openapi) is installed, not by "
                         "default Backstage ($text, $json, $yaml), where the mapping stays a "
                         "mapping; use `$text:` with the same target"});
}

TEST_CASE("regression: did-you-mean only for a plausible typo, and never a User for a team") {
  auto owned = [](const std::string& kind, const std::string& owner) {
    return kEntityHead + kind + "\nmetadata:\n  name: a\nspec:\n  type: service\n" +
           "  lifecycle: production\n  owner: " + owner + "\n---\n";
  };
  const std::string org = kEntityHead +
                          "Group\nmetadata:\n  name: security-team\nspec:\n  type: team\n"
                          "  children: []\n---\n" +
                          kEntityHead +
                          "Group\nmetadata:\n  name: ux\nspec:\n  type: team\n"
                          "  children: []\n---\n" +
                          kEntityHead + "User\nmetadata:\n  name: jdoe\nspec:\n  memberOf: []\n";
  const std::string define =
      "define the Group (or User), pass its catalog with --catalog, or add it to "
      "policy.known_owners";
  // Eight edits in thirteen characters, two in two: no suggestion.
  CHECK(full(lint_text(owned("Component", "payments-team") + org, "unknown-owner")) ==
        std::vector<std::string>{"unknown-owner@8:10 error: owner 'payments-team' "
                                 "(group:default/payments-team) is not a known Group or User | " +
                                 define});
  CHECK(full(lint_text(owned("Component", "qa") + org, "unknown-owner")) ==
        std::vector<std::string>{
            "unknown-owner@8:10 error: owner 'qa' (group:default/qa) is not a known Group or "
            "User | " +
            define});
  // A one-letter typo of a team is still suggested.
  CHECK(full(lint_text(owned("Component", "securty-team") + org, "unknown-owner")) ==
        std::vector<std::string>{"unknown-owner@8:10 error: owner 'securty-team' "
                                 "(group:default/securty-team) is not a known Group or User | "
                                 "did you mean 'group:default/security-team'?"});
  // A Component needs a team: the User next to the typo is not offered; a Template may be owned
  // by a person, so there it is.
  CHECK(full(lint_text(owned("Component", "user:jdo") + org, "unknown-owner")) ==
        std::vector<std::string>{"unknown-owner@8:10 error: owner 'user:jdo' (user:default/jdo) "
                                 "is not a known Group or User | " +
                                 define});
  const std::string tmpl =
      "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n"
      "metadata:\n  name: t\nspec:\n  type: service\n  steps: []\n"
      "  owner: user:jdo\n---\n";
  CHECK(full(lint_text(tmpl + org, "unknown-owner")) ==
        std::vector<std::string>{"unknown-owner@8:10 error: owner 'user:jdo' (user:default/jdo) "
                                 "is not a known Group or User | did you mean "
                                 "'user:default/jdoe'?"});
}

TEST_CASE("regression: YAML 1.1 habits get a note saying how Backstage reads the value") {
  const auto r = lint_text(
      component("a", "") + "  deprecated: no\n  mode: 0777\n  quoted: \"on\"\n", "yaml-1-1-habit");
  CHECK(full(r) ==
        std::vector<std::string>{
            "yaml-1-1-habit@9:15 note: 'no' is the string \"no\" for Backstage (YAML 1.2), not "
            "the boolean false of YAML 1.1 | write false for a boolean, or quote it (\"no\") when "
            "the string is meant",
            "yaml-1-1-habit@10:9 note: '0777' is the decimal number 777 for Backstage (YAML "
            "1.2), not the octal 0777 (511) of YAML 1.1 | write 0o777 for the octal value, 777 "
            "for the decimal one, or quote it (\"0777\") for a string"});
  // One cause, one finding: where a string is required, the type error says how YAML 1.2 reads
  // the value and how to quote it; the note is not added. With the type rule off, it is.
  const std::string described =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
      "metadata:\n  name: a\n  description: 0777\n";
  std::string all;
  for (const auto& d : lint_text(described).diagnostics)
    if (d.start.line == 5) all += d.rule + "@" + std::to_string(d.start.column) + " ";
  CHECK(all == "invalid-field-type@16 ");
  CHECK(full(lint_text(described, "yaml-1-1-habit")).size() == 1);
  // A merge key: the note is at the `<<`, and each field it did not bring links to it.
  const std::string merged = kEntityHead +
                             "Component\nmetadata:\n  name: a\n  x-defaults: &d\n"
                             "    type: service\n    lifecycle: production\nspec:\n  <<: *d\n"
                             "  owner: team-a\n";
  CHECK(full(lint_text(merged, "yaml-1-1-habit")) ==
        std::vector<std::string>{
            "yaml-1-1-habit@9:3 note: '<<' is an ordinary key for Backstage (YAML 1.2 without "
            "merge keys): nothing is merged into this mapping | write the fields out in this "
            "mapping; an alias (`*name`) can only stand for a whole value"});
  const auto missing = lint_text(merged, "missing-field");
  REQUIRE(missing.diagnostics.size() == 2);
  for (const auto& d : missing.diagnostics) {
    CHECK(d.start.line == 8);
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0].pos.line == 9);
    CHECK(d.notes[0].pos.column == 3);
  }
  CHECK(missing.diagnostics[0].message == "`spec` is missing required field `lifecycle`");
  CHECK(missing.diagnostics[0].notes[0].message ==
        "'lifecycle' is in the mapping merged here with '<<', which Backstage does not merge");
  CHECK(missing.diagnostics[1].notes[0].message ==
        "'type' is in the mapping merged here with '<<', which Backstage does not merge");
}

TEST_CASE("regression: a suppression comment cannot silence what Backstage rejects") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml",
             component("payments",
                       "  # catalog-lint-disable-next-line invalid-tag, yaml-1-1-habit -- portal\n"
                       "  tags: [Java]\n  x-enabled: yes\n"));
  const CliRun r = run_cli({"--format", "json", "--fail-on", "note", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);  // the gate stays red
  const auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> got;
  for (const auto& d : j["diagnostics"])
    got.push_back(fmt::format("{}@{}:{} {}: {} | {}", d["rule"].get<std::string>(),
                              d["line"].get<int>(), d["column"].get<int>(),
                              d["severity"].get<std::string>(), d["message"].get<std::string>(),
                              d["help"].is_null() ? "" : d["help"].get<std::string>()));
  CHECK(got ==
        std::vector<std::string>{
            "invalid-suppression@5:36 warning: 'invalid-tag' cannot be suppressed: Backstage "
            "rejects the document whatever this comment says | fix the finding; if your "
            "Backstage accepts it (custom validators), turn the rule off in .catalog-lint.yaml; "
            "to adopt known faults, record a baseline (--write-baseline FILE)",
            // yaml-1-1-habit is on line 7, not the next line: that part matches nothing.
            "unused-suppression@5:49 warning: suppression of 'yaml-1-1-habit' matches no finding "
            "on the next line | remove it, or move it to the line before the finding",
            "invalid-tag@6:10 error: tag 'Java' is not valid; expected 1-63 characters "
            "[a-z0-9:+#] separated by single - | use lower-case letters, digits, :, + and #, "
            "joined by -",
            "yaml-1-1-habit@7:14 note: 'yes' is the string \"yes\" for Backstage (YAML 1.2), not "
            "the boolean true of YAML 1.1 | write true for a boolean, or quote it (\"yes\") when "
            "the string is meant"});
  CHECK(j["summary"]["suppressed"] == 0);
  // A baseline may still record such findings (adopting a repository with known faults).
  REQUIRE(run_cli({"--write-baseline", "base.json", "catalog-info.yaml"}, dir).exit_code == 0);
  const CliRun b =
      run_cli({"--format", "json", "--baseline", "base.json", "catalog-info.yaml"}, dir);
  CHECK(b.exit_code == 0);
}

TEST_CASE("regression: scaffolder skeletons are not linted in a walk, and the run says so") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/templates/service/template.yaml",
             "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n"
             "  name: service\nspec:\n  type: service\n  owner: team-a\n  steps:\n"
             "    - id: fetch\n      action: fetch:template\n      input:\n"
             "        url: ./skeleton\n        values:\n          name: ${{ parameters.name }}\n");
  const std::string skeleton =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
      "  name: ${{ values.name | dump }}\n{%- if values.description %}\n"
      "  description: ${{ values.description }}\n{%- endif %}\nspec:\n  type: service\n"
      "  lifecycle: production\n  owner: ${{ values.owner }}\n";
  write_file(dir + "/templates/service/skeleton/catalog-info.yaml", skeleton);
  write_file(dir + "/templates/other/skeleton/catalog-info.yaml", skeleton);
  // Under the Template's fetch:template folder, a file without expressions is a skeleton too
  // (it would be a second `service`, a duplicate-entity).
  write_file(dir + "/templates/service/skeleton/docs/catalog-info.yaml",
             component("service", "  tags: [Copied]\n"));
  write_file(dir + "/services/catalog-info.yaml", component("service"));
  const CliRun r = run_cli({"--color", "never", "."}, dir);
  CHECK(r.exit_code == 0);  // no yaml-syntax-error, no duplicate-entity from the skeletons
  CHECK(r.out == "no problems in 2 files\n");
  CHECK(r.err ==
        "catalog-lint: note: 3 files are scaffolder skeletons (template expressions such as "
        "${{ values.name }}, or under a Template's fetch:template folder), not linted; "
        "--skeletons=lint lints them in skeleton mode\n");
  // Named (the pre-commit hook), a skeleton is skipped the same way (docs/skeletons.md).
  const CliRun named =
      run_cli({"--format", "json", "templates/service/skeleton/catalog-info.yaml"}, dir);
  CHECK(named.exit_code == 0);
  CHECK(named.err ==
        "catalog-lint: note: 'templates/service/skeleton/catalog-info.yaml' is a scaffolder "
        "skeleton (template expressions such as ${{ values.name }}, or under a Template's "
        "fetch:template folder), not linted; --skeletons=lint lints it in skeleton mode\n");
}

TEST_CASE("regression: fingerprints are keyed by value, not list position") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  auto tags = [&](const std::string& list) {
    write_file(dir + "/catalog-info.yaml", component("payments", "  tags: [" + list + "]\n"));
  };
  auto reported = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--format", "json", "--baseline", "base.json"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("catalog-info.yaml");
    const auto j = nlohmann::json::parse(run_cli(args, dir).out);
    std::vector<std::string> out;
    for (const auto& d : j["diagnostics"])
      out.push_back(fmt::format("{}@{}:{} {}", d["rule"].get<std::string>(), d["line"].get<int>(),
                                d["column"].get<int>(), d["message"].get<std::string>()));
    return out;
  };
  const std::string bad =
      "invalid-tag@5:14 tag 'Bad' is not valid; expected 1-63 characters [a-z0-9:+#] separated "
      "by single -";
  tags("gp, Java, Pricing");
  REQUIRE(run_cli({"--write-baseline", "base.json", "catalog-info.yaml"}, dir).exit_code == 0);
  CHECK(nlohmann::json::parse(read_file(dir + "/base.json"))["fingerprints"] == 2);
  // Insert above: only the new finding is reported.
  tags("gp, Bad, Java, Pricing");
  CHECK(reported({}) == std::vector<std::string>{bad});
  // Reorder: nothing new.
  tags("Pricing, gp, Java");
  CHECK(reported({}).empty());
  // Fix one, add another: the new one is reported, the fixed one is a stale entry.
  tags("gp, Bad, Pricing");
  CHECK(reported({}) ==
        std::vector<std::string>{"stale-baseline-entry@1:1 baseline entry for invalid-tag in "
                                 "catalog-info.yaml (component:default/payments) no longer "
                                 "matches a finding",
                                 bad});
  // Duplicates are told apart by occurrence: a second 'Java' is new.
  tags("Java, gp, Java, Pricing");
  CHECK(reported({}) == std::vector<std::string>{
                            "invalid-tag@5:20 tag 'Java' is not valid; expected 1-63 characters "
                            "[a-z0-9:+#] separated by single -"});
  // SARIF partialFingerprints: inserting a tag above leaves the others' fingerprints alone.
  auto sarif_prints = [&]() {
    const auto log =
        nlohmann::json::parse(run_cli({"--format", "sarif", "catalog-info.yaml"}, dir).out);
    std::map<std::string, std::string> by_message;
    for (const auto& res : log["runs"][0]["results"])
      by_message[res["message"]["text"].get<std::string>()] =
          res["partialFingerprints"]["catalogLint/v2"].get<std::string>();
    return by_message;
  };
  tags("gp, Java, Pricing");
  const auto before = sarif_prints();
  tags("gp, Bad, Java, Pricing");
  auto after = sarif_prints();
  REQUIRE(before.size() == 2);
  REQUIRE(after.size() == 3);
  for (const auto& [message, print] : before) CHECK(after[message] == print);
}

TEST_CASE("regression: a baseline written before value fingerprints still matches") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/catalog-info.yaml", component("payments", "  tags: [gp, Java]\n"));
  // The v1 fingerprint: fingerprint_hash over rule, file, entity and the whole pointer.
  const std::string fp =
      catalog_lint::fingerprint_hash("invalid-tag", "catalog-info.yaml",
                                     "component:default/payments", "/metadata/tags/1") +
      ":1";
  write_file(dir + "/base.json",
             R"({"version":1,"tool":"catalog-lint","findings":[{"fingerprint":")" + fp +
                 R"(","rule":"invalid-tag","file":"catalog-info.yaml",)"
                 R"("entity":"component:default/payments","path":"/metadata/tags/1",)"
                 R"("message":"old"}]})");
  const CliRun r = run_cli({"--color", "never", "--baseline", "base.json", "."}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no problems in 1 file (1 suppressed)\n");
}

TEST_CASE("regression: JUnit has one testcase per entity, clean ones too") {
  const std::string dir = temp_dir();
  std::string text;
  for (const std::string name : {"a", "b", "c", "d", "e"})
    text += component(name, name == "c" ? "  tags: [Bad]\n" : "") + "---\n";
  write_file(dir + "/catalog-info.yaml", text);
  const CliRun r = run_cli({"--format", "junit", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("<testsuites name=\"catalog-lint\" tests=\"5\" failures=\"1\" errors=\"0\">") !=
        std::string::npos);
  CHECK(r.out.find("<testsuite name=\"catalog-info.yaml\" tests=\"5\" failures=\"1\"") !=
        std::string::npos);
  for (const std::string name : {"a", "b", "d", "e"})
    CHECK(r.out.find("<testcase name=\"component:default/" + name +
                     "\" classname=\"catalog-info.yaml\" file=\"catalog-info.yaml\"/>") !=
          std::string::npos);
  CHECK(r.out.find("<testcase name=\"component:default/c\" classname=\"catalog-info.yaml\" "
                   "file=\"catalog-info.yaml\">\n      <failure message=\"tag &apos;Bad&apos; is "
                   "not valid") != std::string::npos);
}

TEST_CASE("regression: the loader's findings in a document name its entity") {
  // A new user's trial: a duplicate key had no entity, so the team report counted the entity
  // as passing Backstage's checks and the finding as nobody's.
  const auto r = lint_text(
      "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: q\nspec:\n"
      "  type: queue\n  owner: team-a\n  owner: team-b\n",
      "duplicate-key");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].rule == "duplicate-key");
  CHECK(r.diagnostics[0].start.line == 8);
  CHECK(r.diagnostics[0].entity == "resource:default/q");
}

TEST_CASE("regression: a kind written where the namespace goes gets the kind-qualified hint") {
  // A new user's trial: `resource/payments-db` got "e.g. component:resource/payments-db".
  const auto r = lint_text(component("a", "") + "  dependsOn: [resource/payments-db]\n" +
                               "  dependencyOf: [Resource/default:payments-db]\n",
                           "invalid-entity-ref");
  std::string all;
  for (const auto& d : r.diagnostics) all += d.help + "\n";
  CHECK(all ==
        "'resource/payments-db' reads as namespace 'resource'; for the kind write "
        "'resource:payments-db' (<kind>:[<namespace>/]<name>)\n"
        // Swapped: the help names what the fix writes (the kind lower-cased).
        "the kind and the namespace are swapped: write 'resource:default/payments-db' "
        "(<kind>:<namespace>/<name>)\n");
}

TEST_CASE("unknown-kind: a near miss of a built-in kind gets a did-you-mean, a custom kind none") {
  // New-user trial: `kind: Compnent` got no suggestion, though unknown rule ids do.
  const std::string head = "apiVersion: backstage.io/v1alpha1\nkind: ";
  const std::string tail = "\nmetadata:\n  name: x\nspec: {}\n";
  const std::string rest =
      "use a built-in kind (Component, API, Resource, System, Domain, Group, User, Location, "
      "Template), or disable this rule if your Backstage adds this kind";
  const catalog_lint::LintResult typo = lint_text(head + "Compnent" + tail, "unknown-kind");
  REQUIRE(typo.diagnostics.size() == 1);
  CHECK(typo.diagnostics[0].help == "did you mean 'Component'? " + rest);
  const catalog_lint::LintResult custom = lint_text(head + "Environment" + tail, "unknown-kind");
  REQUIRE(custom.diagnostics.size() == 1);
  CHECK(custom.diagnostics[0].help == rest);
}
