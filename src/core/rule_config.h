// The effective configuration of rules for one file: a severity per rule id, and the option
// values config files set.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <array>

#include "core/diagnostic.h"
#include "core/rule_id.h"
#include "core/rule_options.h"

namespace catalog_lint {

/// The effective rule configuration of one run: severity per rule id (Severity::off = disabled).
class RuleConfig {
 public:
  Severity severity(std::string_view id) const;
  bool enabled(std::string_view id) const { return severity(id) != Severity::off; }
  /// The same for a registry rule, in constant time.
  Severity severity(RuleId id) const { return by_id_[static_cast<std::size_t>(id)]; }
  bool enabled(RuleId id) const { return severity(id) != Severity::off; }
  void set(std::string id, Severity s);
  /// Disables every rule except `id` (fixture runs test one rule at a time).
  void only(std::string id);
  /// True after only(): config files may then change severities but enable nothing new.
  bool only_mode() const { return only_mode_; }
  /// Applies config-file overrides (`rules:` in .catalog-lint.yaml): sets each id's severity; in
  /// only() mode, only rules that are still enabled change.
  void apply(const std::map<std::string, Severity, std::less<>>& overrides);
  /// Sets option values (`rules: {ID: {options: ...}}`, rule id → values): option by option, a
  /// later call wins; unset options keep the rule's declared default.
  void apply_options(const std::map<std::string, OptionValues, std::less<>>& options);
  /// The option values set for rule `id`, or nullptr when none is (every option at its default).
  const OptionValues* options(std::string_view id) const;

 private:
  std::map<std::string, OptionValues, std::less<>> options_;
  std::map<std::string, Severity, std::less<>> severities_;
  std::array<Severity, kRuleCount> by_id_{};  ///< severities_ of the registry's rules
  bool only_mode_ = false;
};

}  // namespace catalog_lint
