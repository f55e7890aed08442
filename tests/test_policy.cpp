// Platform-ownership policy (issue 3): the example org end to end, config loading and errors,
// precedence, caching, the schema, and date-dependent rules.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../rules/policy_common.h"
#include "core/config.h"
#include "core/discover.h"
#include "core/registry.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

const std::string kOrg = "testdata/policy/example-org";

/// "rule file:line:col severity" with `strip` removed from the file.
std::vector<std::string> lines(const LintResult& r, const std::string& strip) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics) {
    std::string file = d.file;
    if (file.rfind(strip, 0) == 0) file = file.substr(strip.size());
    out.push_back(fmt::format("{} {}:{}:{} {}", d.rule, file, d.start.line, d.start.column,
                              to_string(d.severity)));
  }
  return out;
}

/// Lints `paths` as the CLI does: discovery, per-directory configs, a fixed date.
LintResult lint_paths(const std::vector<std::string>& paths, const std::string& today,
                      std::vector<std::string> catalogs = {},
                      std::shared_ptr<const Config> explicit_config = nullptr) {
  LintOptions options;
  options.today = today;
  options.catalogs = std::move(catalogs);
  options.resolver =
      std::make_shared<ConfigResolver>(options.config, explicit_config, !options.catalogs.empty());
  return lint_files(discover(paths).files, options);
}

/// The ConfigError parse_config throws for `text`, formatted.
std::string config_error(const std::string& text) {
  return config_verdict("cfg.yaml", text, "(no error)");
}

const std::vector<std::string> kExampleOrg = {
    "missing-escalation-contact infra/network.yaml:14:1 error",
    "infrastructure-not-platform-owned infra/network.yaml:20:10 error",
    "missing-on-call services/checkout.yaml:18:1 error",
    "unknown-golden-path services/checkout.yaml:20:10 error",
    "wrong-escalation-level services/checkout.yaml:23:34 error",
    "unmonitored-escape-hatch services/checkout.yaml:36:28 error",
    "unapproved-escape-hatch services/checkout.yaml:38:40 error",
    "expired-escape-hatch services/checkout.yaml:39:36 error",
    "missing-sunset-date services/checkout.yaml:55:14 error",
    "owner-is-user services/checkout.yaml:56:10 error",
    "missing-escalation-contact services/search.yaml:4:1 error",
    "missing-on-call services/search.yaml:4:1 error",
    "multiple-golden-paths services/search.yaml:6:38 error",
    "golden-path-template-mismatch services/search.yaml:9:35 error",
    "missing-cost-center services/search.yaml:18:1 note",
    "invalid-escalation-contact services/search.yaml:21:34 error",
    "unmonitored-escape-hatch services/search.yaml:22:28 error",
    "expiring-escape-hatch services/search.yaml:25:36 warning",
    "short-deprecation-notice services/search.yaml:41:27 error",
    "missing-golden-path services/search.yaml:49:1 error",
    "unknown-owner services/search.yaml:57:10 error",
    "missing-data-classification services/search.yaml:62:1 warning",
    "missing-escalation-contact services/search.yaml:62:1 error",
};

}  // namespace

TEST_CASE("policy: the example org yields exactly the expected diagnostics") {
  const std::string root = source_dir() + "/" + kOrg;
  const LintResult r = lint_paths({root}, "2026-12-01");
  CHECK(r.files == 7);
  CHECK(lines(r, root + "/") == kExampleOrg);
}

TEST_CASE("policy: the CLI reports the example org, with messages, and exits 1") {
  const CliRun r = run_cli({"--today", "2026-12-01", "--format", "json", kOrg}, source_dir());
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  const auto j = nlohmann::json::parse(r.out);
  const auto& d = j["diagnostics"];
  REQUIRE(d.size() == kExampleOrg.size());
  CHECK(d[20]["rule"] == "unknown-owner");
  CHECK(d[20]["category"] == "ownership");
  CHECK(d[20]["message"] ==
        "owner 'search-tem' (group:default/search-tem) is not a known Group "
        "or User");
  CHECK(d[20]["help"] == "did you mean 'group:default/search-team'?");
  CHECK(d[14]["category"] == "policy");
  CHECK(d[14]["message"] == "no platform/cost-center annotation; costs cannot be attributed");
  CHECK(d[17]["message"] == "escape hatch expires on 2026-12-20 (in 19 days)");
}

TEST_CASE("policy: --catalog supplies groups and templates that are looked up, not reported") {
  const std::string root = source_dir() + "/" + kOrg;
  std::vector<std::string> expected;
  for (const auto& l : kExampleOrg)
    if (l.find("services/") != std::string::npos) expected.push_back(l);
  // Linting services/ alone: the org folder is not among the linted files, but the config's
  // `catalog: [org]` looks its teams and templates up; nothing of org/ is reported.
  const LintResult alone = lint_paths({root + "/services"}, "2026-12-01");
  CHECK(lines(alone, root + "/") == expected);
  // --catalog does the same for a config without `catalog:`.
  const auto no_catalog = std::make_shared<const Config>(
      parse_config(root + "/.catalog-lint.yaml",
                   "rules:\n  missing-golden-path: error\n  missing-cost-center: note\n"
                   "policy:\n  known_owners: [group:default/security-team]\n"
                   "  golden_paths: [legacy-batch]\n  escape_hatch_expiry_warning_days: 30\n"));
  const LintResult with =
      lint_paths({root + "/services"}, "2026-12-01", {root + "/org"}, no_catalog);
  CHECK(lines(with, root + "/") == expected);
  // Without either, the teams and templates of org/ are unknown: one note per rule, no error.
  const LintResult neither = lint_paths({root + "/services"}, "2026-12-01", {}, no_catalog);
  std::vector<std::string> notes;
  for (const auto& l : lines(neither, root + "/"))
    if (l.find("unknown-owner") != std::string::npos ||
        l.find("unknown-golden-path") != std::string::npos)
      notes.push_back(l);
  CHECK(notes == std::vector<std::string>{"unknown-golden-path services/checkout.yaml:6:10 note",
                                          "unknown-owner services/checkout.yaml:13:10 note"});

  const CliRun cli = run_cli(
      {"--today", "2026-12-01", "--format", "json", "--catalog", kOrg + "/org", kOrg + "/services"},
      source_dir());
  CHECK(cli.exit_code == 1);
  CHECK(nlohmann::json::parse(cli.out)["diagnostics"].size() == expected.size());
  CHECK(run_cli({"--catalog", "no/such/dir", kOrg}, source_dir()).exit_code == 2);
}

TEST_CASE("policy: rules are off where no config applies, on with a config file") {
  const std::string dir = temp_dir();
  write_file(dir + "/.git/HEAD", "ref: refs/heads/main\n");  // the lookup stops at a repository
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n"
             "  type: service\n  lifecycle: production\n  owner: user:jdoe\n");
  CHECK(lint_paths({dir}, "2026-12-01").diagnostics.empty());
  write_file(dir + "/.catalog-lint.yaml", "");  // an empty config: the default preset
  const std::vector<std::string> got = lines(lint_paths({dir}, "2026-12-01"), dir + "/");
  CHECK(got == std::vector<std::string>{
                   "missing-cost-center catalog-info.yaml:3:1 warning",
                   "missing-escalation-contact catalog-info.yaml:3:1 note",
                   "missing-golden-path catalog-info.yaml:3:1 warning",
                   "owner-is-user catalog-info.yaml:8:10 error",
                   "unknown-owner catalog-info.yaml:8:10 note",
               });
}

TEST_CASE("policy: precedence of presets, config files, nesting, --config and only()") {
  const std::string dir = temp_dir();
  // A repository: the lookup stops at its root, and extends stay inside it.
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  const std::string entity =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n"
      "  type: service\n  lifecycle: production\n  owner: user:jdoe\n";
  write_file(dir + "/team/catalog-info.yaml", entity);
  write_file(dir + "/team/nested/catalog-info.yaml", entity);
  write_file(dir + "/other/catalog-info.yaml", entity);
  // Root config: strict preset (missing-golden-path: error), then the file's own override.
  write_file(dir + "/.catalog-lint.yaml",
             "extends: [strict]\nrules:\n  missing-cost-center: off\n  owner-is-user: warning\n");
  // The nearest config wins, with no merging with the one above it.
  write_file(dir + "/team/nested/.catalog-lint.yaml",
             "extends: ../../base.yaml\nrules:\n  missing-golden-path: note\n");
  write_file(dir + "/base.yaml",
             "rules:\n  owner-is-user: off\n  missing-escalation-contact: off\n"
             "  unknown-owner: off\n");
  auto sev = [&](const LintResult& r, const std::string& file, const std::string& rule) {
    for (const Diagnostic& d : r.diagnostics)
      if (d.file.ends_with(file) && d.rule == rule) return std::string(to_string(d.severity));
    return std::string("none");
  };
  const LintResult r = lint_paths({dir}, "2026-12-01");
  CHECK(sev(r, "/team/catalog-info.yaml", "missing-golden-path") == "error");      // strict preset
  CHECK(sev(r, "/team/catalog-info.yaml", "missing-cost-center") == "none");       // file: off
  CHECK(sev(r, "/team/catalog-info.yaml", "owner-is-user") == "warning");          // file
  CHECK(sev(r, "/other/catalog-info.yaml", "owner-is-user") == "warning");         // same root
  CHECK(sev(r, "/nested/catalog-info.yaml", "missing-golden-path") == "note");     // nearest
  CHECK(sev(r, "/nested/catalog-info.yaml", "owner-is-user") == "none");           // extends path
  CHECK(sev(r, "/nested/catalog-info.yaml", "missing-cost-center") == "warning");  // default

  // --config replaces discovery for every file.
  auto cfg =
      std::make_shared<const Config>(parse_config("x.yaml", "rules:\n  owner-is-user: note\n"));
  const LintResult e = lint_paths({dir}, "2026-12-01", {}, cfg);
  CHECK(sev(e, "/nested/catalog-info.yaml", "owner-is-user") == "note");
  CHECK(sev(e, "/team/catalog-info.yaml", "missing-golden-path") == "warning");

  // only() (fixture runs): config severities apply to the one rule, nothing else is enabled.
  LintOptions only;
  only.config.only("owner-is-user");
  only.resolver = std::make_shared<ConfigResolver>(only.config, nullptr);
  const LintResult o = lint_files({dir + "/team/catalog-info.yaml"}, only);
  REQUIRE(o.diagnostics.size() == 1);
  CHECK(o.diagnostics[0].rule == "owner-is-user");
  CHECK(o.diagnostics[0].severity == Severity::warning);
}

TEST_CASE("policy: config is loaded once per directory and found up to the git root") {
  const std::string dir = temp_dir();
  write_file(dir + "/.catalog-lint.yaml", "rules:\n  owner-is-user: note\n");
  write_file(dir + "/.git/HEAD", "ref: refs/heads/main\n");  // outside one it stops at the cwd
  write_file(dir + "/repo/.git/HEAD", "ref: refs/heads/main\n");
  ConfigResolver resolver(Registry::instance().defaults(), nullptr);
  const ResolvedConfig& a = resolver.for_file(dir + "/x/a.yaml");
  const ResolvedConfig& b = resolver.for_file(dir + "/x/b.yaml");
  const ResolvedConfig& c = resolver.for_file(dir + "/x/y/c.yaml");
  CHECK(&a == &b);
  CHECK(&a == &c);  // same config file: one load, one resolution
  CHECK(a.config->file == dir + "/.catalog-lint.yaml");
  CHECK(a.rules.severity("owner-is-user") == Severity::note);
  // Inside a git work tree the search stops at its root: the config above is not used.
  const ResolvedConfig& inner = resolver.for_file(dir + "/repo/src/d.yaml");
  CHECK(inner.config->file.empty());
  CHECK(inner.rules.severity("owner-is-user") == Severity::off);
}

TEST_CASE("policy: config errors have exact messages and positions") {
  CHECK(config_error("polcy: {}\n") ==
        "cfg.yaml:1:1: error: unknown key 'polcy' in the config file; did you mean 'policy'? "
        "expected one of: extends, "
        "rules, policy, declarative_rules, overrides, include, exclude, catalog, "
        "catalog_complete, skeletons, app_config, report");
  CHECK(config_error("policy:\n  platform_teem: x\n") ==
        "cfg.yaml:2:3: error: unknown key 'platform_teem' in policy; did you mean 'platform_team'? "
        "expected one of: "
        "annotation_prefix, platform_team, architecture_committee, "
        "escape_hatch_expiry_warning_days, deprecation_notice_days, infrastructure_types, "
        "known_owners, golden_paths");
  CHECK(config_error("policy:\n  deprecation_notice_days: two weeks\n") ==
        "cfg.yaml:2:28: error: policy.deprecation_notice_days must be a non-negative integer, "
        "found string 'two weeks'");
  CHECK(
      config_error("policy:\n  known_owners: team-a\n") ==
      "cfg.yaml:2:17: error: policy.known_owners must be a list of strings, found string 'team-a'");
  CHECK(config_error("policy:\n  platform_team: 'group:'\n") ==
        "cfg.yaml:2:18: error: policy.platform_team 'group:' is not an entity ref: "
        "Entity reference \"group:\" was not on the form [<kind>:][<namespace>/]<name>");
  // Refs whose parts Backstage would never accept name nobody (a new user's trial: exit 0).
  CHECK(config_error("policy:\n  platform_team: 'group:default/Platform Team'\n") ==
        "cfg.yaml:2:18: error: policy.platform_team 'group:default/Platform Team' is not an "
        "entity ref: the name 'Platform Team' is not a valid entity name (1-63 letters, digits, "
        "'-', '_' and '.', starting and ending with a letter or digit)");
  CHECK(config_error("policy:\n  known_owners: ['group:Default/sre', 'group:team_a/sre']\n") ==
        "cfg.yaml:2:39: error: policy.known_owners item 'group:team_a/sre' is not an entity ref: "
        "the namespace 'team_a' is not a valid namespace (1-63 letters, digits and '-')");
  CHECK(config_error("policy:\n  architecture_committee: 'gr oup:arch'\n") ==
        "cfg.yaml:2:27: error: policy.architecture_committee 'gr oup:arch' is not an entity ref: "
        "the kind 'gr oup' is not a valid kind (1-63 letters and digits, starting with a letter)");
  CHECK(config_error("rules:\n  unknown-ownr: off\n") ==
        "cfg.yaml:2:3: error: unknown rule 'unknown-ownr' in rules; did you mean 'unknown-owner'? "
        "`catalog-lint rules` lists them");
  CHECK(config_error("rules:\n  unknown-owner: fatal\n") ==
        "cfg.yaml:2:18: error: severity 'fatal' of rule 'unknown-owner' is not one of: error, "
        "warning, note, off");
  CHECK(config_error("extends: strcit\n") ==
        "cfg.yaml:1:10: error: unknown preset 'strcit'; presets are: default, strict (or give a "
        "path to a file)");
  CHECK(config_error("declarative_rules:\n  - id: x-rule\n    summary: s\n    require:\n"
                     "      annotation: a\n      pattern: '(unclosed'\n") ==
        "cfg.yaml:6:16: error: require.pattern '(unclosed' is not a valid RE2 pattern: missing ): "
        "(unclosed");
  CHECK(config_error("declarative_rules:\n  - id: x-rule\n    summary: s\n    require:\n"
                     "      annotation: a\n      label: b\n") ==
        "cfg.yaml:5:7: error: require needs exactly one of: annotation, label, tag, field");
  CHECK(config_error("declarative_rules:\n  - id: owner-is-user\n    summary: s\n    require:\n"
                     "      annotation: a\n") ==
        "cfg.yaml:2:9: error: declarative rule id 'owner-is-user' is already a built-in rule; "
        "choose another id");
  CHECK(config_error("rules: [a]\n") ==
        "cfg.yaml:1:8: error: rules must be a mapping of rule id to severity, found array");
  CHECK(config_error("policy: {annotation_prefix: Platform}\n") ==
        "cfg.yaml:1:29: error: policy.annotation_prefix 'Platform' must be a DNS subdomain "
        "followed by '/', like 'platform/' or 'example.com/'");
  CHECK(config_error("rules:\n  a: b\n  a: c\n").find("cfg.yaml:3:3: error: ") == 0);
}

TEST_CASE("policy: the CLI reports a config error with its position and exits 2") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: a\nspec:\n"
             "  type: team\n  children: []\n");
  write_file(dir + "/.catalog-lint.yaml", "policy:\n  escape_hatch_expiry_warning_days: -1\n");
  // Files, not ".": directory discovery is not what this tests.
  const CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "catalog-lint: .catalog-lint.yaml:2:37: error: "
        "policy.escape_hatch_expiry_warning_days must be between 0 and 100000\n");
  const CliRun missing = run_cli({"--config", "nope.yaml", "catalog-info.yaml"}, dir);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err ==
        "catalog-lint: nope.yaml: error: cannot read config file: No such file or directory\n");
}

TEST_CASE("policy: declarative rules from a repo config select and require") {
  const Config c = parse_config("cfg.yaml", R"(extends: []
declarative_rules:
  - id: tier-label
    summary: production services carry a tier label
    severity: error
    select: {kind: component, lifecycle: production, has_tag: [critical]}
    require: {label: tier, enum: ["1", "2"]}
    message: no tier label
  - id: owned-system
    summary: every API names its system
    select: {kind: API, namespace: default}
    require: {field: spec.system, pattern: "[a-z-]+"}
)");
  REQUIRE(c.policy.declarative_rules.size() == 2);
  LintOptions options;
  auto cfg = std::make_shared<const Config>(c);
  options.resolver = std::make_shared<ConfigResolver>(options.config, cfg);
  const std::string text = R"(apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: a
  tags: [critical]
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: b
  tags: [critical]
  labels:
    tier: "3"
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: c
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  system: Bad_System
  definition: x
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: d
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition: x
)";
  std::vector<FileResult> files;
  files.push_back(lint_bytes("t.yaml", text, options));
  const LintResult r = finish(std::move(files), options);
  std::vector<std::string> got;
  for (const Diagnostic& d : r.diagnostics)
    if (d.rule == "tier-label" || d.rule == "owned-system")
      got.push_back(fmt::format("{}@{}:{} {} {} | {}", d.rule, d.start.line, d.start.column,
                                to_string(d.severity), d.category, d.message));
  CHECK(got == std::vector<std::string>{
                   "tier-label@3:1 error policy | no tier label",
                   "tier-label@17:11 error policy | label tier is '3'; expected one of: 1, 2",
                   "owned-system@31:11 warning policy | field spec.system 'Bad_System' does not "
                   "match the pattern '[a-z-]+'",
                   "owned-system@38:1 warning policy | required field 'spec.system' is missing",
               });
}

TEST_CASE("policy: expiring-escape-hatch warns inside the notice window and not outside it") {
  const std::string text =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
      "  annotations:\n    platform/escape-hatch: experimental\n"
      "    platform/escape-hatch-expires: 2026-12-15\nspec:\n  type: service\n"
      "  lifecycle: production\n  owner: team-a\n";
  auto run = [&](const std::string& today) {
    LintOptions options;
    options.config.only("expiring-escape-hatch");
    options.today = today;
    std::vector<FileResult> files;
    files.push_back(lint_bytes("t.yaml", text, options));
    return brief(finish(std::move(files), options));
  };
  CHECK(run("2026-12-01") == std::vector<std::string>{"expiring-escape-hatch@7:36"});  // 14 days
  CHECK(run("2026-12-10") == std::vector<std::string>{"expiring-escape-hatch@7:36"});  // 5 days
  CHECK(run("2026-12-15") == std::vector<std::string>{"expiring-escape-hatch@7:36"});  // today
  CHECK(run("2026-11-30").empty());  // 15 days: outside the window
  CHECK(run("2026-12-16").empty());  // expired: expired-escape-hatch's business
}

// The loader takes its key sets from the schema (test_config_schema.cpp checks the verdicts).
TEST_CASE("policy: every preset is valid and the built-in defaults are the model's") {
  for (const std::string& name : preset_names()) {
    CAPTURE(name);
    CHECK_NOTHROW(parse_config("cfg.yaml", "extends: " + name + "\n"));
  }
  const Policy& p = builtin_config().policy;
  CHECK(p.annotation_prefix == "platform/");
  CHECK(p.platform_team == "group:default/platform-team");
  CHECK(p.architecture_committee == "group:default/architecture-committee");
  // The values one rule owns are that rule's options, with their front matter defaults.
  const Registry& registry = Registry::instance();
  CHECK(registry.options("expiring-escape-hatch", nullptr).integer("warning_days") == 14);
  CHECK(registry.options("short-deprecation-notice", nullptr).integer("notice_days") == 14);
  CHECK(
      registry.options("infrastructure-not-platform-owned", nullptr).strings("resource_types") ==
      std::vector<std::string>{"kubernetes-cluster", "eks-cluster", "vpc", "network", "dns-zone"});
  CHECK(builtin_config().options.empty());  // the default preset writes none of them
  CHECK(p.declarative_rules.size() == 2);
}

namespace {
// Plain Levenshtein distance (the full table): the reference for the bounded search.
std::size_t reference_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j)
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
  return d[a.size()][b.size()];
}
}  // namespace

TEST_CASE("policy: suggestions (did you mean) match a full edit-distance search exactly") {
  // The suggestion search is bounded (length filter, diagonal band, row cut-off) and remembered
  // per value; it must pick exactly what the plain definition picks: the first candidate with
  // the smallest distance, when that distance is at most max(2, |value| / 3).
  std::mt19937 rng(7);
  auto random_string = [&](std::size_t max_len, const std::string& alphabet) {
    std::string s(rng() % (max_len + 1), ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 400; ++round) {
    const std::string alphabet = round % 2 ? "ab" : "abcdefgh-:/";
    std::vector<std::string> candidates;
    for (int i = 0; i < 12; ++i) candidates.push_back(random_string(14, alphabet));
    // Some candidates are near-copies of the value, so that close matches exist.
    const std::string value = random_string(14, alphabet);
    std::string typo = value;
    if (!typo.empty()) typo[rng() % typo.size()] = alphabet[0];
    candidates.push_back(typo + alphabet.substr(0, rng() % 3));
    std::optional<std::string> expected;
    std::size_t best = std::max<std::size_t>(2, value.size() / 3) + 1;
    for (const std::string& c : candidates)
      if (const std::size_t d = reference_distance(value, c); d < best) best = d, expected = c;
    INFO("value '", value, "' round ", round);
    CHECK(policy::nearest(value, candidates) == expected);
    policy::Suggester suggester(candidates);
    CHECK(suggester.nearest(value) == expected);
    CHECK(suggester.nearest(value) == expected);  // remembered: the same answer
  }
  // Known answers.
  CHECK(policy::nearest("group:default/serch-team",
                        {"group:default/search-team", "user:default/search"}) ==
        std::optional<std::string>("group:default/search-team"));
  CHECK(policy::nearest("abc", {"xyz"}) == std::nullopt);  // 3 edits: over max(2, 1)
  CHECK(policy::nearest("", {"a", "ab"}) == std::optional<std::string>("a"));
}

TEST_CASE("policy: summary fields of list items keep their whole JSON pointer") {
  // Tags are kept as the list's pointer plus an index (not interned: one entity can have
  // thousands); pointer() and is() must still see the whole pointer.
  const SummaryField tag{"/metadata/tags/", 3, "golden-path:x", {}, {}, {}};
  CHECK(tag.pointer() == "/metadata/tags/3");
  CHECK(tag.is("/metadata/tags/3"));
  CHECK_FALSE(tag.is("/metadata/tags/03"));
  CHECK_FALSE(tag.is("/metadata/tags/30"));
  CHECK_FALSE(tag.is("/metadata/tags/"));
  CHECK_FALSE(tag.is("/metadata/tags/3/x"));
  const SummaryField first{"/metadata/tags/", 0, "golden-path", {}, {}, {}};
  CHECK(first.is("/metadata/tags/0"));
  const SummaryField owner{"/spec/owner", -1, "team-a", {}, {}, {}};
  CHECK(owner.pointer() == "/spec/owner");
  CHECK(owner.is("/spec/owner"));
  CHECK_FALSE(owner.is("/spec/owner/0"));
  // Through the linter: a golden-path finding on a tag reports the tag's own pointer.
  const std::string text =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  tags:\n"
      "    - java\n    - golden-path:nope\nspec:\n  type: service\n  lifecycle: production\n"
      "  owner: group:default/team-a\n---\napiVersion: scaffolder.backstage.io/v1beta3\n"
      "kind: Template\nmetadata:\n  name: real\n  tags: [golden-path]\nspec:\n  type: service\n"
      "  owner: group:default/team-a\n  steps: []\n";
  const LintResult r = lint_text(text, "unknown-golden-path");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].path == "/metadata/tags/1");
  CHECK(r.diagnostics[0].start.line == 7);
  CHECK(r.diagnostics[0].start.column == 7);
  CHECK(*r.diagnostics[0].source_line == "    - golden-path:nope");
}

TEST_CASE("policy: owner suggestions come from the entity's own policy") {
  // Each directory's config lists its own known owners; a misspelt owner is matched against the
  // owners its own policy knows (once the suggestions were built from the first config only).
  const std::string dir = temp_dir();
  write_file(dir + "/b/.catalog-lint.yaml",
             "catalog_complete: true\npolicy: {known_owners: [group:default/alpha-team]}\n");
  write_file(dir + "/c/.catalog-lint.yaml",
             "catalog_complete: true\npolicy: {known_owners: [group:default/beta-team]}\n");
  auto component = [](const std::string& name, const std::string& owner) {
    return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name +
           "\nspec:\n  type: library\n  lifecycle: production\n  owner: " + owner + "\n";
  };
  write_file(dir + "/b/catalog-info.yaml", component("b", "alpha-tem"));
  write_file(dir + "/c/catalog-info.yaml", component("c", "beta-tem"));
  const CliRun r = run_cli(
      {"--format", "json", "--today", "2026-01-01", "--rule", "unknown-owner=error", "b", "c"},
      dir);
  const auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> helps;
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == "unknown-owner")
      helps.push_back(d["file"].get<std::string>() + ": " + d["help"].get<std::string>());
  CHECK(helps ==
        std::vector<std::string>{"b/catalog-info.yaml: did you mean 'group:default/alpha-team'?",
                                 "c/catalog-info.yaml: did you mean 'group:default/beta-team'?"});
}

TEST_CASE("policy: the catalog phase gives the same report on any number of threads") {
  // Catalog-phase checkers run in parallel, each into its own list, appended in registry order.
  std::map<std::string, std::string> first;  // format → output of --jobs 1
  for (const std::string jobs : {"1", "2", "7"}) {
    for (const std::string format : {"json", "sarif"}) {
      const CliRun r = run_cli({"--today", "2026-12-01", "--format", format, "--jobs", jobs, kOrg},
                               source_dir());
      INFO("--jobs ", jobs, " --format ", format);
      CHECK(r.exit_code == 1);
      if (first[format].empty()) first[format] = r.out;
      CHECK(r.out == first[format]);
    }
  }
  CHECK(nlohmann::json::parse(first["json"])["summary"]["errors"].get<int>() > 0);
}
