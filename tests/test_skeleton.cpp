// Scaffolder skeletons (docs/skeletons.md, issue 13): skipped by default, walked or named; linted
// in skeleton mode with --skeletons=lint or `skeletons: lint`.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/skeleton.h"
#include "util.h"

using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// A skeleton shaped like the real ones (backstage/software-templates, redhat-developer's
// templates): templated names and owners, `{%- if %}` lines, an if/else of one key; with three
// faults outside the expressions: an invalid tag (8:16), a misspelt kind (23:7) and a missing
// spec.lifecycle (34:1).
const std::string kSkeleton =
    "apiVersion: backstage.io/v1alpha1\n"
    "kind: Component\n"
    "metadata:\n"
    "  name: ${{ values.name | dump }}\n"
    "  {%- if values.description %}\n"
    "  description: ${{ values.description }}\n"
    "  {%- endif %}\n"
    "  tags: [java, Fast]\n"
    "  annotations:\n"
    "    github.com/project-slug: ${{ values.destination.owner + \"/\" + "
    "values.destination.repo }}\n"
    "spec:\n"
    "  type: service\n"
    "  {%- if values.lifecycle %}\n"
    "  lifecycle: ${{ values.lifecycle }}\n"
    "  {%- else %}\n"
    "  lifecycle: production\n"
    "  {%- endif %}\n"
    "  owner: ${{ values.owner }}\n"
    "  system: ${{ values.system }}-system\n"
    "  dependsOn: []\n"
    "---\n"
    "apiVersion: backstage.io/v1alpha1\n"
    "kind: Componnet\n"
    "metadata:\n"
    "  name: ${{ values.name }}-docs\n"
    "spec:\n"
    "  type: documentation\n"
    "  owner: ${{ values.owner }}\n"
    "---\n"
    "apiVersion: backstage.io/v1alpha1\n"
    "kind: API\n"
    "metadata:\n"
    "  name: ${{ values.name }}-api\n"
    "spec:\n"
    "  type: openapi\n"
    "  owner: team-a\n"
    "  definition: x\n";

const std::string kNote1 =
    "catalog-lint: note: '{}' is a scaffolder skeleton (template expressions such as "
    "${{{{ values.name }}}}, or under a Template's fetch:template folder), not linted; "
    "--skeletons=lint lints it in skeleton mode\n";

// "rule line:col severity: message [entity]" of each finding of a `--format json` run.
std::vector<std::string> findings(const CliRun& r) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& d : j["diagnostics"])
    out.push_back(fmt::format("{} {}:{} {}: {} [{}]", d["rule"].get<std::string>(),
                              d["line"].get<int>(), d["column"].get<int>(),
                              d["severity"].get<std::string>(), d["message"].get<std::string>(),
                              d["entity"].is_string() ? d["entity"].get<std::string>() : ""));
  return out;
}

int files_linted(const CliRun& r) {
  return nlohmann::json::parse(r.out)["summary"]["files"];
}

}  // namespace

TEST_CASE(
    "skeleton: expressions become neutral text of the same length, if/else keeps one branch") {
  const std::string in =
      "name: ${{ values.name }}\n"
      "{%- if values.x %}\n"
      "kind: ${{ values.kind }}\n"
      "{%- else %}\n"
      "kind: Component\n"
      "{%- endif %}\n"
      "a: {{ cookiecutter.b }}/{{x}}{# note #}\n";
  const SkeletonText s = neutralize_skeleton(in);
  CHECK(s.text == "name: x0" + std::string(16, 'x') + "\n" + std::string(18, ' ') + "\n" +
                      std::string(24, ' ') + "\n" + std::string(11, ' ') + "\nkind: Component\n" +
                      std::string(12, ' ') + "\na: x2" + std::string(18, 'x') + "/x3xxx" +
                      std::string(10, ' ') + "\n");
  CHECK(s.text.size() == in.size());
  REQUIRE(s.markers.size() == 4);
  CHECK(s.markers[1].second == "${{ values.kind }}");
  CHECK(s.restore("entity component:default/x0" + std::string(16, 'x') + "-api, 'x3xxx'") ==
        "entity component:default/${{ values.name }}-api, '{{x}}'");
  CHECK(s.overlaps(6, 7));
  CHECK_FALSE(s.overlaps(0, 6));
  const std::size_t k = in.find("kind: Component");
  CHECK_FALSE(s.overlaps(k, k + 15));
  CHECK(s.overlaps(k - 2, k));  // the end of `{%- else %}`
  CHECK_FALSE(s.non_ascii);
  // A finding on an expression goes, unless it only stands at a templated name as the entity's
  // anchor (another path).
  Diagnostic d;
  d.start = SourcePos{1, 7, 7, 6};
  d.end = SourcePos{1, 25, 25, 24};
  d.path = "/metadata/name";
  const std::vector<std::pair<std::size_t, std::size_t>> names = {{6, 24}};
  CHECK(from_expression(s, d, names));
  d.path = "/metadata/annotations/platform~1cost-center";
  CHECK_FALSE(from_expression(s, d, names));
  d.start = SourcePos{5, 1, 1, k};
  d.end = SourcePos{5, 5, 5, k + 4};
  CHECK_FALSE(from_expression(s, d, names));
  // Unterminated, a value expression ends at the end of its line; a tag at the end of its line.
  CHECK(neutralize_skeleton("a: ${{ b\nc: d {% if\ne: f\n").text == "a: x0xxx\nc: d      \ne: f\n");
  // {% raw %} content is kept as written.
  CHECK(neutralize_skeleton("{% raw %}a: ${{ b }}{% endraw %}\n").text ==
        std::string(9, ' ') + "a: ${{ b }}" + std::string(12, ' ') + "\n");
}

TEST_CASE("skeleton: literal marker-like text is never restored, nested bodies blank once") {
  // A literal `x0xxx` in the file: the markers use another letter, so restore() leaves it.
  const std::string in = "owner: x0xxxxxxxxxxxxx\ndescription: ${{ values.a }}\n";
  const SkeletonText s = neutralize_skeleton(in);
  CHECK(s.lead == 'q');
  CHECK(s.text == "owner: x0xxxxxxxxxxxxx\ndescription: q0" + std::string(13, 'q') + "\n");
  CHECK(s.restore("owner 'x0xxxxxxxxxxxxx', description 'q0" + std::string(13, 'q') + "'") ==
        "owner 'x0xxxxxxxxxxxxx', description '${{ values.a }}'");
  // Nested macro bodies and if chains: their union is blank, the text outside kept.
  std::string nested = "a: 1\n";
  for (int i = 0; i < 3; ++i) nested += "{% macro m %}\nb: 2\n";
  for (int i = 0; i < 3; ++i) nested += "{% endmacro %}\n";
  nested += "c: 3\n";
  const SkeletonText n = neutralize_skeleton(nested);
  std::string want = nested;
  for (std::size_t i = 5; i < nested.size() - 5; ++i)
    if (want[i] != '\n') want[i] = ' ';
  CHECK(n.text == want);
}

TEST_CASE("skeleton: --skeletons=lint reports the faults outside expressions, none from them") {
  const std::string dir = git_repo();
  write_file(dir + "/templates/service/skeleton/catalog-info.yaml", kSkeleton);
  const CliRun r = run_cli(
      {"--format", "json", "--skeletons=lint", "templates/service/skeleton/catalog-info.yaml"},
      dir);
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  CHECK(findings(r) ==
        std::vector<std::string>{
            "invalid-tag 8:16 error: tag 'Fast' is not valid; expected 1-63 characters "
            "[a-z0-9:+#] separated by single - [component:default/${{ values.name | dump }}]",
            "unknown-kind 23:7 error: kind 'Componnet' is not a kind that Backstage recognises "
            "by default [componnet:default/${{ values.name }}-docs]",
            "missing-field 34:1 error: `spec` is missing required field `lifecycle` "
            "[api:default/${{ values.name }}-api]"});
  // The human report quotes the original line, not the substitute.
  const CliRun human = run_cli(
      {"--color", "never", "--skeletons", "lint", "templates/service/skeleton/catalog-info.yaml"},
      dir);
  CHECK(human.out.find("8 |   tags: [java, Fast]\n") != std::string::npos);
  CHECK(human.out.find("xxxx") == std::string::npos);
}

TEST_CASE("skeleton: a tab and a column after a non-ASCII expression are at their exact place") {
  const std::string dir = git_repo();
  write_file(dir + "/tab.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
             "  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: production\n"
             "\towner: ${{ values.owner }}\n");
  write_file(dir + "/wide.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
             "  name: ${{ values.name }}\n  tags: [${{ values.lang | default(\"é\") }}, Bad]\n"
             "spec:\n  type: service\n  lifecycle: production\n  owner: ${{ values.owner }}\n");
  const CliRun r = run_cli({"--format", "json", "--skeletons=lint", "tab.yaml", "wide.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(findings(r) ==
        std::vector<std::string>{
            "tab-indentation 8:1 error: tab character in indentation; YAML allows only spaces "
            "[]",
            "invalid-tag 5:45 error: tag 'Bad' is not valid; expected 1-63 characters "
            "[a-z0-9:+#] separated by single - [component:default/${{ values.name }}]"});
}

TEST_CASE("skeleton: real skeletons give no finding from their expressions") {
  // Real files of ../shared/corpus/real: linted as written they gave yaml-syntax-error
  // (`{%- if %}` lines), invalid-entity-name and invalid-field-type (`{{cookiecutter.x}}`).
  const std::string real = source_dir() + "/../shared/corpus/real/";
  const std::vector<std::string> files = {
      "redhat-developer__red-hat-developer-hub-software-templates/"
      "skeletons__catalog-info__catalog-info.yaml",
      "backstage__software-templates/"
      "scaffolder-templates__springboot-grpc-template__skeleton__catalog-info.yaml",
      "backstage__software-templates/"
      "scaffolder-templates__docs-template-cookiecutter__skeleton__catalog-info.yaml",
      "redhat-developer__red-hat-developer-hub-software-templates/"
      "templates__github__sdlc-app__skeleton__systems_____values.application_id__-system.yaml"};
  const std::string dir = git_repo();
  std::vector<std::string> args = {"--format", "json", "--skeletons=lint"};
  for (std::size_t i = 0; i < files.size(); ++i) {
    write_file(fmt::format("{}/s{}/catalog-info.yaml", dir, i), read_file(real + files[i]));
    args.push_back(fmt::format("s{}/catalog-info.yaml", i));
  }
  const CliRun r = run_cli(args, dir);
  CHECK(r.exit_code == 0);
  CHECK(findings(r).empty());
  CHECK(files_linted(r) == 4);
}

TEST_CASE("skeleton: skeletons sharing a templated name are no duplicates and define nothing") {
  const std::string dir = git_repo();
  // (This org has no platform team: incomplete-org-catalog is not what this test is about.)
  write_file(dir + "/.catalog-lint.yaml",
             "skeletons: lint\ncatalog_complete: true\nrules: {incomplete-org-catalog: off}\n");
  write_file(dir + "/templates/a/template.yaml",
             "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: a\n"
             "spec:\n  type: service\n  owner: team-a\n  steps:\n    - id: fetch\n"
             "      action: fetch:template\n      input:\n        url: ./skeleton\n");
  const std::string skeleton =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
      "  name: ${{ values.name | dump }}\nspec:\n  type: service\n  lifecycle: production\n"
      "  owner: ${{ values.owner }}\n";
  write_file(dir + "/templates/a/skeleton/catalog-info.yaml", skeleton);
  write_file(dir + "/templates/b/skeleton/catalog-info.yaml", skeleton);
  // Under the Template's folder without expressions: a skeleton too. Its Group owns nothing, so
  // the service below has an unknown owner; its literal owner is judged like any.
  write_file(dir + "/templates/a/skeleton/team.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
             "spec:\n  type: team\n  children: []\n");
  write_file(dir + "/templates/a/skeleton/other.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
             "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  const CliRun r = run_cli({"--format", "json", "--rule", "unknown-owner=error", "."}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  // No duplicate-entity, no unknown-owner from `${{ values.owner }}`; what a policy says of the
  // entity as a whole stands at its templated name, quoted as written.
  const std::string cost =
      "missing-cost-center 3:1 warning: no platform/cost-center annotation; "
      "costs cannot be attributed [component:default/";
  const std::string golden = "missing-golden-path 3:1 warning: service ";
  const std::string templated = "${{ values.name | dump }}";
  CHECK(findings(r) ==
        std::vector<std::string>{
            cost + templated + "]",
            golden + "'" + templated + "' follows no golden path [component:default/" + templated +
                "]",
            cost + "a]", golden + "'a' follows no golden path [component:default/a]",
            "unknown-owner 8:10 error: owner 'team-a' (group:default/team-a) is not a known "
            "Group or User [component:default/a]",
            "unknown-owner 7:10 error: owner 'team-a' (group:default/team-a) is not a known "
            "Group or User [template:default/a]",
            cost + templated + "]",
            golden + "'" + templated + "' follows no golden path [component:default/" + templated +
                "]"});
  CHECK(files_linted(r) == 5);
}

TEST_CASE("skeleton: skipped by default, walked, named or on standard input, with a note") {
  const std::string dir = git_repo();
  write_file(dir + "/templates/service/skeleton/catalog-info.yaml", kSkeleton);
  write_file(dir + "/services/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
             "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  const CliRun walked = run_cli({"--format", "json", "."}, dir);
  CHECK(walked.exit_code == 0);
  CHECK(findings(walked).empty());
  CHECK(files_linted(walked) == 1);
  CHECK(walked.err ==
        fmt::format(fmt::runtime(kNote1), "templates/service/skeleton/catalog-info.yaml"));
  const CliRun named = run_cli(
      {"--format", "json", "--skeletons=skip", "templates/service/skeleton/catalog-info.yaml"},
      dir);
  CHECK(named.exit_code == 0);
  CHECK(files_linted(named) == 0);
  CHECK(named.err ==
        fmt::format(fmt::runtime(kNote1), "templates/service/skeleton/catalog-info.yaml"));
  const CliRun in = run_cli({"--format", "json", "--stdin"}, dir, kSkeleton);
  CHECK(in.exit_code == 0);
  CHECK(in.err == fmt::format(fmt::runtime(kNote1), "<stdin>"));
  const CliRun in_lint =
      run_cli({"--format", "json", "--stdin", "--skeletons=lint"}, dir, kSkeleton);
  CHECK(in_lint.exit_code == 1);
  CHECK(findings(in_lint).size() == 3);
}

TEST_CASE("skeleton: the config key and the flag, the flag winning; invalid values exit 2") {
  const std::string dir = git_repo();
  write_file(dir + "/skel.yaml", kSkeleton);
  const std::string quiet =
      "rules: {missing-cost-center: off, missing-golden-path: off, "
      "missing-escalation-contact: off}\n";
  write_file(dir + "/.catalog-lint.yaml", "skeletons: lint\n" + quiet);
  const CliRun by_config = run_cli({"--format", "json", "skel.yaml"}, dir);
  CHECK(by_config.exit_code == 1);
  CHECK(files_linted(by_config) == 1);
  CHECK(findings(by_config).size() == 3);
  CHECK(by_config.err.empty());
  const CliRun flag_wins = run_cli({"--format", "json", "--skeletons=skip", "skel.yaml"}, dir);
  CHECK(flag_wins.exit_code == 0);
  CHECK(files_linted(flag_wins) == 0);
  CHECK(flag_wins.err == fmt::format(fmt::runtime(kNote1), "skel.yaml"));

  write_file(dir + "/.catalog-lint.yaml", "skeletons: skip\n" + quiet);
  const CliRun lint_flag = run_cli({"--format", "json", "--skeletons=lint", "skel.yaml"}, dir);
  CHECK(lint_flag.exit_code == 1);
  CHECK(findings(lint_flag).size() == 3);

  const CliRun bad_flag = run_cli({"--skeletons=maybe", "skel.yaml"}, dir);
  CHECK(bad_flag.exit_code == 2);
  CHECK(bad_flag.out.empty());
  CHECK(bad_flag.err ==
        "catalog-lint: error: --skeletons: maybe not in {skip,lint}\nRun with --help for more "
        "information.\n");

  write_file(dir + "/.catalog-lint.yaml", "skeletons: maybe\n");
  const CliRun bad_key = run_cli({"--format", "json", "skel.yaml"}, dir);
  CHECK(bad_key.exit_code == 2);
  CHECK(findings(bad_key) ==
        std::vector<std::string>{
            "invalid-config 1:12 error: skeletons 'maybe' is not one of: skip, lint []",
            "invalid-config 1:1 error: file not linted: its config '.catalog-lint.yaml' is "
            "invalid []"});
  write_file(dir + "/.catalog-lint.yaml", "skeletons: true\n");
  const CliRun bad_type = run_cli({"--format", "json", "skel.yaml"}, dir);
  CHECK(bad_type.exit_code == 2);
  CHECK(findings(bad_type).at(0) ==
        "invalid-config 1:12 error: skeletons must be skip or lint, found boolean true []");
}
