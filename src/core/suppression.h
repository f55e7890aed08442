// In-source suppression comments:
//   # catalog-lint-disable-next-line RULE[, RULE...] -- reason
//   # catalog-lint-disable-file RULE[, RULE...] -- reason
// A suppressed diagnostic is kept (marked) so that SARIF can show it as dismissed; a directive
// that matches nothing, names an unknown rule, or gives no reason is reported itself, as ESLint
// reports unused disable directives (--report-unused-disable-directives).
#pragma once

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
  std::string line_text;           ///< the directive's source line
};

/// Finds every directive in `src` (a `#` comment whose text starts with `catalog-lint-disable-`).
/// A malformed directive (unknown verb, no rule) is returned with an empty `rules` list.
std::vector<Suppression> parse_suppressions(const SourceText& src);

/// Marks each diagnostic of `file` in `diagnostics` that a directive covers as suppressed, then
/// appends `invalid-suppression` (unknown rule, missing reason, malformed) and
/// `unused-suppression` (matched nothing) diagnostics, not yet stamped (src/core/stamp.h).
void apply_suppressions(const std::string& file, std::vector<Suppression>& directives,
                        std::vector<Diagnostic>& diagnostics);

}  // namespace catalog_lint
