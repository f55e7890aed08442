// Backstage's app-config files as the catalog reads them (issue 14 item 6): `catalog.rules` and
// `catalog.locations`, from the files `app_config:` in .catalog-lint.yaml names, merged in order.
// The semantics are Backstage's DefaultCatalogRulesEnforcer (@backstage/plugin-catalog-backend
// src/ingestion/CatalogRules.ts) and ConfigLocationEntityProvider
// (src/providers/ConfigLocationEntityProvider.ts); docs/org-catalog.md "catalog.rules".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"

namespace catalog_lint {

/// One entry of a rule's `allow:` list: a kind (as written; compared case-insensitively), and
/// optionally `spec.type` (`{kind: Resource, spec.type: database}`; "" = any type).
struct AppConfigAllow {
  std::string kind;
  std::string spec_type;
};

/// A `locations:` matcher of a `catalog.rules` entry: the origin location's type, and its
/// target exactly (`exact`) or by minimatch pattern (`pattern`, case-insensitive); both empty =
/// any target of that type.
struct AppConfigRuleLocation {
  std::string type;
  std::string exact;
  std::string pattern;
};

/// One `catalog.rules` entry (or Backstage's default rule when `catalog.rules` is absent).
struct AppConfigRule {
  std::vector<AppConfigAllow> allow;
  bool any_location = true;  ///< no `locations:` list: the rule applies to every location
  std::vector<AppConfigRuleLocation> locations;
};

/// One `catalog.locations` entry.
struct AppConfigLocation {
  std::string type;    ///< `file`, `url`, …
  std::string target;  ///< as written
  /// For `file`: the target resolved as Backstage does (`path.resolve` in the backend's working
  /// directory, AppConfig::backend_dir), absolute and normalised, symbolic links of its literal
  /// leading directories resolved; may hold glob characters. Else the target as written.
  std::string resolved;
  /// The target holds `${...}` (an environment substitution, which cannot be resolved offline)
  /// or a `{` (brace expansion): the location is neither matched nor checked.
  bool unresolved = false;
  std::string file;  ///< the app-config file that wrote it, as shown in messages
  SourcePos pos;     ///< of the target value
  SourcePos end;
  std::string line;                ///< the source line of `pos`
  bool has_rules = false;          ///< the entry has `rules:`
  std::vector<std::string> allow;  ///< the kinds its `rules[].allow` lists
  /// The location is a file target with glob characters (`*`, `?`, `[`).
  bool is_glob() const;
};

/// `catalog.rules` and `catalog.locations` of the merged app-config files.
struct AppConfig {
  std::vector<std::string> files;            ///< the app-config files, in merge order, as shown
  std::vector<std::string> canonical_files;  ///< the same, canonical paths
  std::string backend_dir;                   ///< where file targets resolve (canonical)
  std::string root;             ///< the repository (or start directory) reads stay inside
  bool rules_declared = false;  ///< `catalog.rules` is present (else Backstage's default)
  /// Where `catalog.rules` was written (the file and position of the key), when declared.
  std::string rules_file;
  SourcePos rules_pos;
  std::vector<AppConfigRule> rules;  ///< `catalog.rules`, or the default rule
  std::vector<AppConfigLocation> locations;

  /// The `file` locations (with a resolvable target) that match `canonical_file` (an absolute,
  /// canonical path): their target equals it, or matches it as a glob.
  std::vector<const AppConfigLocation*> locations_of(const std::string& canonical_file) const;
  /// Whether Backstage ingests an entity of `kind` (and `spec_type`, "" when none) that
  /// originates at `origin`: some global rule whose `locations` match the origin allows it, or
  /// some `catalog.locations` entry with the same type and target lists its kind in `rules`.
  bool allowed(std::string_view kind, std::string_view spec_type,
               const AppConfigLocation& origin) const;
  /// What is allowed from `origin`, for messages: "Component, API, Location" (each once, in
  /// order; `Resource (spec.type 'database')` for a typed entry), or "nothing".
  std::string allowed_text(const AppConfigLocation& origin) const;
  /// The `file` locations whose target matches no regular file (glob expanded inside `root`;
  /// targets whose literal directory is outside `root` are not looked at).
  std::vector<const AppConfigLocation*> matching_nothing() const;
};

/// One app-config file to read: as shown in messages, and its canonical path.
struct AppConfigSource {
  std::string shown;
  std::string canonical;
};

/// Limits on what app-config files can make the tool read.
struct AppConfigLimits {
  static constexpr std::size_t kMaxFiles = 16;             ///< entries of `app_config:`
  static constexpr std::size_t kMaxFileBytes = 1u << 20;   ///< bytes of one app-config file
  static constexpr std::size_t kMaxItems = 5000;           ///< catalog.rules or .locations items
  static constexpr std::size_t kMaxWalkEntries = 200'000;  ///< entries one glob target may list
};

/// Reads and merges `sources` in order as Backstage's config loader does (later files override
/// earlier ones key by key for mappings; a list or a scalar replaces the earlier value), then
/// reads `catalog.rules` and `catalog.locations`. `root`: where reads (and glob walks) stay.
/// Throws ConfigError at the offending file and position: unreadable or too big, not YAML, not
/// a mapping, a wrong type or an unknown shape under `catalog.rules` / `catalog.locations`.
std::shared_ptr<const AppConfig> load_app_config(const std::vector<AppConfigSource>& sources,
                                                 const std::string& root);

}  // namespace catalog_lint
