// Where reports go: the --format/--output plan, safe output writing, file identities.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_io.h"

namespace catalog_lint {

/// One requested report: a format (human | json | sarif | github | junit) and its destination
/// (a file path; empty or "-" = standard output).
struct OutputSpec {
  std::string format;
  std::string file;
  bool to_stdout() const { return file.empty() || file == "-"; }
};

/// The formats `--format` accepts.
bool is_known_format(std::string_view format);

/// One command-line occurrence, in command-line order: `--format VALUE` (is_format) or
/// `--output VALUE`.
struct OutputArg {
  bool is_format = true;
  std::string value;
};

/// Turns `--format F[=FILE]` / `--output FILE` occurrences into output specs: `--output` names the
/// file of the `--format` just before it; `F=FILE` names it inline. With no `--format`, the human
/// report goes to standard output; when every requested format goes to a file, the human report
/// is added on standard output. A FILE that is standard output itself (same device and inode:
/// `/dev/stdout`, or the file stdout is redirected to) counts as standard output. Returns an
/// error message (usage error) or std::nullopt.
std::optional<std::string> plan_outputs(const std::vector<OutputArg>& args,
                                        std::vector<OutputSpec>& plan);

/// Writes `content` to the output `path` without destroying what is there: a symlink is followed
/// (the file it names is written, the link stays, a dangling one creates its target), unless it
/// is a link in a git repository that leads out of it (link_leaves_repository(): refused, so that
/// a committed `results.sarif -> ~/.bashrc` cannot have a CI run write over it); a regular
/// file (or none) is replaced atomically by write_file_atomically(); anything else that exists
/// (character or block device, FIFO, socket, and whatever /dev/stdout, /dev/fd/N or
/// /proc/self/fd/N lead to, regular or not) is opened and written in place, appending, never
/// replaced or truncated. A FIFO is opened non-blocking first: one without a reader is an error,
/// not a hang. A directory is an error. Returns an error message ("cannot write PATH: …") or
/// std::nullopt.
std::optional<std::string> write_output(const std::string& path, std::string_view content);

/// The identity of a file for "is this the same file" checks: device and inode of what `path`
/// leads to (symlinks followed); for a file that does not exist yet, those of its directory plus
/// its name, so two spellings of one new file (through a symlinked directory) compare equal.
/// std::nullopt when neither can be found (no such directory: nothing there to overwrite).
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  std::string name;  ///< "" for an existing file; else the file name in directory (device, inode)
  auto operator<=>(const FileIdentity&) const = default;
};
std::optional<FileIdentity> file_identity(const std::string& path);

}  // namespace catalog_lint
