#include "report/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "core/file_io.h"

namespace catalog_lint {

namespace {

namespace fs = std::filesystem;

// `path` with its symlinks followed, as far as they lead (a dangling link: the file it names),
// at most 40 links (ELOOP beyond, like the kernel). `via_proc`: some link on the way lies in
// /proc or /dev/fd (a descriptor's magic link: it must be opened, not resolved and replaced).
fs::path follow_links(fs::path path, bool& via_proc) {
  via_proc = false;
  for (int hops = 0; hops < 40; ++hops) {
    const std::string s = fs::absolute(path).lexically_normal().string();
    if (s.rfind("/proc/", 0) == 0 || s.rfind("/dev/fd/", 0) == 0) via_proc = true;
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
    const fs::path target = fs::read_symlink(path, ec);
    if (ec) return path;
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return path;
}

// Writes all of `content` to `fd`; errno is kept on failure.
bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

bool is_known_format(std::string_view format) {
  return format == "human" || format == "json" || format == "sarif" || format == "github" ||
         format == "junit";
}

std::optional<std::string> plan_outputs(const std::vector<OutputArg>& args,
                                        std::vector<OutputSpec>& plan) {
  plan.clear();
  // Whether the last spec's file came from --output (or F=FILE) already.
  bool last_has_file = false;
  for (const OutputArg& a : args) {
    if (a.is_format) {
      OutputSpec spec;
      const std::size_t eq = a.value.find('=');
      spec.format = a.value.substr(0, eq);
      if (eq != std::string::npos) {
        spec.file = a.value.substr(eq + 1);
        if (spec.file.empty())
          return fmt::format("--format {}: the file after '=' is empty", a.value);
      }
      if (!is_known_format(spec.format))
        return fmt::format("--format {}: unknown format '{}' (human, json, sarif, github, junit)",
                           a.value, spec.format);
      last_has_file = eq != std::string::npos;
      plan.push_back(std::move(spec));
    } else {
      if (plan.empty()) return fmt::format("--output {} must follow a --format", a.value);
      if (last_has_file)
        return fmt::format("--output {}: --format {} already has an output file", a.value,
                           plan.back().format);
      if (a.value.empty()) return std::string("--output: the file name is empty");
      plan.back().file = a.value;
      last_has_file = true;
    }
  }
  // A file that is standard output itself (`json=/dev/stdout`, `/proc/self/fd/1`, or the file
  // stdout is redirected to) is standard output: written as such, and counted as such (the human
  // report would otherwise land in the same stream, ahead of it).
  struct stat out_st {};
  const bool have_stdout = ::fstat(STDOUT_FILENO, &out_st) == 0;
  for (OutputSpec& s : plan) {
    struct stat st {};
    if (have_stdout && !s.to_stdout() && ::stat(s.file.c_str(), &st) == 0 &&
        st.st_dev == out_st.st_dev && st.st_ino == out_st.st_ino)
      s.file.clear();
  }
  std::size_t on_stdout = 0;
  std::set<std::string> files;
  for (const OutputSpec& s : plan) {
    if (s.to_stdout()) {
      ++on_stdout;
    } else if (!files.insert(std::filesystem::path(s.file).lexically_normal().string()).second) {
      return fmt::format("--output {}: two formats would write the same file", s.file);
    }
  }
  if (on_stdout > 1)
    return std::string(
        "only one format can go to standard output; give the others a file (--output FILE or "
        "--format FORMAT=FILE)");
  if (on_stdout == 0) plan.insert(plan.begin(), OutputSpec{"human", ""});
  return std::nullopt;
}

std::optional<std::string> write_output(const std::string& path, std::string_view content) {
  if (const auto outside = link_leaves_repository(path))
    return fmt::format(
        "refusing to write {}: it is a symbolic link to '{}', outside the repository '{}'; "
        "name the file itself to write there",
        path, outside->target, outside->top);
  bool via_proc = false;
  const fs::path real = follow_links(path, via_proc);
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) return fmt::format("cannot write {}: it is a directory", path);
  if (!exists && errno != ENOENT)
    return fmt::format("cannot write {}: {}", path, std::strerror(errno));
  if (!exists || (S_ISREG(st.st_mode) && !via_proc)) {
    if (const auto error = write_file_atomically(real.string(), content)) return error;
    return std::nullopt;
  }
  // In place: a device, FIFO or socket, or a descriptor's file. O_NONBLOCK so that a FIFO
  // without a reader fails (ENXIO) instead of blocking in open(); cleared for the writes.
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENXIO && S_ISFIFO(st.st_mode))
      return fmt::format("cannot write {}: no process is reading the FIFO", path);
    return fmt::format("cannot write {}: {}", path, std::strerror(errno));
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (!write_all(fd, content)) {
    const int err = errno;
    close(fd);
    return fmt::format("cannot write {}: {}", path, std::strerror(err));
  }
  if (close(fd) != 0 && errno != EINTR)
    return fmt::format("cannot write {}: {}", path, std::strerror(errno));
  return std::nullopt;
}

std::optional<FileIdentity> file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return FileIdentity{st.st_dev, st.st_ino, ""};
  bool via_proc = false;
  const fs::path real = follow_links(path, via_proc);
  fs::path dir = real.parent_path();
  if (dir.empty()) dir = ".";
  if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino, real.filename().string()};
}

}  // namespace catalog_lint
