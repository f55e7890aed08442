// The repository a run works in, and how file paths appear relative to it (SARIF artifact URIs,
// GitHub annotation paths, baseline entries).
#pragma once

#include <string>

namespace catalog_lint {

/// The repository root that artifact URIs are relative to (SARIF §3.4.4, §3.14.14 `%SRCROOT%`):
/// `git rev-parse --show-toplevel` run in the current directory, else the current directory.
/// Absolute, with symlinks resolved.
std::string find_repo_root();

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
