#include "core/discover.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "core/process.h"

namespace fs = std::filesystem;

namespace catalog_lint {

bool is_catalog_file_name(std::string_view name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (!ends(".yaml") && !ends(".yml")) return false;
  return name == "catalog-info.yaml" || name == "catalog-info.yml" ||
         name.substr(0, 8) == "catalog-";
}

bool sniff_backstage(std::string_view content) {
  static const RE2 re(
      R"((?m)^[ \t-]*["']?apiVersion["']?[ \t]*:[ \t]*["']?(?:scaffolder\.)?backstage\.io/)");
  return RE2::PartialMatch(content, re);
}

namespace {

bool has_yaml_extension(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

bool file_sniffs_backstage(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::string buf(64 * 1024, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.resize(static_cast<std::size_t>(in.gcount()));
  return sniff_backstage(buf);
}

// Runs `git -C dir check-ignore --stdin -z` on `candidates`; returns the ignored ones. Any
// failure (no git, not a work tree) means nothing is ignored.
std::set<std::string> git_ignored(const std::string& dir,
                                  const std::vector<std::string>& candidates) {
  std::set<std::string> ignored;
  if (candidates.empty()) return ignored;
  std::string input;
  for (const auto& c : candidates) input += c, input += '\0';
  const CommandResult r = run_command({"git", "-C", dir, "check-ignore", "--stdin", "-z"}, input);
  // Exit 0: some ignored; 1: none ignored; 128: not a repository (or other fatal error).
  if (r.exit_code != 0) return ignored;
  std::size_t start = 0;
  while (start < r.output.size()) {
    std::size_t end = r.output.find('\0', start);
    if (end == std::string::npos) end = r.output.size();
    ignored.insert(r.output.substr(start, end - start));
    start = end + 1;
  }
  return ignored;
}

void walk(const fs::path& root, Discovery& out) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    out.errors.emplace_back(root.string(), ec.message());
    return;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      out.errors.emplace_back(it->path().string(), ec.message());
      ec.clear();
      continue;
    }
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    std::error_code sec;
    if (it->is_directory(sec) && !it->is_symlink(sec)) {
      if (name == ".git" || name == "node_modules") it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(sec) || !has_yaml_extension(p)) continue;
    if (is_catalog_file_name(name) || file_sniffs_backstage(p)) found.push_back(p.string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> absolute;
  for (const auto& f : found) absolute.push_back(fs::absolute(f, ec).lexically_normal().string());
  const std::set<std::string> ignored = git_ignored(root.string(), absolute);
  for (std::size_t i = 0; i < found.size(); ++i) {
    std::string& f = found[i];
    if (ignored.count(absolute[i])) continue;
    // Present paths relative-looking: drop a leading "./".
    if (f.rfind("./", 0) == 0) f.erase(0, 2);
    out.files.push_back(std::move(f));
    out.walked.push_back(true);
  }
}

}  // namespace

Discovery discover(const std::vector<std::string>& paths) {
  Discovery out;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      // Still hand it to the linter when it is a dangling symlink or unreadable: the linter
      // reports the exact error. A missing path is a usage error.
      if (fs::is_symlink(fs::symlink_status(path, ec))) {
        out.files.push_back(path);
        out.walked.push_back(false);
      } else {
        out.errors.emplace_back(path, "no such file or directory");
      }
      continue;
    }
    if (fs::is_directory(st)) {
      walk(path, out);
    } else {
      out.files.push_back(path);
      out.walked.push_back(false);
    }
  }
  return out;
}

}  // namespace catalog_lint
