// Running a helper program (git) without a shell.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catalog_lint {

/// The environment variable that sets every child's deadline, in milliseconds (README
/// "Environment").
inline constexpr const char* kChildTimeoutVariable = "CATALOG_LINT_CHILD_TIMEOUT_MS";

/// The deadline for child processes: CATALOG_LINT_CHILD_TIMEOUT_MS when set (a positive decimal
/// number of milliseconds, at most 12 digits), else 10 s. std::nullopt when the variable is set
/// to anything else (main reports that as a usage error).
std::optional<std::chrono::milliseconds> child_timeout_from_env();

/// Bounds on one command. The deadline counts only the time the caller spends waiting for the
/// command or reading its output (in write() and finish()), not the caller's own work between
/// writes, so a long directory walk feeding git does not use it up.
struct CommandLimits {
  /// child_timeout_from_env(), or 10 s when the variable is invalid.
  std::chrono::milliseconds timeout = child_timeout_from_env().value_or(std::chrono::seconds(10));
  std::size_t max_output = std::size_t{256} << 20;  ///< bytes of standard output kept
};

/// What a finished command produced.
struct CommandResult {
  int exit_code = -1;  ///< exit status, or -1 when it could not be run or was killed
  std::string output;  ///< its standard output (standard error is discarded)
  /// Killed (with its process group, SIGKILL) because its deadline passed.
  bool timed_out = false;
  /// Killed because it wrote more than CommandLimits::max_output bytes (output holds those).
  bool output_too_big = false;
  /// Why it was killed, for messages ("did not finish within 300 ms", "wrote more than 1048576
  /// bytes"); "" when it ran to its end (whatever its exit code).
  std::string killed;
};

/// A running command fed through its standard input piece by piece, so it can work while the
/// caller produces the rest (git check-ignore during a directory walk). Its standard output is
/// drained while writing (no pipe deadlock, whatever the sizes); standard error goes to
/// /dev/null. It runs in a process group of its own; past its deadline or output limit the whole
/// group is killed (SIGKILL) and the command reaped. The caller must ignore SIGPIPE (main does):
/// the command may exit before reading all input. Never throws; a command that cannot be
/// started yields exit_code -1 at finish().
class Command {
 public:
  /// Starts `argv` (argv[0] looked up in PATH).
  explicit Command(const std::vector<std::string>& argv, CommandLimits limits = {});
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;
  /// Waits for the command when finish() was not called.
  ~Command();
  /// Writes `bytes` to the command's standard input (all of them, unless it stopped reading).
  void write(std::string_view bytes);
  /// Closes its standard input, reads the rest of its output and waits for it to exit.
  CommandResult finish();

 private:
  void pump(std::string_view bytes);  // writes bytes (may be empty) while draining output
  void kill_group();                  // kills and reaps the command (and its group)
  pid_t pid_ = -1;
  CommandLimits limits_;
  std::chrono::milliseconds waited_{0};  // time spent in pump() so far
  int in_ = -1;                          // its standard input (our write end), -1 once closed
  int out_ = -1;  // its standard output (our read end), -1 once at end of file
  CommandResult result_;
};

/// The entries of NUL-separated output (`git … -z`), empty entries left out.
std::vector<std::string> split_nul(std::string_view output);

/// Runs `argv` with `input` on its standard input and returns its exit code and output (a
/// Command written once and finished). Never throws.
CommandResult run_command(const std::vector<std::string>& argv, std::string_view input = {},
                          CommandLimits limits = {});

}  // namespace catalog_lint
