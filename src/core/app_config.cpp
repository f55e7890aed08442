#include "core/app_config.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "core/config_error.h"
#include "core/entity_ref.h"
#include "core/file_io.h"
#include "core/glob.h"
#include "core/loader.h"
#include "core/node.h"

namespace fs = std::filesystem;

namespace catalog_lint {

namespace {

bool has_glob_chars(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

/// The value of `catalog.<key>` in the merged files and the file it came from.
struct Picked {
  const Node* value = nullptr;
  const Node* key = nullptr;
  const AppConfigSource* source = nullptr;
  const SourceText* text = nullptr;
};

class Reader {
 public:
  Reader(const AppConfigSource& source, const SourceText& text) : source_(source), text_(text) {}

  [[noreturn]] void fail(const Node* at, std::string message) const {
    throw ConfigError(source_.shown, at ? at->pos : SourcePos{}, std::move(message));
  }

  const Node* seq(const Node* n, std::string_view what) const {
    if (!n->is_seq()) fail(n, fmt::format("{} must be a list, found {}", what, found_value(*n)));
    if (n->items.size() > AppConfigLimits::kMaxItems)
      fail(n, fmt::format("{} has {} items, over the limit of {}", what, n->items.size(),
                          AppConfigLimits::kMaxItems));
    return n;
  }

  void map(const Node* n, std::string_view what) const {
    if (!n->is_map()) fail(n, fmt::format("{} must be a mapping, found {}", what, found_value(*n)));
  }

  std::string string(const Node* n, std::string_view what) const {
    if (!n->is_string())
      fail(n, fmt::format("{} must be a string, found {}", what, found_value(*n)));
    return n->text;
  }

  const Node* need(const Node* map, std::string_view key, std::string_view what) const {
    const Node* v = map->get(key);
    if (v == nullptr || v->type == NodeType::null)
      fail(map, fmt::format("{} needs `{}`", what, key));
    return v;
  }

  const AppConfigSource& source() const { return source_; }
  const SourceText& text() const { return text_; }

 private:
  const AppConfigSource& source_;
  const SourceText& text_;
};

/// `catalog.rules`: CatalogRules.ts fromConfig (`allowRuleParser`: a kind, or {kind, spec.type};
/// `locations`: {type, exact?, pattern?}, not both).
std::vector<AppConfigRule> read_rules(const Reader& r, const Node* list) {
  std::vector<AppConfigRule> out;
  for (const Node* item : r.seq(list, "catalog.rules")->items) {
    r.map(item, "a catalog.rules item");
    AppConfigRule rule;
    const Node* allow = r.need(item, "allow", "a catalog.rules item");
    for (const Node* a : r.seq(allow, "catalog.rules[].allow")->items) {
      if (a->is_map()) {
        AppConfigAllow x;
        x.kind = r.string(r.need(a, "kind", "an allow item"), "allow[].kind");
        if (const Node* t = a->get("spec.type"); t && t->type != NodeType::null)
          x.spec_type = r.string(t, "allow[].spec.type");
        rule.allow.push_back(std::move(x));
      } else {
        rule.allow.push_back({r.string(a, "an allow item"), ""});
      }
    }
    if (const Node* locs = item->get("locations"); locs && locs->type != NodeType::null) {
      rule.any_location = false;
      for (const Node* l : r.seq(locs, "catalog.rules[].locations")->items) {
        r.map(l, "a catalog.rules[].locations item");
        AppConfigRuleLocation m;
        m.type = r.string(r.need(l, "type", "a catalog.rules[].locations item"), "type");
        if (const Node* p = l->get("pattern"); p && p->type != NodeType::null)
          m.pattern = r.string(p, "pattern");
        if (const Node* e = l->get("exact"); e && e->type != NodeType::null)
          m.exact = r.string(e, "exact");
        if (!m.pattern.empty() && !m.exact.empty())
          r.fail(l, "a catalog rule location cannot have both exact and pattern values");
        rule.locations.push_back(std::move(m));
      }
    }
    out.push_back(std::move(rule));
  }
  return out;
}

/// `catalog.locations`: ConfigLocationEntityProvider (type and target strings; a file target is
/// `path.resolve`d in the backend's directory) and the `rules` CatalogRules.ts reads from them.
std::vector<AppConfigLocation> read_locations(const Reader& r, const Node* list,
                                              const fs::path& backend_dir) {
  std::vector<AppConfigLocation> out;
  for (const Node* item : r.seq(list, "catalog.locations")->items) {
    r.map(item, "a catalog.locations item");
    AppConfigLocation loc;
    loc.type = r.string(r.need(item, "type", "a catalog.locations item"), "catalog.locations type");
    const Node* target = r.need(item, "target", "a catalog.locations item");
    loc.target = r.string(target, "catalog.locations target");
    loc.file = r.source().shown;
    loc.pos = target->pos;
    loc.end = target->end;
    loc.line = std::string(r.text().line(target->pos.line));
    loc.resolved = loc.target;
    // `${...}` (substitution) cannot be resolved offline; `{a,b}` (brace expansion, which the
    // glob matcher here does not do) is not judged either.
    loc.unresolved = loc.target.find_first_of("${") != std::string::npos;
    if (loc.type == "file" && !loc.unresolved && !loc.target.empty()) {
      // path.resolve: relative to the backend's working directory; the literal leading
      // directories have their symbolic links resolved, so that linted files (canonical) match.
      fs::path t(loc.target);
      if (t.is_relative()) t = backend_dir / t;
      t = t.lexically_normal();
      fs::path literal, rest;
      bool globbing = false;
      for (const fs::path& part : t) {
        globbing = globbing || has_glob_chars(part.string());
        (globbing ? rest : literal) /= part;
      }
      std::error_code ec;
      const fs::path canon = fs::weakly_canonical(literal, ec);
      loc.resolved = ((ec ? literal : canon) / rest).lexically_normal().generic_string();
      if (loc.resolved.size() > 1 && loc.resolved.back() == '/') loc.resolved.pop_back();
    }
    if (const Node* rules = item->get("rules"); rules && rules->type != NodeType::null) {
      loc.has_rules = true;
      for (const Node* rule : r.seq(rules, "catalog.locations[].rules")->items) {
        r.map(rule, "a catalog.locations[].rules item");
        const Node* allow = r.need(rule, "allow", "a catalog.locations[].rules item");
        for (const Node* a : r.seq(allow, "catalog.locations[].rules[].allow")->items)
          loc.allow.push_back(r.string(a, "an allow item of a location's rules"));
      }
    }
    out.push_back(std::move(loc));
  }
  return out;
}

bool kind_matches(const AppConfigAllow& a, std::string_view kind, std::string_view spec_type) {
  if (to_lower(a.kind) != to_lower(kind)) return false;
  return a.spec_type.empty() ||
         (!spec_type.empty() && to_lower(a.spec_type) == to_lower(spec_type));
}

/// CatalogRules.ts matchLocation for one matcher; `origin` is a config location (its type and
/// resolved target).
bool location_matches(const AppConfigRuleLocation& m, const AppConfigLocation& origin) {
  if (m.type != origin.type) return false;
  if (!m.exact.empty() && m.exact != origin.resolved) return false;
  // minimatch(target, pattern, {nocase: true, dot: true}); glob_match reads `*` as not
  // matching a leading dot, the one difference.
  if (!m.pattern.empty() && !glob_match(to_lower(m.pattern), to_lower(origin.resolved)))
    return false;
  return true;
}

}  // namespace

bool AppConfigLocation::is_glob() const {
  return type == "file" && has_glob_chars(resolved);
}

std::vector<const AppConfigLocation*> AppConfig::locations_of(
    const std::string& canonical_file) const {
  std::vector<const AppConfigLocation*> out;
  for (const AppConfigLocation& l : locations) {
    if (l.type != "file" || l.unresolved || l.resolved.empty()) continue;
    if (l.is_glob() ? glob_match(l.resolved, canonical_file) : l.resolved == canonical_file)
      out.push_back(&l);
  }
  return out;
}

namespace {

/// True when `rule` (of catalog.rules) applies to entities from `origin`.
bool applies(const AppConfigRule& rule, const AppConfigLocation& origin) {
  return rule.any_location ||
         std::any_of(rule.locations.begin(), rule.locations.end(),
                     [&](const auto& m) { return location_matches(m, origin); });
}

/// True when catalog.locations entry `l` has its own rules, and they are for `origin` (same type
/// and exact target).
bool adds_rules_for(const AppConfigLocation& l, const AppConfigLocation& origin) {
  return l.has_rules && l.type == origin.type && l.resolved == origin.resolved;
}

}  // namespace

bool AppConfig::allowed(std::string_view kind, std::string_view spec_type,
                        const AppConfigLocation& origin) const {
  for (const AppConfigRule& rule : rules) {
    if (!applies(rule, origin)) continue;
    for (const AppConfigAllow& a : rule.allow)
      if (kind_matches(a, kind, spec_type)) return true;
  }
  // Each catalog.locations entry with rules adds them for its own target (type and exact).
  for (const AppConfigLocation& l : locations)
    if (adds_rules_for(l, origin))
      for (const std::string& k : l.allow)
        if (to_lower(k) == to_lower(kind)) return true;
  return false;
}

std::string AppConfig::allowed_text(const AppConfigLocation& origin) const {
  std::vector<std::string> kinds;
  auto add = [&](std::string k) {
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(std::move(k));
  };
  for (const AppConfigRule& rule : rules) {
    if (!applies(rule, origin)) continue;
    for (const AppConfigAllow& a : rule.allow)
      add(a.spec_type.empty() ? a.kind : fmt::format("{} (spec.type '{}')", a.kind, a.spec_type));
  }
  for (const AppConfigLocation& l : locations)
    if (adds_rules_for(l, origin))
      for (const std::string& k : l.allow) add(k);
  if (kinds.empty()) return "nothing";
  std::string out;
  for (const std::string& k : kinds) out += (out.empty() ? "" : ", ") + k;
  return out;
}

std::vector<const AppConfigLocation*> AppConfig::matching_nothing() const {
  std::vector<const AppConfigLocation*> out;
  const fs::path root_dir(root);
  auto inside = [&](const fs::path& p) {
    const fs::path rel = p.lexically_relative(root_dir);
    return !rel.empty() && *rel.begin() != "..";
  };
  for (const AppConfigLocation& l : locations) {
    if (l.type != "file" || l.unresolved || l.resolved.empty()) continue;
    std::error_code ec;
    if (!l.is_glob()) {
      if (!inside(l.resolved)) continue;  // nothing outside the repository is read
      if (!fs::is_regular_file(l.resolved, ec)) out.push_back(&l);
      continue;
    }
    // FileReaderProcessor globs the target (`glob` npm): walk the literal leading directory,
    // bounded, and match each regular file below it.
    fs::path literal;
    for (const fs::path& part : fs::path(l.resolved)) {
      if (has_glob_chars(part.string())) break;
      literal /= part;
    }
    if (!inside(literal) && literal != root_dir) continue;
    bool found = false;
    std::size_t seen = 0;
    if (fs::is_directory(literal, ec)) {
      fs::recursive_directory_iterator it(literal, fs::directory_options::skip_permission_denied,
                                          ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (++seen > AppConfigLimits::kMaxWalkEntries) {
          found = true;  // too big to tell: not reported
          break;
        }
        std::error_code fec;
        if (it->is_regular_file(fec) &&
            glob_match(l.resolved, it->path().lexically_normal().generic_string())) {
          found = true;
          break;
        }
      }
    }
    if (!found) out.push_back(&l);
  }
  return out;
}

std::shared_ptr<const AppConfig> load_app_config(const std::vector<AppConfigSource>& sources,
                                                 const std::string& root) {
  auto config = std::make_shared<AppConfig>();
  config->root = root;
  std::deque<LoadedFile> loaded;  // the node trees the picked values point into
  Picked rules, locations;
  for (const AppConfigSource& s : sources) {
    config->files.push_back(s.shown);
    config->canonical_files.push_back(s.canonical);
    FileBytes in = read_regular_file(s.canonical, AppConfigLimits::kMaxFileBytes);
    if (!in.error.empty())
      throw ConfigError(s.shown, {}, "cannot read app-config file: " + in.error);
    if (in.too_big)
      throw ConfigError(s.shown, {},
                        fmt::format("app-config file is {} bytes, over the limit of {} bytes",
                                    in.size, AppConfigLimits::kMaxFileBytes));
    loaded.push_back(load_yaml(std::move(in.bytes), Limits{}));
    const LoadedFile& file = loaded.back();
    for (const Diagnostic& d : file.diagnostics)
      throw ConfigError(s.shown, d.start, fmt::format("{} ({})", d.message, d.rule));
    Reader r(s, *file.source);
    const Node* top = nullptr;
    for (const LoadedDocument& doc : file.documents)
      if (doc.root) {
        if (top) r.fail(doc.root, "an app-config file holds one YAML document");
        top = doc.root;
      }
    if (top == nullptr || top->type == NodeType::null) continue;  // empty: adds nothing
    r.map(top, "an app-config file");
    const Node* catalog = top->get("catalog");
    if (catalog == nullptr || catalog->type == NodeType::null) continue;
    r.map(catalog, "catalog");
    // Backstage merges config files in order, later ones overriding earlier ones key by key
    // (https://backstage.io/docs/conf/writing "Configuration Files"; "Files loaded later override
    // values from earlier files", https://backstage.io/docs/next/golden-path/deployment/
    // config-first); a list replaces the earlier list as a whole: a later file's catalog.rules
    // replaces an earlier one's, and likewise catalog.locations.
    for (auto [key, slot] : {std::pair{"rules", &rules}, std::pair{"locations", &locations}})
      if (const Node* v = catalog->get(key); v && v->type != NodeType::null)
        *slot = Picked{v, catalog->get_key(key), &s, file.source.get()};
  }
  std::error_code ec;
  // ConfigLocationEntityProvider resolves file targets with path.resolve, in the backend's
  // working directory: `packages/backend` in the layout @backstage/create-app makes (its
  // app-config.yaml says so: "file locations are relative to the backend process, typically
  // `packages/backend`"), else the directory of the first app-config file.
  const fs::path first_dir =
      sources.empty() ? fs::path(root) : fs::path(sources.front().canonical).parent_path();
  fs::path backend = first_dir / "packages" / "backend";
  if (!fs::is_directory(backend, ec)) backend = first_dir;
  config->backend_dir = fs::weakly_canonical(backend, ec).string();
  if (rules.value) {
    Reader r(*rules.source, *rules.text);
    config->rules_declared = true;
    config->rules_file = rules.source->shown;
    config->rules_pos = rules.key ? rules.key->pos : rules.value->pos;
    config->rules = read_rules(r, rules.value);
  } else {
    // DefaultCatalogRulesEnforcer.defaultRules: Component, API and Location from anywhere.
    config->rules.push_back(AppConfigRule{{{"Component", ""}, {"API", ""}, {"Location", ""}}});
  }
  if (locations.value) {
    Reader r(*locations.source, *locations.text);
    config->locations = read_locations(r, locations.value, config->backend_dir);
  }
  return config;
}

}  // namespace catalog_lint
