// Running a helper program (git) without a shell.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catalog_lint {

/// What a finished command produced.
struct CommandResult {
  int exit_code = -1;  ///< exit status, or -1 when it could not be run or was killed
  std::string output;  ///< its standard output (standard error is discarded)
};

/// A running command fed through its standard input piece by piece, so it can work while the
/// caller produces the rest (git check-ignore during a directory walk). Its standard output is
/// drained while writing (no pipe deadlock, whatever the sizes); standard error goes to
/// /dev/null. The caller must ignore SIGPIPE (main does): the command may exit before reading
/// all input. Never throws; a command that cannot be started yields exit_code -1 at finish().
class Command {
 public:
  /// Starts `argv` (argv[0] looked up in PATH).
  explicit Command(const std::vector<std::string>& argv);
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
  pid_t pid_ = -1;
  int in_ = -1;   // its standard input (our write end), -1 once closed
  int out_ = -1;  // its standard output (our read end), -1 once at end of file
  CommandResult result_;
};

/// The entries of NUL-separated output (`git … -z`), empty entries left out.
std::vector<std::string> split_nul(std::string_view output);

/// Runs `argv` with `input` on its standard input and returns its exit code and output (a
/// Command written once and finished). Never throws.
CommandResult run_command(const std::vector<std::string>& argv, std::string_view input = {});

}  // namespace catalog_lint
