// Repo configuration (`.catalog-lint.yaml`): presets, per-rule severities, the platform-ownership
// policy values and declarative rules. See docs/policy.md for the file format.
#pragma once

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

#include "core/date.h"
#include "core/diagnostic.h"
#include "core/discover.h"
#include "core/policy.h"
#include "core/rule.h"

namespace re2 {
class RE2;
}

namespace catalog_lint {

/// A configuration problem: unknown key, wrong type, bad regex, unreadable file, preset not found.
/// `file` and `pos` locate it (pos may be invalid for file-level problems). The CLI prints
/// `file:line:col: error: message` and exits 2.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, SourcePos pos, std::string message);
  const std::string& file() const { return file_; }
  SourcePos pos() const { return pos_; }
  const std::string& message() const { return message_; }
  /// `file:line:col: error: message` (or `file: error: message` without a position).
  std::string format() const;

 private:
  std::string file_;
  SourcePos pos_;
  std::string message_;
};

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

/// `overrides:` entry: severities for the files matching any of `files`.
struct Override {
  std::vector<PathGlob> files;
  std::map<std::string, Severity, std::less<>> severities;
};

struct Config {
  std::string file;  ///< the config file, or "" for the built-in defaults
  Policy policy;
  std::map<std::string, Severity, std::less<>> severities;  ///< `rules:` overrides, presets first
  std::vector<Override> overrides;  ///< by glob, applied after `rules:`, later entries win
  std::vector<PathGlob> include;    ///< discovery: when non-empty, only matching files
  std::vector<PathGlob> exclude;    ///< discovery: matching files are skipped
  /// False when `include`/`exclude` leave `file` out of directory discovery.
  bool discovers(const std::string& file) const;
};

/// Parses configuration text as if read from `file` (used for error positions and for resolving
/// relative `extends:` paths). Throws ConfigError. Without `extends:` the file extends "default".
Config parse_config(const std::string& file, const std::string& text);

/// Reads and parses a configuration file. Throws ConfigError (also when unreadable).
Config load_config_file(const std::string& file);

/// The built-in configuration used when no config file applies: the "default" preset.
const Config& builtin_config();

/// Names of the presets embedded from rules/presets/*.yaml (without the extension), sorted.
std::vector<std::string> preset_names();

/// RuleInfo of every declarative rule shipped in the embedded presets (they join the registry).
std::vector<RuleInfo> builtin_declarative_rule_infos();

/// Every configuration key the loader accepts, as dotted paths (`policy.platform_team`,
/// `declarative_rules[].select.kind`); the schema test compares these with schemas/.
std::vector<std::string> config_keys();

/// A configuration applied to a run: the Config, and the effective rule severities (the run's
/// base RuleConfig with the file's `rules:` overrides applied).
struct ResolvedConfig {
  std::shared_ptr<const Config> config;
  RuleConfig rules;
  const Policy& policy() const { return config->policy; }
};

/// Finds the configuration of each linted file: `--config FILE` when given, else the nearest
/// `.catalog-lint.yaml` in the file's directory or above, up to the git work-tree root, else the
/// built-in defaults. Results are cached per directory; thread-safe.
///
/// Policy rules (categories in is_policy_category) are opt-in: where no config file applies they
/// are off, unless `default_policy` (set by `--catalog`) asks for the built-in policy.
class ConfigResolver {
 public:
  /// `base`: severities before any config file (registry defaults, or a test's only()).
  /// `explicit_config`: the --config file, or null to discover per directory.
  ConfigResolver(RuleConfig base, std::shared_ptr<const Config> explicit_config,
                 bool default_policy = false);
  /// The configuration for `file`. Throws ConfigError when a config file found is invalid.
  const ResolvedConfig& for_file(const std::string& file);
  /// The configuration of the run as a whole (explicit, or built-in): used for `--catalog` files.
  const ResolvedConfig& fallback();
  /// The declarative rules of every config loaded so far that the registry does not know (a
  /// repository's own rules), one per id: for reports that describe rules (SARIF).
  std::vector<RuleInfo> declared_rules();
  /// The config files read so far: the --config file and every discovered .catalog-lint.yaml, as
  /// shown in messages (files named by `extends:` are not listed). For the output guard: no
  /// report may overwrite a config the run read.
  std::vector<std::string> config_files();
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

  RuleConfig base_;
  std::map<std::string, Severity, std::less<>> command_line_;
  std::shared_ptr<const Config> explicit_;
  bool default_policy_ = false;
  std::unique_ptr<ResolvedConfig> none_;
  std::mutex mutex_;
  std::unordered_map<std::string, const ResolvedConfig*> dirs_;  ///< directory → config
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
