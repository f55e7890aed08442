// The config schema (config_schema.h): valijson's verdict on a config file, described from the
// schema in the loader's words.
#include "core/config_schema.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "core/source.h"
#include "core/suggest.h"

namespace catalog_lint {

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

// Removes every `pattern` constraint (see check_config_schema) from a schema document.
void drop_patterns(json& s) {
  if (s.is_object()) {
    if (s.contains("pattern") && s["pattern"].is_string()) s.erase("pattern");
    for (auto& [k, v] : s.items())
      if (k != "properties" || v.is_object()) drop_patterns(v);
  } else if (s.is_array()) {
    for (json& v : s) drop_patterns(v);
  }
}

// The schema as valijson uses it, and the same document to describe violations from.
struct Compiled {
  ojson doc;   ///< in the schema's order (the order of keys in messages)
  json plain;  ///< the same, as valijson's adapter reads it
  valijson::Schema schema;
};

const Compiled& compiled() {
  static const Compiled* c = [] {
    auto* out = new Compiled;
    out->doc = ojson::parse(embedded_config_schema());
    out->plain = json::parse(embedded_config_schema());
    drop_patterns(out->plain);
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(out->plain);
    parser.populateSchema(adapter, out->schema);
    return out;
  }();
  return *c;
}

// `n` as JSON; false when more than `budget` values would be visited.
template <typename Json>
bool to_json(const Node* n, Json& out, std::size_t& budget) {
  if (budget == 0) return false;
  --budget;
  switch (n->type) {
    case NodeType::null:
      out = nullptr;
      return true;
    case NodeType::boolean:
      out = n->text.size() == 4;  // true, True, TRUE (false has 5 letters)
      return true;
    case NodeType::integer:
      std::visit([&](auto v) { out = v; }, integer_value(n->text));
      return true;
    case NodeType::floating:
      out = std::strtod(n->text.c_str(), nullptr);
      return true;
    case NodeType::string:
      out = n->text;
      return true;
    case NodeType::sequence:
      out = Json::array();
      for (const Node* item : n->items)
        if (!to_json(item, out.emplace_back(), budget)) return false;
      return true;
    case NodeType::mapping:
      out = Json::object();
      for (const auto& [k, v] : n->entries)
        if (!to_json(v, out[k->text], budget)) return false;
      return true;
  }
  return true;
}

// The JSON type names of the schema `s` accepts ("string", "array", …), through `oneOf`.
// A numeric bound of schema `s` ("minimum", "maxItems", …) as written; "any" when absent.
std::string bound(const ojson& s, const char* name) {
  return s.contains(name) ? s[name].dump() : std::string("any");
}

std::vector<std::string> accepted_types(const ojson& s) {
  std::vector<std::string> out;
  if (s.contains("type")) {
    if (s["type"].is_string()) out.push_back(s["type"]);
    if (s["type"].is_array())
      for (const ojson& t : s["type"]) out.push_back(t);
  }
  if (s.contains("oneOf"))
    for (const ojson& branch : s["oneOf"])
      for (const std::string& t : accepted_types(branch)) out.push_back(t);
  return out;
}

// Follows a local `$ref` ("#/$defs/strings").
const ojson& resolved(const ojson& s) {
  if (s.is_object() && s.contains("$ref") && s["$ref"].is_string()) {
    const std::string ref = s["$ref"];
    if (ref.starts_with("#")) {
      const ojson& doc = compiled().doc;
      const ojson::json_pointer p(ref.substr(1));
      if (doc.contains(p)) return doc.at(p);
    }
  }
  return s;
}

// The schema JSON type of a node, as check_config_schema converts it: json_type_name, with
// "integer" apart from "number".
std::string json_type_of(const Node* n) {
  return n->type == NodeType::integer ? "integer" : std::string(json_type_name(n->type));
}

// The branch of `s` (itself, or one of its `oneOf`) that accepts a value of JSON type `type`.
const ojson& branch_for(const ojson& s, const std::string& type) {
  const ojson& r = resolved(s);
  if (r.contains("oneOf"))
    for (const ojson& b : r["oneOf"]) {
      const auto types = accepted_types(resolved(b));
      if (std::find(types.begin(), types.end(), type) != types.end() ||
          (type == "integer" && std::find(types.begin(), types.end(), "number") != types.end()))
        return resolved(b);
    }
  return r;
}

// "a string", "a list of strings", "a mapping", … for the types the schema `s` accepts.
std::string expected(const ojson& s) {
  std::vector<std::string> words;
  auto add = [&](const std::string& w) {
    if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
  };
  const ojson& r = resolved(s);
  std::vector<const ojson*> branches;
  if (r.contains("oneOf"))
    for (const ojson& b : r["oneOf"]) branches.push_back(&resolved(b));
  else
    branches.push_back(&r);
  for (const ojson* b : branches)
    for (const std::string& t : accepted_types(*b)) {
      if (t == "array" && b->contains("items") &&
          accepted_types(resolved((*b)["items"])) == std::vector<std::string>{"string"})
        add("a list of strings");
      else if (t == "array")
        add("a list");
      else if (t == "object")
        add("a mapping");
      else if (t == "integer")
        add("an integer");
      else if (t == "boolean")
        add("true or false");
      else if (t == "null")
        add("empty");
      else if (t == "number")
        add("a number");
      else
        add("a " + t);
    }
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i)
    out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return out;
}

std::string quoted_list(const ojson& values) {
  std::string out;
  for (const ojson& v : values)
    out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

// The message for the violation at `n`, named `where`, whose schema is `s`.
SchemaViolation describe(const Node* n, const ojson& s, const std::string& where) {
  const std::string type = json_type_of(n);
  const auto types = accepted_types(resolved(s));
  const bool type_ok =
      types.empty() || std::find(types.begin(), types.end(), type) != types.end() ||
      (type == "integer" && std::find(types.begin(), types.end(), "number") != types.end());
  if (!type_ok)
    return {n, fmt::format("{} must be {}, found {}", where, expected(s), found_value(*n))};
  const ojson& b = branch_for(s, type);
  if (b.contains("enum")) {
    ojson value;
    std::size_t budget = 1;
    if (n->is_scalar()) to_json(n, value, budget);
    if (std::find(b["enum"].begin(), b["enum"].end(), value) == b["enum"].end())
      return {n, fmt::format("{} '{}' is not one of: {}", where, n->text, quoted_list(b["enum"]))};
  }
  if (n->is_scalar() && (b.contains("minimum") || b.contains("maximum")))
    return {n, fmt::format("{} must be between {} and {}", where, bound(b, "minimum"),
                           bound(b, "maximum"))};
  if (n->is_string() && b.contains("minLength") && n->text.empty())
    return {n, fmt::format("{} must not be empty", where)};
  if (n->is_map()) {
    if (b.contains("required"))
      for (const ojson& k : b["required"])
        if (k.is_string() && n->get(k.get<std::string>()) == nullptr)
          return {n, fmt::format("{} needs `{}`", where, k.get<std::string>())};
    if (b.contains("additionalProperties") && b["additionalProperties"] == false) {
      const ojson props = b.contains("properties") ? b["properties"] : ojson::object();
      for (const auto& [k, v] : n->entries)
        if (!props.contains(k->text)) {
          std::string keys;
          std::vector<std::string> names;
          for (const auto& [name, _] : props.items()) {
            keys += (keys.empty() ? "" : ", ") + name;
            names.push_back(name);
          }
          return {k, fmt::format("unknown key '{}' in {}; {}expected one of: {}", excerpt(k->text),
                                 where, did_you_mean(k->text, names), keys)};
        }
    }
  }
  if (n->is_seq() && (b.contains("minItems") || b.contains("maxItems")))
    return {n, fmt::format("{} must have {} to {} items, found {}", where, bound(b, "minItems"),
                           bound(b, "maxItems"), n->items.size())};
  return {n, fmt::format("{} does not conform to the config schema "
                         "(schemas/catalog-lint.schema.json)",
                         where)};
}

}  // namespace

const std::vector<std::string_view>& config_schema_keys(std::string_view pointer) {
  static std::mutex mutex;
  static std::map<std::string, std::vector<std::string_view>, std::less<>> cache;
  const std::lock_guard lock(mutex);
  if (const auto it = cache.find(pointer); it != cache.end()) return it->second;
  const ojson& doc = compiled().doc;
  const ojson::json_pointer p{std::string(pointer)};
  if (!doc.contains(p) || !doc.at(p).contains("properties")) {
    std::fprintf(stderr,
                 "catalog-lint: internal error: the config schema has no object at '%.*s'\n",
                 static_cast<int>(pointer.size()), pointer.data());
    std::abort();
  }
  std::vector<std::string_view> keys;
  for (const auto& [k, v] : doc.at(p)["properties"].items()) keys.emplace_back(k);
  return cache.emplace(std::string(pointer), std::move(keys)).first->second;
}

std::optional<SchemaViolation> check_config_schema(const Node& root) {
  json target;
  std::size_t budget = kMaxSchemaValues;
  if (!to_json(&root, target, budget))
    return SchemaViolation{&root, fmt::format("the config file has more than {} values (an alias "
                                              "counts each time it is used), over the limit",
                                              kMaxSchemaValues)};
  const Compiled& c = compiled();
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(target);
  if (validator.validate(c.schema, adapter, &results)) return std::nullopt;
  // The most specific error: the deepest path (valijson reports a oneOf's branches too).
  std::vector<std::string> deepest;
  valijson::ValidationResults::Error e;
  bool first = true;
  while (results.popError(e))
    if (first || e.context.size() > deepest.size()) deepest = e.context, first = false;
  // Walk the config and the schema along that path ("<root>", "[policy]", "[0]", …).
  const Node* n = &root;
  const ojson* s = &c.doc;
  std::string where;
  for (std::size_t i = 1; i < deepest.size(); ++i) {
    std::string step = deepest[i];
    if (step.size() >= 2 && step.front() == '[' && step.back() == ']')
      step = step.substr(1, step.size() - 2);
    if (n->is_map()) {
      const Node* next = n->get(step);
      if (next == nullptr) break;
      const ojson& b = branch_for(*s, "object");
      const ojson* sub = nullptr;
      if (b.contains("properties") && b["properties"].contains(step))
        sub = &b["properties"][step];
      else if (b.contains("additionalProperties") && b["additionalProperties"].is_object())
        sub = &b["additionalProperties"];
      if (sub == nullptr) break;
      n = next, s = sub;
      where += (where.empty() ? "" : ".") + step;
    } else if (n->is_seq()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), index);
      if (ec != std::errc() || end != step.data() + step.size() || index >= n->items.size()) break;
      const ojson& b = branch_for(*s, "array");
      if (!b.contains("items") || !b["items"].is_object()) break;
      n = n->items[index], s = &b["items"];
      where += fmt::format("[{}]", index);
    } else {
      break;
    }
  }
  return describe(n, *s, where.empty() ? "the config file" : where);
}

}  // namespace catalog_lint
