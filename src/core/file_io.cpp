#include "core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "core/repo.h"

namespace catalog_lint {

namespace fs = std::filesystem;

namespace {

// The canonical top of the repository holding directory `dir` (canonical), or "": asked once per
// directory and process (files are read by several threads).
std::string repository_of(const std::string& dir) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::string> known;
  {
    std::lock_guard lock(mutex);
    if (const auto it = known.find(dir); it != known.end()) return it->second;
  }
  std::string top = git_toplevel(dir, "symbolic links are followed wherever they lead");
  std::error_code ec;
  if (!top.empty()) {
    const fs::path canonical = fs::weakly_canonical(top, ec);
    if (!ec) top = canonical.string();
  }
  std::lock_guard lock(mutex);
  return known.emplace(dir, std::move(top)).first->second;
}

}  // namespace

/// For a directory named by the lexical absolute path `dir`: the repository top that holds the
/// deepest symbolic link among `dir` and its ancestors ("" when there is no link, or the link is
/// in no repository). Cached per directory: a walk asks once per folder, not once per file.
std::string repository_of_deepest_link(const fs::path& dir) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::string> cache;
  const std::string key = dir.string();
  {
    std::lock_guard lock(mutex);
    if (const auto it = cache.find(key); it != cache.end()) return it->second;
  }
  std::string top;
  std::error_code ec;
  for (fs::path at = dir; !at.empty() && at != at.root_path(); at = at.parent_path()) {
    struct stat st {};
    if (::lstat(at.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      const fs::path holder = fs::weakly_canonical(at.parent_path(), ec);
      if (!ec) top = repository_of(holder.string());
      break;
    }
  }
  std::lock_guard lock(mutex);
  cache.emplace(key, top);
  return top;
}

std::optional<LinkOutside> link_leaves_repository(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISLNK(st.st_mode)) {
    // The file is no link, but a folder on its way may be (`p/environ` with `p -> /proc/self`):
    // where the whole path leads must lie in the repository that holds that link.
    std::error_code ec;
    const fs::path lexical = fs::absolute(path, ec).lexically_normal();
    if (ec) return std::nullopt;
    std::string top = repository_of_deepest_link(lexical.parent_path());
    if (top.empty()) return std::nullopt;
    const fs::path target = fs::weakly_canonical(lexical, ec);
    if (ec) return std::nullopt;
    const fs::path rel = target.lexically_relative(top);
    if (!rel.empty() && *rel.begin() != "..") return std::nullopt;
    return LinkOutside{target.string(), std::move(top)};
  }
  std::error_code ec;
  const fs::path link = fs::absolute(path, ec).lexically_normal();
  const fs::path dir = fs::weakly_canonical(link.parent_path(), ec);
  if (ec) return std::nullopt;
  std::string top = repository_of(dir.string());
  if (top.empty()) return std::nullopt;
  // Each link of the chain in turn (weakly_canonical() stops at a dangling one, whose target a
  // write would create): a loop gives up, and open() reports it.
  fs::path target = link;
  for (int hops = 0;; ++hops) {
    const fs::path parent = fs::weakly_canonical(target.parent_path(), ec);
    if (ec || hops == 40) return std::nullopt;
    target = parent / target.filename();
    if (!fs::is_symlink(fs::symlink_status(target, ec))) break;
    const fs::path next = fs::read_symlink(target, ec);
    if (ec) return std::nullopt;
    target = (next.is_absolute() ? next : parent / next).lexically_normal();
  }
  const fs::path rel = target.lexically_relative(top);
  if (!rel.empty() && *rel.begin() != "..") return std::nullopt;
  return LinkOutside{target.string(), std::move(top)};
}

FileBytes read_regular_file(const std::string& path, std::size_t limit, const std::string& within) {
  FileBytes out;
  if (const auto outside = link_leaves_repository(path)) {
    out.error = fmt::format(
        "it is a symbolic link to '{}', outside the repository '{}'; files outside the "
        "repository are never read",
        outside->target, outside->top);
    return out;
  }
  // Only regular files are read: a FIFO or a device (/dev/zero, a terminal) could block forever
  // or never end. O_NONBLOCK keeps open() itself from waiting for a FIFO's writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    out.error = std::strerror(errno);
    return out;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    out.error = std::strerror(errno);
    ::close(fd);
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    out.error = S_ISDIR(st.st_mode) ? std::strerror(EISDIR)
                                    : "not a regular file (a FIFO, socket or device)";
    return out;
  }
  if (!within.empty()) {
    // The file this descriptor is, whatever the path led to when it was opened.
    std::error_code ec;
    const std::filesystem::path opened =
        std::filesystem::read_symlink(fmt::format("/proc/self/fd/{}", fd), ec);
    const std::string real = opened.string();
    const bool inside = !ec && real.size() > within.size() && real.starts_with(within) &&
                        (within.back() == '/' || real[within.size()] == '/');
    if (!inside) {
      ::close(fd);
      out.error = fmt::format(
          "it leads to '{}', outside the repository '{}'; files outside the repository are "
          "never read",
          ec ? std::string("an unknown place") : real, within);
      return out;
    }
  }
  out.size = static_cast<unsigned long long>(st.st_size);
  if (out.size > limit) {
    ::close(fd);
    out.too_big = true;
    return out;
  }
  out.bytes.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) out.error = std::strerror(errno);
    if (n <= 0) break;
    out.bytes.append(buf, static_cast<std::size_t>(n));
    if (out.bytes.size() > limit) {  // it grew while read: enough to know it is too big
      out.too_big = true;
      out.size = out.bytes.size();
      out.bytes.clear();
      break;
    }
  }
  ::close(fd);
  return out;
}

std::optional<std::string> write_file_atomically(const std::string& path, std::string_view content,
                                                 std::optional<unsigned> mode) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / fmt::format(".{}.tmp.XXXXXX", target.filename().string())).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0)
    return fmt::format("cannot write {}: cannot create a temporary file in {}: {}", path,
                       dir.string(), std::strerror(errno));
  auto fail = [&](std::string_view what) {
    const int err = errno;
    close(fd);
    unlink(tmpl.c_str());
    return fmt::format("cannot write {}: {}: {}", path, what, std::strerror(err));
  };
  if (!mode) {
    const mode_t mask = umask(0);  // read the umask (there is no getter) and restore it
    umask(mask);
    mode = 0666 & ~mask;
  }
  if (fchmod(fd, static_cast<mode_t>(*mode & 07777)) != 0) return fail("chmod");
  for (std::string_view rest = content; !rest.empty();) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (fsync(fd) != 0) return fail("fsync");
  if (close(fd) != 0) {
    const int err = errno;
    unlink(tmpl.c_str());
    return fmt::format("cannot write {}: close: {}", path, std::strerror(err));
  }
  if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(tmpl.c_str());
    return fmt::format("cannot write {}: rename: {}", path, std::strerror(err));
  }
  return std::nullopt;
}

}  // namespace catalog_lint
