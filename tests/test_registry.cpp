// The rule registry: rules/registry.def against rules/*.md one to one, its invariants, one
// stamping step for every rule (off and severity changes in a config file, in an override and on
// the command line, generated from the registry), and isolation of a rule that throws.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <re2/re2.h>
#include <nlohmann/json.hpp>

#include "core/embedded_docs.h"
#include "core/registry.h"
#include "rules/rule_metadata.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

TEST_CASE("registry: rules/registry.def and rules/*.md name the same ids, sorted and unique") {
  std::set<std::string> docs;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir()) / "rules"))
    if (e.path().extension() == ".md") docs.insert(e.path().stem().string());
  // The lines of the table itself, in file order.
  const std::string def = read_file(source_dir() + "/rules/registry.def");
  static const RE2 line(
      R"re((?m)^(ENTITY|CATALOG|DECLARATIVE|EMITTED)\((\w+), "([a-z0-9-]+)"\)$)re");
  re2::StringPiece in(def);
  std::string kind, symbol, id;
  std::vector<std::string> table;
  while (RE2::FindAndConsume(&in, line, &kind, &symbol, &id)) {
    CAPTURE(id);
    std::string expected_symbol = id;
    std::replace(expected_symbol.begin(), expected_symbol.end(), '-', '_');
    CHECK(symbol == expected_symbol);
    table.push_back(id);
  }
  CHECK(std::is_sorted(table.begin(), table.end()));
  CHECK(std::adjacent_find(table.begin(), table.end()) == table.end());
  CHECK(std::set<std::string>(table.begin(), table.end()) == docs);
  REQUIRE(table.size() == kRuleCount);
  // The built registry: one rule object per line, in the same order, each with its metadata.
  const auto& rules = Registry::instance().rules();
  REQUIRE(rules.size() == table.size());
  static const RE2 kebab("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    CAPTURE(r.info.id);
    CHECK(r.info.id == table[i]);
    CHECK(rule_name(r.id) == r.info.id);
    CHECK(find_rule_id(r.info.id) == r.id);
    CHECK(RE2::FullMatch(r.info.id, kebab));
    for (const char* section : {"## What it does", "## Why", "## Bad example", "## Good example"})
      CHECK_MESSAGE(r.info.doc.find(section) != std::string::npos, "doc lacks " << section);
    CHECK(!r.info.source.empty());
    CHECK(!r.info.summary.empty());
    // A C++ rule has its check; the others have none.
    CHECK((r.kind == RuleKind::entity) == (r.entity != nullptr));
    CHECK((r.kind == RuleKind::catalog) == (r.catalog != nullptr));
  }
  CHECK(!find_rule_id("no-such-rule"));
  CHECK(!find_rule_id("invalid-tags"));
}

TEST_CASE("registry: front matter is read with the YAML loader, and bad front matter is refused") {
  const RuleInfo info = parse_rule_doc(
      "---\nid: x-rule\nsummary: 'a: quoted # summary'\ncategory: yaml\nseverity: warning\n"
      "recommended: false\nsource: \"@backstage/catalog-model\"\n---\nbody\n");
  CHECK(info.id == "x-rule");
  CHECK(info.summary == "a: quoted # summary");
  CHECK(info.default_severity == Severity::warning);
  CHECK(info.recommended == false);
  CHECK(info.always_reported == false);
  CHECK(info.source == "@backstage/catalog-model");
  CHECK(info.doc == "body\n");
  CHECK_THROWS_WITH_AS(
      parse_rule_doc("---\nid: x\nsummary: s\ncategory: c\nseverity: error\nbogus: 1\n---\n"),
      "unknown front matter key: bogus", std::runtime_error);
  CHECK_THROWS_WITH_AS(
      parse_rule_doc("---\nid: x\nsummary: s\ncategory: c\nseverity: fatal\n---\n"),
      "bad severity: fatal", std::runtime_error);
  CHECK_THROWS_WITH_AS(
      parse_rule_doc(
          "---\nid: x\nsummary: s\ncategory: c\nseverity: error\nrecommended: yes\n---\n"),
      "front matter key 'recommended' must be true or false", std::runtime_error);
  CHECK_THROWS_AS(parse_rule_doc("---\nid: [x\n---\n"), std::runtime_error);
}

TEST_CASE("registry: the metadata parsed at build time equals the front matter parsed now") {
  const std::vector<std::string_view>& docs = embedded_rule_docs();
  const std::vector<RuleInfo> built = embedded_rule_infos();
  REQUIRE(docs.size() == kRuleCount);
  REQUIRE(built.size() == docs.size());
  std::size_t options = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const RuleInfo now = parse_rule_doc(docs[i]);
    CAPTURE(now.id);
    CHECK(built[i] == now);
    CHECK(Registry::instance().find(now.id)->doc == now.doc);
    options += now.options.size();
  }
  // The options made the trip too: expiring-escape-hatch, infrastructure-not-platform-owned and
  // short-deprecation-notice declare one each.
  CHECK(options == 3);
}

namespace {

// The first bad fixture of `rule` (testdata/rules/<rule>/bad-*), or "".
std::string bad_fixture(const std::string& rule) {
  const fs::path dir = fs::path(source_dir()) / "testdata" / "rules" / rule;
  std::vector<fs::path> bad;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("bad-", 0) == 0 && !name.ends_with(".expect") && !name.ends_with(".expected"))
        bad.push_back(e.path());
    }
  std::sort(bad.begin(), bad.end());
  return bad.empty() ? "" : bad.front().string();
}

// What makes `rule` report in a fresh repository `dir`: files written there, and extra
// arguments. Rules whose findings a catalog file alone cannot produce get their own scenario.
std::vector<std::string> trigger(const std::string& rule, const std::string& dir) {
  const std::string entity =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n";
  if (rule == "location-target-not-found" || rule == "location-target-outside-repository") {
    write_file(dir + "/catalog-x.yaml",
               "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\n"
               "spec:\n  targets: [" +
                   std::string(rule == "location-target-not-found" ? "./missing.yaml"
                                                                   : "../outside.yaml") +
                   "]\n");
    return {};
  }
  if (rule == "stale-baseline-entry") {
    write_file(dir + "/catalog-x.yaml",
               entity + "spec:\n  type: service\n  lifecycle: production\n  owner: team\n");
    write_file(dir + "/baseline.json",
               R"({"version":1,"tool":"catalog-lint","findings":[{"fingerprint":"0:1",)"
               R"("rule":"invalid-tag","file":"catalog-x.yaml","entity":"","path":"",)"
               R"("message":"gone"}]})");
    return {"--baseline", "baseline.json"};
  }
  if (rule == "expiring-escape-hatch") {
    write_file(dir + "/catalog-x.yaml",
               entity +
                   "  annotations:\n    platform/escape-hatch: experimental\n"
                   "    platform/escape-hatch-expires: \"2026-06-05\"\n"
                   "spec:\n  type: service\n  lifecycle: production\n  owner: team\n");
    return {"--today", "2026-06-01"};
  }
  if (rule == "conflicting-entity") {  // the org catalog has the entity from another file
    fs::create_directories(dir + "/org");
    write_file(dir + "/org/checkout.yaml",
               entity + "spec:\n  type: service\n  lifecycle: production\n  owner: team\n");
    write_file(dir + "/catalog-x.yaml",
               entity + "spec:\n  type: service\n  lifecycle: production\n  owner: team\n");
    return {};
  }
  if (rule == "removed-entity-referenced") {  // a change removes a Group its Component names
    const std::string component =
        entity + "spec:\n  type: service\n  lifecycle: production\n  owner: team\n";
    write_file(dir + "/catalog-x.yaml",
               component +
                   "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n"
                   "  name: team\nspec:\n  type: team\n  children: []\n");
    REQUIRE(std::system(fmt::format("cd '{}' && git add catalog-x.yaml && git -c user.email=t@x "
                                    "-c user.name=t commit -qm x",
                                    dir)
                            .c_str()) == 0);
    write_file(dir + "/catalog-x.yaml", component);
    return {"--changed-since", "HEAD"};
  }
  if (rule == "kind-not-allowed-by-catalog-rules" ||
      rule == "catalog-location-matches-nothing") {  // app-config.yaml (named by the config)
    write_file(dir + "/app-config.yaml",
               "catalog:\n  locations:\n    - type: file\n      target: catalog-x.yaml\n"
               "    - type: file\n      target: missing/*.yaml\n");
    write_file(dir + "/catalog-x.yaml",
               "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team\n"
               "spec:\n  type: team\n  children: []\n");
    return {};
  }
  if (rule == "placeholder-target-not-found") {  // resolved on disk: no fixture file can show it
    write_file(dir + "/catalog-x.yaml",
               "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: a\nspec:\n"
               "  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n"
               "    $text: ./missing.yaml\n");
    return {};
  }
  if (rule == "incomplete-org-catalog") {  // the whole org (catalog_complete) has no platform team
    write_file(dir + "/catalog-x.yaml",
               entity + "spec:\n  type: service\n  lifecycle: production\n  owner: team\n");
    return {};
  }
  if (rule == "unreadable-file") {
    REQUIRE(symlink("nowhere", (dir + "/catalog-x.yaml").c_str()) == 0);
    return {};
  }
  const std::string fixture = bad_fixture(rule);
  REQUIRE_MESSAGE(!fixture.empty(), "no bad fixture for " << rule);
  write_file(dir + "/catalog-x.yaml", read_file(fixture));
  return {};
}

// "severity" of each finding of `rule` in a --format json run.
std::vector<std::string> severities(const CliRun& run, const std::string& rule) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(run.out);
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == rule) out.push_back(d["severity"]);
  return out;
}

// The file of the first finding of `rule` (an override must match the finding's file).
std::string file_of(const CliRun& run, const std::string& rule) {
  const auto j = nlohmann::json::parse(run.out);
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == rule) return d["file"];
  return "";
}

}  // namespace

TEST_CASE(
    "stamping: every rule is silenced by off and re-levelled in a config, an override and "
    "the command line") {
  for (const Rule& rule : Registry::instance().rules()) {
    const std::string id = rule.info.id;
    // No input makes an internal error (the isolation test below covers it); invalid-config
    // findings are errors whatever the configuration says, since the broken config is the
    // configuration (tests/test_config_hostile.cpp).
    if (rule.id == RuleId::internal_error || rule.id == RuleId::invalid_config) continue;
    CAPTURE(id);
    const std::string dir = git_repo();
    std::vector<std::string> extra = trigger(id, dir);
    // The org is declared (catalog_complete, or for conflicting-entity a catalog folder), so
    // that the rules judging owners and references run.
    const std::string org =
        id == "conflicting-entity" ? "catalog: [org]\n"
        : id == "kind-not-allowed-by-catalog-rules" || id == "catalog-location-matches-nothing"
            ? "catalog_complete: true\napp_config: app-config.yaml\n"
            : "catalog_complete: true\n";
    auto run = [&](const std::string& config, std::vector<std::string> args) {
      write_file(dir + "/.catalog-lint.yaml", org + config);
      args.insert(args.end(), extra.begin(), extra.end());
      args.insert(args.end(), {"--format", "json", "catalog-x.yaml"});
      return run_cli(args, dir);
    };
    // With a config that extends the default preset every rule runs at its default severity
    // (policy rules included).
    const CliRun base = run("rules: {}\n", {});
    const std::vector<std::string> found = severities(base, id);
    REQUIRE_MESSAGE(!found.empty(),
                    "the scenario does not trigger " << id << ": " << base.out << base.err);
    // A severity other than the one observed, for each finding.
    const std::string other = found[0] == "note" ? "warning" : "note";
    const std::vector<std::string> all_other(found.size(), other);
    const std::vector<std::string> off_result =
        rule.info.always_reported ? std::vector<std::string>(found.size(), "error")
                                  : std::vector<std::string>{};
    const std::string file = file_of(base, id);
    const std::string override_off =
        fmt::format("overrides:\n  - files: ['{}']\n    rules: {{{}: off}}\n", file, id);
    const std::string override_other =
        fmt::format("overrides:\n  - files: ['{}']\n    rules: {{{}: {}}}\n", file, id, other);
    CHECK(severities(run(fmt::format("rules: {{{}: off}}\n", id), {}), id) == off_result);
    const CliRun off_by_override = run(override_off, {});
    INFO(override_off << off_by_override.err);
    CHECK(severities(off_by_override, id) == off_result);
    CHECK(severities(run("rules: {}\n", {"--disable", id}), id) == off_result);
    CHECK(severities(run("rules: {}\n", {"--rule", id + "=off"}), id) == off_result);
    // A finding that fixes its own severity (a one-off note) keeps it.
    const bool fixed = std::all_of(found.begin(), found.end(),
                                   [&](const std::string& s) { return s == "note"; }) &&
                       rule.info.default_severity != Severity::note;
    const std::vector<std::string> relevelled = fixed ? found : all_other;
    CHECK(severities(run(fmt::format("rules: {{{}: {}}}\n", id, other), {}), id) == relevelled);
    CHECK(severities(run(override_other, {}), id) == relevelled);
    CHECK(severities(run("rules: {}\n", {"--rule", id + "=" + other}), id) == relevelled);
  }
}

namespace {
struct Throwing final : EntityRule {
  void check(const Entity&, EntityContext& ctx) const override {
    ctx.report(nullptr, "", "half a finding");  // dropped: the rule did not finish
    throw std::runtime_error("boom");
  }
};
struct ThrowingCatalog final : CatalogRule {
  void check(const EntitySummary& e, const CatalogIndex&, CatalogContext&) const override {
    if (e.name == "b") throw std::logic_error("catalog boom");
  }
};
}  // namespace

TEST_CASE("isolation: a rule that throws becomes an internal-error finding; the rest still run") {
  const Registry registry =
      Registry::instance()
          .with_entity_check(RuleId::invalid_tag, std::make_shared<Throwing>())
          .with_catalog_check(RuleId::duplicate_entity, std::make_shared<ThrowingCatalog>());
  LintOptions options;
  options.registry = &registry;
  // Only the two faulty rules and one sound one run.
  for (const Rule& r : Registry::instance().rules())
    if (r.id != RuleId::invalid_tag && r.id != RuleId::duplicate_entity &&
        r.id != RuleId::missing_field && r.id != RuleId::internal_error)
      options.config.set(r.info.id, Severity::off);
  std::vector<FileResult> files;
  files.push_back(lint_bytes("a.yaml",
                             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
                             "  name: a\n  tags: [Bad]\n",
                             options));
  files.push_back(lint_bytes("b.yaml",
                             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
                             "  name: b\n",
                             options));
  const LintResult r = finish(std::move(files), options);
  CHECK(r.internal_error);
  std::vector<std::string> got;
  for (const Diagnostic& d : r.diagnostics)
    got.push_back(fmt::format("{}:{}:{} {} {} [{}] {}", d.file, d.start.line, d.start.column,
                              to_string(d.severity), d.rule, d.entity, d.message));
  INFO(fmt::format("{}", fmt::join(got, "\n")));
  CHECK(got == std::vector<std::string>{
                   "a.yaml:1:1 error missing-field [component:default/a] missing required field "
                   "`spec`; every Component needs one",
                   "a.yaml:4:9 error internal-error [component:default/a] rule 'invalid-tag' "
                   "failed on component:default/a: boom",
                   "b.yaml:1:1 error missing-field [component:default/b] missing required field "
                   "`spec`; every Component needs one",
                   "b.yaml:4:9 error internal-error [component:default/b] rule "
                   "'duplicate-entity' failed on component:default/b: catalog boom",
                   "b.yaml:4:9 error internal-error [component:default/b] rule 'invalid-tag' "
                   "failed on component:default/b: boom",
               });
  // internal-error cannot be turned off.
  options.config.set("internal-error", Severity::off);
  std::vector<FileResult> again;
  again.push_back(lint_bytes("a.yaml",
                             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
                             "  name: a\n",
                             options));
  const LintResult off = finish(std::move(again), options);
  REQUIRE(off.diagnostics.size() == 2);
  CHECK(off.diagnostics[1].rule == "internal-error");
  CHECK(off.diagnostics[1].severity == Severity::error);
}
