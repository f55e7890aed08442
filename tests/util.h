// Shared helpers for the test suite.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/linter.h"

namespace catalog_lint::test {

/// Marks the running test as skipped because `why` (a tool is missing): prints it, and makes
/// the test process exit with 77 (ctest's "Skipped") when nothing failed. Fails the test instead
/// when the environment says CI=true, where every tool must be installed.
void skip(const std::string& why);
/// How many skips were recorded in this process.
int skipped();

/// Absolute path of the repository root (the tests run from there in CI, but don't rely on it).
std::string source_dir();
/// Reads a whole file; throws std::runtime_error when it cannot.
std::string read_file(const std::string& path);
/// Writes a whole file (creating parent directories).
void write_file(const std::string& path, const std::string& content);
/// A fresh empty temporary directory, removed at process exit.
std::string temp_dir();

/// What a run of the built `catalog-lint` binary produced.
struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};
/// How run_with() sets up the child: working directory, environment, standard streams, limits.
struct RunOptions {
  std::string cwd;
  std::vector<std::pair<std::string, std::string>> env;  ///< set in the child
  std::string path_prefix;  ///< a directory put first on PATH (fake programs)
  bool stdin_closed = false;
  bool stdout_closed = false;
  bool stdout_broken_pipe = false;  ///< stdout is a pipe whose reading end is already closed
  std::string stdin_path;           ///< opened read-only (may be a directory); "" = /dev/null
  std::string stdout_path;          ///< opened write-only, not truncated; "" = a temporary file
  /// RLIMIT_AS of the child in bytes (0 = none): a run that needs more aborts (std::bad_alloc).
  unsigned long long address_space = 0;
};

/// Runs the built binary with `args` as `o` says. A run that takes over 120 s is killed (exit
/// code 128 + SIGALRM); `out` is read only when stdout went to a temporary file.
CliRun run_with(const std::vector<std::string>& args, const RunOptions& o);

/// Runs the built binary with `args` (each passed as one argument, no shell) in `cwd`, with
/// optional standard input. A run that takes over 120 s is killed (exit code 128 + SIGALRM).
CliRun run_cli(const std::vector<std::string>& args, const std::string& cwd = "",
               const std::string& stdin_text = "");

/// Lints `text` as file `name` with only `rule` enabled (all rules when empty), including the
/// catalog phase over this one file. For rules of category `suppression`, which judge the
/// findings of other rules, every rule runs and only `rule`'s diagnostics are kept.
LintResult lint_text(const std::string& text, const std::string& rule = "",
                     const std::string& name = "test.yaml", const std::string& today = "");

/// From a `--format json` run: "file severity" for each finding of `rule`, in report order, then
/// "files=N" (the number of files linted). Throws when the output is not JSON.
std::vector<std::string> severities_of(const CliRun& run, const std::string& rule);

/// The loader's verdict on config `text` read as file `file` (parse_config): the
/// ConfigError::format() it throws ("file:line:col: error: message"), or `ok` when it loads.
std::string config_verdict(const std::string& file, const std::string& text,
                           const std::string& ok = "ok");

/// A fresh temporary directory that is a git work tree (`git init`), as a canonical path
/// (messages show resolved paths).
std::string git_repo();

/// A git_repo() holding a copy of `testdata/<name>` (from the source tree), committed.
std::string committed_copy(const std::string& name);

/// Runs `command` through /bin/sh in `dir`; returns its exit status (-1 when killed) and its
/// standard output and error, combined.
std::pair<int, std::string> sh(const std::string& dir, const std::string& command);

/// True when `program` is on PATH.
bool have(const std::string& program);

/// "rule@line:col" for each diagnostic, in report order.
std::vector<std::string> brief(const LintResult& result);

}  // namespace catalog_lint::test
