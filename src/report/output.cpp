#include "report/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>

namespace catalog_lint {

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

std::optional<std::string> write_file_atomically(const std::string& path,
                                                 std::string_view content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / fmt::format(".{}.tmp.XXXXXX", target.filename().string())).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0)
    return fmt::format("cannot create a temporary file in {}: {}", dir.string(),
                       std::strerror(errno));
  auto fail = [&](std::string_view what) {
    const int err = errno;
    close(fd);
    unlink(tmpl.c_str());
    return fmt::format("cannot write {}: {}: {}", path, what, std::strerror(err));
  };
  const mode_t mask = umask(0);  // read the umask (there is no getter) and restore it
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) != 0) return fail("chmod");
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    done += static_cast<std::size_t>(n);
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
