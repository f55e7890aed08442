#include "core/repo.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/process.h"

namespace catalog_lint {

namespace fs = std::filesystem;

std::string git_toplevel(const std::string& dir, std::string_view fallback) {
  const CommandResult r = run_command({"git", "-C", dir, "rev-parse", "--show-toplevel"});
  if (!r.killed.empty()) {
    static std::mutex mutex;
    static std::set<std::string, std::less<>> said;
    std::lock_guard lock(mutex);
    if (said.emplace(fallback).second)
      std::cerr << fmt::format("catalog-lint: warning: git rev-parse {}; {}\n", r.killed, fallback);
  }
  std::string top = r.exit_code == 0 ? r.output : "";
  while (!top.empty() && (top.back() == '\n' || top.back() == '\r')) top.pop_back();
  if (top.empty()) return top;
  // A repository's own config (`core.worktree = /`) or GIT_WORK_TREE can make git's answer any
  // folder above `dir`, even `/`: everything the run may read would then be "inside". The work
  // tree is trusted only down to the nearest folder holding `.git` (a folder, or the file of a
  // submodule or worktree); with no `.git` at or above `dir`, `dir` is in no repository here.
  std::error_code ec;
  const fs::path here = fs::weakly_canonical(fs::absolute(fs::path(dir), ec), ec);
  const fs::path claimed = fs::weakly_canonical(fs::path(top), ec);
  fs::path at = here;
  for (;; at = at.parent_path()) {
    if (fs::exists(at / ".git", ec)) break;
    if (at == at.parent_path()) return "";
  }
  const auto within = [](const fs::path& p, const fs::path& root) {
    const fs::path rel = p.lexically_relative(root);
    return !rel.empty() && *rel.begin() != "..";
  };
  // A top that does not hold `dir` (`core.worktree` or GIT_WORK_TREE naming another folder) is
  // no answer about `dir`: the folder holding `.git` is the repository.
  if (!within(here, claimed)) return at.string();
  // `.git` below git's top: the narrower folder; above it (`core.worktree` a subfolder): git's.
  if (within(at, claimed) && at != claimed) return at.string();
  return top;
}

std::string find_repo_root() {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  // One git run per working directory and process: reports, baselines and Location targets all
  // ask, and a git that hangs should cost one deadline and one message, not one per caller.
  static std::mutex mutex;
  static std::map<std::string, std::string> known;
  std::lock_guard lock(mutex);
  if (const auto it = known.find(cwd.string()); it != known.end()) return it->second;
  const std::string top =
      git_toplevel(cwd.string(), "paths are taken relative to the current directory");
  const fs::path root = top.empty() ? cwd : fs::path(top);
  const fs::path canonical = fs::weakly_canonical(root, ec);
  return known[cwd.string()] = (ec ? root : canonical).string();
}

std::string repo_root_for(const std::string& file) {
  std::error_code ec;
  const fs::path dir = fs::absolute(fs::path(file), ec).lexically_normal().parent_path();
  const std::string top =
      git_toplevel(dir.string(), "paths are taken relative to the current directory");
  if (top.empty()) return find_repo_root();
  const fs::path canonical = fs::weakly_canonical(fs::path(top), ec);
  return ec ? top : canonical.string();
}

namespace {

// RFC 3986: keep unreserved characters and '/', percent-encode every other byte (SARIF §3.10.2).
std::string percent_encode(std::string_view path) {
  std::string out;
  for (const char ch : path) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/')
      out += ch;
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// `p` relative to `root` when it lies inside it (no leading "..").
std::optional<fs::path> inside(const fs::path& p, const fs::path& root) {
  const fs::path rel = p.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") return std::nullopt;
  return rel;
}

}  // namespace

ArtifactUri artifact_uri(const std::string& file, const std::string& root) {
  std::error_code ec;
  const fs::path abs = fs::absolute(fs::path(file), ec).lexically_normal();
  fs::path resolved = fs::weakly_canonical(abs, ec);
  if (ec) resolved = abs;
  const fs::path r = fs::path(root).lexically_normal();
  ArtifactUri out;
  std::optional<fs::path> rel = inside(resolved, r);
  if (!rel) rel = inside(abs, r);
  if (rel) {
    out.path = rel->generic_string();
    out.uri = percent_encode(out.path);
    out.relative = true;
  } else {
    out.path = abs.generic_string();
    out.uri = fmt::format("file://{}", percent_encode(out.path));
  }
  return out;
}

}  // namespace catalog_lint
