#include "core/discover.h"

#include <fcntl.h>
#include <re2/re2.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>
#include <unordered_set>

#include "core/process.h"
#include "core/suggest.h"

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

bool is_entity_file_name(std::string_view name) {
  return name == "catalog-info.yaml" || name == "catalog-info.yml";
}

namespace {
// A UTF-8 byte order mark before the first line (Backstage's reader skips it): the sniffs read
// the text after it, or a walked file that starts with one is never linted.
std::string_view without_bom(std::string_view content) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  return content;
}
}  // namespace

bool sniff_backstage(std::string_view content) {
  content = without_bom(content);
  // A top-level key (column 0, or after a `- ` of a list root): not a line of a block scalar or
  // a nested mapping (a ConfigMap that embeds a catalog file). Its value may follow an anchor or
  // a tag, or start on the next line; a one-line flow mapping root holds it anywhere.
  static const RE2 block(
      R"((?m)^(?:-[ \t]+)?["']?apiVersion["']?[ \t]*:(?:[ \t]+[&!][^ \t\r\n]*)*[ \t]*)"
      R"((?:#[^\n]*)?(?:\r?\n[ \t]+)?["']?(?:scaffolder\.)?backstage\.io/)");
  static const RE2 flow(
      R"((?m)^(?:-[ \t]+)?\{[^\n]*["']?apiVersion["']?[ \t]*:[ \t]*["']?(?:scaffolder\.)?)"
      R"(backstage\.io/)");
  return RE2::PartialMatch(content, block) || RE2::PartialMatch(content, flow);
}

bool declares_other_api(std::string_view content) {
  content = without_bom(content);
  static const RE2 re(R"((?m)^["']?apiVersion["']?[ \t]*:[ \t]*["']?([A-Za-z0-9.-]+)/)");
  re2::StringPiece in(content.data(), content.size());
  std::string group;
  if (!RE2::FindAndConsume(&in, re, &group)) return false;
  // A DNS-style API group (Kubernetes, OpenShift, Dapr) that is no near miss of Backstage's.
  return group.find('.') != std::string::npos && bounded_distance(group, "backstage.io", 3) > 2 &&
         bounded_distance(group, "scaffolder.backstage.io", 3) > 2;
}

bool sniff_skeleton(std::string_view content) {
  const bool expression = content.find("${{") != std::string_view::npos ||
                          content.find("{%") != std::string_view::npos ||
                          content.find("cookiecutter.") != std::string_view::npos;
  if (!expression) return false;
  static const RE2 expr(R"(\$\{\{|\{%-?[ \t]|\{\{[ \t]*cookiecutter\.)");
  return RE2::PartialMatch(content, expr) && !declares_template(content);
}

bool declares_template(std::string_view content) {
  content = without_bom(content);
  static const RE2 template_kind(
      R"((?mi)^["']?kind["']?[ \t]*:[ \t]*["']?template["']?[ \t\r]*(?:#|$))");
  return RE2::PartialMatch(content, template_kind);
}

std::vector<std::string> template_source_dirs(std::string_view content) {
  std::vector<std::string> out;
  if (content.find("fetch:template") == std::string_view::npos &&
      content.find("fetch:plain") == std::string_view::npos)
    return out;
  if (!declares_template(content)) return out;
  static const RE2 url(R"((?m)^[ \t-]*url[ \t]*:[ \t]*["']?(\.\.?/[^"'\s#]*))");
  re2::StringPiece in(content.data(), content.size());
  std::string dir;
  while (RE2::FindAndConsume(&in, url, &dir)) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (dir != "." && dir != ".." && dir != "./" && dir != "../") out.push_back(dir);
  }
  return out;
}

bool sniff_backstage_kind(std::string_view content) {
  content = without_bom(content);
  static const RE2 re(
      R"((?mi)^["']?kind["']?[ \t]*:[ \t]*["']?(?:component|api|resource|system|domain|group|user|)"
      R"(location|template)["']?[ \t\r]*(?:#|$))");
  return RE2::PartialMatch(content, re);
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_yaml_extension(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

}  // namespace

bool walk_takes(std::string_view filename, std::string_view head) {
  return is_entity_file_name(filename) || sniff_backstage(head) ||
         (is_catalog_file_name(filename) && sniff_backstage_kind(head) &&
          !declares_other_api(head));
}

namespace {

// What the first 64 KiB of a walked file say about it.
struct Sniff {
  bool backstage = false;                ///< sniff_backstage (or, when asked, sniff_backstage_kind)
  bool skeleton = false;                 ///< sniff_skeleton
  std::vector<std::string> source_dirs;  ///< template_source_dirs of a Template
};

// `kind_too`: a top-level `kind:` naming a built-in kind counts as well (for catalog-* names,
// where a missing or mistyped apiVersion is a finding to report, not a reason to skip).
Sniff sniff_file(const fs::path& p, bool kind_too) {
  // The first 64 KiB, read into one buffer reused across files (no zero-filling per file), and
  // RE2 only when the bytes hold "backstage.io/" at all: every match of the sniff contains it.
  constexpr std::size_t kSniffBytes = 64 * 1024;
  thread_local std::string buf(kSniffBytes, '\0');
  Sniff out;
  const int fd = ::open(p.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return out;
  std::size_t got = 0;
  while (got < kSniffBytes) {
    const ssize_t n = ::read(fd, buf.data() + got, kSniffBytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  const std::string_view head(buf.data(), got);
  out.backstage = (kind_too && sniff_backstage_kind(head) && !declares_other_api(head)) ||
                  (head.find("backstage.io/") != std::string_view::npos && sniff_backstage(head));
  out.skeleton = (kind_too || out.backstage) && sniff_skeleton(head);
  if (out.backstage) out.source_dirs = template_source_dirs(head);
  return out;
}

// The identity of a file for de-duplication: its physical path, symlinks resolved (a file and a
// symlink to it are one file; `link/../x/f` and `x/f` can be two).
std::string identity(const fs::path& p) {
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(p, ec);
  if (!ec) return real.string();
  static const fs::path cwd = fs::current_path(ec);  // fs::absolute would ask every time
  return (p.is_absolute() ? p : cwd / p).lexically_normal().string();
}

// `git -C dir check-ignore --stdin -z`, fed while the walk goes on (git works on the other core)
// and started at the first candidate. Any failure (no git, not a work tree) means nothing is
// ignored.
class IgnoredQuery {
 public:
  explicit IgnoredQuery(std::string dir) : dir_(std::move(dir)) {}
  void add(const std::string& absolute) {
    if (!git_)
      git_ = std::make_unique<Command>(
          std::vector<std::string>{"git", "-C", dir_, "check-ignore", "--stdin", "-z"});
    pending_ += absolute;
    pending_ += '\0';
    if (pending_.size() >= 16 * 1024) git_->write(pending_), pending_.clear();
  }
  /// The candidates git reports as ignored.
  std::unordered_set<std::string> finish() {
    std::unordered_set<std::string> ignored;
    if (!git_) return ignored;
    git_->write(pending_);
    const CommandResult r = git_->finish();
    // Said once per run: after one git is killed, the others are not started at all, and a
    // line per walked directory would say the same thing again.
    static std::atomic<bool> said{false};
    if (!r.killed.empty() && !said.exchange(true))
      std::fprintf(stderr,
                   "catalog-lint: warning: git check-ignore %s; .gitignore files were not "
                   "applied\n",
                   r.killed.c_str());
    // Exit 0: some ignored; 1: none ignored; 128: not a repository (or other fatal error).
    if (r.exit_code != 0) return ignored;
    for (std::string& path : split_nul(r.output)) ignored.insert(std::move(path));
    return ignored;
  }

 private:
  std::string dir_;
  std::unique_ptr<Command> git_;
  std::string pending_;
};

// File identity → index in Discovery::files, for the files taken so far.
using Seen = std::unordered_map<std::string, std::size_t>;

void walk(const fs::path& root, Discovery& out, Seen& seen) {
  std::error_code ec;
  // Absolute paths by string concatenation: the walk yields `root` + "/" + plain names, and
  // std::filesystem's path arithmetic would cost more than the walk itself on large trees.
  // `base`: the root made absolute lexically, as the config lookup and git see paths;
  // `physical`: with symlinks resolved, for identities. Directory symlinks below the root are
  // not followed, so a walked path is physical once its root is.
  auto strip = [](std::string d) {
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    return d;
  };
  const std::string base = strip(fs::absolute(root, ec).lexically_normal().string());
  std::string physical = strip(fs::weakly_canonical(root, ec).string());
  if (ec || physical.empty() || physical.front() != '/') physical = base;
  const std::string given = root.string();
  auto below = [&](const std::string& dir, const std::string& p) {
    std::string_view rest(p);
    if (rest.substr(0, given.size()) != given)  // not expected; the slow way
      return &dir == &physical ? identity(p) : fs::absolute(p, ec).lexically_normal().string();
    rest.remove_prefix(given.size());
    while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    std::string a = dir;
    if (a.back() != '/') a += '/';
    return a.append(rest);
  };
  auto absolute = [&](const std::string& p) { return below(base, p); };
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec) {
    out.errors.emplace_back(root.string(), ec.message());
    return;
  }
  ListedDirs listed;
  listed.dirs.emplace(base, 0);
  IgnoredQuery ignored_query(given);
  struct Found {
    std::string path;       // as walked
    std::string absolute;   // lexically, for git
    std::string identity;   // physical
    bool skeleton = false;  // a scaffolder skeleton
    bool operator<(const Found& o) const { return path < o.path; }
  };
  std::vector<Found> found;
  std::unordered_set<std::string> here;  // identities found by this walk
  std::vector<std::string> source_dirs;  // fetch:template/fetch:plain folders, lexical, with '/'
  std::unordered_set<std::string> templates;  // the Templates naming them, as walked
  bool complete = true;
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {  // the iterator cannot go on after an error
      out.errors.emplace_back(root.string(), ec.message());
      complete = false;
      break;
    }
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    // Any case: on a case-insensitive file system a stat would find `.Catalog-Lint.yaml` too.
    if (iequals(name, kConfigFileName) || iequals(name, ".git")) {
      std::string dir = absolute(p.string());
      const std::size_t slash = dir.rfind('/');  // absolute: there is one
      dir.resize(slash == 0 ? 1 : slash);
      listed.dirs[dir] |= iequals(name, ".git") ? ListedDirs::kGit : ListedDirs::kConfig;
    }
    std::error_code sec;
    const bool symlink = it->is_symlink(sec);
    if (it->is_directory(sec) && !symlink) {
      if (name == ".git" || name == "node_modules") {
        it.disable_recursion_pending();
      } else if (::access(p.c_str(), R_OK | X_OK) != 0) {
        // A directory we cannot list is a path we did not lint: an error, not a silent skip.
        out.errors.emplace_back(p.string(), std::strerror(errno));
        it.disable_recursion_pending();
      } else {
        listed.dirs.emplace(absolute(p.string()), 0);  // its entries are listed next
      }
      continue;
    }
    if (!has_yaml_extension(p)) continue;
    const bool regular = it->is_regular_file(sec);
    // A catalog file that is a broken or looping symlink, a FIFO or a device is handed to the
    // linter, which reports it as unreadable. Other YAML files are only taken when they sniff;
    // `catalog-info.yaml` always, other `catalog-*.yaml` names (a workflow `catalog-lint.yml`, a
    // scaffolder step `catalog-register.yaml`) when they declare a Backstage apiVersion or kind.
    // A scaffolder skeleton (entity fields holding `${{ values.name }}`) is not an entity yet:
    // it is counted, not linted (named on the command line, it is linted as given).
    // A symbolic link is never read here (it may lead out of the repository): a catalog-*.yaml
    // one is handed to the linter, which reads only what stays inside; other names are skipped
    // (their target, when inside, is walked as itself).
    bool take = false, skeleton = false;
    if (!regular || symlink) {
      take = is_catalog_file_name(name) && !it->is_directory(sec);
    } else {
      const bool by_name = is_entity_file_name(name);
      const Sniff sniff = sniff_file(p, /*kind_too=*/is_catalog_file_name(name));
      take = by_name || sniff.backstage;
      skeleton = take && sniff.skeleton;
      for (const std::string& d : sniff.source_dirs)
        source_dirs.push_back((p.parent_path() / d).lexically_normal().string() + "/");
      if (!sniff.source_dirs.empty()) templates.insert(p.string());
    }
    if (!take) continue;
    // Already found, by an earlier argument or by this walk (a file and a symlink to it are one
    // file)? Only files actually taken count as found: one git ignores is not taken, and a
    // later argument naming it still gets it.
    std::string id = symlink ? identity(p) : below(physical, p.string());
    if (seen.count(id) || !here.insert(id).second) continue;
    std::string abs = absolute(p.string());
    ignored_query.add(abs);
    found.push_back(Found{p.string(), std::move(abs), std::move(id), skeleton});
  }
  const std::unordered_set<std::string> ignored = ignored_query.finish();
  // Files under a Template's fetch:template / fetch:plain folder are skeletons too, whatever
  // they hold (fetch:plain copies them unrendered, but into a new repository, not this catalog).
  if (!source_dirs.empty())
    for (Found& f : found) {
      if (f.skeleton || templates.count(f.path)) continue;
      const std::string normal = fs::path(f.path).lexically_normal().string();
      for (const std::string& d : source_dirs)
        if (normal.rfind(d, 0) == 0) f.skeleton = true;
    }
  std::sort(found.begin(), found.end());
  for (Found& f : found) {
    if (ignored.count(f.absolute)) continue;
    // Present paths relative-looking: drop a leading "./" (and the slashes of `.//`).
    if (f.path.rfind("./", 0) == 0) f.path.erase(0, f.path.find_first_not_of('/', 2));
    if (f.skeleton) {  // not in `seen`: named later, it is a named file
      out.skeleton_files.push_back(std::move(f.path));
      continue;
    }
    seen.emplace(std::move(f.identity), out.files.size());
    out.files.push_back(std::move(f.path));
    out.walked.push_back(true);
  }
  // A listing cut short by an error says nothing reliable about the directories in it. Nor does
  // one reached through `..`: the lookup resolves `a/link/..` lexically (to `a`), while the walk
  // listed the directory above the link's target.
  const bool lexical =
      std::none_of(root.begin(), root.end(), [](const fs::path& c) { return c == ".."; });
  if (complete && lexical) out.listed.dirs.merge(listed.dirs);
}

}  // namespace

Discovery discover(const std::vector<std::string>& paths, bool note_skeletons) {
  Discovery out;
  Seen seen;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      // Still hand it to the linter when it is a dangling symlink: the linter reports the exact
      // error. A path that does not exist or cannot be reached is a usage error.
      std::error_code lec;
      if (fs::is_symlink(fs::symlink_status(path, lec))) {
        out.files.push_back(path);
        out.walked.push_back(false);
      } else {
        out.errors.emplace_back(path, ec && ec != std::errc::no_such_file_or_directory
                                          ? ec.message()
                                          : "no such file or directory");
      }
      continue;
    }
    if (fs::is_directory(st)) {
      walk(path, out, seen);
    } else if (const auto [it, added] = seen.emplace(identity(path), out.files.size()); added) {
      out.files.push_back(path);
      out.walked.push_back(false);
    } else {
      // Named, and found by an earlier walk: it is linted as named, whatever a config's
      // include/exclude say of walked files.
      out.walked[it->second] = false;
    }
  }
  out.skeletons = out.skeleton_files.size();
  if (note_skeletons && out.skeletons > 0)
    std::fprintf(stderr,
                 "catalog-lint: note: %zu walked file%s %s scaffolder skeleton%s (template "
                 "expressions such as ${{ values.name }}, or under a Template's fetch:template "
                 "folder), not read as entities (docs/skeletons.md)\n",
                 out.skeletons, out.skeletons == 1 ? "" : "s", out.skeletons == 1 ? "is a" : "are",
                 out.skeletons == 1 ? "" : "s");
  return out;
}

}  // namespace catalog_lint
