// The fix run (issue 16): applies the fixes findings carry in bounded rounds, linting again after
// each, and writes the files or shows the unified diff. `catalog-lint --fix`, `--diff` and
// `--unsafe-fixes` (docs/fixes.md). The edits themselves are core/edit.h.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/edit.h"
#include "core/linter.h"

namespace catalog_lint {

/// What `--fix`, `--diff`, `--unsafe-fixes` asked for.
struct FixArgs {
  bool fix = false;     ///< --fix: write fixed files in place (or, with --stdin, print the text)
  bool diff = false;    ///< --diff: print a unified diff of the fixes, write nothing
  bool unsafe = false;  ///< --unsafe-fixes: apply unsafe fixes too
  /// --diff to a terminal: a carriage return inside a line is shown as U+240D (a raw one moves
  /// the cursor back and hides the text before it); to a pipe the diff stays byte-exact.
  bool show_carriage_returns = false;
  bool any() const { return fix || diff; }
};

/// Where a fix run starts: the lint's inputs and its first result.
struct FixInput {
  /// The files the walk found (named or discovered): the only files ever written. Location
  /// targets and files linted because of --changed-since are linted, never written.
  std::vector<std::string> walk;
  bool from_stdin = false;  ///< standard input was linted (its text is `stdin_bytes`)
  std::string stdin_name;   ///< the name it was linted as
  std::string stdin_bytes;
};

/// The outcome of a fix run.
struct FixOutcome {
  /// When set, the run ends with this exit code (after --diff, --stdin --fix, or an error);
  /// otherwise `result` holds what is left and the reports are written as usual.
  std::optional<int> exit_code;
  std::size_t fixes = 0;  ///< fixes applied (or, with --diff, that would be)
  std::size_t files = 0;  ///< files changed (or that would be)
};

/// Runs the fix rounds over `result` (a finished lint of `input` with `options`): per round, the
/// fixes round_edits() picks for each eligible file are applied to its text in memory and every
/// linted file is linted again (lint_bytes, then finish()), until a round applies nothing or
/// kMaxFixRounds rounds have run. A file is eligible when it is in `input.walk`, was read and
/// parsed (no unreadable-file, invalid-config, invalid-utf8, unsupported-encoding, limit-exceeded,
/// yaml-syntax-error or internal-error finding), is not a scaffolder skeleton (sniff_skeleton),
/// and is not a symbolic link that leads out of its repository (a syntax error does not count
/// when the file's bare CRs have a fix: they are its cause); a round after which a file does not
/// parse is undone for that file, which is then left as it was before the round (said on `err`).
/// With --stdin, the text is printed whether or not it could be fixed.
/// Then: with `args.diff`, the diff of every changed file goes to `out` and the exit code is 1
/// when there is one, else 0 (2 on error); nothing is written. With `args.fix` and standard
/// input, the fixed text goes to `out` and the exit code is that of the findings left at
/// `fail_on`. With `args.fix`, each changed file is written atomically (a temporary file in its
/// directory, its permissions, rename; only when it still holds the bytes that were linted) and
/// `result` is replaced by a fresh lint_files(input.walk) of the written files; a line per file
/// goes to `err` ("fixed N findings in FILE"). Errors (a file that cannot be written) go to
/// `err` and make the exit code 2.
FixOutcome run_fixes(const FixArgs& args, const FixInput& input, const LintOptions& options,
                     Severity fail_on, LintResult& result, std::ostream& out, std::ostream& err);

}  // namespace catalog_lint
