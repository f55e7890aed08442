// Declarative rules (docs/policy.md "Writing a declarative rule"): organisation rules in YAML.
#include <doctest/doctest.h>

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util.h"

using namespace catalog_lint::test;

namespace {

// "line:col severity rule message" of each finding of the declarative rule in a --format json
// run (the policy rules of the default configuration report too).
std::vector<std::string> findings(const CliRun& run) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(run.out);
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == "missing-source-location")
      out.push_back(fmt::format("{}:{} {} {} {}", d["line"].get<int>(), d["column"].get<int>(),
                                d["severity"].get<std::string>(), d["rule"].get<std::string>(),
                                d["message"].get<std::string>()));
  return out;
}

}  // namespace

TEST_CASE("declarative: a service must name its source by any of two annotations, in YAML only") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(fmt::format("git init -q '{}'", dir).c_str()) == 0);
  write_file(dir + "/.catalog-lint.yaml",
             "extends: []\n"
             "declarative_rules:\n"
             "  - id: missing-source-location\n"
             "    summary: a service Component says nowhere where its source is\n"
             "    severity: error\n"
             "    select: {kind: Component, type: service}\n"
             "    require:\n"
             "      annotation: [backstage.io/source-location, github.com/project-slug]\n"
             "      pattern: '[^ ]+'\n"
             "    help: \"add `github.com/project-slug: org/repo`\"\n");
  const std::string head = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n";
  const std::string spec = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
  write_file(dir + "/catalog-none.yaml", head + "  name: a\n" + spec);
  write_file(dir + "/catalog-second.yaml",
             head + "  name: b\n  annotations:\n    github.com/project-slug: org/b\n" + spec);
  write_file(
      dir + "/catalog-first.yaml",
      head + "  name: c\n  annotations:\n    backstage.io/source-location: 'url: x'\n" + spec);
  write_file(dir + "/catalog-website.yaml",
             head + "  name: d\nspec:\n  type: website\n  lifecycle: production\n  owner: t\n");
  const CliRun none = run_cli({"--format", "json", "catalog-none.yaml"}, dir);
  CHECK(none.exit_code == 1);
  CHECK(findings(none) ==
        std::vector<std::string>{"3:1 error missing-source-location required annotation "
                                 "'backstage.io/source-location' or 'github.com/project-slug' is "
                                 "missing"});
  // Either annotation satisfies it; the pattern applies to the one present.
  const CliRun second = run_cli({"--format", "json", "catalog-second.yaml"}, dir);
  CHECK(findings(second).empty());
  const CliRun first = run_cli({"--format", "json", "catalog-first.yaml"}, dir);
  CHECK(findings(first) ==
        std::vector<std::string>{"6:35 error missing-source-location annotation "
                                 "backstage.io/source-location 'url: x' does not match the pattern "
                                 "'[^ ]+'"});
  // Not selected: a website.
  CHECK(findings(run_cli({"--format", "json", "catalog-website.yaml"}, dir)).empty());
  // An empty alternative is a config error at its position.
  write_file(dir + "/.catalog-lint.yaml",
             "declarative_rules:\n  - id: x-rule\n    summary: s\n    require:\n"
             "      label: [a, '']\n");
  const CliRun bad = run_cli({"catalog-none.yaml"}, dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find(".catalog-lint.yaml:5:14: error: require.label must not be empty") !=
        std::string::npos);
}
