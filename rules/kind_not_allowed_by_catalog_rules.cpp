// kind-not-allowed-by-catalog-rules (issue 14 item 6): an entity that Backstage would drop because
// `catalog.rules` (or the `rules` of the `catalog.locations` entry it comes from) do not allow
// its kind there. The semantics are DefaultCatalogRulesEnforcer.isAllowed
// (@backstage/plugin-catalog-backend src/ingestion/CatalogRules.ts), applied to the origin
// location (DefaultCatalogProcessingOrchestrator checks each emitted entity against
// `context.originLocation`): see core/app_config.h.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <tuple>

#include "core/app_config.h"
#include "core/glob.h"
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

bool has_glob_chars(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

/// The `file` Location entities of the run: their file (canonical) and each target resolved
/// against that file's directory (LocationEntityProcessor resolves a relative target against
/// the Location's own location), absolute and normalised.
struct LocationLinks {
  std::vector<std::pair<std::string, std::vector<std::string>>> links;  ///< file, targets
};

LocationLinks links_of(const CatalogIndex& index) {
  namespace fs = std::filesystem;
  LocationLinks out;
  // The linted files' Locations, and the org catalog's (a partial run, such as the pre-commit
  // hook's, sees the Location that leads to a file only there).
  auto add = [&](const EntitySummary& e) {
    if (e.kind != "Location" || (!e.type.empty() && e.type != "file")) return;
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(fs::absolute(fs::path(e.file), ec), ec).parent_path();
    std::vector<std::string> targets;
    for (const SummaryField& f : e.fields)
      if ((f.is("/spec/target") || f.base == "/spec/targets/") && !f.value.empty()) {
        fs::path t(f.value);
        if (t.is_relative()) t = dir / t;
        targets.push_back(t.lexically_normal().generic_string());
      }
    if (!targets.empty()) out.links.emplace_back(canonical_of(e.file), std::move(targets));
  };
  for (const EntitySummary& e : index.entities) add(e);
  for (const EntitySummary& e : index.org) add(e);
  return out;
}

/// The config locations `file` (canonical) originates at: the `catalog.locations` entries that
/// match it, else those of the files whose Location entities name it, breadth first, each file
/// once, up to `depth` levels (DefaultCatalogProcessingOrchestrator judges an entity found
/// through a Location against `context.originLocation`, the config location the chain started
/// at). The nearest level with a match wins.
std::vector<const AppConfigLocation*> origins_of(const AppConfig& app, const std::string& file,
                                                 const LocationLinks& links, int depth) {
  std::vector<std::string> level{file};
  std::set<std::string> seen{file};
  for (int d = 0; d <= depth && !level.empty(); ++d) {
    std::vector<const AppConfigLocation*> out;
    for (const std::string& f : level)
      for (const AppConfigLocation* o : app.locations_of(f))
        if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
    if (!out.empty()) return out;
    std::vector<std::string> next;  // the files whose Locations name a file of this level
    for (const auto& [from, targets] : links.links) {
      if (seen.count(from)) continue;
      for (const std::string& f : level)
        if (std::any_of(targets.begin(), targets.end(), [&](const std::string& t) {
              return has_glob_chars(t) ? glob_match(t, f) : t == f;
            })) {
          seen.insert(from);
          next.push_back(from);
          break;
        }
    }
    level = std::move(next);
  }
  return {};
}

}  // namespace

std::shared_ptr<const CatalogRule> make_kind_not_allowed_by_catalog_rules() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    if (e.policy == nullptr || !e.policy->app_config) return;
    const AppConfig& app = *e.policy->app_config;
    // The Location links of this run, built once per run and thread (the key tells runs apart:
    // the index, its size and where its first and last entities are).
    using Key = std::tuple<const CatalogIndex*, std::size_t, const void*, const void*, std::size_t>;
    const Key key{&index, index.entities.size(), &index.entities.front(), &index.entities.back(),
                  index.org.size()};
    thread_local Key cached{};
    thread_local LocationLinks links;
    if (cached != key) links = links_of(index), cached = key;
    // Only files a `catalog.locations` entry ingests, directly or through Location entities: a
    // file registered another way (the UI, a discovery provider) has an origin this config
    // cannot see.
    const std::string file = canonical_of(e.file);  // a copy: links_of reuses the cache
    // The entities of one file come one after another: their origins are looked up once.
    thread_local std::tuple<Key, const AppConfig*, std::string> last{};
    thread_local std::vector<const AppConfigLocation*> origins;
    if (last != std::tuple{key, &app, file})
      origins = origins_of(app, file, links, 16), last = {key, &app, file};
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
