// Backstage's relation fields: which spec fields of which kind name other entities, the kind a
// reference there defaults to, and the kinds it may name. A fact of the catalog model, read by the
// reference rules (rules/references.cpp) and by the change impact of --changed-since.
//
// Source: @backstage/plugin-catalog-backend src/modules/core/BuiltinKindsEntityProcessor.ts
// (each field becomes a relation; the default kinds), the scaffolder entity model's Template
// `spec.owner`, and Backstage's descriptor format (docs/features/software-catalog/
// descriptor-format.md: `dependsOn` names "components and/or resources").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/entity_ref.h"
#include "core/summary.h"

namespace catalog_lint {

/// One relation field of one kind.
struct RelationField {
  std::string_view kind;     ///< the entity kind that has the field (lower-case)
  std::string_view pointer;  ///< `/spec/system`, or a list's pointer (`/spec/dependsOn`)
  bool list = false;
  std::string_view default_kind;        ///< lower-case; "" = the reference must name a kind
  std::vector<std::string_view> kinds;  ///< the kinds it may name (lower-case)
  std::string_view shown;               ///< those kinds as a message says them ("a System")
  bool owner = false;                   ///< `spec.owner` (the ownership rules judge it)
};

/// Every relation field, owners included.
const std::vector<RelationField>& relation_fields();

/// The field name as written in YAML (`dependsOn` of `/spec/dependsOn`).
inline std::string_view relation_name(std::string_view pointer) {
  return pointer.substr(6);
}

/// True when summary field `f` is a value of relation field `r` (the scalar, or a list item).
bool is_value_of(const SummaryField& f, const RelationField& r);

/// Calls `f(field, relation, parsed ref)` for each relation value of `e` that parses as an entity
/// reference (with the field's default kind and `e`'s namespace), in field order per relation.
template <class F>
void for_each_relation(const EntitySummary& e, F f) {
  const std::string kind = to_lower(e.kind);
  for (const RelationField& r : relation_fields()) {
    if (r.kind != kind) continue;
    for (const SummaryField& field : e.fields) {
      if (!is_value_of(field, r)) continue;
      const EntityRefParse p = parse_entity_ref(field.value, r.default_kind, e.ns);
      if (p.ref) f(field, r, *p.ref);
    }
  }
}

}  // namespace catalog_lint
