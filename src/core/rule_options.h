// Rule options (issue 12 "Options belong to rules"): what a rule declares in the `options:` of its
// rules/<id>.md front matter (name, type, default, bounds, one-line doc), the values a config sets
// (`rules: {ID: {options: {NAME: VALUE}}}`), and the typed accessor a rule reads them through.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/node.h"

namespace catalog_lint {

/// The value types an option may have. `strings` accepts a list of strings in a config (also one
/// string, a list of one; empty, no items), as the config file's other lists do.
enum class OptionType { integer, string, strings, boolean };

/// "integer", "string", "list of strings", "boolean" (front matter spells the last two
/// `strings` and `boolean`).
std::string_view to_string(OptionType type);

/// One option value: std::int64_t for integer, std::string, std::vector<std::string> for
/// strings, bool for boolean.
using OptionValue = std::variant<std::int64_t, std::string, std::vector<std::string>, bool>;

/// What a rule declares about one option (`options:` in its front matter). The default is
/// written there once, and nowhere else.
struct OptionSpec {
  std::string name;  ///< snake_case, unique within the rule
  OptionType type = OptionType::integer;
  OptionValue default_value;
  std::optional<std::int64_t> minimum;  ///< integer: inclusive bounds, when given
  std::optional<std::int64_t> maximum;
  std::string doc;  ///< one line
  /// The deprecated `policy:` key that also sets it (docs/policy.md), e.g.
  /// "deprecation_notice_days"; "" when none.
  std::string policy_alias;

  bool operator==(const OptionSpec&) const = default;
};

/// Parses the `options:` value of a front matter (a mapping of option name → {type, default,
/// minimum, maximum, doc, policy_alias}). Throws std::runtime_error naming the option
/// and what is wrong (an unknown key, a default that is not of its type or out of its bounds).
std::vector<OptionSpec> parse_option_specs(const Node* options);

/// `value` as written in messages and text output: `14`, `'text'`, `[a, b]`, `true`.
std::string format_option_value(const OptionValue& value);

/// Checks config value `n` against `spec`: the value, or the error message (`what` names the
/// value, e.g. "rules.short-deprecation-notice.options.notice_days"): "… must be an integer,
/// found string", "… must be between 0 and 100000", … An integer option with minimum 0 says
/// "a non-negative integer". A list of more than `max_items` items is refused too.
std::variant<OptionValue, std::string> check_option_value(
    const OptionSpec& spec, const Node* n, std::string_view what,
    std::size_t max_items = static_cast<std::size_t>(-1));

/// Option values a config sets for one rule, by option name (unset options keep their default).
using OptionValues = std::map<std::string, OptionValue, std::less<>>;

/// The effective options of one rule for one file: the config's values over the declared
/// defaults. Cheap to copy (two pointers); valid while the rule's specs and the values live.
class RuleOptions {
 public:
  RuleOptions(const std::vector<OptionSpec>& specs, const OptionValues* set)
      : specs_(&specs), set_(set) {}
  /// The option `name`. Throws std::logic_error when the rule declares no option `name` of that
  /// type (a rule's own bug: the engine reports it as internal-error).
  std::int64_t integer(std::string_view name) const;
  const std::string& string(std::string_view name) const;
  const std::vector<std::string>& strings(std::string_view name) const;
  bool boolean(std::string_view name) const;
  /// The value of `name` whatever its type, or nullptr when the rule declares no such option.
  const OptionValue* value(std::string_view name) const;
  const std::vector<OptionSpec>& specs() const { return *specs_; }

 private:
  const OptionValue& typed(std::string_view name, OptionType type) const;
  const std::vector<OptionSpec>* specs_;
  const OptionValues* set_;  ///< may be null: every option at its default
};

}  // namespace catalog_lint
