// What a rule is: its metadata, read from the front matter of rules/<id>.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/rule_options.h"

namespace catalog_lint {

/// What a rule is, read from the front matter of `rules/<id>.md` (the single source of truth).
struct RuleInfo {
  std::string id;        ///< stable kebab-case id; never reused
  std::string summary;   ///< one line
  std::string category;  ///< backstage | yaml | input | catalog | ...
  Severity default_severity = Severity::error;
  /// On by default. A rule that is not recommended is off until a config turns it on.
  bool recommended = true;
  /// Its findings are never dropped: `off` in a config still reports them as errors (the run
  /// must never look clean when it could not read or check something).
  bool always_reported = false;
  std::string source;  ///< the Backstage file or policy section it implements
  std::string doc;     ///< the markdown body after the front matter
  /// Its options (front matter `options:`), in declaration order: a config sets them under
  /// `rules: {ID: {options: ...}}`, the rule reads them through RuleOptions.
  std::vector<OptionSpec> options;

  bool operator==(const RuleInfo&) const = default;
};

/// Parses one rule document: a `---` line, YAML front matter (a mapping of id, summary,
/// category, severity, recommended, always_reported, source, options; read with the YAML loader),
/// a `---` line, the markdown body. Throws std::runtime_error naming the missing or bad key
/// (parse_option_specs for `options:`).
RuleInfo parse_rule_doc(std::string_view text);

}  // namespace catalog_lint
