// Baselines: record today's findings so a CI gate fails only on new ones (--write-baseline FILE,
// --baseline FILE). Findings match on the same stable fingerprint SARIF uses (rule, file relative
// to the repository root, entity ref, field path without list positions, the offending value;
// not the line), so a baseline survives edits that move lines or insert list items.
#pragma once

#include <string>
#include <vector>

#include "core/linter.h"

namespace catalog_lint {

/// One recorded finding.
struct BaselineEntry {
  std::string fingerprint;  ///< finding_hash(...) ":" occurrence (1-based)
  std::string rule, file, entity, path, message;
  /// 2: finding_hash (baselines with `"fingerprints": 2`); 1: the older fingerprint_hash over the
  /// whole JSON pointer (baselines written before it; entries carried over keep `"scheme": 1`).
  int scheme = 2;
};

/// A loaded baseline file.
struct Baseline {
  std::string path;  ///< where it was read from (for stale-entry diagnostics)
  std::vector<BaselineEntry> entries;
};

/// The baseline of `result`'s unsuppressed diagnostics as JSON text:
/// `{"version":1,"tool":"catalog-lint","fingerprints":2,"findings":[{fingerprint,rule,file,entity,
/// path,message}]}`,
/// sorted, files relative to `root`.
/// `keep`: entries of an existing baseline to carry over (those of files this run did not lint).
std::string baseline_json(const LintResult& result, const std::string& root,
                          const std::vector<BaselineEntry>& keep = {});

/// The entries of `baseline` whose file `result` did not lint (for --write-baseline on a subset).
std::vector<BaselineEntry> entries_of_other_files(const Baseline& baseline,
                                                  const LintResult& result,
                                                  const std::string& root);

/// Reads a baseline file. Throws std::runtime_error with a message naming the file when it cannot
/// be read or is not a baseline.
Baseline load_baseline(const std::string& path);

/// Marks each diagnostic the baseline records as suppressed (kind "external"); each baseline
/// entry of a linted file that matches nothing becomes a `stale-baseline-entry` diagnostic (when
/// enabled) in the baseline file, so the baseline can shrink. Entries of files this run did not
/// lint (a pre-commit or --changed-since run) are left alone. `config`: the effective
/// configuration of the baseline file (rules_for(baseline path)), which stamps those findings.
/// At most `max_findings` (Limits::max_findings) stale entries are reported; past them one
/// `limit-exceeded` finding says the rest are not, so a huge baseline cannot grow the report
/// without bound.
void apply_baseline(const Baseline& baseline, LintResult& result, const std::string& root,
                    const RuleConfig& config, std::size_t max_findings = 10'000);

}  // namespace catalog_lint
