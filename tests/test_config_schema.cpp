// The config schema as the loader's last word (issue 12, "Libraries where they exist"):
// schemas/catalog-lint.schema.json is embedded, valijson judges every config file with it, and a
// violation is reported at its node's line:col in the loader's words.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/config_schema.h"
#include "core/loader.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// "line:col message" of the schema's verdict on config text `yaml`, or "ok".
std::string verdict(const std::string& yaml) {
  Limits limits;
  limits.max_file_bytes = limits.max_scalar_bytes = 4 << 20;  // room for the long-string cases
  const LoadedFile file = load_yaml(yaml, limits);
  REQUIRE(file.diagnostics.empty());
  REQUIRE(file.documents.size() == 1);
  REQUIRE(file.documents[0].root != nullptr);
  const auto v = check_config_schema(*file.documents[0].root);
  if (!v) return "ok";
  REQUIRE(v->at != nullptr);
  return std::to_string(v->at->pos.line) + ":" + std::to_string(v->at->pos.column) + " " +
         v->message;
}

// The loader's verdict on config text: ConfigError::format(), or "ok".
std::string loaded(const std::string& yaml) {
  return config_verdict("c.yaml", yaml);
}

}  // namespace

TEST_CASE("config schema: each kind of violation, at its node, in the loader's words") {
  CHECK(verdict("policy:\n  deprecation_notice_days: -3\n") ==
        "2:28 policy.deprecation_notice_days must be between 0 and 100000");
  CHECK(verdict("policy:\n  deprecation_notice_days: 2.5\n") ==
        "2:28 policy.deprecation_notice_days must be an integer, found number 2.5");
  CHECK(verdict("extends: [default, 1]\n") == "1:20 extends[1] must be a string, found number 1");
  CHECK(verdict("extends: {a: 1}\n") ==
        "1:10 extends must be a string, a list of strings or empty, found object");
  CHECK(verdict("bogus: 1\n") ==
        "1:1 unknown key 'bogus' in the config file; expected one of: extends, rules, policy, "
        "declarative_rules, overrides, include, exclude, catalog, catalog_complete, skeletons, "
        "app_config, report");
  CHECK(verdict("policy:\n  platform-team: x\n") ==
        "2:3 unknown key 'platform-team' in policy; did you mean 'platform_team'? expected one "
        "of: annotation_prefix, "
        "platform_team, architecture_committee, escape_hatch_expiry_warning_days, "
        "deprecation_notice_days, infrastructure_types, known_owners, golden_paths");
  CHECK(verdict("rules:\n  unknown-kind: loud\n") ==
        "2:17 rules.unknown-kind 'loud' is not one of: error, warning, note, off");
  CHECK(verdict("report:\n  levels: []\n") ==
        "2:11 report.levels must have 1 to 16 items, found 0");
  CHECK(verdict("report:\n  levels:\n    - name: gold\n") ==
        "3:7 report.levels[0] needs `require`");
  CHECK(verdict("report:\n  levels:\n    - {name: '', require: [ownership]}\n") ==
        "3:14 report.levels[0].name must not be empty");
  CHECK(verdict("catalog_complete: 3\n") ==
        "1:19 catalog_complete must be true or false, found number 3");
  CHECK(verdict("declarative_rules:\n  - id: x\n    require: {annotation: a}\n    doc: {a: 1}\n") ==
        "4:10 declarative_rules[0].doc must be a string, found object");
  CHECK(verdict("declarative_rules:\n  - id: x\n    summary: s\n") ==
        "2:5 declarative_rules[0] needs `require`");
  CHECK(verdict("overrides:\n  - files: ['*.yaml']\n    rules: {unknown-kind: nope}\n") ==
        "3:27 overrides[0].rules.unknown-kind 'nope' is not one of: error, warning, note, off");
}

TEST_CASE("config schema: valid configs pass, patterns are the loader's, values are bounded") {
  CHECK(verdict("extends: [default]\nrules:\n  unknown-kind: off\n") == "ok");
  CHECK(verdict("catalog_complete: true\npolicy:\n  deprecation_notice_days: 0x1e\n") == "ok");
  // `pattern` is left to the loader (RE2 and its own validators): valijson's std::regex would
  // recurse once per character of this 1 MiB prefix.
  CHECK(verdict("policy:\n  annotation_prefix: '" + std::string(1 << 20, 'a') + "/'\n") == "ok");
  CHECK(verdict("declarative_rules:\n  - id: '" + std::string(1 << 20, 'A') +
                "'\n    summary: s\n    require: {annotation: a}\n") == "ok");
  // An integer beyond 64 bits is out of range, not wrapped.
  CHECK(verdict("policy:\n  deprecation_notice_days: 99999999999999999999999\n") ==
        "2:28 policy.deprecation_notice_days must be between 0 and 100000");
}

TEST_CASE("config schema: every preset and every config in the repository conforms") {
  for (const std::string& name : preset_names()) {
    CAPTURE(name);
    CHECK_NOTHROW(parse_config("cfg.yaml", "extends: " + name + "\n"));
  }
  std::size_t configs = 0;
  for (const char* top : {"examples", "testdata", "docs"})
    for (const auto& e : fs::recursive_directory_iterator(source_dir() + "/" + top)) {
      if (e.path().filename() != ".catalog-lint.yaml") continue;
      const std::string text = read_file(e.path().string());
      const LoadedFile file = load_yaml(text, Limits{});
      if (!file.diagnostics.empty() || file.documents.empty() || !file.documents[0].root)
        continue;  // configs that test YAML errors
      // Configs that test the loader's own errors may fail the schema; the rest must pass it.
      bool loader_accepts = true;
      try {
        parse_config(e.path().string(), text);
      } catch (const ConfigError&) {
        loader_accepts = false;
      }
      if (!loader_accepts) continue;
      ++configs;
      CAPTURE(e.path().string());
      CHECK(!check_config_schema(*file.documents[0].root));
    }
  CHECK(configs >= 5);  // examples/, testdata/ and docs/ hold 5 valid ones today
}

TEST_CASE("config schema: the loader reports what only the schema knows, at line:col") {
  // The hand-written checks take an empty `kind:` as "no kinds"; the schema says a string or a
  // list, and has the last word (found by mutating every value of a full config 12 ways).
  const std::string config =
      "declarative_rules:\n  - id: my-rule\n    summary: s\n    select:\n      kind: ~\n"
      "    require: {annotation: a}\n";
  CHECK(loaded(config) ==
        "c.yaml:5:13: error: declarative_rules[0].select.kind must be a string or a list of "
        "strings, found null");
  CHECK(loaded("report:\n  levels:\n    - {name: gold, require: ~}\n") ==
        "c.yaml:3:29: error: report.levels[0].require must be a string or a list of strings, "
        "found null");
  CHECK(loaded("report:\n  levels:\n    - {name: gold, require: [ownership]}\n") == "ok");
}

TEST_CASE("config schema: every key the schema allows is documented in docs/policy.md") {
  const auto schema =
      nlohmann::json::parse(read_file(source_dir() + "/schemas/catalog-lint.schema.json"));
  const std::string doc = read_file(source_dir() + "/docs/policy.md");
  std::set<std::string> missing;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (!node.is_object() || !node.contains("properties")) return;
    for (const auto& [k, v] : node["properties"].items()) {
      if (doc.find(k + ":") == std::string::npos && doc.find("`" + k + "`") == std::string::npos)
        missing.insert(k);
      walk(v);
      if (v.contains("items")) walk(v["items"]);
    }
  };
  walk(schema);
  CHECK(missing == std::set<std::string>{});
}

TEST_CASE("config messages quote the scalar found, cut at 40 bytes on a character boundary") {
  // A trial: "skeletons must be skip or lint, found string" did not say what was written.
  CHECK(loaded("skeletons: Skip\n") ==
        "c.yaml:1:12: error: skeletons 'Skip' is not one of: skip, lint");
  CHECK(loaded("skeletons: 0x1f\n") ==
        "c.yaml:1:12: error: skeletons must be skip or lint, found number 0x1f");
  CHECK(loaded("skeletons: ~\n") ==
        "c.yaml:1:12: error: skeletons must be skip or lint, found null");
  CHECK(loaded("skeletons: [skip]\n") ==
        "c.yaml:1:12: error: skeletons must be skip or lint, found array");
  // 39 ASCII bytes then 'é' (2 bytes): the cut falls inside it, so 'é' goes whole.
  CHECK(loaded("policy:\n  known_owners: \"" + std::string(39, 'a') + "\xC3\xA9tail\"\n") ==
        "c.yaml:2:17: error: policy.known_owners must be a list of strings, found string '" +
            std::string(39, 'a') + "…'");
  // 38 ASCII bytes then 'é' ending at byte 40: it is kept whole (it was dropped).
  CHECK(loaded("policy:\n  known_owners: \"" + std::string(38, 'a') + "\xC3\xA9tail\"\n") ==
        "c.yaml:2:17: error: policy.known_owners must be a list of strings, found string '" +
            std::string(38, 'a') + "\xC3\xA9…'");
  // Exactly 40 bytes: not cut.
  CHECK(loaded("policy:\n  known_owners: \"" + std::string(40, 'a') + "\"\n") ==
        "c.yaml:2:17: error: policy.known_owners must be a list of strings, found string '" +
            std::string(40, 'a') + "'");
  // A control character is shown, not sent to the terminal.
  CHECK(loaded("policy:\n  known_owners: \"a\\u001bb\"\n") ==
        "c.yaml:2:17: error: policy.known_owners must be a list of strings, found string "
        "'a\u241bb'");
  // A tab is shown as a symbol (raw, it read as spaces inside the quotes).
  CHECK(loaded("policy:\n  known_owners: \"a\\tb\"\n") ==
        "c.yaml:2:17: error: policy.known_owners must be a list of strings, found string "
        "'a\u2409b'");
  // 'e' and its combining acute accent (U+0301, 2 bytes) at bytes 39-41: the cut at 40 would
  // have kept 'e' without its accent; both go.
  CHECK(loaded("policy:\n  known_owners: \"" + std::string(38, 'a') + "e\xCC\x81tail\"\n") ==
        "c.yaml:2:17: error: policy.known_owners must be a list of strings, found string '" +
            std::string(38, 'a') + "…'");
  // An emoji with a variation selector (U+2764 U+FE0F, 3 + 3 bytes) cut in the selector.
  CHECK(loaded("policy:\n  known_owners: \"" + std::string(36, 'a') +
               "\xE2\x9D\xA4\xEF\xB8\x8Ftail\"\n") ==
        "c.yaml:2:17: error: policy.known_owners must be a list of strings, found string '" +
            std::string(36, 'a') + "…'");
}

TEST_CASE("config messages quote an unknown key or option at most 40 bytes long") {
  const std::string key = std::string(60, 'k');
  CHECK(loaded("report:\n  " + key + ": 1\n") == "c.yaml:2:3: error: unknown key '" +
                                                     std::string(40, 'k') +
                                                     "…' in report; expected one of: levels");
  CHECK(loaded("rules:\n  short-deprecation-notice:\n    options:\n      " + key + ": 3\n") ==
        "c.yaml:4:7: error: unknown option '" + std::string(40, 'k') +
            "…' in rules.short-deprecation-notice.options; expected one of: notice_days");
}
