// Where reports go: the --format/--output plan, and atomic file writing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
/// is added on standard output. Returns an error message (usage error) or std::nullopt.
std::optional<std::string> plan_outputs(const std::vector<OutputArg>& args,
                                        std::vector<OutputSpec>& plan);

/// Writes `content` to `path` atomically: a temporary file in the same directory (so rename(2)
/// stays on one file system), fsync, then rename over `path`. Readers see the old file or the
/// complete new one, never a torn one; on failure `path` is untouched and the temporary removed.
/// The new file gets mode 0666 & ~umask, like a plain open(2). Returns an error message or
/// std::nullopt.
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view content);

}  // namespace catalog_lint
