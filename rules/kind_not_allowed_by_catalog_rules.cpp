// kind-not-allowed-by-catalog-rules (issue 14 item 6): an entity that Backstage would drop because
// `catalog.rules` (or the `rules` of the `catalog.locations` entry it comes from) do not allow
// its kind there. The semantics are DefaultCatalogRulesEnforcer.isAllowed
// (@backstage/plugin-catalog-backend src/ingestion/CatalogRules.ts), applied to the origin
// location (DefaultCatalogProcessingOrchestrator checks each emitted entity against
// `context.originLocation`): see core/app_config.h.
#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "core/app_config.h"
#include "policy_common.h"

namespace catalog_lint {

using namespace policy;

namespace {

/// `file` made absolute and canonical, cached for the last file asked on this thread (the
/// entities of one file come one after another).
const std::string& canonical_of(const std::string& file) {
  thread_local std::string last_file, last_canonical;
  if (file != last_file || last_canonical.empty()) {
    std::error_code ec;
    namespace fs = std::filesystem;
    const fs::path c = fs::weakly_canonical(fs::absolute(fs::path(file), ec), ec);
    last_file = file;
    last_canonical = c.lexically_normal().generic_string();
  }
  return last_canonical;
}

}  // namespace

std::shared_ptr<const CatalogRule> make_kind_not_allowed_by_catalog_rules() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    if (e.policy == nullptr || !e.policy->app_config) return;
    const AppConfig& app = *e.policy->app_config;
    // Only files a `catalog.locations` entry ingests: a file registered another way (the UI, a
    // discovery provider, a Location elsewhere) has an origin this config cannot see.
    const auto origins = app.locations_of(canonical_of(e.file));
    if (origins.empty()) return;
    for (const AppConfigLocation* o : origins)
      if (app.allowed(e.kind, e.type, *o)) return;
    const AppConfigLocation& o = *origins.front();
    const std::string where = fmt::format("{}:{}:{}", o.file, o.pos.line, o.pos.column);
    const std::string message = fmt::format(
        "kind '{}' is not allowed from location 'file:{}' ({}), so Backstage drops this entity; "
        "allowed there: {}",
        e.kind, o.target, where, app.allowed_text(o));
    const std::string help =
        o.has_rules ? fmt::format(
                          "add {} to the `allow:` of that location's `rules:` at {}, or add "
                          "`- allow: [{}]` to catalog.rules",
                          e.kind, where, e.kind)
                    : fmt::format(
                          "add `rules: [{{allow: [{}]}}]` to that location at {}, or `- allow: "
                          "[{}]` to catalog.rules{}",
                          e.kind, where, e.kind,
                          app.rules_declared ? ""
                                             : " (without catalog.rules Backstage allows only "
                                               "Component, API and Location)");
    if (Diagnostic* d = ctx.report(e, "/kind", message, help))
      d->notes.push_back(RelatedNote{"the location is declared here", o.file, o.pos});
  });
}

}  // namespace catalog_lint
