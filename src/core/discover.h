// Discovery: command-line paths → the catalog files to lint.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace catalog_lint {

/// Files found, plus paths that could not be walked (each with a reason).
struct Discovery {
  std::vector<std::string> files;  ///< in walk order per argument, sorted within a directory
  std::vector<bool> walked;        ///< per file: found by walking a directory (not named)
  std::vector<std::pair<std::string, std::string>> errors;  ///< (path, reason)
};

/// True for `catalog-info.yaml|yml` and `catalog-*.yaml|yml` (the file name only).
bool is_catalog_file_name(std::string_view filename);

/// True when `content` declares a Backstage apiVersion (`backstage.io/…` or
/// `scaffolder.backstage.io/…`, any version part) at the start of a line.
bool sniff_backstage(std::string_view content);

/// Expands `paths`: a file is taken as given (whatever its name); a directory is walked
/// recursively for catalog files by name, plus other `.yaml`/`.yml` files that `sniff_backstage`.
/// `.git` and `node_modules` are skipped, and so are files git reports as ignored
/// (`git check-ignore`, when the directory is in a git work tree and git is installed).
/// Directory symlinks are not followed (no loops). A path that does not exist is an error.
Discovery discover(const std::vector<std::string>& paths);

}  // namespace catalog_lint
