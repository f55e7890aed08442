// A small schema language for the JSON Schemas Backstage validates entities with, and the walker
// that reports every violation (Backstage's ajv reports only the first).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/rule.h"

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

/// Checks `value` against `field` and recurses into objects and arrays. Reports
/// `invalid-field-type`, `invalid-field-value` and `missing-field`. `pointer` is the JSON pointer
/// of `value` and `dotted` its name as messages show it (e.g. `spec.owner`).
void check_value(EntityContext& ctx, const Node* value, const Field& field,
                 const std::string& pointer, const std::string& dotted);

/// Checks the properties of mapping `map` against `object` (required fields, types, nested).
/// `holder` is the node that missing-field diagnostics point at (the mapping's key, or the
/// mapping itself at the root).
void check_object(EntityContext& ctx, const Node* map, const Object& object,
                  const std::string& pointer, const std::string& dotted, const Node* holder);

/// A help text for a YAML scalar that resolved to a non-string where a string is expected.
std::string quote_help(const Node* n);

/// JavaScript falsiness of the value Backstage sees: null, false, any zero or NaN, "".
bool is_js_falsy(const Node* n);

/// Joins a parent JSON pointer / dotted name with a child key.
std::string child_pointer(const std::string& parent, std::string_view key);
std::string child_dotted(const std::string& parent, std::string_view key);

}  // namespace catalog_lint::schema
