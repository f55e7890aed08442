#include "core/locations.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/glob.h"
#include "core/rule.h"

namespace fs = std::filesystem;

namespace catalog_lint {
namespace {

bool is_url(const std::string& s) {
  const std::size_t colon = s.find("://");
  return colon != std::string::npos && colon > 0 &&
         s.find_first_of("/\\") > colon;  // scheme before any slash
}

bool inside(const fs::path& path, const fs::path& root) {
  const fs::path rel = path.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

// Files matching `pattern` (absolute). `**` matches across directories.
std::vector<std::string> expand(const std::string& pattern) {
  std::vector<std::string> out;
  if (pattern.find_first_of("*?[") == std::string::npos) {
    std::error_code ec;
    if (fs::is_regular_file(pattern, ec)) out.push_back(pattern);
    return out;
  }
  if (pattern.find("**") == std::string::npos) {
    glob_t g{};
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
      for (std::size_t i = 0; i < g.gl_pathc; ++i) {
        std::error_code ec;
        if (fs::is_regular_file(g.gl_pathv[i], ec)) out.emplace_back(g.gl_pathv[i]);
      }
    globfree(&g);
    return out;
  }
  // Walk from the directory before the first wildcard; `**` spans directories (zero or more).
  const std::size_t wild = pattern.find_first_of("*?[");
  const fs::path base = fs::path(pattern.substr(0, wild)).parent_path();
  const std::string rel_pattern = fs::path(pattern).lexically_relative(base).generic_string();
  std::error_code ec;
  for (fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory(ec) && (name == ".git" || name == "node_modules")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    if (glob_match(rel_pattern, it->path().lexically_relative(base).generic_string()))
      out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void report(std::vector<Diagnostic>& out, const LocationTarget& t, RuleId rule, std::string message,
            std::string help) {
  Diagnostic d = new_diagnostic(rule);
  d.message = std::move(message);
  d.help = std::move(help);
  d.file = t.file;
  d.start = t.pos;
  d.end = t.end;
  d.document = t.document;
  d.entity = t.entity;
  d.path = t.pointer;
  d.source_line = std::make_shared<const std::string>(t.source_line);
  out.push_back(std::move(d));
}

}  // namespace

void resolve_location_targets(const std::vector<LocationTarget>& targets,
                              const std::string& repo_root, std::vector<std::string>& known,
                              std::vector<std::string>& files, std::vector<Diagnostic>& out) {
  std::set<std::string> seen;
  std::error_code ec;
  for (const std::string& k : known) seen.insert(fs::weakly_canonical(k, ec).string());
  const fs::path root = fs::weakly_canonical(repo_root, ec);
  const fs::path cwd = fs::current_path(ec);
  for (const LocationTarget& t : targets) {
    if (t.target.empty() || is_url(t.target)) continue;
    if (!t.type.empty() && t.type != "file" && t.type != "url") continue;
    const fs::path dir = fs::absolute(fs::path(t.file), ec).parent_path();
    const fs::path pattern = (dir / t.target).lexically_normal();
    if (!inside(pattern, root)) {
      report(out, t, RuleId::location_target_outside_repository,
             fmt::format("Location target '{}' points outside the repository; it is not read",
                         t.target),
             "a Location in a repository should only name files of that repository");
      continue;
    }
    const std::vector<std::string> matches = expand(pattern.string());
    std::size_t found = 0;
    for (const std::string& m : matches) {
      const fs::path real = fs::weakly_canonical(m, ec);
      if (!inside(real, root)) continue;  // a symlink out of the repository
      ++found;
      if (!seen.insert(real.string()).second) continue;
      const fs::path rel = fs::path(m).lexically_relative(cwd);
      files.push_back(rel.empty() || *rel.begin() == ".." ? m : rel.string());
      known.push_back(files.back());
    }
    if (found == 0 && !t.optional)
      report(out, t, RuleId::location_target_not_found,
             fmt::format("Location target '{}' matches no file", t.target),
             "fix the path (it is relative to this file), or set `spec.presence: optional`");
  }
}

}  // namespace catalog_lint
