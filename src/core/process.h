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

/// The largest deadline CATALOG_LINT_CHILD_TIMEOUT_MS may set, in milliseconds (about 31 years:
/// "never" in practice, and far from overflowing std::chrono's nanosecond arithmetic).
inline constexpr long long kMaxChildTimeoutMs = 999'999'999'999;

/// The deadline for child processes: CATALOG_LINT_CHILD_TIMEOUT_MS when set (decimal digits only,
/// leading zeros allowed, a value from 1 to kMaxChildTimeoutMs milliseconds), else 10 s.
/// std::nullopt when the variable is set to anything else (main reports that as a usage error).
std::optional<std::chrono::milliseconds> child_timeout_from_env();

/// Whether a program that was killed (deadline or output limit) is started again. When turned on
/// (main does, for the whole run), later commands of a program (argv[0]) that was once killed are
/// not started: they finish at once with exit_code -1, `skipped` set and `killed` saying why, so a
/// git that hangs costs one deadline per run, not one per directory asked. Turning it on or off
/// forgets the programs seen so far. Off by default (unit tests run commands that time out).
void set_skip_after_timeout(bool on);

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
  /// Not started: the same program was killed earlier (set_skip_after_timeout).
  bool skipped = false;
  /// Why it was killed or not run, for messages ("did not finish within 300 ms", "wrote more
  /// than 1048576 bytes", "was not run (an earlier git did not finish within 300 ms)"); "" when
  /// it ran to its end (whatever its exit code).
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
  /// Starts `argv` (argv[0] looked up in PATH; `git` gets `-c core.fsmonitor=false`: a
  /// repository's config must not start commands).
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
  void time_out();                    // records a deadline kill in result_, then remember_kill()
  void remember_kill();  // later commands of this program are skipped (set_skip_after_timeout)
  pid_t pid_ = -1;
  std::string program_;  // argv[0]
  CommandLimits limits_;
  std::chrono::milliseconds waited_{0};  // time spent in pump() so far
  int in_ = -1;                          // its standard input (our write end), -1 once closed
  int out_ = -1;  // its standard output (our read end), -1 once at end of file
  CommandResult result_;
};

/// Makes relative paths in git's environment variables (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE,
/// GIT_OBJECT_DIRECTORY, GIT_COMMON_DIR; git(1) "Environment Variables") absolute, relative to
/// the current directory, as a git run here reads them: the tool runs `git -C DIR`, which would
/// read them relative to DIR (a hook's GIT_INDEX_FILE=.git/index, a GIT_DIR=.git). With GIT_DIR
/// and no GIT_WORK_TREE, sets GIT_WORK_TREE to the top a git run here sees (`git rev-parse
/// --show-toplevel`: git takes its working directory as the top then, which `-C DIR` would move).
/// Changes the process environment: call it once at start, before any thread.
void anchor_git_environment();

/// The entries of NUL-separated output (`git … -z`), empty entries left out.
std::vector<std::string> split_nul(std::string_view output);

/// Runs `argv` with `input` on its standard input and returns its exit code and output (a
/// Command written once and finished). Never throws.
CommandResult run_command(const std::vector<std::string>& argv, std::string_view input = {},
                          CommandLimits limits = {});

}  // namespace catalog_lint
