// Running a helper program (git) without a shell.
#pragma once

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

/// Runs `argv` (argv[0] looked up in PATH) with `input` on its standard input, reading its output
/// while writing (no pipe deadlock on large inputs). The caller must ignore SIGPIPE (main does),
/// since the command may exit before reading all input. Never throws.
CommandResult run_command(const std::vector<std::string>& argv, std::string_view input = {});

}  // namespace catalog_lint
