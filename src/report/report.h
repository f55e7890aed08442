// Reporters: the only code that formats diagnostics for people and machines.
#pragma once

#include <ostream>

#include "core/linter.h"

namespace catalog_lint {

/// Counts of a result, by severity, and files with at least one finding.
struct Summary {
  std::size_t errors = 0, warnings = 0, notes = 0;
  std::size_t files = 0, files_with_findings = 0;
};
Summary summarize(const LintResult& result);

/// Options for the human reporter.
struct HumanOptions {
  bool color = false;  ///< ANSI colours (only on a terminal, unless --color always)
  bool quiet = false;  ///< errors only, and no summary line when there are none
};

/// Compiler-style output: `path:line:col: severity: message [rule-id]`, the source line with a
/// caret under the offending text, `= help:` and `note:` lines, then
/// `N errors, M warnings in K of F files`.
void report_human(std::ostream& out, const LintResult& result, const HumanOptions& options);

/// `{"version":1,"diagnostics":[...],"summary":{...}}` (schema documented in README.md), built
/// with nlohmann-json; invalid UTF-8 from the input is replaced by U+FFFD.
void report_json(std::ostream& out, const LintResult& result);

}  // namespace catalog_lint
