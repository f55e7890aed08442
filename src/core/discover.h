// Discovery: command-line paths → the catalog files to lint.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace catalog_lint {

/// The name of a directory's configuration file.
inline constexpr std::string_view kConfigFileName = ".catalog-lint.yaml";

/// What a walk saw in each directory it listed in full, so the configuration lookup can answer
/// "is there a config file (or a .git) here?" without a stat per directory.
struct ListedDirs {
  static constexpr unsigned char kConfig = 1;  ///< has an entry named `.catalog-lint.yaml`
  static constexpr unsigned char kGit = 2;     ///< has an entry named `.git`
  /// Absolute, lexically normal directory path (no trailing '/') → kConfig|kGit flags.
  std::unordered_map<std::string, unsigned char> dirs;
};

/// Files found, plus paths that could not be walked (each with a reason).
struct Discovery {
  std::vector<std::string> files;  ///< in walk order per argument, sorted within a directory
  std::vector<bool> walked;        ///< per file: found by walking a directory (not named)
  std::vector<std::pair<std::string, std::string>> errors;  ///< (path, reason)
  ListedDirs listed;  ///< the directories walked (none for named files)
  /// Walked files that are scaffolder skeletons (sniff_skeleton, or under a walked Template's
  /// template_source_dirs), not in `files`, in walk order; named files are never listed here.
  std::vector<std::string> skeleton_files;
  std::size_t skeletons = 0;  ///< skeleton_files.size()
};

/// True for `catalog-info.yaml|yml` and `catalog-*.yaml|yml` (the file name only).
bool is_catalog_file_name(std::string_view filename);

/// True for `catalog-info.yaml|yml`, the name a walk takes whatever the content.
bool is_entity_file_name(std::string_view filename);

/// True when `content` has a top-level `kind:` naming one of Backstage's built-in kinds
/// (Component, API, Resource, System, Domain, Group, User, Location, Template; any case).
bool sniff_backstage_kind(std::string_view content);

/// True when `content` holds a template expression of a scaffolder skeleton (`${{ values.x }}`,
/// a Nunjucks tag `{% if %}`, or cookiecutter's `{{ cookiecutter.x }}`) and is not itself a
/// Template (a top-level `kind: Template`, whose steps hold `${{ parameters.x }}`).
bool sniff_skeleton(std::string_view content);

/// True when `content` has a top-level `kind: Template` (any case).
bool declares_template(std::string_view content);

/// The relative `url:` folders (`./skeleton`, `../shared`) of the fetch:template / fetch:plain
/// steps of a Template's text, as written; empty when `content` is no Template with such a step.
/// (A line-based approximation: every relative `url:` of a Template that uses either action.)
std::vector<std::string> template_source_dirs(std::string_view content);

/// True when `content` declares a Backstage apiVersion (`backstage.io/…` or
/// `scaffolder.backstage.io/…`, any version part) as a top-level key: at the start of a line
/// (or after a list root's `- `), its value after an anchor or tag or on the next line, or in a
/// one-line flow mapping root. (Text, not YAML: an explicit key `? apiVersion` is not seen.)
bool sniff_backstage(std::string_view content);

/// True when the first top-level `apiVersion:` of `content` names another API group: a DNS-style
/// group (`user.openshift.io/v1`, `dapr.io/v1alpha1`) more than 2 edits from `backstage.io` and
/// `scaffolder.backstage.io` (a typo such as `backstge.io` is still Backstage's, to report).
bool declares_other_api(std::string_view content);

/// True when a directory walk takes the file named `filename` (the name only) whose first bytes
/// are `head`: `catalog-info.yaml|yml` whatever it holds; another `catalog-*.yaml|yml` that
/// sniff_backstage()s, or sniff_backstage_kind()s and does not declares_other_api(); any other
/// file that sniff_backstage()s.
/// (`--skip-non-entities` applies the same test to named files.)
bool walk_takes(std::string_view filename, std::string_view head);

/// Expands `paths`: a file is taken as given (whatever its name); a directory is walked
/// recursively for `catalog-info.yaml|yml`, for other `catalog-*.yaml|yml` files that
/// `sniff_backstage` or `sniff_backstage_kind`, and for other `.yaml`/`.yml` files that
/// `sniff_backstage`.
/// Walked files that sniff_skeleton, or that lie under a walked Template's
/// template_source_dirs, go to `skeleton_files`, not `files`; with `note_skeletons` a note on
/// standard error counts them (the lint run says what became of them itself).
/// `.git` and `node_modules` are skipped, and so are files git reports as ignored
/// (`git check-ignore`, when the directory is in a git work tree and git is installed).
/// Directory symlinks are not followed (no loops). A path that does not exist is an error.
Discovery discover(const std::vector<std::string>& paths, bool note_skeletons = true);

}  // namespace catalog_lint
