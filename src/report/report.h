// Reporters: the only code that formats diagnostics for people and machines.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/linter.h"
#include "core/repo.h"
#include "core/source.h"

namespace catalog_lint {

// printable() (core/source.h) makes text safe for a terminal or a CI log.

/// Counts of a result, by severity, and files with at least one finding.
struct Summary {
  std::size_t errors = 0, warnings = 0, notes = 0;
  std::size_t files = 0, files_with_findings = 0;
  std::size_t suppressed = 0;  ///< findings hidden by suppression comments or the baseline
  /// Counted findings located in no linted file (a config, a catalog source, the baseline),
  /// the number of such files, and the first of them (by path).
  std::size_t elsewhere = 0;
  std::size_t elsewhere_files = 0;
  std::string elsewhere_file;
};
Summary summarize(const LintResult& result);

/// Options for the human reporter.
struct HumanOptions {
  bool color = false;  ///< ANSI colours (only on a terminal, unless --color always)
  /// Quiet: only findings at or above `quiet_threshold` (the run's --fail-on), and no summary
  /// line when there are none.
  bool quiet = false;
  Severity quiet_threshold = Severity::error;
  /// Paths given that could not be read (said on standard error): the summary then does not
  /// say "no problems".
  std::size_t path_errors = 0;
};

/// Compiler-style output: `path:line:col: severity: message [rule-id]`, the source line with a
/// caret under the offending text, `= help:`, `note:` and `= fix:` lines (the fix the finding
/// offers and the option that applies it), then `N errors, M warnings in K of F files` (with
/// `, E in .catalog-lint.yaml` or `, E in F files not linted (config, catalog source or
/// baseline)` for findings located outside the linted files) and, when
/// findings shown offer fixes, `N fixable with --fix (M more with --fix --unsafe-fixes)`.
void report_human(std::ostream& out, const LintResult& result, const HumanOptions& options);

/// `{"version":1,"diagnostics":[...],"summary":{...}}` (schema documented in README.md), built
/// with nlohmann-json; invalid UTF-8 from the input is replaced by U+FFFD. `path_errors` (paths
/// that could not be found or walked: path, reason) become a `path_errors` array after
/// `summary`, present only when there are any.
void report_json(std::ostream& out, const LintResult& result,
                 const std::vector<std::pair<std::string, std::string>>& path_errors = {});

// ---- CI formats: SARIF 2.1.0, GitHub workflow commands, JUnit XML (issue 4) ----

/// Options for the SARIF reporter.
struct SarifOptions {
  std::string root;      ///< repository root (find_repo_root()); URIs are relative to it
  std::string category;  ///< §3.17.3 automationDetails.id (from --sarif-category); empty = none
  /// Rules listed in tool.driver.rules (§3.19.23): every rule enabled here, plus any rule that
  /// has a result. nullptr = the registry defaults.
  const RuleConfig* config = nullptr;
  /// Paths that could not be walked at all (discovery errors: path, reason); reported as
  /// toolExecutionNotifications (§3.20.21) and make executionSuccessful false (§3.20.14).
  std::vector<std::pair<std::string, std::string>> path_errors;
  /// Rules declared in repository configs that the registry does not know (declarative rules of
  /// a repo's own): listed like registry rules, in id order, when they have results.
  std::vector<RuleInfo> extra_rules;
  /// tool.driver.informationUri (§3.19.17).
  std::string information_uri = "https://github.com/catalog-lint/catalog-lint";
};

/// One SARIF 2.1.0 log (§3.13) with one run (§3.14): tool.driver with every rule (§3.49), results
/// (§3.27) with a repository-relative location, UTF-16 columns (§3.14.27), logical locations
/// (§3.33), related locations for notes (§3.27.22), `catalogLint/v1` partialFingerprints
/// (§3.27.17), and invocations[0] (§3.20) with notifications for unreadable files. Built with
/// nlohmann-json; invalid UTF-8 is replaced by U+FFFD.
void report_sarif(std::ostream& out, const LintResult& result, const SarifOptions& options);

/// Options for the GitHub workflow-command reporter.
struct GithubOptions {
  std::string root;  ///< repository root; `file=` is relative to it (GitHub's workspace)
};

/// GitHub Actions workflow commands: `::error
/// file=F,line=L,col=C,endLine=L,endColumn=C,title=RULE:: message` (notes as `::notice`), errors
/// first, then warnings, then notes, each in report order, with GitHub's escaping of properties and
/// data; then one plain summary line counting each type (GitHub shows only 10 annotations per type
/// per step).
void report_github(std::ostream& out, const LintResult& result, const GithubOptions& options);

/// Options for the JUnit reporter.
struct JunitOptions {
  /// Every linted file (so clean files appear as passing suites); files with findings are added
  /// even when missing here.
  std::vector<std::string> files;
  Severity fail_on = Severity::error;  ///< findings at or above this are <failure>s
};

/// JUnit XML (the de-facto Ant/Jenkins/GitLab schema): one <testsuite> per file, one <testcase>
/// per entity (name = entity ref, or "document N" (1-based) when it has none, or "file" for
/// whole-file findings); findings at or above `fail_on` make one <failure> carrying every
/// finding of the testcase, lesser ones go to <system-out>. Valid UTF-8 and XML 1.0 whatever the
/// input held.
void report_junit(std::ostream& out, const LintResult& result, const JunitOptions& options);

/// `text` escaped for XML 1.0 character data and attribute values: & < > " ' as entities,
/// TAB/LF/CR as character references, characters not allowed in XML 1.0 (C0 controls, U+FFFE,
/// U+FFFF) removed, invalid UTF-8 replaced by U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace catalog_lint
