// A small schema language for the JSON Schemas Backstage validates entities with, and the walker
// that reports every violation (Backstage's ajv reports only the first).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/rule.h"
#include "rules/rules.h"

namespace catalog_lint::schema {

/// JSON types as a bit set (JSON Schema `type`).
enum Types : unsigned {
  kString = 1,
  kNumber = 2,
  kBoolean = 4,
  kNull = 8,
  kArray = 16,
  kObject = 32,
  kAny = 63,
};

struct Object;

/// One property of an object schema.
struct Field {
  std::string_view name;
  unsigned types = kAny;
  bool required = false;
  bool non_empty = false;                ///< `minLength: 1` on a string
  std::vector<std::string_view> one_of;  ///< `enum`, when non-empty
  const Object* object = nullptr;        ///< nested properties when the value is an object
  const Field* items = nullptr;          ///< item schema when the value is an array
};

/// An object schema: known properties, and the type every other property must have (JSON Schema
/// `additionalProperties`; kAny when unconstrained).
struct Object {
  std::vector<Field> fields;
  unsigned additional = kAny;
};

/// "a string", "an array", "a string or a boolean", … for messages.
std::string describe(unsigned types);

/// Bit of `n`'s effective JSON type (after placeholder substitution).
unsigned type_bit(const Node* n);

/// Checks `value` against `field` and recurses into objects and arrays. Appends
/// `invalid-field-type`, `invalid-field-value` and `missing-field` findings to `out`. `pointer`
/// is the JSON pointer of `value` and `dotted` its name as messages show it (e.g. `spec.owner`).
void check_value(std::vector<SchemaFinding>& out, const Node* value, const Field& field,
                 const std::string& pointer, const std::string& dotted);

/// Checks the properties of mapping `map` against `object` (required fields, types, nested).
/// `holder` is the node that missing-field diagnostics point at (the mapping's key, or the
/// mapping itself at the root).
void check_object(std::vector<SchemaFinding>& out, const Node* map, const Object& object,
                  const std::string& pointer, const std::string& dotted, const Node* holder);

/// A help text for a YAML scalar that resolved to a non-string where a string is expected.
std::string quote_help(const Node* n);

/// A help text for a one-key mapping whose key starts with `$` but is not one of Backstage's
/// placeholders (`$text`, `$json`, `$yaml`; PlaceholderProcessor leaves others as they are), or ""
/// for any other node.
std::string unknown_placeholder_help(const Node* n);

/// JavaScript falsiness of the value Backstage sees: null, false, any zero or NaN, "".
bool is_js_falsy(const Node* n);

/// Joins a parent JSON pointer / dotted name with a child key.
std::string child_pointer(const std::string& parent, std::string_view key);
std::string child_dotted(const std::string& parent, std::string_view key);

/// The schema findings of the envelope (rules/envelope.cpp), of metadata (rules/metadata.cpp)
/// and of the kind's spec (rules/kind_spec.cpp), each appended to `out`.
void check_envelope(const Entity& e, std::vector<SchemaFinding>& out);
void check_metadata(const Entity& e, std::vector<SchemaFinding>& out);
void check_spec(const Entity& e, std::vector<SchemaFinding>& out);

/// Every schema finding of `e`: the walk runs once per entity, for the first of the three
/// schema rules that asks, and is kept in `ctx`.
const std::vector<SchemaFinding>& findings(const Entity& e, EntityContext& ctx);

}  // namespace catalog_lint::schema

namespace catalog_lint {

/// An entity rule object from a function (the rule's check).
template <class F>
std::shared_ptr<const EntityRule> entity_rule(F check) {
  struct Impl final : EntityRule {
    explicit Impl(F f) : f_(std::move(f)) {}
    void check(const Entity& e, EntityContext& ctx) const override { f_(e, ctx); }
    F f_;
  };
  return std::make_shared<const Impl>(std::move(check));
}

}  // namespace catalog_lint
