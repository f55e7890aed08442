// End-to-end tests of the adoption workflows (issue 5) on the built binary: Location following,
// baselines, suppression comments, command-line rule overrides over config files, standard
// input, --changed-since, print-config and init.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint::test;

namespace {

std::string component(const std::string& name, const std::string& extra = "") {
  return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name + "\n" +
         extra + "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
}

// A git work tree with a root Location naming two services, a missing file and a file outside.
std::string location_repo() {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\n"
             "spec:\n  targets:\n    - ./services/*/catalog-info.yaml\n"
             "    - ./missing/catalog-info.yaml\n    - ../../outside/catalog-info.yaml\n");
  write_file(dir + "/services/payments/catalog-info.yaml",
             component("payments", "  tags: [Java]\n"));
  write_file(dir + "/services/orders/catalog-info.yaml", component("orders"));
  return dir;
}

std::vector<std::string> brief_json(const std::string& out) {
  std::vector<std::string> v;
  const auto doc = nlohmann::json::parse(out);  // keep it alive through the loop
  for (const auto& d : doc["diagnostics"])
    v.push_back(d["file"].get<std::string>() + ":" + std::to_string(d["line"].get<int>()) + ":" +
                std::to_string(d["column"].get<int>()) + " " + d["rule"].get<std::string>());
  return v;
}

}  // namespace

TEST_CASE("cli: Location targets are followed, missing and escaping targets are reported") {
  const std::string dir = location_repo();
  const CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(brief_json(r.out) ==
        std::vector<std::string>{"catalog-info.yaml:8:7 location-target-not-found",
                                 "catalog-info.yaml:9:7 location-target-outside-repository",
                                 "services/payments/catalog-info.yaml:5:10 invalid-tag"});
  CHECK(nlohmann::json::parse(r.out)["summary"]["files"] == 3);
  // presence: optional tolerates a missing target.
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\n"
             "spec:\n  presence: optional\n  targets: [./missing.yaml, "
             "./services/orders/catalog-info.yaml]\n");
  const CliRun optional = run_cli({"catalog-info.yaml"}, dir);
  CHECK(optional.exit_code == 0);
  CHECK(optional.out == "no problems in 2 files\n");
}

TEST_CASE("cli: a baseline hides recorded findings, reports new ones and stale entries") {
  const std::string dir = location_repo();
  const CliRun write = run_cli({"--write-baseline", "baseline.json", "."}, dir);
  CHECK(write.exit_code == 0);
  CHECK(write.out == "no problems in 3 files (3 suppressed)\n");
  CHECK(write.err == "catalog-lint: recorded 3 findings in baseline 'baseline.json'\n");
  // Written again from one file: the entries of the other files stay, and the count says so.
  const CliRun again =
      run_cli({"--write-baseline", "baseline.json", "services/payments/catalog-info.yaml"}, dir);
  CHECK(again.exit_code == 0);
  CHECK(again.err ==
        "catalog-lint: recorded 3 findings in baseline 'baseline.json' (2 kept from files this "
        "run did not lint)\n");
  const auto baseline = nlohmann::json::parse(read_file(dir + "/baseline.json"));
  REQUIRE(baseline["findings"].size() == 3);
  CHECK(baseline["findings"][2]["rule"] == "invalid-tag");
  CHECK(baseline["findings"][2]["file"] == "services/payments/catalog-info.yaml");
  CHECK(baseline["findings"][2]["path"] == "/metadata/tags/0");

  // Lines moved: the recorded finding still matches (no line in the fingerprint).
  write_file(dir + "/services/payments/catalog-info.yaml",
             "# moved down\n\n" + component("payments", "  tags: [Java]\n"));
  CHECK(run_cli({"--baseline", "baseline.json", "."}, dir).out ==
        "no problems in 3 files (3 suppressed)\n");

  // A new finding is reported; a fixed one leaves a stale entry (a note in the baseline file).
  write_file(dir + "/services/payments/catalog-info.yaml", component("payments"));
  write_file(dir + "/services/orders/catalog-info.yaml", component("orders", "  tags: [Orders]\n"));
  const CliRun r = run_cli({"--format", "json", "--baseline", "baseline.json", "."}, dir);
  CHECK(r.exit_code == 1);
  CHECK(brief_json(r.out) ==
        std::vector<std::string>{"baseline.json:1:1 stale-baseline-entry",
                                 "services/orders/catalog-info.yaml:5:10 invalid-tag"});
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["diagnostics"][0]["severity"] == "note");
  CHECK(j["diagnostics"][0]["message"] ==
        "baseline entry for invalid-tag in services/payments/catalog-info.yaml "
        "(component:default/payments) no longer matches a finding");
  CHECK(j["diagnostics"][0]["help"] ==
        "the finding is gone (fixed, its rule turned off, or its entity or value changed): run "
        "with --write-baseline to shrink the baseline");
  CHECK(j["summary"]["suppressed"] == 2);

  const CliRun bad = run_cli({"--baseline", "nope.json", "."}, dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "catalog-lint: error: cannot read baseline file nope.json: No such file or directory\n");
  // A FIFO or a device as the baseline is refused, never read (no hang, no endless read).
  REQUIRE(mkfifo((dir + "/fifo.json").c_str(), 0644) == 0);
  const CliRun fifo = run_cli({"--baseline", "fifo.json", "."}, dir);
  CHECK(fifo.exit_code == 2);
  CHECK(fifo.err ==
        "catalog-lint: error: cannot read baseline file fifo.json: not a regular file (a FIFO, "
        "socket or device)\n");
  const CliRun zero = run_cli({"--baseline", "/dev/zero", "."}, dir);
  CHECK(zero.exit_code == 2);
  CHECK(zero.err ==
        "catalog-lint: error: cannot read baseline file /dev/zero: not a regular file (a FIFO, "
        "socket or device)\n");
}

TEST_CASE("cli: suppression comments hide findings; SARIF keeps them as suppressed") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml",
             component("payments",
                       "  # catalog-lint-disable-next-line yaml-1-1-habit -- portal needs it\n"
                       "  x-enabled: yes\n"
                       "  # catalog-lint-disable-next-line yaml-1-1-habit\n"
                       "  labels: {tier: gold}\n"));
  const CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);  // warnings only
  CHECK(brief_json(r.out) == std::vector<std::string>{"catalog-info.yaml:7:3 invalid-suppression",
                                                      "catalog-info.yaml:7:36 unused-suppression"});
  CHECK(nlohmann::json::parse(r.out)["summary"]["suppressed"] == 1);
  const CliRun sarif = run_cli({"--format", "sarif", "catalog-info.yaml"}, dir);
  const auto log = nlohmann::json::parse(sarif.out);
  int suppressed = 0;
  for (const auto& res : log["runs"][0]["results"])
    if (res.contains("suppressions")) {
      ++suppressed;
      CHECK(res["ruleId"] == "yaml-1-1-habit");
      CHECK(res["suppressions"][0] == nlohmann::json::parse(R"({"kind":"inSource",
        "status":"accepted","justification":"portal needs it"})"));
    }
  CHECK(suppressed == 1);
}

TEST_CASE("cli: --rule and --disable win over the config file; print-config shows the result") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/.catalog-lint.yaml", "rules:\n  invalid-tag: warning\n");
  write_file(dir + "/catalog-info.yaml", component("payments", "  tags: [Java]\n"));
  const auto rule_of = [&](const std::vector<std::string>& args) {
    const CliRun r = run_cli(args, dir);
    const auto j = nlohmann::json::parse(r.out);
    for (const auto& d : j["diagnostics"])
      if (d["rule"] == "invalid-tag")
        return std::make_pair(r.exit_code, d["severity"].get<std::string>());
    return std::make_pair(r.exit_code, std::string("none"));
  };
  CHECK(rule_of({"--format", "json", "--disable", "missing-cost-center", "catalog-info.yaml"}) ==
        std::make_pair(0, std::string("warning")));
  CHECK(rule_of({"--format", "json", "--rule", "invalid-tag=error", "catalog-info.yaml"}) ==
        std::make_pair(1, std::string("error")));
  CHECK(rule_of({"--format", "json", "--disable", "invalid-tag", "catalog-info.yaml"}).second ==
        "none");
  const CliRun bad = run_cli({"--rule", "invalid-tags=error", "catalog-info.yaml"}, dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "catalog-lint: error: --rule 'invalid-tags=error': unknown rule 'invalid-tags'; did you "
        "mean 'invalid-tag'? `catalog-lint rules` lists them\n");
  CHECK(run_cli({"--disable", "missing-golden-paths", "."}, dir).err ==
        "catalog-lint: error: --disable 'missing-golden-paths': unknown rule; did you mean "
        "'missing-golden-path'? `catalog-lint rules` lists them\n");
  CHECK(run_cli({"--rule", "invalid-tag=loud", "."}, dir).exit_code == 2);

  const CliRun pc =
      run_cli({"--disable", "unknown-kind", "print-config", "catalog-info.yaml"}, dir);
  REQUIRE(pc.exit_code == 0);
  const auto cfg = nlohmann::json::parse(pc.out);
  CHECK(cfg["config_file"] == ".catalog-lint.yaml");
  CHECK(cfg["rules"]["invalid-tag"] == "warning");
  CHECK(cfg["rules"]["unknown-kind"] == "off");
  CHECK(cfg["rules"]["invalid-entity-name"] == "error");
  CHECK(cfg["policy"]["platform_team"] == "group:default/platform-team");
}

TEST_CASE("cli: init writes a starter config that the loader accepts, and never overwrites") {
  const std::string dir = temp_dir();
  const CliRun r = run_cli({"init"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "wrote .catalog-lint.yaml\n");
  const std::string text = read_file(dir + "/.catalog-lint.yaml");
  CHECK(text.find("extends: [default]") != std::string::npos);
  CHECK(text.find("\n# catalog: [org]\n") != std::string::npos);  // where the org goes, said once
  write_file(dir + "/catalog-info.yaml", component("payments"));
  const CliRun lint = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(lint.exit_code == 0);  // the starter config loads (a bad one exits 2)
  CHECK(run_cli({"init"}, dir).exit_code == 2);
  CHECK(read_file(dir + "/.catalog-lint.yaml") == text);
  CHECK(run_cli({"init", "--force"}, dir).exit_code == 0);
}

TEST_CASE("cli: --stdin lints standard input as if it were --stdin-filename") {
  const std::string dir = temp_dir();
  const CliRun r =
      run_cli({"--color", "never", "--stdin", "--stdin-filename", "services/x/catalog-info.yaml"},
              dir, component("x", "  tags: [Java]\n"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.rfind("services/x/catalog-info.yaml:5:10: error: tag 'Java' is not valid", 0) == 0);
  CHECK(r.out.find("1 error, 0 warnings in 1 of 1 file\n") != std::string::npos);
  const CliRun clean = run_cli({"--stdin"}, dir, component("x"));
  CHECK(clean.exit_code == 0);
  CHECK(clean.out == "no problems in 1 file\n");
  CHECK(run_cli({"--stdin", "catalog-info.yaml"}, dir, "").exit_code == 2);
}

TEST_CASE("cli: --changed-since lints only files changed since a git ref") {
  const std::string dir = temp_dir();
  const std::string git = "cd '" + dir + "' && git -c user.email=t@e -c user.name=t ";
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/a/catalog-info.yaml", component("a", "  tags: [Old]\n"));
  write_file(dir + "/b/catalog-info.yaml", component("b"));
  REQUIRE(std::system((git + "add . && " + git + "commit -qm one").c_str()) == 0);
  write_file(dir + "/b/catalog-info.yaml", component("b", "  tags: [New]\n"));
  write_file(dir + "/c/catalog-info.yaml", component("c", "  tags: [Untracked]\n"));
  const CliRun r = run_cli({"--format", "json", "--changed-since", "HEAD", "."}, dir);
  CHECK(r.exit_code == 1);
  CHECK(brief_json(r.out) == std::vector<std::string>{"b/catalog-info.yaml:5:10 invalid-tag",
                                                      "c/catalog-info.yaml:5:10 invalid-tag"});
  const CliRun bad = run_cli({"--changed-since", "no-such-ref", "."}, dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--changed-since 'no-such-ref'") != std::string::npos);
}

TEST_CASE(
    "cli: config precedence: nearest file, overrides by glob, include/exclude, command line") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/.catalog-lint.yaml",
             "rules:\n  invalid-tag: warning\n"
             "exclude: [generated/**]\n"
             "overrides:\n"
             "  - files: ['legacy/**/*.yaml']\n"
             "    rules: {invalid-tag: off, missing-cost-center: off}\n");
  write_file(dir + "/team/.catalog-lint.yaml", "rules:\n  invalid-tag: note\n");
  const std::string tagged = component("NAME", "  tags: [Java]\n");
  auto named = [&](const std::string& n) {
    std::string s = tagged;
    return s.replace(s.find("NAME"), 4, n);
  };
  write_file(dir + "/a/catalog-info.yaml", named("a"));
  write_file(dir + "/legacy/old/catalog-info.yaml", named("b"));
  write_file(dir + "/team/catalog-info.yaml", named("c"));
  write_file(dir + "/generated/catalog-info.yaml", named("d"));
  auto severities = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(".");
    return severities_of(run_cli(args, dir), "invalid-tag");
  };
  // The repo file says warning; legacy/** is overridden off; team/ has its own (nearer) file;
  // generated/ is excluded from discovery.
  CHECK(severities({}) == std::vector<std::string>{"a/catalog-info.yaml warning",
                                                   "team/catalog-info.yaml note", "files=3"});
  // The command line wins over every file and every override.
  CHECK(severities({"--rule", "invalid-tag=error"}) ==
        std::vector<std::string>{"a/catalog-info.yaml error", "legacy/old/catalog-info.yaml error",
                                 "team/catalog-info.yaml error", "files=3"});
  // A file named on the command line is linted even when excluded.
  const CliRun named_file = run_cli({"--format", "json", "generated/catalog-info.yaml"}, dir);
  CHECK(nlohmann::json::parse(named_file.out)["summary"]["files"] == 1);
  // Bad override entries are config errors with their position.
  write_file(dir + "/.catalog-lint.yaml", "overrides:\n  - rules: {invalid-tag: off}\n");
  const CliRun bad = run_cli({"--format", "sarif", "."}, dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "catalog-lint: .catalog-lint.yaml:2:5: error: an overrides entry needs `files`\n");
}

TEST_CASE("cli: --skip-non-entities lints only the named files a folder walk would take") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", component("payments", "  tags: [Java]\n"));
  // A workflow named like a catalog file, a scaffolder step fragment, a Kubernetes manifest.
  write_file(dir + "/.github/workflows/catalog-lint.yml",
             "name: catalog\non: [pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n");
  write_file(dir + "/tmpl/catalog-register.yaml", "- id: register\n  action: catalog:register\n");
  write_file(dir + "/k8s.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n");
  // No apiVersion, but a catalog-* name and a Backstage kind: taken (the missing field is found).
  write_file(dir + "/catalog-orders.yaml", "kind: Component\nmetadata:\n  name: orders\n");
  const std::vector<std::string> files = {"catalog-info.yaml", ".github/workflows/catalog-lint.yml",
                                          "tmpl/catalog-register.yaml", "k8s.yaml",
                                          "catalog-orders.yaml"};
  std::vector<std::string> args = {"--skip-non-entities", "--format", "json"};
  args.insert(args.end(), files.begin(), files.end());
  const CliRun r = run_with(args, RunOptions{.cwd = dir});
  CHECK(r.exit_code == 1);
  CHECK(brief_json(r.out) == std::vector<std::string>{"catalog-info.yaml:5:10 invalid-tag",
                                                      "catalog-orders.yaml:1:1 missing-field",
                                                      "catalog-orders.yaml:1:1 missing-field"});
  CHECK(r.err ==
        "catalog-lint: note: 3 files declare no Backstage apiVersion or kind, not linted "
        "(--skip-non-entities)\n");
  // One file only, named: the note names it; nothing is linted, and that is a clean run.
  const CliRun one = run_with({"--skip-non-entities", "k8s.yaml"}, RunOptions{.cwd = dir});
  CHECK(one.exit_code == 0);
  CHECK(one.err ==
        "catalog-lint: note: 'k8s.yaml' declares no Backstage apiVersion or kind, not linted "
        "(--skip-non-entities)\n");
  // Without the flag a named file is linted as given.
  CHECK(run_with({"k8s.yaml"}, RunOptions{.cwd = dir}).exit_code == 1);
  // --stdin: judged by its content and --stdin-filename.
  const CliRun in = run_with({"--skip-non-entities", "--stdin", "--stdin-filename", "k8s.yaml"},
                             RunOptions{.cwd = dir, .stdin_path = dir + "/k8s.yaml"});
  CHECK(in.exit_code == 0);
  CHECK(in.err ==
        "catalog-lint: note: 'k8s.yaml' declares no Backstage apiVersion or kind, not linted "
        "(--skip-non-entities)\n");
}

TEST_CASE("cli: report and print-config refuse --fix, --diff and --write-baseline") {
  const std::string dir = temp_dir();
  const std::string text = component("payments", "  tags: [Java]\n");
  write_file(dir + "/catalog-info.yaml", text);
  const std::vector<std::pair<std::vector<std::string>, std::string>> runs = {
      {{"report", "--fix", "."},
       "catalog-lint: error: report takes no --fix; run `catalog-lint --fix` on its own first\n"},
      {{"report", "--diff", "."},
       "catalog-lint: error: report takes no --diff; run `catalog-lint --diff` on its own "
       "first\n"},
      {{"report", "--write-baseline", "b.json", "."},
       "catalog-lint: error: report takes no --write-baseline; run `catalog-lint "
       "--write-baseline FILE` on its own first\n"},
      {{"--fix", "print-config"},
       "catalog-lint: error: print-config takes no --fix; run `catalog-lint --fix` on its own "
       "first\n"},
  };
  for (const auto& [args, err] : runs) {
    INFO(args.front() << " " << args[1]);
    const CliRun r = run_with(args, RunOptions{.cwd = dir});
    CHECK(r.exit_code == 2);
    CHECK(r.err == err);
    CHECK(r.out == "");
  }
  CHECK(read_file(dir + "/catalog-info.yaml") == text);  // nothing was rewritten
  CHECK(!fs::exists(dir + "/b.json"));
}

TEST_CASE("docs: every build step in README.md and docs/ci.md installs the build's packages") {
  // The packages scripts/setup.sh installs, but the test framework (no tests are built there)
  // and git (CI runners have it).
  const std::string setup = read_file(source_dir() + "/scripts/setup.sh");
  const std::size_t from = setup.find("packages=(");
  REQUIRE(from != std::string::npos);
  const std::string list = setup.substr(from + 10, setup.find(')', from) - from - 10);
  std::vector<std::string> packages;
  for (std::size_t i = 0; i < list.size();) {
    const std::size_t start = list.find_first_not_of(" \n", i);
    if (start == std::string::npos) break;
    const std::size_t end = std::min(list.find_first_of(" \n", start), list.size());
    if (const std::string p = list.substr(start, end - start); p != "doctest-dev" && p != "git")
      packages.push_back(p);
    i = end;
  }
  CHECK(packages.size() == 10);
  for (const std::string doc : {"README.md", "docs/ci.md"}) {
    const std::string text = read_file(source_dir() + "/" + doc);
    std::size_t steps = 0;
    for (std::size_t at = text.find("apt-get install -y"); at != std::string::npos;
         at = text.find("apt-get install -y", at + 1)) {
      // The step: up to the next command line (a `git clone`).
      const std::string step = text.substr(at, text.find("git clone", at) - at);
      ++steps;
      for (const std::string& p : packages) {
        INFO(doc << " step " << steps << " lacks " << p);
        CHECK(step.find(p) != std::string::npos);
      }
    }
    CHECK(steps == (doc == std::string("README.md") ? 1u : 2u));
  }
}

TEST_CASE("cli: a malformed baseline is named in our words, never the JSON library's") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", component("payments"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"version":1,"fingerprints":2,"findings":[5]})", "finding 1 is not an object"},
      {R"({"version":1,"fingerprints":2,"findings":[{"fingerprint":"a"},{}]})",
       "finding 2: `fingerprint` must be a string"},
      {R"({"version":1,"findings":[{"fingerprint":"a","rule":3}]})",
       "finding 1: `rule` must be a string"},
      {R"({"version":1.5,"findings":[]})", "not a catalog-lint baseline (version 1)"},
      {R"({"version":"1","findings":[]})", "not a catalog-lint baseline (version 1)"},
      {R"({"version":1,"fingerprints":"2","findings":[]})", "`fingerprints` must be 1 or 2"},
      {R"({"version":1,"findings":[{"fingerprint":"a","scheme":2.5}]})",
       "finding 1: `scheme` must be 1 or 2"},
  };
  for (const auto& [text, why] : cases) {
    CAPTURE(text);
    write_file(dir + "/b.json", text);
    const CliRun r = run_cli({"--baseline", "b.json", "."}, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "catalog-lint: error: baseline file b.json is not valid: " + why + "\n");
  }
}

TEST_CASE("cli: a walk that finds no catalog file says so on stderr, and exits 0") {
  const std::string dir = temp_dir();
  write_file(dir + "/docs/mkdocs.yml", "site_name: x\n");
  const CliRun r = run_cli({"docs"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no problems in 0 files\n");
  CHECK(r.err ==
        "catalog-lint: warning: no catalog files found in 'docs'; a folder walk takes "
        "catalog-info.yaml, other catalog-*.yaml files with a Backstage kind, and YAML files that "
        "declare a Backstage apiVersion\n");
  // Found files: no warning.
  write_file(dir + "/docs/catalog-info.yaml", component("payments"));
  CHECK(run_cli({"docs"}, dir).err == "");
}

TEST_CASE("cli: a baseline matches from outside its repository and from a subfolder") {
  // Paths were taken relative to the repository of the working directory: run from the folder
  // above the repository, none of the 3 recorded findings matched (and none was stale).
  const std::string parent = std::filesystem::canonical(temp_dir()).string();
  const std::string dir = parent + "/svc";
  std::filesystem::create_directories(dir);
  REQUIRE(std::system(fmt::format("git init -q '{}'", dir).c_str()) == 0);
  write_file(dir + "/services/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
             "  tags: [Java]\nspec:\n  type: service\n  lifecycle: production\n");
  const CliRun write = run_cli({"--write-baseline", "b.json", "."}, dir);
  REQUIRE(write.exit_code == 0);
  CHECK(write.err == "catalog-lint: recorded 2 findings in baseline 'b.json'\n");
  CHECK(read_file(dir + "/b.json").find("\"file\": \"services/catalog-info.yaml\"") !=
        std::string::npos);
  const CliRun outside = run_cli({"--baseline", "svc/b.json", "svc"}, parent);
  CHECK(outside.exit_code == 0);
  CHECK(outside.out == "no problems in 1 file (2 suppressed)\n");
  const CliRun sub = run_cli({"--baseline", "../b.json", "."}, dir + "/services");
  CHECK(sub.exit_code == 0);
  CHECK(sub.out == "no problems in 1 file (2 suppressed)\n");
}
