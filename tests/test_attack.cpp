// Regressions for what the second attack on issue 11's work found: a report written over an
// extended config, findings that grow a report without bound, baselines hiding invalid-config,
// and a Location boundary outside any repository that depended on the working directory.
#include <doctest/doctest.h>

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util.h"

using namespace catalog_lint::test;

namespace {

const std::string kEntity =
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\n  tags: [Java]\n"
    "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

}  // namespace

TEST_CASE("attack: no output overwrites a file the configuration extends") {
  const std::string dir = git_repo();
  write_file(dir + "/svc/catalog-info.yaml", kEntity);
  write_file(dir + "/.catalog-lint.yaml", "extends: [default, ./base.yaml]\n");
  write_file(dir + "/base.yaml", "rules: {}\n");
  write_file(dir + "/cfg.yaml", "extends: [default, ./base.yaml]\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--format", "json", "-o", "base.yaml", "svc"},
        std::vector<std::string>{"--config", "cfg.yaml", "--format", "json=base.yaml", "svc"},
        std::vector<std::string>{"--write-baseline", "base.yaml", "svc"}}) {
    CAPTURE(args.back());
    const CliRun r = run_cli(args, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("refusing to write") != std::string::npos);
    CHECK(read_file(dir + "/base.yaml") == "rules: {}\n");
  }
}

TEST_CASE("attack: a baseline never records or hides invalid-config findings") {
  const std::string dir = git_repo();
  write_file(dir + "/svc/catalog-info.yaml", kEntity);
  write_file(dir + "/svc/.catalog-lint.yaml", "rules: {bogus: [\n");
  const CliRun write = run_cli({"--write-baseline", "b.json", "svc"}, dir);
  CHECK(write.exit_code == 2);
  const auto baseline = nlohmann::json::parse(read_file(dir + "/b.json"));
  CHECK(baseline["findings"].empty());
  const CliRun r = run_cli({"--baseline", "b.json", "--format", "json", "svc"}, dir);
  CHECK(r.exit_code == 2);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["summary"]["suppressed"] == 0);
  CHECK(j["summary"]["errors"] == 2);
}

TEST_CASE(
    "attack: outside any repository a Location's targets stay in its own directory, "
    "from any working directory") {
  const std::string base = temp_dir();  // no repository above it
  write_file(base + "/svc/catalog-info.yaml", kEntity);
  write_file(base + "/loc/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\n"
             "spec:\n  targets: [../svc/catalog-info.yaml]\n");
  const std::string other = git_repo();
  std::vector<std::string> seen;
  for (const std::string& cwd : {base, base + "/loc", std::string("/"), other}) {
    const CliRun r = run_cli({"--format", "json", base + "/loc/catalog-info.yaml"}, cwd);
    CHECK(r.exit_code == 0);  // a warning
    const auto j = nlohmann::json::parse(r.out);
    std::string rules;
    for (const auto& d : j["diagnostics"]) rules += d["rule"].get<std::string>() + " ";
    seen.push_back(rules + std::to_string(j["summary"]["files"].get<int>()));
  }
  CHECK(seen == std::vector<std::string>(4, "location-target-outside-repository 1"));
}
