// The repository a run works in, and how file paths appear relative to it (SARIF artifact URIs,
// GitHub annotation paths, baseline entries).
#pragma once

#include <string>
#include <string_view>

namespace catalog_lint {

/// The top directory of the git work tree holding directory `dir` (`git -C DIR rev-parse
/// --show-toplevel`), as git prints it (no line end); "" when `dir` is in no work tree or git
/// cannot be run, or when no folder at or above `dir` holds `.git`; never a folder above the
/// nearest one holding `.git` (a repository's `core.worktree` or GIT_WORK_TREE cannot widen the
/// repository to `/`). When git was killed at its deadline or output limit, or not run because an
/// earlier git was (set_skip_after_timeout), also says so on stderr, once per run and `fallback`:
/// "catalog-lint: warning: git rev-parse did not finish within 300 ms; FALLBACK", where
/// `fallback` is the caller's words for what it does instead.
std::string git_toplevel(const std::string& dir, std::string_view fallback);

/// The repository root that artifact URIs are relative to (SARIF §3.4.4, §3.14.14 `%SRCROOT%`):
/// git_toplevel() of the current directory, else the current directory (a killed git is reported
/// on stderr). Absolute, with symlinks resolved; git is asked once per working directory.
std::string find_repo_root();

/// The root that the paths of a file kept in a repository are relative to (a baseline's
/// entries): git_toplevel() of the folder holding `file`, symlinks resolved; find_repo_root()
/// when that folder is in no repository. So a baseline matches from wherever the run starts.
std::string repo_root_for(const std::string& file);

/// How a file path appears in SARIF and GitHub annotations (SARIF §3.4.3 `uri`, §3.4.4
/// `uriBaseId`).
struct ArtifactUri {
  std::string uri;        ///< percent-encoded (RFC 3986), forward slashes
  bool relative = false;  ///< relative to the root (use uriBaseId "%SRCROOT%"); else file://
  std::string path;       ///< the same path, not encoded (for GitHub's `file=`)
};

/// `file` (as reported, relative to the current directory or absolute) relative to `root`, with
/// symlinks resolved where the file exists (GitHub requires resolved paths). A file outside
/// `root` becomes an absolute `file://` URI (§3.4.3).
ArtifactUri artifact_uri(const std::string& file, const std::string& root);

}  // namespace catalog_lint
