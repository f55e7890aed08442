#include "schema_check.h"

#include "core/edit.h"

#include <fmt/format.h>

namespace catalog_lint::schema {

std::string describe(unsigned types) {
  static const std::pair<unsigned, std::string_view> names[] = {
      {kString, "a string"}, {kNumber, "a number"}, {kBoolean, "a boolean"},
      {kNull, "null"},       {kArray, "an array"},  {kObject, "a mapping"}};
  std::vector<std::string_view> parts;
  for (const auto& [bit, name] : names)
    if (types & bit) parts.push_back(name);
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

unsigned type_bit(const Node* n) {
  switch (effective_type(n)) {
    case NodeType::string:
      return kString;
    case NodeType::integer:
    case NodeType::floating:
      return kNumber;
    case NodeType::boolean:
      return kBoolean;
    case NodeType::null:
      return kNull;
    case NodeType::sequence:
      return kArray;
    case NodeType::mapping:
      return kObject;
  }
  return kNull;
}

std::string quote_help(const Node* n) {
  if (n->is_scalar() && n->plain && n->type != NodeType::string)
    return fmt::format("YAML 1.2 reads the unquoted value '{}' as {}; quote it: \"{}\"",
                       n->type == NodeType::null && n->text.empty() ? "" : n->text,
                       describe(type_bit(n)), n->text);
  return {};
}

namespace {
// The safe fix of a number or boolean written where a string is allowed: quote it (`4711` →
// `"4711"`), the text the author wrote becoming the string. Only plain single-line scalars (their
// bytes are their text); not apiVersion or kind, which no quoting makes valid.
std::optional<Fix> quote_fix(const Node* n, const Field& field, const std::string& pointer) {
  if (!n->is_scalar() || !n->plain || !n->end.valid() || (field.types & kString) == 0)
    return std::nullopt;
  if (n->type != NodeType::integer && n->type != NodeType::floating && n->type != NodeType::boolean)
    return std::nullopt;
  if (pointer == "/apiVersion" || pointer == "/kind") return std::nullopt;
  if (n->end.offset - n->pos.offset != n->text.size()) return std::nullopt;
  return single_edit_fix(fmt::format("quote '{}' as a string", n->text), FixSafety::safe,
                         TextEdit{n->pos.offset, n->end.offset, fmt::format("\"{}\"", n->text)});
}
}  // namespace

std::string unknown_placeholder_help(const Node* n) {
  if (!is_placeholder(n)) return {};
  const std::string& key = n->entries[0].first->text;
  if (key == "$text" || key == "$json" || key == "$yaml") return {};
  if (key == "$openapi" || key == "$asyncapi")
    return fmt::format(
        "'{}' is resolved only where the OpenAPI module "
        "(@backstage/plugin-catalog-backend-module-openapi) is installed, not by default "
        "Backstage ($text, $json, $yaml), where the mapping stays a mapping; use `$text:` with "
        "the same target",
        key);
  return fmt::format(
      "'{}' is not a placeholder Backstage resolves ($text, $json, $yaml), so the mapping stays "
      "a mapping; write the value itself, or read it from a file with `$text: ./path`",
      key);
}

bool is_js_falsy(const Node* n) {
  switch (n->type) {
    case NodeType::null:
      return true;
    case NodeType::boolean:
      return n->text == "false" || n->text == "False" || n->text == "FALSE";
    case NodeType::integer:
    case NodeType::floating: {
      if (n->text.find("nan") != std::string::npos || n->text.find("NaN") != std::string::npos ||
          n->text.find("NAN") != std::string::npos)
        return true;
      std::string_view t = n->text;
      if (!t.empty() && (t[0] == '+' || t[0] == '-')) t.remove_prefix(1);
      if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o')) t.remove_prefix(2);
      for (char c : t) {
        if (c == 'e' || c == 'E') break;
        if (c != '0' && c != '.') return false;
      }
      return true;
    }
    case NodeType::string:
      return n->text.empty();
    default:
      return false;
  }
}

std::string child_pointer(const std::string& parent, std::string_view key) {
  return parent + "/" + pointer_token(key);
}

std::string child_dotted(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

namespace {
void report(std::vector<SchemaFinding>& out, RuleId rule, const Node* at, std::string path,
            std::string message, std::string help) {
  out.push_back(SchemaFinding{rule, at, std::move(path), std::move(message), std::move(help)});
}

std::string shown(const Node* n) {
  if (n->is_seq()) return "an array";
  if (n->is_map()) return "a mapping";
  if (n->type == NodeType::null) return "null";
  return fmt::format("{} '{}'", describe(type_bit(n)), n->text);
}
}  // namespace

namespace {
// True when check_value has something to report or to descend into for `value`; false for the
// common case of a scalar that simply conforms, which then costs no path strings at all.
bool needs_check(const Node* value, const Field& field) {
  const unsigned bit = type_bit(value);
  if ((field.types & bit) == 0) return true;
  if (is_placeholder(value)) return false;
  if (bit == kString) return (field.non_empty && value->text.empty()) || !field.one_of.empty();
  return (bit == kObject && field.object) || (bit == kArray && field.items);
}
}  // namespace

void check_value(std::vector<SchemaFinding>& out, const Node* value, const Field& field,
                 const std::string& pointer, const std::string& dotted) {
  const unsigned bit = type_bit(value);
  if ((field.types & bit) == 0) {
    std::string help = quote_help(value);
    if (help.empty()) help = unknown_placeholder_help(value);
    if (help.empty()) help = fmt::format("make `{}` {}", dotted, describe(field.types));
    report(out, RuleId::invalid_field_type, value, pointer,
           fmt::format("`{}` must be {}, found {}", dotted, describe(field.types), shown(value)),
           std::move(help));
    out.back().fix = quote_fix(value, field, pointer);
    return;
  }
  if (is_placeholder(value)) return;  // content is read at ingestion time
  if (bit == kString) {
    if (field.non_empty && value->text.empty()) {
      report(out, RuleId::invalid_field_value, value, pointer,
             fmt::format("`{}` must not be an empty string", dotted),
             fmt::format("give `{}` a value, or remove it", dotted));
    } else if (!field.one_of.empty()) {
      bool ok = false;
      std::string allowed;
      for (std::string_view v : field.one_of) {
        ok = ok || v == value->text;
        allowed += allowed.empty() ? "" : ", ";
        allowed += v;
      }
      if (!ok)
        report(out, RuleId::invalid_field_value, value, pointer,
               fmt::format("`{}` is '{}', not one of: {}", dotted, value->text, allowed),
               fmt::format("use one of: {}", allowed));
    }
  } else if (bit == kObject && field.object) {
    check_object(out, value, *field.object, pointer, dotted, value->key ? value->key : value);
  } else if (bit == kArray && field.items) {
    for (std::size_t i = 0; i < value->items.size(); ++i)
      if (needs_check(value->items[i], *field.items))
        check_value(out, value->items[i], *field.items, pointer + "/" + std::to_string(i),
                    fmt::format("{}[{}]", dotted, i));
  }
}

void check_object(std::vector<SchemaFinding>& out, const Node* map, const Object& object,
                  const std::string& pointer, const std::string& dotted, const Node* holder) {
  for (const Field& f : object.fields) {
    const Node* v = map->get(f.name);
    if (v == nullptr) {
      if (f.required)
        report(out, RuleId::missing_field, holder, child_pointer(pointer, f.name),
               dotted.empty() ? fmt::format("missing required field `{}`", f.name)
                              : fmt::format("`{}` is missing required field `{}`", dotted, f.name),
               fmt::format("add `{}`", child_dotted(dotted, f.name)));
      continue;
    }
    if (needs_check(v, f))
      check_value(out, v, f, child_pointer(pointer, f.name), child_dotted(dotted, f.name));
  }
  if (object.additional == kAny) return;
  for (const auto& [key, value] : map->entries) {
    bool known = false;
    for (const Field& f : object.fields) known = known || (key->is_scalar() && key->text == f.name);
    if (known || !key->is_scalar()) continue;
    Field extra;
    extra.types = object.additional;
    if (needs_check(value, extra))
      check_value(out, value, extra, child_pointer(pointer, key->text),
                  child_dotted(dotted, key->text));
  }
}

const std::vector<SchemaFinding>& findings(const Entity& e, EntityContext& ctx) {
  auto& slot = ctx.schema_slot();
  if (!slot) {
    slot.emplace();
    check_envelope(e, *slot);
    check_metadata(e, *slot);
    check_spec(e, *slot);
  }
  return *slot;
}

}  // namespace catalog_lint::schema

namespace catalog_lint {

namespace {
// The node at JSON pointer `pointer` under `root` (mapping keys and sequence indices), or nullptr.
const Node* at_pointer(const Node* root, std::string_view pointer) {
  const Node* n = root;
  while (n != nullptr && !pointer.empty()) {
    pointer.remove_prefix(1);  // the '/'
    const std::size_t slash = pointer.find('/');
    const std::string_view raw = pointer.substr(0, slash);
    pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
    std::string token;  // RFC 6901: `~1` is `/`, `~0` is `~`
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    if (n->is_map()) {
      n = n->get(token);
    } else if (n->is_seq() && !token.empty() &&
               token.find_first_not_of("0123456789") == std::string::npos && token.size() < 10) {
      const std::size_t i = std::stoul(token);
      n = i < n->items.size() ? n->items[i] : nullptr;
    } else {
      n = nullptr;
    }
  }
  return n;
}

// For a missing field `/…/name`: the `<<` key of the mapping that lacks it, when the mapping(s)
// it names hold `name` (Backstage does not merge them: yaml-1-1-habit), else nullptr.
const Node* unmerged_from(const Entity& e, const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return nullptr;
  const Node* map = at_pointer(e.root, std::string_view(path).substr(0, slash));
  if (map == nullptr || !map->is_map()) return nullptr;
  const std::string name = path.substr(slash + 1);
  for (const auto& [key, value] : map->entries) {
    if (!key->plain || key->text != "<<") continue;
    if (value->is_map() && value->get(name)) return key;
    if (value->is_seq())
      for (const Node* item : value->items)
        if (item->is_map() && item->get(name)) return key;
  }
  return nullptr;
}

// One of the three schema rules: reports the schema findings of its own id.
std::shared_ptr<const EntityRule> schema_rule(RuleId id) {
  return entity_rule([id](const Entity& e, EntityContext& ctx) {
    for (const SchemaFinding& f : schema::findings(e, ctx)) {
      if (f.rule != id) continue;
      ctx.report(f.at, f.path, f.message, f.help);
      if (f.fix) ctx.fix_last(*f.fix);
      if (id == RuleId::missing_field)
        if (const Node* merge = unmerged_from(e, f.path))
          ctx.note_last(fmt::format("'{}' is in the mapping merged here with '<<', which Backstage "
                                    "does not merge",
                                    f.path.substr(f.path.rfind('/') + 1)),
                        std::string(ctx.file()), merge->pos);
    }
  });
}
}  // namespace

std::shared_ptr<const EntityRule> make_missing_field() {
  return schema_rule(RuleId::missing_field);
}
std::shared_ptr<const EntityRule> make_invalid_field_type() {
  return schema_rule(RuleId::invalid_field_type);
}
std::shared_ptr<const EntityRule> make_invalid_field_value() {
  return schema_rule(RuleId::invalid_field_value);
}

}  // namespace catalog_lint
