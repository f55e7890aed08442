#include "core/discover.h"

#include <re2/re2.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

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
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) != 0) return ignored;
  if (pipe(out_pipe) != 0) {
    close(in_pipe[0]), close(in_pipe[1]);
    return ignored;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close(in_pipe[0]), close(in_pipe[1]), close(out_pipe[0]), close(out_pipe[1]);
    return ignored;
  }
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    std::FILE* devnull = std::fopen("/dev/null", "w");
    if (devnull) dup2(fileno(devnull), 2);
    close(in_pipe[0]), close(in_pipe[1]), close(out_pipe[0]), close(out_pipe[1]);
    execlp("git", "git", "-C", dir.c_str(), "check-ignore", "--stdin", "-z",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  // Write and read alternately (select): git answers while it reads, so a large batch would
  // fill both pipes and deadlock if we wrote everything first.
  std::string input;
  for (const auto& c : candidates) input += c, input += '\0';
  std::string output;
  std::size_t written = 0;
  char buf[4096];
  fd_set rfds, wfds;
  bool writing = true;
  while (true) {
    FD_ZERO(&rfds);
    FD_ZERO(&wfds);
    FD_SET(out_pipe[0], &rfds);
    if (writing) FD_SET(in_pipe[1], &wfds);
    const int maxfd = std::max(out_pipe[0], in_pipe[1]) + 1;
    if (select(maxfd, &rfds, writing ? &wfds : nullptr, nullptr, nullptr) < 0) break;
    if (writing && FD_ISSET(in_pipe[1], &wfds)) {
      const ssize_t n = write(in_pipe[1], input.data() + written, input.size() - written);
      if (n <= 0 || (written += static_cast<std::size_t>(n)) == input.size()) {
        close(in_pipe[1]);
        writing = false;
      }
    }
    if (FD_ISSET(out_pipe[0], &rfds)) {
      const ssize_t n = read(out_pipe[0], buf, sizeof buf);
      if (n <= 0) break;
      output.append(buf, static_cast<std::size_t>(n));
    }
  }
  if (writing) close(in_pipe[1]);
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  // Exit 0: some ignored; 1: none ignored; 128: not a repository (or other fatal error).
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) return {};
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\0', start);
    if (end == std::string::npos) end = output.size();
    ignored.insert(output.substr(start, end - start));
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
      if (fs::is_symlink(fs::symlink_status(path, ec)))
        out.files.push_back(path);
      else
        out.errors.emplace_back(path, "no such file or directory");
      continue;
    }
    if (fs::is_directory(st))
      walk(path, out);
    else
      out.files.push_back(path);
  }
  return out;
}

}  // namespace catalog_lint
