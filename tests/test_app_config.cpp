// `app_config:` (issue 14 item 6): Backstage's app-config files, merged in order, and the two rules
// over their catalog.rules and catalog.locations (kind-not-allowed-by-catalog-rules,
// catalog-location-matches-nothing); hostile app-config files are config errors (exit 2).
//
// testdata/app-config is a Backstage app repository in the @backstage/create-app layout:
// app-config.yaml + app-config.production.yaml at the root, file targets relative to
// packages/backend, entity files under catalog/.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint::test;

namespace {

/// A git work tree holding a copy of testdata/app-config, committed.
std::string app_repo() {
  return committed_copy("app-config");
}

/// "rule file:line:col severity message" for each finding of the two app-config rules in a
/// --format json run, in report order, one per line.
std::string findings(const CliRun& run) {
  std::string out;
  const auto j = nlohmann::json::parse(run.out);
  for (const auto& d : j["diagnostics"]) {
    const std::string rule = d["rule"].get<std::string>();
    if (rule != "kind-not-allowed-by-catalog-rules" && rule != "catalog-location-matches-nothing")
      continue;
    out += fmt::format("{} {}:{}:{} {} {}\n", rule, d["file"].get<std::string>(),
                       d["line"].get<int>(), d["column"].get<int>(),
                       d["severity"].get<std::string>(), d["message"].get<std::string>());
  }
  return out;
}

const std::string kUser =
    "kind-not-allowed-by-catalog-rules catalog/org/people.yaml:14:9 warning kind 'User' is not "
    "allowed from location 'file:../../catalog/org/people.yaml' "
    "(app-config.production.yaml:23:15), so Backstage drops this entity; allowed there: "
    "Component, API, Location, Resource, Group\n";
const std::string kSystem =
    "kind-not-allowed-by-catalog-rules catalog/systems.yaml:4:9 warning kind 'System' is not "
    "allowed from location 'file:../../catalog/systems.yaml' (app-config.production.yaml:27:15), "
    "so Backstage drops this entity; allowed there: Component, API, Location, Resource\n";
// Through a Location: catalog/all.yaml (a config location) names ./teams/*.yaml, so the Group
// there originates at the all.yaml location, which allows no Group.
const std::string kTeam =
    "kind-not-allowed-by-catalog-rules catalog/teams/platform.yaml:4:9 warning kind 'Group' is "
    "not allowed from location 'file:../../catalog/all.yaml' (app-config.production.yaml:37:15), "
    "so Backstage drops this entity; allowed there: Component, API, Location, Resource\n";
const std::string kNothing =
    "catalog-location-matches-nothing app-config.production.yaml:31:15 warning catalog.locations "
    "file target '../../catalog/old-teams/*.yaml' matches no file (Backstage resolves it in the "
    "backend's directory 'packages/backend')\n";

}  // namespace

TEST_CASE("app-config: catalog.rules and catalog.locations judged end to end") {
  const std::string dir = app_repo();
  SUBCASE("a walk of the repository: the merged files' rules and locations") {
    const CliRun r = run_cli({"--format", "json"}, dir);
    CHECK(r.exit_code == 0);  // warnings only
    // The Group is allowed by its location's rules (added to catalog.rules), the Template by a
    // catalog.rules entry whose `locations:` pattern matches; the components by catalog.rules.
    CHECK(findings(r) == kNothing + kUser + kSystem + kTeam);
    const auto j = nlohmann::json::parse(r.out);
    for (const auto& d : j["diagnostics"])
      if (d["rule"] == "kind-not-allowed-by-catalog-rules" && d["file"] == "catalog/systems.yaml")
        CHECK(d["help"] ==
              "add `rules: [{allow: [System]}]` to that location at "
              "app-config.production.yaml:27:15, or `- allow: [System]` to catalog.rules");
  }
  SUBCASE("a file reached through a Location is judged against the origin location") {
    // Named alone, the Location that leads to it is not in the run: not judged.
    CliRun r = run_cli({"--format", "json", "catalog/teams/platform.yaml"}, dir);
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == kNothing);
    // With the org catalog declared, its Locations are followed too.
    write_file(dir + "/.catalog-lint.yaml",
               "app_config: [app-config.yaml, app-config.production.yaml]\ncatalog: [catalog]\n");
    r = run_cli({"--format", "json", "catalog/teams/platform.yaml"}, dir);
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == kNothing + kTeam);
  }
  SUBCASE("a named file is judged against the location that ingests it") {
    const CliRun r = run_cli({"--format", "json", "catalog/systems.yaml"}, dir);
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == kNothing + kSystem);
  }
  SUBCASE("standard input is judged as the file it names") {
    const CliRun r =
        run_cli({"--format", "json", "--stdin", "--stdin-filename", "catalog/systems.yaml"}, dir,
                read_file(dir + "/catalog/systems.yaml"));
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == kNothing + kSystem);
  }
  SUBCASE("a walk from a subfolder finds the config above it") {
    const CliRun r = run_cli({"--format", "json"}, dir + "/catalog");
    CHECK(r.exit_code == 0);
    // The app-config is outside the working directory: shown with its full path, like configs.
    const std::string prod = fs::canonical(dir + "/app-config.production.yaml").string();
    CHECK(findings(r) ==
          "catalog-location-matches-nothing " + prod +
              ":31:15 warning catalog.locations file target '../../catalog/old-teams/*.yaml' "
              "matches no file (Backstage resolves it in the backend's directory "
              "'packages/backend')\n"
              "kind-not-allowed-by-catalog-rules org/people.yaml:14:9 warning kind 'User' is not "
              "allowed from location 'file:../../catalog/org/people.yaml' (" +
              prod +
              ":23:15), so Backstage drops this entity; allowed there: Component, API, Location, "
              "Resource, Group\n"
              "kind-not-allowed-by-catalog-rules systems.yaml:4:9 warning kind 'System' is not "
              "allowed from location 'file:../../catalog/systems.yaml' (" +
              prod +
              ":27:15), so Backstage drops this entity; allowed there: Component, API, Location, "
              "Resource\n"
              "kind-not-allowed-by-catalog-rules teams/platform.yaml:4:9 warning kind 'Group' is "
              "not allowed from location 'file:../../catalog/all.yaml' (" +
              prod +
              ":37:15), so Backstage drops this entity; allowed there: Component, API, Location, "
              "Resource\n");
  }
  SUBCASE("no output overwrites an app-config file") {
    const std::string before = read_file(dir + "/app-config.production.yaml");
    const CliRun r = run_cli(
        {"--format", "json", "--output", "app-config.production.yaml", "catalog/systems.yaml"},
        dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("refusing to write 'app-config.production.yaml': it is the config file") !=
          std::string::npos);
    CHECK(read_file(dir + "/app-config.production.yaml") == before);
  }
  SUBCASE("with --fail-on warning the findings fail the run") {
    const CliRun r = run_cli({"--fail-on", "warning", "catalog/systems.yaml"}, dir);
    CHECK(r.exit_code == 1);
  }
  SUBCASE("the files merge in order: the base file alone has neither location") {
    write_file(dir + "/.catalog-lint.yaml", "app_config: app-config.yaml\n");
    const CliRun r = run_cli({"--format", "json"}, dir);
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == "");  // only components/*.yaml is a location, and it is allowed
  }
  SUBCASE("reversed, the base file's lists replace the production ones") {
    write_file(dir + "/.catalog-lint.yaml",
               "app_config: [app-config.production.yaml, app-config.yaml]\n");
    const CliRun r = run_cli({"--format", "json"}, dir);
    CHECK(findings(r) == "");
  }
  SUBCASE("without catalog.rules Backstage's default allows Component, API and Location only") {
    write_file(
        dir + "/app-config.local.yaml",
        "catalog:\n  locations:\n    - type: file\n      target: ../../catalog/org/*.yaml\n");
    write_file(dir + "/.catalog-lint.yaml", "app_config: app-config.local.yaml\n");
    const CliRun r = run_cli({"--format", "json"}, dir);
    CHECK(r.exit_code == 0);
    CHECK(findings(r) ==
          "kind-not-allowed-by-catalog-rules catalog/org/people.yaml:4:9 warning kind 'Group' is "
          "not allowed from location 'file:../../catalog/org/*.yaml' "
          "(app-config.local.yaml:4:15), so Backstage drops this entity; allowed there: "
          "Component, API, Location\n"
          "kind-not-allowed-by-catalog-rules catalog/org/people.yaml:14:9 warning kind 'User' is "
          "not allowed from location 'file:../../catalog/org/*.yaml' "
          "(app-config.local.yaml:4:15), so Backstage drops this entity; allowed there: "
          "Component, API, Location\n");
    const auto d = nlohmann::json::parse(r.out)["diagnostics"];
    for (const auto& x : d)
      if (x["rule"] == "kind-not-allowed-by-catalog-rules" && x["line"] == 4)
        CHECK(x["help"] ==
              "add `rules: [{allow: [Group]}]` to that location at app-config.local.yaml:4:15, "
              "or `- allow: [Group]` to catalog.rules (without catalog.rules Backstage allows "
              "only Component, API and Location)");
  }
  SUBCASE("rules: off silences both") {
    write_file(dir + "/.catalog-lint.yaml",
               "app_config: [app-config.yaml, app-config.production.yaml]\nrules:\n"
               "  kind-not-allowed-by-catalog-rules: off\n"
               "  catalog-location-matches-nothing: off\n");
    const CliRun r = run_cli({"--format", "json"}, dir);
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == "");
  }
}

TEST_CASE("app-config: hostile app-config files are config errors at their line and column") {
  const std::string dir = app_repo();
  auto run = [&](const std::string& config) {
    write_file(dir + "/.catalog-lint.yaml", config);
    return run_cli({"catalog/systems.yaml"}, dir);
  };
  SUBCASE("not a mapping") {
    write_file(dir + "/bad.yaml", "- catalog\n- rules\n");
    const CliRun r = run("app_config: bad.yaml\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("bad.yaml:1:1: error: an app-config file must be a mapping, found array") !=
          std::string::npos);
  }
  SUBCASE("catalog.rules of the wrong shape") {
    write_file(dir + "/bad.yaml", "catalog:\n  rules:\n    - allow: Group\n");
    const CliRun r = run("app_config: bad.yaml\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("bad.yaml:3:14: error: catalog.rules[].allow must be a list, found string") !=
          std::string::npos);
  }
  SUBCASE("a location without a target") {
    write_file(dir + "/bad.yaml", "catalog:\n  locations:\n    - type: file\n");
    const CliRun r = run("app_config: bad.yaml\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("bad.yaml:3:7: error: a catalog.locations item needs `target`") !=
          std::string::npos);
  }
  SUBCASE("not YAML") {
    write_file(dir + "/bad.yaml", "catalog: [unclosed\n");
    const CliRun r = run("app_config: bad.yaml\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("bad.yaml:") != std::string::npos);
    CHECK(r.out.find("(yaml-syntax-error)") != std::string::npos);
  }
  SUBCASE("huge") {
    write_file(dir + "/huge.yaml", "app:\n  title: '" + std::string(1u << 20, 'x') + "'\n");
    const CliRun r = run("app_config: [app-config.yaml, huge.yaml]\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("huge.yaml:1:1: error: app-config file is 1048593 bytes, over the limit of "
                     "1048576 bytes") != std::string::npos);
  }
  SUBCASE("outside the repository") {
    const std::string outside = temp_dir() + "/app-config.yaml";
    write_file(outside, "catalog: {}\n");
    const CliRun r = run(fmt::format("app_config:\n  - app-config.yaml\n  - {}\n", outside));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(fmt::format(".catalog-lint.yaml:3:5: error: app_config '{}' resolves to '{}', "
                                 "outside the repository",
                                 outside, fs::canonical(outside).string())) != std::string::npos);
    CHECK(r.out.find("a config may name as app-config files only files inside its own "
                     "repository") != std::string::npos);
  }
  SUBCASE("missing") {
    const CliRun r = run("app_config: [app-config.yaml, app-config.staging.yaml]\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(".catalog-lint.yaml:1:31: error: app_config file 'app-config.staging.yaml' "
                     "does not exist (looked for 'app-config.staging.yaml')") != std::string::npos);
  }
  SUBCASE("a directory") {
    const CliRun r = run("app_config: packages\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(".catalog-lint.yaml:1:13: error: app_config file 'packages' is not a regular "
                     "file") != std::string::npos);
  }
  SUBCASE("a number") {
    const CliRun r = run("app_config: 7\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(".catalog-lint.yaml:1:13: error: app_config must be a path or a list of "
                     "paths (Backstage app-config files), found number") != std::string::npos);
  }
}
