// What every subcommand of the command line shares: exit codes, the standard streams that were
// closed at start, checked writes to standard output, and the parsing of --rule, --disable and
// --limit.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/loader.h"

namespace catalog_lint {

/// Exit codes (README "Exit codes"): no finding at or above --fail-on, some, a usage or I/O error.
inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

/// Which of the standard streams were closed when the run started (`<&-`, `>&-`).
struct ClosedStreams {
  bool in = false, out = false, err = false;
};

/// Opens every closed standard stream (0, 1, 2) on /dev/null, so that no file the run opens
/// takes its place, and says which were closed: reading or writing them is still an error (a
/// report to `/dev/stderr` when stderr was closed included).
ClosedStreams plug_closed_streams();

/// Writes `text` to standard output unbuffered; an error message when it cannot (a full disk, a
/// closed stream), or std::nullopt. A pipe whose reader has stopped reading (EPIPE, as in
/// `catalog-lint . | head -1`) is not an error: the rest is dropped silently, like `git log`.
std::optional<std::string> write_stdout(std::string_view text, const ClosedStreams& closed);

/// Flushes std::cout: `code`, or kExitError (with a message on stderr) when what went to it
/// could not be written; `code` when the reader of a pipe had stopped reading (see write_stdout).
int checked_stdout(int code, const ClosedStreams& closed);

/// True when standard output is a pipe or socket whose reading end is closed (POSIX poll():
/// POLLERR on the write end of a pipe without readers).
bool stdout_reader_gone();

/// `--rule RULE=SEVERITY` and `--disable RULE` as one override map in `out`; an error message on
/// a bad value or an id the registry does not know.
std::optional<std::string> command_line_rules(const std::vector<std::string>& rules,
                                              const std::vector<std::string>& disabled,
                                              std::map<std::string, Severity, std::less<>>& out);

/// `--limit NAME=VALUE` into `limits`; an error message on a bad one. Names: file-bytes, depth,
/// nodes, documents, scalar-bytes, findings (README "Limits"); values 1 to 12 digits.
std::optional<std::string> apply_limits(const std::vector<std::string>& args, Limits& limits);

}  // namespace catalog_lint
