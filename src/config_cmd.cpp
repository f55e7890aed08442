// `catalog-lint print-config` and `catalog-lint init` (config_cmd.h).
#include "config_cmd.h"

#include <filesystem>
#include <iostream>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/registry.h"
#include "report/output.h"
#include "report/team_report.h"

namespace catalog_lint {

namespace {

// A commented starter configuration (catalog-lint init).
constexpr std::string_view kStarterConfig =
    R"(# catalog-lint configuration (docs/policy.md lists every key).
# The nearest .catalog-lint.yaml above a linted file applies, up to the repository root.
# Without `extends:` this file extends the built-in "default" preset; "strict" turns more on.
extends: [default]

# The organisation's catalog (docs/org-catalog.md): folders or files of entity YAML, or snapshots
# made by `catalog-lint snapshot`. Without it, owners and references are not checked.
# catalog: [org]

# Per-rule severity: error | warning | note | off. `catalog-lint rules` lists the rule ids.
# A rule's options go beside its severity; `catalog-lint explain RULE` lists them.
rules:
  missing-golden-path: warning
  # unknown-kind: off          # if your Backstage adds its own kinds
  # short-deprecation-notice: {severity: error, options: {notice_days: 30}}

# The Groups below must be Groups of your org catalog: change them to yours (once `catalog:` is
# set, a Group it lacks is an incomplete-org-catalog warning).
policy:
  annotation_prefix: platform/
  platform_team: group:default/platform-team                     # escalation level 2, approver
  architecture_committee: group:default/architecture-committee   # escalation level 3
  known_owners: []     # owners defined outside the linted files, e.g. group:default/sre
  golden_paths: []     # approved template names besides Templates tagged golden-path
)";

}  // namespace

// catalog-lint print-config PATH: the configuration that applies to PATH, as JSON.
int print_config(const std::string& path, ConfigResolver& resolver) {
  using json = nlohmann::ordered_json;
  const ResolvedConfig& r = resolver.for_file(path);
  if (r.error) {
    std::cerr << "catalog-lint: " << r.error->format() << "\n";
    return kExitError;
  }
  const Policy& p = r.policy();
  json rules = json::object();
  for (const Rule& rule : Registry::instance().rules())
    rules[rule.info.id] = std::string(to_string(r.rules.severity(rule.id)));
  for (const auto& d : p.declarative_rules)
    if (!rules.contains(d->info.id))
      rules[d->info.id] = std::string(to_string(r.rules.severity(d->info.id)));
  // The effective options of every rule that declares some, by rule id then option name.
  json options = json::object();
  for (const Rule& rule : Registry::instance().rules()) {
    if (rule.info.options.empty()) continue;
    const RuleOptions effective = Registry::instance().options(rule.info.id, &r.rules);
    json values = json::object();
    for (const OptionSpec& spec : rule.info.options)
      std::visit([&](const auto& v) { values[spec.name] = v; }, *effective.value(spec.name));
    options[rule.info.id] = std::move(values);
  }
  json declarative = json::array();
  for (const auto& d : p.declarative_rules) declarative.push_back(d->info.id);
  // The levels `report` uses: the config's, or the default ones (an empty list read as "none").
  json levels = json::array();
  for (const ReportLevel& l : p.report_levels.empty() ? team::default_levels() : p.report_levels)
    levels.push_back({{"name", l.name}, {"require", l.require}});
  const json out = {{"file", path},
                    {"config_file", r.config->file.empty() ? json(nullptr) : json(r.config->file)},
                    {"rules", std::move(rules)},
                    {"options", std::move(options)},
                    {"policy",
                     {{"annotation_prefix", p.annotation_prefix},
                      {"platform_team", p.platform_team},
                      {"architecture_committee", p.architecture_committee},
                      {"known_owners", p.known_owners},
                      {"golden_paths", p.golden_paths},
                      {"declarative_rules", std::move(declarative)}}},
                    // Where the org comes from and what the run does with skeletons: what a
                    // new user checks after declaring them (the paths as the config resolved
                    // them; the report's default levels when report.levels is not set).
                    {"catalog", p.catalog},
                    {"catalog_complete", p.catalog_complete},
                    {"skeletons", p.lint_skeletons ? "lint" : "skip"},
                    {"report_levels", std::move(levels)}};
  std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
  return kExitClean;
}

int init_config(bool force, const ClosedStreams& closed) {
  const std::string path = ".catalog-lint.yaml";
  // A symlink counts as there even when it leads nowhere: writing would create its target,
  // wherever a checked-out repository points it.
  std::error_code ec;
  if (!force && std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    std::cerr << "catalog-lint: error: .catalog-lint.yaml exists; use --force to overwrite\n";
    return kExitError;
  }
  if (const auto error = write_output(path, kStarterConfig)) {
    std::cerr << fmt::format("catalog-lint: error: {}\n", *error);
    return kExitError;
  }
  std::cout << "wrote .catalog-lint.yaml\n";
  return checked_stdout(kExitClean, closed);
}

}  // namespace catalog_lint
