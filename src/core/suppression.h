// In-source suppression comments:
//   # catalog-lint-disable-next-line RULE[, RULE...] -- reason
//   # catalog-lint-disable-file RULE[, RULE...] -- reason
// A suppressed diagnostic is kept (marked) so that SARIF can show it as dismissed; a directive
// that matches nothing, names an unknown rule, or gives no reason is reported itself, as ESLint
// reports unused disable directives (--report-unused-disable-directives). A directive cannot
// silence a rule whose findings make Backstage reject the document (category backstage or yaml,
// error by default): those findings stay, and the directive gets an invalid-suppression warning.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/rule.h"
#include "core/source.h"

namespace catalog_lint {

/// One suppression directive found in a file's comments.
struct Suppression {
  bool whole_file = false;         ///< disable-file; else disable-next-line
  int target_line = 0;             ///< the line it covers (next-line directives)
  std::vector<std::string> rules;  ///< rule ids as written
  std::vector<bool> used;          ///< per rule: matched at least one diagnostic
  std::string reason;              ///< text after ` -- `; empty when missing
  SourcePos pos;                   ///< position of the `#`
  /// Per rule: the position of its name as written (findings about one rule point there).
  std::vector<SourcePos> rule_pos;
  /// The directive's source line, shared by every diagnostic about it (one copy per line,
  /// however many rules the directive names).
  std::shared_ptr<const std::string> line_text;
};

/// Finds every directive in `src` (a `#` comment whose text starts with `catalog-lint-disable-`).
/// A malformed directive (unknown verb, no rule) is returned with an empty `rules` list. Each
/// directive and rule name may become a finding: once `max_names` (Limits::max_findings) are
/// read, the rest of the file's directives are not, and `*cut` (when given) is set to the `#` of
/// the first directive left out.
std::vector<Suppression> parse_suppressions(const SourceText& src, std::size_t max_names = 10'000,
                                            std::optional<SourcePos>* cut = nullptr);

/// Marks each diagnostic of `file` in `diagnostics` that a directive covers as suppressed, then
/// appends `invalid-suppression` (unknown rule, missing reason, malformed) and
/// `unused-suppression` (matched nothing) diagnostics, not yet stamped (src/core/stamp.h).
/// Directives are indexed by (line, rule): O(diagnostics + named rules), whatever their numbers.
void apply_suppressions(const std::string& file, std::vector<Suppression>& directives,
                        std::vector<Diagnostic>& diagnostics);

/// The suppression directives of one file.
struct FileSuppressions {
  std::string file;
  std::vector<Suppression>* directives = nullptr;
};

/// apply_suppressions() for many files at once, in the order given (the same result as one call
/// per file), in O(diagnostics + named rules): `diagnostics` is grouped by file once instead of
/// being scanned once per file.
void apply_suppressions(const std::vector<FileSuppressions>& files,
                        std::vector<Diagnostic>& diagnostics);

}  // namespace catalog_lint
