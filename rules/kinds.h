// The built-in kinds Backstage recognises by default, their spec schemas and relation fields.
// Sources: catalog-model 1.10.3 src/schema/kinds/*.v1alpha1.schema.json and
// src/kinds/*EntityV1alpha1.ts; catalog-backend src/processors/BuiltinKindsEntityProcessor.ts
// (relation fields and default kinds); scaffolder-common 2.4.0 Template.v1beta3.schema.json.
#pragma once

#include <string_view>
#include <vector>

#include "schema_check.h"

namespace catalog_lint {

/// An entity-reference field of a kind's spec.
struct RefField {
  std::string_view name;          ///< property under spec, e.g. "owner"
  bool many = false;              ///< an array of refs
  std::string_view default_kind;  ///< kind implied when the ref has none; "" = kind required
};

/// A kind Backstage's default processors recognise.
struct KindInfo {
  std::string_view name;                       ///< exact, case-sensitive
  std::vector<std::string_view> api_versions;  ///< accepted apiVersions, preferred first
  const schema::Object* spec = nullptr;        ///< the spec schema (spec itself is required)
  std::vector<RefField> refs;
};

/// The kind named exactly `kind`, or nullptr.
const KindInfo* find_kind(std::string_view kind);
/// The kind whose name equals `kind` ignoring ASCII case, or nullptr.
const KindInfo* find_kind_case_insensitive(std::string_view kind);

}  // namespace catalog_lint
