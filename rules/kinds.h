// The built-in kinds Backstage recognises by default, their spec schemas and relation fields.
// Sources: catalog-model 1.10.3 src/schema/kinds/*.v1alpha1.schema.json and
// src/kinds/*EntityV1alpha1.ts; catalog-backend src/processors/BuiltinKindsEntityProcessor.ts
// (relation fields and default kinds); scaffolder-common 2.4.0 Template.v1beta3.schema.json.
#pragma once

#include <optional>
#include <string>
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

/// A reference written `<kind>/<namespace>:<name>` (kind and namespace swapped, a built-in kind
/// in any case) in the order Backstage reads, the kind lower-cased as Backstage compares it:
/// `Resource/default:queue-x` → `resource:default/queue-x`. std::nullopt for anything else.
std::optional<std::string> unswapped_reference(std::string_view text);

/// A reference without a kind whose namespace is a built-in kind's name (`resource/payments-db`,
/// which Backstage reads as namespace `resource`): the kind-qualified reading
/// (`resource:payments-db`); std::nullopt for anything else.
std::optional<std::string> kind_written_as_namespace(std::string_view text);

}  // namespace catalog_lint
