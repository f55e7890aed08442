// Rule options (issue 12 "Options belong to rules"): each rule declares its options in the front
// matter of rules/<id>.md; a config sets them under `rules: {ID: {options: ...}}` (or through a
// deprecated `policy:` alias); the loader checks them against the declaration, and the rule reads
// them typed from its context, through extends and per-glob overrides.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/linter.h"
#include "core/registry.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// The loader's verdict on config text: ConfigError::format(), or "ok".
std::string loaded(const std::string& yaml) {
  return config_verdict("c.yaml", "extends: []\n" + yaml);
}

const OptionValue* value_in(const Config& c, const std::string& rule, const std::string& name) {
  const auto r = c.options.find(rule);
  if (r == c.options.end()) return nullptr;
  const auto o = r->second.find(name);
  return o == r->second.end() ? nullptr : &o->second;
}

// A value of `spec`'s type that is not its default, within its bounds, and its YAML text.
std::pair<OptionValue, std::string> other_value(const OptionSpec& spec) {
  switch (spec.type) {
    case OptionType::integer: {
      const std::int64_t d = std::get<std::int64_t>(spec.default_value);
      const std::int64_t v = spec.maximum && d >= *spec.maximum ? d - 1 : d + 1;
      return {OptionValue(v), std::to_string(v)};
    }
    case OptionType::string:
      return {OptionValue(std::get<std::string>(spec.default_value) + "-x"),
              "'" + std::get<std::string>(spec.default_value) + "-x'"};
    case OptionType::strings:
      return {OptionValue(std::vector<std::string>{"probe-a", "probe-b"}), "[probe-a, probe-b]"};
    case OptionType::boolean:
      return {OptionValue(!std::get<bool>(spec.default_value)),
              std::get<bool>(spec.default_value) ? "false" : "true"};
  }
  return {};
}

// A catalog rule (or entity rule) that records the options it sees, by entity ref.
struct Seen {
  std::mutex mutex;
  std::map<std::string, OptionValue> values;  ///< "entity ref" → the value of the probed option
};

struct ProbeCatalog final : CatalogRule {
  ProbeCatalog(Seen& seen, std::string name) : seen_(seen), name_(std::move(name)) {}
  void check(const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) const override {
    const OptionValue* v = ctx.options(e).value(name_);
    REQUIRE(v != nullptr);
    std::lock_guard lock(seen_.mutex);
    seen_.values[e.ref] = *v;
  }
  Seen& seen_;
  std::string name_;
};

struct ProbeEntity final : EntityRule {
  ProbeEntity(Seen& seen, std::string name) : seen_(seen), name_(std::move(name)) {}
  void check(const Entity& e, EntityContext& ctx) const override {
    const OptionValue* v = ctx.options().value(name_);
    REQUIRE(v != nullptr);
    std::lock_guard lock(seen_.mutex);
    seen_.values[std::string(e.name())] = *v;
  }
  Seen& seen_;
  std::string name_;
};

std::string component(const std::string& name) {
  return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name +
         "\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n";
}

}  // namespace

TEST_CASE("rule options: every option in front matter has a default of its type and a doc") {
  std::size_t declared = 0;
  for (const Rule& r : Registry::instance().rules())
    for (const OptionSpec& o : r.info.options) {
      CAPTURE(r.info.id);
      CAPTURE(o.name);
      ++declared;
      const std::size_t expected_index = o.type == OptionType::integer   ? 0
                                         : o.type == OptionType::string  ? 1
                                         : o.type == OptionType::strings ? 2
                                                                         : 3;
      CHECK(o.default_value.index() == expected_index);
      if (o.type == OptionType::integer) {
        const std::int64_t d = std::get<std::int64_t>(o.default_value);
        if (o.minimum) CHECK(d >= *o.minimum);
        if (o.maximum) CHECK(d <= *o.maximum);
      } else {
        CHECK(!o.minimum);
        CHECK(!o.maximum);
      }
      CHECK(!o.doc.empty());
      CHECK(o.doc.find('\n') == std::string::npos);
      // The doc body names the option (what it does, and how to set it).
      CHECK(r.info.doc.find("`" + o.name + "`") != std::string::npos);
    }
  CHECK(declared >= 3);  // notice_days, warning_days, resource_types today
}

TEST_CASE("rule options: front matter declarations that cannot hold are refused") {
  const std::string head = "---\nid: x\nsummary: s\ncategory: c\nseverity: error\noptions:\n";
  auto refused = [&](const std::string& options) -> std::string {
    try {
      parse_rule_doc(head + options + "---\nbody\n");
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "ok";
  };
  CHECK(refused("  days: {type: integer, default: 3, minimum: 1, doc: d}\n") == "ok");
  CHECK(refused("  days: {type: integer, default: 0, minimum: 1, doc: d}\n") ==
        "front matter key 'options': option 'days': the default must be at least 1");
  CHECK(refused("  days: {type: integer, default: two, doc: d}\n") ==
        "front matter key 'options': option 'days': the default must be an integer, found "
        "string 'two'");
  CHECK(refused("  names: {type: strings, default: 3, doc: d}\n") ==
        "front matter key 'options': option 'names': the default must be a list of strings, "
        "found number 3");
  CHECK(refused("  on: {type: boolean, default: yes, doc: d}\n") ==
        "front matter key 'options': option 'on': the default must be true or false, found "
        "string 'yes'");
  CHECK(refused("  days: {type: int, default: 3, doc: d}\n") ==
        "front matter key 'options': option 'days': type 'int' is not one of: integer, string, "
        "strings, boolean");
  CHECK(refused("  days: {type: integer, default: 3}\n") ==
        "front matter key 'options': option 'days': needs type, default and doc");
  CHECK(refused("  days: {type: integer, default: 3, doc: d, step: 2}\n") ==
        "front matter key 'options': option 'days': unknown key 'step'; expected type, default, "
        "minimum, maximum, doc, policy_alias");
  CHECK(refused("  Days: {type: integer, default: 3, doc: d}\n") ==
        "front matter key 'options': option 'Days': the name must be snake_case ([a-z0-9_])");
  CHECK(refused("  name: {type: string, default: a, minimum: 1, doc: d}\n") ==
        "front matter key 'options': option 'name': 'minimum' applies to integer options only");
  CHECK(refused("  days: {type: integer, default: 3, minimum: 5, maximum: 1, doc: d}\n") ==
        "front matter key 'options': option 'days': minimum is above maximum");
}

TEST_CASE("rule options: a config sets them beside the severity, checked at line:col") {
  const Config c = parse_config(
      "c.yaml",
      "rules:\n  short-deprecation-notice: {severity: warning, options: {notice_days: 30}}\n"
      "  infrastructure-not-platform-owned:\n    options:\n      resource_types: [vpc]\n");
  CHECK(c.severities.at("short-deprecation-notice") == Severity::warning);
  CHECK(c.severities.count("infrastructure-not-platform-owned") == 0);  // options only
  REQUIRE(value_in(c, "short-deprecation-notice", "notice_days"));
  CHECK(std::get<std::int64_t>(*value_in(c, "short-deprecation-notice", "notice_days")) == 30);
  CHECK(std::get<std::vector<std::string>>(
            *value_in(c, "infrastructure-not-platform-owned", "resource_types")) ==
        std::vector<std::string>{"vpc"});

  // Integers as YAML 1.2 reads them, never C's octal: 0o17 is 15 (not 0), 030 is 30 (not 24),
  // 09 is 9 (not 0); a value past 64 bits is out of range, also in octal.
  for (const auto& [text, value] : std::vector<std::pair<std::string, std::int64_t>>{
           {"0o17", 15}, {"030", 30}, {"09", 9}, {"0x1e", 30}, {"+7", 7}}) {
    CAPTURE(text);
    const Config o = parse_config(
        "c.yaml", "rules:\n  short-deprecation-notice: {options: {notice_days: " + text + "}}\n");
    REQUIRE(value_in(o, "short-deprecation-notice", "notice_days"));
    CHECK(std::get<std::int64_t>(*value_in(o, "short-deprecation-notice", "notice_days")) == value);
  }
  CHECK(loaded("rules:\n  short-deprecation-notice: {options: {notice_days: "
               "0o1000000000000000000000000}}\n") ==
        "c.yaml:3:53: error: rules.short-deprecation-notice.options.notice_days is out of range");

  // Unknown option: did you mean, within a bounded distance; else the list.
  CHECK(loaded("rules:\n  short-deprecation-notice: {options: {notice_day: 30}}\n") ==
        "c.yaml:3:40: error: unknown option 'notice_day' in "
        "rules.short-deprecation-notice.options; did you mean 'notice_days'? expected one of: "
        "notice_days");
  CHECK(loaded("rules:\n  short-deprecation-notice: {options: {period: 30}}\n") ==
        "c.yaml:3:40: error: unknown option 'period' in rules.short-deprecation-notice.options; "
        "expected one of: notice_days");
  CHECK(loaded("rules:\n  invalid-tag: {options: {max: 3}}\n") ==
        "c.yaml:3:27: error: unknown option 'max' in rules.invalid-tag.options: rule "
        "'invalid-tag' has no options");
  // Wrong type, out of bounds.
  CHECK(loaded("rules:\n  short-deprecation-notice: {options: {notice_days: soon}}\n") ==
        "c.yaml:3:53: error: rules.short-deprecation-notice.options.notice_days must be a "
        "non-negative integer, found string 'soon'");
  CHECK(loaded("rules:\n  short-deprecation-notice: {options: {notice_days: 100001}}\n") ==
        "c.yaml:3:53: error: rules.short-deprecation-notice.options.notice_days must be between "
        "0 and 100000");
  CHECK(loaded("rules:\n  infrastructure-not-platform-owned: {options: {resource_types: 3}}\n") ==
        "c.yaml:3:65: error: rules.infrastructure-not-platform-owned.options.resource_types "
        "must be a list of strings, found number 3");
  // The mapping form's own keys and shape.
  CHECK(loaded("rules:\n  short-deprecation-notice: {severty: warning}\n") ==
        "c.yaml:3:30: error: unknown key 'severty' in rules.short-deprecation-notice; did you "
        "mean 'severity'? expected one of: severity, options");
  CHECK(loaded("rules:\n  short-deprecation-notice: {severity: loud}\n") ==
        "c.yaml:3:40: error: severity 'loud' of rule 'short-deprecation-notice' is not one of: "
        "error, warning, note, off");
  CHECK(loaded("rules:\n  short-deprecation-notice: {options: [30]}\n") ==
        "c.yaml:3:39: error: rules.short-deprecation-notice.options must be a mapping of option "
        "name to value, found array");
  // In an override, the same checks, named by the entry.
  CHECK(loaded("overrides:\n  - files: ['*.yaml']\n    rules:\n      short-deprecation-notice:\n"
               "        options: {notice_days: -1}\n") ==
        "c.yaml:6:32: error: overrides[0].rules.short-deprecation-notice.options.notice_days "
        "must be between 0 and 100000");
}

TEST_CASE("rule options: the deprecated policy keys set them, and may not also be set") {
  const Config c = parse_config("c.yaml",
                                "policy:\n  deprecation_notice_days: 0x1e\n"
                                "  escape_hatch_expiry_warning_days: 3\n"
                                "  infrastructure_types: dns-zone\n");
  CHECK(std::get<std::int64_t>(*value_in(c, "short-deprecation-notice", "notice_days")) == 30);
  CHECK(std::get<std::int64_t>(*value_in(c, "expiring-escape-hatch", "warning_days")) == 3);
  CHECK(std::get<std::vector<std::string>>(
            *value_in(c, "infrastructure-not-platform-owned", "resource_types")) ==
        std::vector<std::string>{"dns-zone"});
  CHECK(loaded("policy:\n  deprecation_notice_days: 30\nrules:\n"
               "  short-deprecation-notice: {options: {notice_days: 20}}\n") ==
        "c.yaml:3:28: error: policy.deprecation_notice_days is a deprecated alias of "
        "rules.short-deprecation-notice.options.notice_days, which this file sets too; remove "
        "policy.deprecation_notice_days");
  // The alias and the option in different files: the extending file wins, as for severities.
  const std::string dir = temp_dir();
  write_file(dir + "/base.yaml", "policy:\n  deprecation_notice_days: 30\n");
  const Config child = parse_config(
      dir + "/.catalog-lint.yaml",
      "extends: [base.yaml]\nrules:\n  short-deprecation-notice: {options: {notice_days: 45}}\n",
      ConfigLoadOptions{.root = dir});
  CHECK(std::get<std::int64_t>(*value_in(child, "short-deprecation-notice", "notice_days")) == 45);
}

TEST_CASE("rule options: they follow extends option by option and per-glob overrides") {
  const std::string dir = temp_dir();
  write_file(dir + "/base.yaml",
             "extends: []\nrules:\n  short-deprecation-notice: {options: {notice_days: 30}}\n"
             "  expiring-escape-hatch: {options: {warning_days: 5}}\n");
  write_file(dir + "/.catalog-lint.yaml",
             "extends: [base.yaml]\nrules:\n  expiring-escape-hatch: {options: {warning_days: 7}}\n"
             "overrides:\n  - files: ['legacy/**']\n    rules:\n"
             "      short-deprecation-notice: {severity: warning, options: {notice_days: 60}}\n");
  write_file(dir + "/a.yaml", component("a"));
  write_file(dir + "/legacy/b.yaml", component("b"));
  auto config = std::make_shared<const Config>(
      load_config_file(dir + "/.catalog-lint.yaml", ConfigLoadOptions{.root = dir}));
  ConfigResolver resolver(Registry::instance().defaults(), config, false,
                          ConfigLoadOptions{.root = dir});
  const Registry& registry = Registry::instance();
  const RuleConfig& a = resolver.for_file(dir + "/a.yaml").rules;
  const RuleConfig& b = resolver.for_file(dir + "/legacy/b.yaml").rules;
  CHECK(registry.options("short-deprecation-notice", &a).integer("notice_days") == 30);  // base
  CHECK(registry.options("expiring-escape-hatch", &a).integer("warning_days") == 7);     // own
  CHECK(registry.options("short-deprecation-notice", &b).integer("notice_days") == 60);
  CHECK(registry.options("expiring-escape-hatch", &b).integer("warning_days") == 7);
  CHECK(b.severity("short-deprecation-notice") == Severity::warning);
  CHECK(a.severity("short-deprecation-notice") == Severity::error);
  // Unset options keep the front matter default; a rule reading an undeclared one is a bug.
  CHECK(
      registry.options("infrastructure-not-platform-owned", &a).strings("resource_types").size() ==
      5);
  CHECK_THROWS_AS(registry.options("expiring-escape-hatch", &a).strings("warning_days"),
                  std::logic_error);
}

// Generated from the registry: for every rule that declares options, setting each option in a
// config (and through its policy alias, when it has one) changes the value the rule sees.
TEST_CASE("rule options: setting each declared option changes the value its rule sees") {
  std::size_t probed = 0;
  for (const Rule& rule : Registry::instance().rules())
    for (const OptionSpec& spec : rule.info.options) {
      CAPTURE(rule.info.id);
      CAPTURE(spec.name);
      REQUIRE((rule.kind == RuleKind::catalog || rule.kind == RuleKind::entity));
      const auto [value, yaml] = other_value(spec);
      REQUIRE(value != spec.default_value);
      std::vector<std::string> ways = {
          fmt::format("rules:\n  {}: {{options: {{{}: {}}}}}\n", rule.info.id, spec.name, yaml)};
      if (!spec.policy_alias.empty())
        ways.push_back(fmt::format("policy:\n  {}: {}\n", spec.policy_alias, yaml));
      for (const std::string& text : ways) {
        CAPTURE(text);
        const std::string dir = temp_dir();
        write_file(dir + "/.catalog-lint.yaml", text);
        write_file(dir + "/set.yaml", component("set"));
        write_file(dir + "/sub/.catalog-lint.yaml", "rules: {}\n");  // no options: defaults
        write_file(dir + "/sub/unset.yaml", component("unset"));
        Seen seen;
        const Registry registry =
            rule.kind == RuleKind::catalog
                ? Registry::instance().with_catalog_check(
                      rule.id, std::make_shared<ProbeCatalog>(seen, spec.name))
                : Registry::instance().with_entity_check(
                      rule.id, std::make_shared<ProbeEntity>(seen, spec.name));
        LintOptions options;
        options.registry = &registry;
        options.config = registry.defaults();
        options.resolver = std::make_shared<ConfigResolver>(
            options.config, nullptr, false, ConfigLoadOptions{.root = dir, .start_dir = dir});
        std::vector<FileResult> files;
        for (const char* f : {"/set.yaml", "/sub/unset.yaml"})
          files.push_back(lint_bytes(dir + f, read_file(dir + f), options));
        finish(std::move(files), options);
        const std::string set_key =
            rule.kind == RuleKind::catalog ? "component:default/set" : "set";
        const std::string unset_key =
            rule.kind == RuleKind::catalog ? "component:default/unset" : "unset";
        REQUIRE(seen.values.count(set_key) == 1);
        REQUIRE(seen.values.count(unset_key) == 1);
        CHECK(seen.values.at(set_key) == value);
        CHECK(seen.values.at(unset_key) == spec.default_value);
        ++probed;
      }
    }
  CHECK(probed >= 6);  // today 3 options, each set directly and through its alias
}

TEST_CASE("rule options: explain, rules and print-config show them") {
  const CliRun explain = run_cli({"explain", "short-deprecation-notice"});
  CHECK(explain.exit_code == 0);
  CHECK(explain.out.find("\n\nOptions (rules: {short-deprecation-notice: {options: {NAME: "
                         "VALUE}}}):\n  notice_days: integer from 0 to 100000, default 14\n"
                         "    minimum days from platform/deprecated-on to platform/sunset-date "
                         "(30 for the model's major changes)\n    deprecated alias: "
                         "policy.deprecation_notice_days\n\n## What it does\n") !=
        std::string::npos);
  const CliRun rules = run_cli({"rules"});
  CHECK(rules.out.find("\n  option resource_types: list of strings, default [kubernetes-cluster, "
                       "eks-cluster, vpc, network, dns-zone]\n") != std::string::npos);
  CHECK(rules.out.find("\n  option warning_days: integer from 0 to 100000, default 14\n") !=
        std::string::npos);

  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/.catalog-lint.yaml",
             "policy:\n  escape_hatch_expiry_warning_days: 3\nrules:\n"
             "  short-deprecation-notice: {options: {notice_days: 30}}\n");
  write_file(dir + "/catalog-info.yaml", component("a"));
  const CliRun pc = run_cli({"print-config", "catalog-info.yaml"}, dir);
  REQUIRE(pc.exit_code == 0);
  const auto cfg = nlohmann::json::parse(pc.out);
  CHECK(cfg["options"] == nlohmann::json::parse(
                              R"({"expiring-escape-hatch": {"warning_days": 3},
                                  "infrastructure-not-platform-owned": {"resource_types":
                                    ["kubernetes-cluster", "eks-cluster", "vpc", "network",
                                     "dns-zone"]},
                                  "short-deprecation-notice": {"notice_days": 30}})"));
  CHECK(!cfg["policy"].contains("deprecation_notice_days"));
  CHECK(cfg["rules"]["short-deprecation-notice"] == "error");
}

TEST_CASE("rule options: the team report's required_notice_days is the effective option") {
  // Every value of key `key` anywhere in `j`.
  std::function<void(const nlohmann::json&, std::vector<nlohmann::json>&)> find_all =
      [&](const nlohmann::json& j, std::vector<nlohmann::json>& out) {
        if (j.is_object())
          for (const auto& [k, v] : j.items()) {
            if (k == "required_notice_days") out.push_back(v);
            find_all(v, out);
          }
        if (j.is_array())
          for (const auto& v : j) find_all(v, out);
      };
  const std::string entity =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: old\n"
      "  annotations:\n    platform/deprecated-on: 2026-11-01\n    platform/sunset-date: "
      "2026-11-20\nspec:\n  type: service\n  lifecycle: deprecated\n  owner: group:default/a\n";
  for (const auto& [config, expected] : std::vector<std::pair<std::string, int>>{
           {"catalog_complete: true\n", 14},
           {"catalog_complete: true\nrules:\n  short-deprecation-notice: {options: {notice_days: "
            "30}}\n",
            30},
           {"catalog_complete: true\npolicy:\n  deprecation_notice_days: 21\n", 21}}) {
    CAPTURE(config);
    const std::string dir = temp_dir();
    REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
    write_file(dir + "/.catalog-lint.yaml", config);
    write_file(dir + "/old.yaml", entity);
    const CliRun r =
        run_cli({"report", "--today", "2026-12-01", "--format", "json", "old.yaml"}, dir);
    REQUIRE(r.exit_code == 0);
    std::vector<nlohmann::json> found;
    find_all(nlohmann::json::parse(r.out), found);
    REQUIRE(!found.empty());
    for (const auto& v : found) CHECK(v == expected);
  }
}
