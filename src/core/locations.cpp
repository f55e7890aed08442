#include "core/locations.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "core/file_io.h"
#include "core/glob.h"
#include "core/repo.h"
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

// `dir` + '/' + `name` (dir "/" gives "/name").
std::string join(const std::string& dir, const std::string& name) {
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out.append(dir);
  if (out.empty() || out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

bool has_wildcard(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

/// Directory listings, each read once, and each distinct pattern's matches, each found once.
class Expander {
 public:
  /// Regular files matching `pattern` (absolute, normalized), sorted. Without `**` a wildcard
  /// segment may match a directory symlink (as glob(3) does, each real directory visited once
  /// per pattern position); with `**` (as a recursive walk) symlinked directories, `.git` and
  /// `node_modules` are not entered.
  const std::vector<std::string>& expand(const std::string& pattern) {
    const auto found = memo_.find(pattern);
    if (found != memo_.end()) return found->second;
    std::vector<std::string>& out = memo_[pattern];
    if (!has_wildcard(pattern)) {
      std::error_code ec;
      if (fs::is_regular_file(pattern, ec)) out.push_back(pattern);
      return out;
    }
    walk_ = pattern.find("**") != std::string::npos;
    std::string base;
    split_base(pattern, base, rest_);
    visited_.clear();
    visit(base, closure({0}), out);
    std::sort(out.begin(), out.end());
    return out;
  }

  /// Expands the `**` patterns among `patterns` (absolute, normalized) ahead of expand(): those
  /// with the same base directory (the part before the first wildcard) in one walk of it, each
  /// file tried only against the patterns whose last segment can match its name.
  void prepare(const std::vector<std::string>& patterns) {
    struct Pattern {
      std::vector<std::string>* out;
      std::vector<std::string_view> rest;
    };
    std::map<std::string, std::vector<Pattern>> by_base;
    for (const std::string& p : patterns) {
      if (!has_wildcard(p) || p.find("**") == std::string::npos || memo_.count(p)) continue;
      Pattern pat{&memo_[p], {}};
      std::string base;
      split_base(p, base, pat.rest);
      by_base[base].push_back(std::move(pat));
    }
    for (auto& group : by_base) {  // (no structured binding: clang 14 cannot capture one)
      const std::string& base = group.first;
      std::vector<Pattern>& pats = group.second;
      std::unordered_map<std::string_view, std::vector<std::size_t>> by_name;
      std::vector<std::size_t> others;
      for (std::size_t i = 0; i < pats.size(); ++i) {
        const std::string_view last = pats[i].rest.back();
        if (last.find_first_of("*?[\\") == std::string_view::npos)
          by_name[last].push_back(i);
        else
          others.push_back(i);
      }
      std::vector<std::string_view> rel;
      walk(base, rel, [&](const std::string& path) {
        auto test = [&](std::size_t i) {
          if (glob_match_segments(pats[i].rest, rel)) pats[i].out->push_back(path);
        };
        if (const auto it = by_name.find(rel.back()); it != by_name.end())
          for (const std::size_t i : it->second) test(i);
        for (const std::size_t i : others) test(i);
      });
      for (const Pattern& p : pats) std::sort(p.out->begin(), p.out->end());
    }
  }

 private:
  // `pattern` as the directory before its first wildcard segment and the segments from there.
  static void split_base(const std::string& pattern, std::string& base,
                         std::vector<std::string_view>& rest) {
    const std::vector<std::string_view> segs = glob_segments(pattern);
    std::size_t w = 0;
    while (w < segs.size() && !has_wildcard(segs[w])) ++w;
    base.assign(1, '/');
    for (std::size_t i = 0; i < w; ++i) {
      if (i > 0) base.push_back('/');
      base.append(segs[i]);
    }
    rest.assign(segs.begin() + static_cast<std::ptrdiff_t>(w), segs.end());
  }

  // Every regular file under `dir` (as a recursive walk: symlinked directories, `.git` and
  // `node_modules` not entered), with `rel` its segments below the walk's base.
  template <class F>
  void walk(const std::string& dir, std::vector<std::string_view>& rel, F&& found) {
    const std::vector<Entry>& entries = list(dir);
    for (const Entry& e : entries) {
      const std::string path = join(dir, e.name);
      rel.push_back(e.name);
      if (e.file) found(path);
      if (e.dir && !e.symlink && e.name != ".git" && e.name != "node_modules")
        walk(path, rel, found);
      rel.pop_back();
    }
  }

  struct Entry {
    std::string name;
    bool dir = false, file = false, symlink = false;  // dir and file follow symlinks
  };

  const std::vector<Entry>& list(const std::string& dir) {
    const auto it = listings_.find(dir);
    if (it != listings_.end()) return it->second;
    std::vector<Entry>& out = listings_[dir];
    std::error_code ec;
    for (fs::directory_iterator d(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && d != end; d.increment(ec)) {
      std::error_code e2;
      Entry e;
      e.name = d->path().filename().string();
      e.symlink = d->is_symlink(e2);
      e.dir = d->is_directory(e2);
      e.file = d->is_regular_file(e2);
      out.push_back(std::move(e));
    }
    return out;
  }

  // `states` (pattern positions, sorted) with every position after a run of `**` added.
  std::vector<std::size_t> closure(std::vector<std::size_t> states) const {
    std::vector<std::size_t> out;
    for (std::size_t j : states) {
      out.push_back(j);
      while (j < rest_.size() && rest_[j] == "**") out.push_back(++j);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // The pattern positions `states` are live in `dir`: each entry moves them on (a set of
  // positions, as an NFA does), so one visit of a directory serves all ways of reaching it.
  void visit(const std::string& dir, const std::vector<std::size_t>& states,
             std::vector<std::string>& out) {
    if (!walk_) {
      // Symlinks can make a real directory reachable by many paths (or a loop): once each.
      std::error_code ec;
      const std::string real = fs::weakly_canonical(dir, ec).string();
      if (!visited_.insert({real, states.empty() ? 0 : states.front()}).second) return;
    }
    const std::vector<Entry>& entries = list(dir);
    for (std::size_t k = 0; k < entries.size(); ++k) {
      const Entry& e = entries[k];
      const bool enter =
          e.dir && (!walk_ || (!e.symlink && e.name != ".git" && e.name != "node_modules"));
      std::vector<std::size_t> next;
      for (const std::size_t j : states) {
        if (j == rest_.size()) continue;
        if (rest_[j] == "**") {
          if (e.file || enter) next.push_back(j);
        } else if (glob_segment_match(rest_[j], e.name)) {
          next.push_back(j + 1);
        }
      }
      if (next.empty()) continue;
      next = closure(std::move(next));
      const std::string path = join(dir, e.name);
      if (e.file && next.back() == rest_.size()) out.push_back(path);
      if (enter && next.front() < rest_.size()) visit(path, next, out);
    }
  }

  std::unordered_map<std::string, std::vector<Entry>> listings_;
  std::unordered_map<std::string, std::vector<std::string>> memo_;
  std::vector<std::string_view> rest_;  // the pattern's segments after its literal base
  bool walk_ = false;
  std::set<std::pair<std::string, std::size_t>> visited_;
};

// The repository holding `dir` (canonical), per directory; outside any repository `dir` itself,
// the Location file's own directory, so that the boundary never depends on where the run was
// started.
class Roots {
 public:
  const fs::path& of(const fs::path& dir) {
    const auto it = roots_.find(dir.string());
    if (it != roots_.end()) return it->second;
    const std::string top = git_toplevel(
        dir.string(), "Location targets are read only inside the Location file's own directory");
    std::error_code ec;
    fs::path root = top.empty() ? dir : fs::path(top);
    const fs::path canonical = fs::weakly_canonical(root, ec);
    return roots_.emplace(dir.string(), ec ? root : canonical).first->second;
  }

 private:
  std::unordered_map<std::string, fs::path> roots_;
};

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
  d.source_line = t.source_line;
  out.push_back(std::move(d));
}

}  // namespace

void resolve_location_targets(const std::vector<LocationTarget>& targets,
                              const std::string& repo_root, std::vector<std::string>& known,
                              std::vector<std::string>& files, std::vector<Diagnostic>& out) {
  std::set<std::string> seen;
  std::error_code ec;
  for (const std::string& k : known) seen.insert(fs::weakly_canonical(k, ec).string());
  const fs::path fixed_root = repo_root.empty() ? fs::path() : fs::weakly_canonical(repo_root, ec);
  const fs::path cwd = fs::current_path(ec);
  Expander expander;
  Roots roots;
  std::vector<std::string> patterns;  // first pass: every pattern, so each tree is walked once
  for (const LocationTarget& t : targets)
    if (!t.target.empty() && !is_url(t.target))
      patterns.push_back(
          (fs::absolute(fs::path(t.file), ec).parent_path() / t.target).lexically_normal());
  expander.prepare(patterns);
  std::map<std::string, fs::path> real_dirs;  // a Location file's directory -> its real path
  for (const LocationTarget& t : targets) {
    if (t.target.empty() || is_url(t.target)) continue;
    if (!t.type.empty() && t.type != "file" && t.type != "url") continue;
    const fs::path dir = fs::absolute(fs::path(t.file), ec).parent_path();
    auto real_dir = real_dirs.find(dir.string());
    if (real_dir == real_dirs.end())
      real_dir = real_dirs.emplace(dir.string(), fs::weakly_canonical(dir, ec)).first;
    const fs::path& root = repo_root.empty() ? roots.of(real_dir->second) : fixed_root;
    const fs::path pattern = (dir / t.target).lexically_normal();
    if (!inside((real_dir->second / t.target).lexically_normal(), root)) {
      report(out, t, RuleId::location_target_outside_repository,
             fmt::format("Location target '{}' points outside the repository; it is not read",
                         t.target),
             "a Location in a repository should only name files of that repository");
      continue;
    }
    std::size_t found = 0;
    std::string escaped;  // the first match that a symlink leads out of the repository
    for (const std::string& m : expander.expand(pattern.string())) {
      const fs::path real = fs::weakly_canonical(m, ec);
      if (!inside(real, root)) {  // a symlink out of the repository
        if (escaped.empty()) escaped = fs::path(m).lexically_relative(dir).string();
        continue;
      }
      ++found;
      if (!seen.insert(real.string()).second) continue;
      const fs::path rel = fs::path(m).lexically_relative(cwd);
      files.push_back(rel.empty() || *rel.begin() == ".." ? m : rel.string());
      known.push_back(files.back());
    }
    if (!escaped.empty())
      report(out, t, RuleId::location_target_outside_repository,
             !has_wildcard(t.target)
                 ? fmt::format("Location target '{}' leads outside the repository through a "
                               "symbolic link; it is not read",
                               t.target)
                 : fmt::format("Location target '{}' matches '{}', which leads outside the "
                               "repository through a symbolic link; it is not read",
                               t.target, escaped),
             "a Location in a repository should only name files of that repository");
    else if (found == 0 && !t.optional)
      report(out, t, RuleId::location_target_not_found,
             fmt::format("Location target '{}' matches no file", t.target),
             "fix the path (it is relative to this file), or set `spec.presence: optional`");
  }
}

namespace {

// A placeholder value with a URL scheme (`https:`, `file:`): what `new URL(value)` accepts, which
// Backstage reads as an absolute URL.
bool has_url_scheme(const std::string& s) {
  const std::size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(s[0])) return false;
  for (std::size_t i = 1; i < colon; ++i)
    if (!alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') && s[i] != '+' && s[i] != '-' && s[i] != '.')
      return false;
  return true;
}

// The repository holding directory `dir` (canonical), as Roots does, for any thread: asked once
// per directory and process.
fs::path repository_root_of(const fs::path& dir) {
  static std::mutex mutex;
  static std::unordered_map<std::string, fs::path> known;
  {
    std::lock_guard lock(mutex);
    if (const auto it = known.find(dir.string()); it != known.end()) return it->second;
  }
  const std::string top = git_toplevel(
      dir.string(), "placeholder targets are read only inside the entity file's own directory");
  std::error_code ec;
  const fs::path root = top.empty() ? dir : fs::path(top);
  const fs::path canonical = fs::weakly_canonical(root, ec);
  std::lock_guard lock(mutex);
  return known.emplace(dir.string(), ec ? root : canonical).first->second;
}

}  // namespace

namespace {

/// Where placeholder `target` of catalog file `file` leads (read_placeholder_target's rules):
/// the repository root and the lexically normal path; nullopt when nothing is read (a URL, a
/// file not on disk, a NUL byte: `nul` is then set).
struct TargetPath {
  fs::path root, path;
};
std::optional<TargetPath> target_path(const std::string& file, const std::string& target,
                                      bool& nul) {
  nul = false;
  if (target.empty() || has_url_scheme(target)) return std::nullopt;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;  // standard input, a base revision
  const fs::path dir = fs::weakly_canonical(fs::absolute(fs::path(file), ec).parent_path(), ec);
  if (ec) return std::nullopt;
  if (target.find('\0') != std::string::npos) {  // open(2) would read a shorter name
    nul = true;
    return std::nullopt;
  }
  const fs::path root = repository_root_of(dir);
  return TargetPath{
      root, (target.front() == '/' ? root / target.substr(1) : dir / target).lexically_normal()};
}

}  // namespace

std::string placeholder_target_path(const std::string& file, const std::string& target) {
  bool nul = false;
  const auto t = target_path(file, target, nul);
  return t && inside(t->path, t->root) ? t->path.string() : std::string();
}

PlaceholderTarget read_placeholder_target(const std::string& file, const std::string& target,
                                          std::size_t limit) {
  using Status = PlaceholderTarget::Status;
  PlaceholderTarget out;
  bool nul = false;
  const auto where = target_path(file, target, nul);
  if (nul) {
    out.status = Status::not_found;
    out.detail = "the path holds a NUL byte";
    return out;
  }
  if (!where) return out;
  std::error_code ec;
  const fs::path& root = where->root;
  const fs::path& path = where->path;
  if (!inside(path, root)) {
    out.status = Status::outside;
    return out;
  }
  // Where the path really leads (links of the file and of every folder on the way resolved):
  // also for a file in no repository, whose links link_leaves_repository() leaves alone.
  const fs::path real = fs::weakly_canonical(path, ec);
  if (!ec && !inside(real, root)) {
    out.status = Status::outside;
    out.through_link = true;
    out.detail = real.string();
    return out;
  }
  // Judged again on the opened file: a link swapped in after the check above is not followed.
  FileBytes read = read_regular_file(path.string(), limit, root.string());
  if (read.too_big) {
    out.status = Status::too_big;
  } else if (!read.error.empty()) {
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      out.status = Status::not_found;
    } else if (read.error.find("outside the repository") != std::string::npos) {
      out.status = Status::outside;  // link_leaves_repository(): a link into another repository
      out.through_link = true;
    } else {
      out.status = Status::not_regular;
      out.detail = fs::is_directory(st) ? "a directory" : "a FIFO, socket or device";
      return out;
    }
    out.detail = std::move(read.error);
  } else {
    out.status = Status::read;
    out.bytes = std::move(read.bytes);
  }
  return out;
}

}  // namespace catalog_lint
