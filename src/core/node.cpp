#include "core/node.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/source.h"

namespace catalog_lint {

std::string_view json_type_name(NodeType t) {
  switch (t) {
    case NodeType::null:
      return "null";
    case NodeType::boolean:
      return "boolean";
    case NodeType::integer:
    case NodeType::floating:
      return "number";
    case NodeType::string:
      return "string";
    case NodeType::sequence:
      return "array";
    case NodeType::mapping:
      return "object";
  }
  return "null";
}

std::string found_value(const Node& n) {
  const std::string_view type = json_type_name(n.type);
  if (!n.is_scalar() || n.type == NodeType::null) return std::string(type);
  const std::string text = excerpt(n.text);
  return n.type == NodeType::string ? fmt::format("{} '{}'", type, text)
                                    : fmt::format("{} {}", type, text);
}

namespace {
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool all_of(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
bool is_octal(char c) {
  return c >= '0' && c <= '7';
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_core_float(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  bool dot = false;
  if (i < s.size() && s[i] == '.') {
    dot = true;
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (int_digits == 0 && !dot) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}
}  // namespace

NodeType resolve_plain_scalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return NodeType::null;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
    return NodeType::boolean;
  const char c = s[0];
  if (!(is_digit(c) || c == '-' || c == '+' || c == '.')) return NodeType::string;
  // int: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_of(s.substr(2), is_octal))
    return NodeType::integer;
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_of(s.substr(2), is_hex))
    return NodeType::integer;
  std::string_view digits = (c == '-' || c == '+') ? s.substr(1) : s;
  if (all_of(digits, is_digit)) return NodeType::integer;
  if (is_core_float(s)) return NodeType::floating;
  std::string_view body = (c == '-' || c == '+') ? s.substr(1) : s;
  if (body == ".inf" || body == ".Inf" || body == ".INF") return NodeType::floating;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return NodeType::floating;
  return NodeType::string;
}

NodeType resolve_plain_scalar_yaml11(std::string_view s) {
  // The patterns of the `yaml` package's yaml-1.1 schema (src/schema/yaml-1.1/*.ts).
  static const RE2 null_re("~|[Nn]ull|NULL");
  static const RE2 bool_re(
      "[Yy]|[Yy]es|YES|[Nn]|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF");
  static const RE2 int_re(
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|"
      "[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+");
  static const RE2 float_re(
      "[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|"
      "[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
  if (s.empty() || RE2::FullMatch(s, null_re)) return NodeType::null;
  if (RE2::FullMatch(s, bool_re)) return NodeType::boolean;
  if (RE2::FullMatch(s, int_re)) return NodeType::integer;
  if (s != "." && RE2::FullMatch(s, float_re)) return NodeType::floating;
  return NodeType::string;
}

const Node* Node::get(std::string_view k) const {
  if (type != NodeType::mapping) return nullptr;
  for (const auto& [key, value] : entries)
    if (key->is_scalar() && key->text == k) return value;
  return nullptr;
}

const Node* Node::get_key(std::string_view k) const {
  if (type != NodeType::mapping) return nullptr;
  for (const auto& [key, value] : entries)
    if (key->is_scalar() && key->text == k) return key;
  return nullptr;
}

std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::variant<std::int64_t, double> integer_value(std::string_view text) {
  std::string_view t = text;
  bool negative = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) negative = t[0] == '-', t.remove_prefix(1);
  int base = 10;
  if (t.starts_with("0x")) base = 16, t.remove_prefix(2);
  if (t.starts_with("0o")) base = 8, t.remove_prefix(2);
  unsigned long long v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (ec != std::errc() || end != t.data() + t.size() ||
      v > static_cast<unsigned long long>(INT64_MAX))
    return negative ? -HUGE_VAL : HUGE_VAL;
  const auto s = static_cast<std::int64_t>(v);
  return negative ? -s : s;
}

}  // namespace catalog_lint
