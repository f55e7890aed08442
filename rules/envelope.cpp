// The entity envelope: root fields, apiVersion, kind, and whether any processor recognises the
// kind. Sources: catalog-model src/schema/EntityEnvelope.schema.json, Entity.schema.json,
// src/entity/policies/NoForeignRootFieldsEntityPolicy.ts, FieldFormatEntityPolicy.ts;
// catalog-backend src/processors/BuiltinKindsEntityProcessor.ts (validateEntityKind);
// scaffolder-common Template.v1beta3.schema.json.
#include <fmt/format.h>

#include "core/entity_ref.h"
#include "core/validators.h"
#include "kinds.h"
#include "schema_check.h"

namespace catalog_lint {
namespace {

using namespace schema;

class EnvelopeChecker : public Checker {
 public:
  std::vector<std::string_view> rule_ids() const override {
    return {"missing-field",      "invalid-field-type",     "invalid-field-value",
            "unknown-root-field", "invalid-api-version",    "invalid-kind",
            "unknown-kind",       "unsupported-api-version"};
  }

  void check_entity(const Entity& e, EntityContext& ctx) const override {
    const Node* root = e.root;
    static const Object envelope{{
        Field{.name = "apiVersion", .types = kString, .required = true, .non_empty = true},
        Field{.name = "kind", .types = kString, .required = true, .non_empty = true},
        Field{.name = "metadata", .types = kObject, .required = true},
        Field{.name = "spec", .types = kObject},
    }};
    check_object(ctx, root, envelope, "", "", root);

    for (const auto& [key, value] : root->entries) {
      const std::string_view k = key->is_scalar() ? std::string_view(key->text) : "";
      if (k == "apiVersion" || k == "kind" || k == "metadata" || k == "spec") continue;
      if (k == "relations" || k == "status") {
        ctx.report("unknown-root-field", key, schema::child_pointer("", k),
                   fmt::format("`{}` is set by the catalog and must not be written in a catalog "
                               "file",
                               k),
                   fmt::format("remove `{}`", k));
      } else {
        ctx.report("unknown-root-field", key, key->is_scalar() ? schema::child_pointer("", k) : "",
                   fmt::format("unknown root field '{}'; an entity has only apiVersion, kind, "
                               "metadata and spec",
                               key->text),
                   "move it under metadata or spec, or remove it");
      }
    }

    const Node* api = e.api_version();
    const Node* kind = e.kind_node();
    const bool api_ok = api && api->is_string() && !api->text.empty();
    const bool kind_ok = kind && kind->is_string() && !kind->text.empty();
    if (api_ok && !validators::api_version(api->text))
      ctx.report("invalid-api-version", api, "/apiVersion",
                 fmt::format("apiVersion '{}' is not valid; expected [<dns-subdomain>/]<version> "
                             "with an alphanumeric version of at most 63 characters",
                             api->text),
                 "use backstage.io/v1alpha1 (or scaffolder.backstage.io/v1beta3 for a Template)");
    if (kind_ok && !validators::kind(kind->text))
      ctx.report("invalid-kind", kind, "/kind",
                 fmt::format("kind '{}' is not valid; expected a letter followed by letters and "
                             "digits, at most 63 characters",
                             kind->text),
                 "use a built-in kind such as Component, API, Resource or System");
    if (!kind_ok) return;
    const KindInfo* info = find_kind(kind->text);
    if (info == nullptr) {
      const KindInfo* ci = find_kind_case_insensitive(kind->text);
      if (ci != nullptr)
        ctx.report("unknown-kind", kind, "/kind",
                   fmt::format("kind '{}' is not recognised; kinds are case-sensitive", kind->text),
                   fmt::format("write `kind: {}`", ci->name));
      else if (validators::kind(kind->text))
        ctx.report(
            "unknown-kind", kind, "/kind",
            fmt::format("kind '{}' is not a kind that Backstage recognises by default", kind->text),
            "use a built-in kind (Component, API, Resource, System, Domain, Group, User, "
            "Location, Template), or disable this rule if your Backstage adds this kind");
      return;
    }
    if (!api_ok) return;
    for (std::string_view v : info->api_versions)
      if (v == api->text) return;
    std::string allowed;
    for (std::string_view v : info->api_versions)
      allowed += (allowed.empty() ? "" : ", ") + std::string(v);
    ctx.report("unsupported-api-version", api, "/apiVersion",
               fmt::format("apiVersion '{}' is not accepted for kind {}; Backstage accepts {}",
                           api->text, info->name, allowed),
               fmt::format("write `apiVersion: {}`", info->api_versions.front()));
  }
};

}  // namespace
}  // namespace catalog_lint

using catalog_lint::EnvelopeChecker;
CATALOG_LINT_REGISTER_CHECKER(EnvelopeChecker)
