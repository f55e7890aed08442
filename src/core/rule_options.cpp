#include "core/rule_options.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "core/entity_ref.h"

namespace catalog_lint {

std::string_view to_string(OptionType type) {
  switch (type) {
    case OptionType::integer:
      return "integer";
    case OptionType::string:
      return "string";
    case OptionType::strings:
      return "list of strings";
    case OptionType::boolean:
      return "boolean";
  }
  return "integer";
}

std::string format_option_value(const OptionValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&value)) return "'" + *s + "'";
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  std::string out = "[";
  for (const std::string& s : std::get<std::vector<std::string>>(value))
    out += (out.size() > 1 ? ", " : "") + s;
  return out + "]";
}

std::variant<OptionValue, std::string> check_option_value(const OptionSpec& spec, const Node* n,
                                                          std::string_view what,
                                                          std::size_t max_items) {
  const std::string found = found_value(*n);
  switch (spec.type) {
    case OptionType::integer: {
      const bool non_negative = spec.minimum && *spec.minimum == 0;
      if (n->type != NodeType::integer)
        return fmt::format("{} must be {}, found {}", what,
                           non_negative ? "a non-negative integer" : "an integer", found);
      // As YAML 1.2 reads it (0x1e, 0o17; 030 is thirty), never C's octal.
      const auto parsed = integer_value(n->text);
      if (!std::holds_alternative<std::int64_t>(parsed))
        return fmt::format("{} is out of range", what);
      const std::int64_t v = std::get<std::int64_t>(parsed);
      const std::int64_t lo = spec.minimum.value_or(std::numeric_limits<std::int64_t>::min());
      const std::int64_t hi = spec.maximum.value_or(std::numeric_limits<std::int64_t>::max());
      if (v < lo || v > hi) {
        if (spec.minimum && spec.maximum)
          return fmt::format("{} must be between {} and {}", what, lo, hi);
        if (spec.minimum) return fmt::format("{} must be at least {}", what, lo);
        return fmt::format("{} must be at most {}", what, hi);
      }
      return OptionValue(v);
    }
    case OptionType::string:
      if (!n->is_string()) return fmt::format("{} must be a string, found {}", what, found);
      return OptionValue(n->text);
    case OptionType::boolean:
      if (n->type != NodeType::boolean)
        return fmt::format("{} must be true or false, found {}", what, found);
      return OptionValue(to_lower(n->text) == "true");
    case OptionType::strings: {
      std::vector<std::string> out;
      if (n->is_string()) return OptionValue(std::vector<std::string>{n->text});
      if (n->type == NodeType::null) return OptionValue(out);
      if (!n->is_seq()) return fmt::format("{} must be a list of strings, found {}", what, found);
      if (n->items.size() > max_items)
        return fmt::format("{} has {} items, over the limit of {}", what, n->items.size(),
                           max_items);
      for (const Node* item : n->items) {
        if (!item->is_string())
          return fmt::format("{} item must be a string, found {}", what, found_value(*item));
        out.push_back(item->text);
      }
      return OptionValue(std::move(out));
    }
  }
  return std::string("unknown option type");
}

std::vector<OptionSpec> parse_option_specs(const Node* options) {
  if (options == nullptr || options->type == NodeType::null) return {};
  if (!options->is_map())
    throw std::runtime_error(
        "front matter key 'options' must be a mapping of option name to "
        "{type, default, doc}");
  std::vector<OptionSpec> out;
  for (const auto& [k, v] : options->entries) {
    OptionSpec spec;
    spec.name = k->text;
    auto bad = [&](const std::string& why) {
      throw std::runtime_error(fmt::format("option '{}': {}", spec.name, why));
    };
    if (spec.name.empty() || !k->is_string()) bad("the name must be a non-empty string");
    for (const char c : spec.name)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
        bad("the name must be snake_case ([a-z0-9_])");
    for (const OptionSpec& o : out)
      if (o.name == spec.name) bad("declared twice");
    if (!v->is_map()) bad("must be a mapping of type, default, doc");
    const Node* type = v->get("type");
    const Node* def = v->get("default");
    const Node* doc = v->get("doc");
    if (type == nullptr || def == nullptr || doc == nullptr) bad("needs type, default and doc");
    if (type->text == "integer")
      spec.type = OptionType::integer;
    else if (type->text == "string")
      spec.type = OptionType::string;
    else if (type->text == "strings")
      spec.type = OptionType::strings;
    else if (type->text == "boolean")
      spec.type = OptionType::boolean;
    else
      bad("type '" + type->text + "' is not one of: integer, string, strings, boolean");
    if (!doc->is_string() || doc->text.empty()) bad("doc must be a one-line string");
    spec.doc = doc->text;
    for (const auto& entry : v->entries) {
      // Not a structured binding: clang before 16 cannot capture one in the lambda below.
      const Node* value = entry.second;
      const std::string_view name = entry.first->text;
      auto bound = [&]() -> std::int64_t {
        if (spec.type != OptionType::integer)
          bad(fmt::format("'{}' applies to integer options only", name));
        if (value->type != NodeType::integer) bad(fmt::format("'{}' must be an integer", name));
        const auto parsed = integer_value(value->text);
        if (!std::holds_alternative<std::int64_t>(parsed))
          bad(fmt::format("'{}' is out of range", name));
        return std::get<std::int64_t>(parsed);
      };
      if (name == "minimum") {
        spec.minimum = bound();
      } else if (name == "maximum") {
        spec.maximum = bound();
      } else if (name == "policy_alias") {
        if (!value->is_string() || value->text.empty()) bad("policy_alias must be a string");
        spec.policy_alias = value->text;
      } else if (name != "type" && name != "default" && name != "doc") {
        bad(
            fmt::format("unknown key '{}'; expected type, default, minimum, maximum, doc, "
                        "policy_alias",
                        name));
      }
    }
    if (spec.minimum && spec.maximum && *spec.minimum > *spec.maximum)
      bad("minimum is above maximum");
    // The default must be a value a config could give: of its type, within its bounds.
    auto checked = check_option_value(spec, def, "the default");
    if (auto* error = std::get_if<std::string>(&checked)) bad(*error);
    spec.default_value = std::get<OptionValue>(std::move(checked));
    out.push_back(std::move(spec));
  }
  return out;
}

const OptionValue* RuleOptions::value(std::string_view name) const {
  if (set_ != nullptr)
    if (const auto it = set_->find(name); it != set_->end()) return &it->second;
  for (const OptionSpec& s : *specs_)
    if (s.name == name) return &s.default_value;
  return nullptr;
}

const OptionValue& RuleOptions::typed(std::string_view name, OptionType type) const {
  const auto spec = std::find_if(specs_->begin(), specs_->end(),
                                 [&](const OptionSpec& s) { return s.name == name; });
  if (spec == specs_->end() || spec->type != type)
    throw std::logic_error(
        fmt::format("the rule declares no {} option '{}'", to_string(type), name));
  return *value(name);
}

std::int64_t RuleOptions::integer(std::string_view name) const {
  return std::get<std::int64_t>(typed(name, OptionType::integer));
}

const std::string& RuleOptions::string(std::string_view name) const {
  return std::get<std::string>(typed(name, OptionType::string));
}

const std::vector<std::string>& RuleOptions::strings(std::string_view name) const {
  return std::get<std::vector<std::string>>(typed(name, OptionType::strings));
}

bool RuleOptions::boolean(std::string_view name) const {
  return std::get<bool>(typed(name, OptionType::boolean));
}

}  // namespace catalog_lint
