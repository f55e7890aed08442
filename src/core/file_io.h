// Reading input files safely: only regular files, never blocking, with a size limit.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace catalog_lint {

/// A file's bytes, or why they could not be read.
struct FileBytes {
  std::string bytes;
  std::string error;            ///< strerror text, or why it is not a regular file; "" = read
  bool too_big = false;         ///< over the limit: `bytes` is empty, `size` says how big
  unsigned long long size = 0;  ///< bytes
};

/// Reads a regular file of at most `limit` bytes. FIFOs, devices and directories are refused
/// (never blocks); so is a symbolic link that leads out of the git repository holding the link
/// (link_leaves_repository()). With `within` (an absolute, canonical folder), the file actually
/// opened must also lie inside it, judged on the open descriptor (/proc/self/fd), so that a link
/// swapped in after the caller checked the path is not followed out. Never throws.
FileBytes read_regular_file(const std::string& path, std::size_t limit,
                            const std::string& within = "");

/// Where `path` leads when it is a symbolic link whose target (all links resolved) lies outside
/// the git repository that holds the link's directory (git_toplevel(), asked once per directory):
/// {target, repository top}; else std::nullopt. A repository's content chooses where its links
/// lead: a committed `catalog-env.yaml -> /proc/self/environ` would print the CI runner's
/// environment in a finding's snippet, and a committed `results.sarif -> ~/.bashrc` would have a
/// report written over it. A link in no repository (the user's own files) is not checked.
struct LinkOutside {
  std::string target, top;
};
std::optional<LinkOutside> link_leaves_repository(const std::string& path);

/// Writes `content` to `path` atomically: a temporary file in the same directory (so rename(2)
/// stays on one file system), fsync, then rename over `path`. Readers see the old file or the
/// complete new one, never a torn one; on failure `path` is untouched and the temporary removed.
/// The new file gets permission bits `mode` (e.g. those of the file it replaces), or 0666 & ~umask
/// like a plain open(2) without one. Returns an error message ("cannot write PATH: ...") or
/// std::nullopt.
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view content,
                                                 std::optional<unsigned> mode = std::nullopt);

}  // namespace catalog_lint
