// Repo configuration (`.catalog-lint.yaml`): presets, per-rule severities, the platform-ownership
// policy values and declarative rules. See docs/policy.md for the file format.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/config_error.h"
#include "core/date.h"
#include "core/diagnostic.h"
#include "core/discover.h"
#include "core/policy.h"
#include "core/rule.h"
#include "core/rule_options.h"

namespace re2 {
class RE2;
}

namespace catalog_lint {

/// One loaded configuration: the policy and the per-rule severity overrides from `rules:`.
/// A path glob of a config file: `*`, `?`, `[...]` within one path segment, `**` across
/// segments; matched against a file's path relative to `dir` (the directory of the config file
/// that wrote it).
struct PathGlob {
  std::string dir;
  std::string pattern;
  /// True when `file` (any path; made absolute) lies under `dir` and matches the pattern.
  bool matches(const std::string& file) const;
};

/// Option values per rule id (`rules: {ID: {options: {NAME: VALUE}}}`), checked against each
/// rule's declaration (RuleInfo::options).
using RuleOptionValues = std::map<std::string, OptionValues, std::less<>>;

/// `overrides:` entry: severities and rule options for the files matching any of `files`.
struct Override {
  std::vector<PathGlob> files;
  std::map<std::string, Severity, std::less<>> severities;
  RuleOptionValues options;
};

struct Config {
  std::string file;  ///< the config file, or "" for the built-in defaults
  Policy policy;
  std::map<std::string, Severity, std::less<>> severities;  ///< `rules:` overrides, presets first
  /// `rules:` option values, extends first (option by option, a later file wins), with the
  /// deprecated `policy:` aliases (policy.deprecation_notice_days, …) mapped onto them.
  RuleOptionValues options;
  std::vector<Override> overrides;  ///< by glob, applied after `rules:`, later entries win
  std::vector<PathGlob> include;    ///< discovery: when non-empty, only matching files
  std::vector<PathGlob> exclude;    ///< discovery: matching files are skipped
  /// The files its `extends:` chain read (canonical paths; presets are not files). No output of
  /// a run may overwrite one of them.
  std::vector<std::string> reads;
  /// False when `include`/`exclude` leave `file` out of directory discovery.
  bool discovers(const std::string& file) const;
};

/// Named limits on what configuration text can make the tool read or compute (issue 11). Each
/// one exceeded is a ConfigError at the offending item that names the limit.
struct ConfigLimits {
  static constexpr std::size_t kMaxFileBytes = 1u << 20;  ///< bytes of one config file
  /// Config files (the one linted files see and every file it extends, directly or not, each
  /// counted once; presets not counted).
  static constexpr std::size_t kMaxFiles = 64;
  /// Config files in one `extends:` chain, the extending file included.
  static constexpr std::size_t kMaxExtendsDepth = 16;
  static constexpr std::size_t kMaxExtendsItems = 32;  ///< entries of one `extends:` list
  /// After extends are applied: `overrides:` entries, and globs (include, exclude, overrides
  /// files) of one configuration.
  static constexpr std::size_t kMaxOverrides = 500;
  static constexpr std::size_t kMaxGlobs = 1000;
  static constexpr std::size_t kMaxGlobBytes = 1024;        ///< bytes of one glob
  static constexpr int kMaxGlobStars = 3;                   ///< `**` segments in one glob
  static constexpr std::size_t kMaxDeclarativeRules = 500;  ///< after extends are applied
  static constexpr std::size_t kMaxPatternBytes = 4096;     ///< bytes of one `require.pattern`
  /// RE2 memory budget of one pattern (re2::RE2::Options::set_max_mem), bytes.
  static constexpr std::int64_t kMaxPatternMemory = 1 << 20;
  /// Items of one policy list (known_owners, golden_paths, infrastructure_types).
  static constexpr std::size_t kMaxPolicyListItems = 5000;
  static constexpr std::size_t kMaxCatalogSources = 64;  ///< entries of `catalog:`
};

/// Where `extends:` may read files from. By default a config file may extend only files inside
/// its own repository (`git -C <its directory> rev-parse --show-toplevel`), or, when it is in
/// no repository, inside the directory the run started in; symbolic links are resolved first.
struct ConfigLoadOptions {
  /// More directories whose files any config may extend (`--allow-extends-from DIR`).
  std::vector<std::string> extends_roots;
  /// The repository root to confine extends to instead of asking git per directory (tests and
  /// the fuzzer); "" = ask git.
  std::string root;
  /// The directory the run started in (outside any repository, the default root); "" = the
  /// current directory when the loader is made.
  std::string start_dir;
};

/// Reads and parses configuration files for one run: each extended file (by canonical path) is
/// parsed once however many configs extend it, and the ConfigLimits hold. Not thread-safe (the
/// resolver calls it under its lock).
class ConfigLoader {
 public:
  explicit ConfigLoader(ConfigLoadOptions options = {});
  ~ConfigLoader();
  ConfigLoader(const ConfigLoader&) = delete;
  ConfigLoader& operator=(const ConfigLoader&) = delete;
  /// Reads and parses `file` (a regular file of at most kMaxFileBytes) with its extends. Throws
  /// ConfigError. With `confine_to` (a directory), `file` itself must also lie inside it once
  /// symbolic links are resolved (a discovered `.catalog-lint.yaml` that links elsewhere).
  std::shared_ptr<const Config> load(const std::string& file, const std::string& confine_to = "");
  /// Parses `text` as if read from `file`. Throws ConfigError.
  std::shared_ptr<const Config> parse(const std::string& file, const std::string& text);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// Parses configuration text as if read from `file` (used for error positions and for resolving
/// relative `extends:` paths). Throws ConfigError. Without `extends:` the file extends "default".
Config parse_config(const std::string& file, const std::string& text,
                    const ConfigLoadOptions& options = {});

/// Reads and parses a configuration file. Throws ConfigError (also when unreadable).
Config load_config_file(const std::string& file, const ConfigLoadOptions& options = {});

/// The built-in configuration used when no config file applies: the "default" preset.
const Config& builtin_config();

/// Names of the presets embedded from rules/presets/*.yaml (without the extension), sorted.
std::vector<std::string> preset_names();

/// RuleInfo of every declarative rule shipped in the embedded presets (they join the registry).
std::vector<RuleInfo> builtin_declarative_rule_infos();

/// A configuration applied to a run: the Config, and the effective rule severities and options
/// (the run's base RuleConfig with the file's `rules:` and matching `overrides:` applied).
struct ResolvedConfig {
  std::shared_ptr<const Config> config;
  RuleConfig rules;
  /// Set when the config file that governs the file is invalid: the file is then not linted
  /// (lint_file reports `invalid-config`), and `config`/`rules` are the no-config defaults.
  std::shared_ptr<const ConfigError> error;
  const Policy& policy() const { return config->policy; }
};

/// Finds the configuration of each linted file: `--config FILE` when given, else the nearest
/// `.catalog-lint.yaml` in the file's directory or above, up to the repository root (the nearest
/// directory holding `.git`), or outside any repository up to the directory the run started in;
/// else the built-in defaults. Results are cached per directory; thread-safe.
///
/// Policy rules (categories in is_policy_category) are opt-in: where no config file applies they
/// are off, unless `default_policy` (set by `--catalog`) asks for the built-in policy.
class ConfigResolver {
 public:
  /// `base`: severities before any config file (registry defaults, or a test's only()).
  /// `explicit_config`: the --config file, or null to discover per directory.
  ConfigResolver(RuleConfig base, std::shared_ptr<const Config> explicit_config,
                 bool default_policy = false, ConfigLoadOptions load_options = {});
  ~ConfigResolver();
  /// The configuration for `file`. Never throws for a bad config file: an invalid one is
  /// recorded in the result's `error`.
  const ResolvedConfig& for_file(const std::string& file);
  /// True the first time it is called for `error` (a ResolvedConfig::error): the caller then
  /// reports the config's own finding, so that each broken config is reported once per run.
  bool claim(const ConfigError* error);
  /// The broken configs claimed so far, sorted by their formatted message (file first).
  std::vector<ConfigError> claimed_errors();
  /// The configuration of the run as a whole (explicit, or built-in): used for `--catalog` files.
  const ResolvedConfig& fallback();
  /// The declarative rules of every config loaded so far that the registry does not know (a
  /// repository's own rules), one per id: for reports that describe rules (SARIF).
  std::vector<RuleInfo> declared_rules();
  /// The config files read so far: the --config file and every discovered .catalog-lint.yaml, as
  /// shown in messages (files named by `extends:` are not listed). For the output guard: no
  /// report may overwrite a config the run read.
  std::vector<std::string> config_files();
  /// The `catalog:` sources of every config loaded so far (the --config file and each discovered
  /// one with its extends), and the repository (find_repo_root()) when one says
  /// `catalog_complete: true`; sorted, each once: the org catalog of the run.
  std::vector<std::string> catalog_sources();
  /// The `app_config:` of every config loaded so far (the --config file and each discovered
  /// one with its extends), each once, in the order first seen.
  std::vector<std::shared_ptr<const AppConfig>> app_configs();
  /// Severities from the command line (`--rule`, `--disable`): applied after every config file,
  /// so the command line wins. Call before the first for_file().
  void set_command_line(std::map<std::string, Severity, std::less<>> overrides) {
    command_line_ = std::move(overrides);
  }
  /// What a discovery walk saw of its directories: for those, the lookup needs no stat to know
  /// that there is no config file. `listed` must outlive the lookups; null forgets it.
  void set_listed_dirs(const ListedDirs* listed) {
    std::lock_guard lock(mutex_);
    listed_ = listed;
  }

 private:
  const ResolvedConfig& resolve(std::shared_ptr<const Config> config);
  const ResolvedConfig& none();  ///< no config file: built-in policy, policy rules off
  const ResolvedConfig* for_dir(const std::string& dir);
  /// The directory where the lookup from `dir` stops: the repository root (a directory holding
  /// `.git`), or outside any repository the start directory (`dir` itself when not below it).
  const std::string& boundary(const std::string& dir);
  const std::string& repo_root(const std::string& dir);  ///< "" when in no repository
  const ResolvedConfig& broken(const std::string& file, const ConfigError& error);

  RuleConfig base_;
  std::map<std::string, Severity, std::less<>> command_line_;
  std::shared_ptr<const Config> explicit_;
  bool default_policy_ = false;
  std::unique_ptr<ResolvedConfig> none_;
  std::mutex mutex_;
  std::unordered_map<std::string, const ResolvedConfig*> dirs_;  ///< directory → config
  std::unordered_map<std::string, std::string> roots_;           ///< directory → repo root
  std::unordered_map<std::string, std::string> boundaries_;      ///< directory → boundary
  std::unique_ptr<ConfigLoader> loader_;
  std::map<std::string, std::unique_ptr<ResolvedConfig>> broken_;  ///< config path → broken
  std::map<std::string, ConfigError> claimed_;  ///< reported broken configs, by format()
  const ListedDirs* listed_ = nullptr;
  std::filesystem::path cwd_;  ///< the working directory, read once
  /// A linted file's directory as written (up to its last '/') → config.
  std::unordered_map<std::string, const ResolvedConfig*> written_dirs_;
  std::map<const Config*, std::unique_ptr<ResolvedConfig>> resolved_;
  std::unordered_map<std::string, std::shared_ptr<const Config>> files_;  ///< config path → Config
  /// Configs with `overrides:` applied, keyed by config and the matching override indices.
  std::map<std::pair<const Config*, std::string>, std::unique_ptr<ResolvedConfig>> overridden_;
};

/// True for the categories of the platform-ownership policy rules (ownership, escalation,
/// golden-path, escape-hatch, change-notice, policy).
bool is_policy_category(std::string_view category);

}  // namespace catalog_lint
