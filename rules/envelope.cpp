// The entity envelope: root fields, apiVersion, kind, and whether any processor recognises the
// kind. Sources: catalog-model src/schema/EntityEnvelope.schema.json, Entity.schema.json,
// src/entity/policies/NoForeignRootFieldsEntityPolicy.ts, FieldFormatEntityPolicy.ts;
// catalog-backend src/processors/BuiltinKindsEntityProcessor.ts (validateEntityKind);
// scaffolder-common Template.v1beta3.schema.json.
#include <fmt/format.h>

#include <algorithm>

#include "core/edit.h"
#include "core/entity_ref.h"
#include "core/suggest.h"
#include "core/validators.h"
#include "kinds.h"
#include "schema_check.h"

namespace catalog_lint {

using namespace schema;

void schema::check_envelope(const Entity& e, std::vector<SchemaFinding>& out) {
  static const Object envelope{{
      Field{.name = "apiVersion", .types = kString, .required = true, .non_empty = true},
      Field{.name = "kind", .types = kString, .required = true, .non_empty = true},
      Field{.name = "metadata", .types = kObject, .required = true},
      Field{.name = "spec", .types = kObject},
  }};
  check_object(out, e.root, envelope, "", "", e.root);
}

namespace {

/// `apiVersion` when it is a non-empty string, else nullptr.
const Node* api_version(const Entity& e) {
  const Node* api = e.api_version();
  return api && api->is_string() && !api->text.empty() ? api : nullptr;
}

/// `kind` when it is a non-empty string, else nullptr.
const Node* kind_of(const Entity& e) {
  const Node* kind = e.kind_node();
  return kind && kind->is_string() && !kind->text.empty() ? kind : nullptr;
}

}  // namespace

std::shared_ptr<const EntityRule> make_unknown_root_field() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    for (const auto& [key, value] : e.root->entries) {
      const std::string_view k = key->is_scalar() ? std::string_view(key->text) : "";
      if (k == "apiVersion" || k == "kind" || k == "metadata" || k == "spec") continue;
      if (k == "relations" || k == "status") {
        ctx.report(key, child_pointer("", k),
                   fmt::format("`{}` is set by the catalog and must not be written in a catalog "
                               "file",
                               k),
                   fmt::format("remove `{}`", k));
      } else {
        ctx.report(key, key->is_scalar() ? child_pointer("", k) : "",
                   fmt::format("unknown root field '{}'; an entity has only apiVersion, kind, "
                               "metadata and spec",
                               key->text),
                   "move it under metadata or spec, or remove it");
      }
    }
  });
}

std::shared_ptr<const EntityRule> make_invalid_api_version() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* api = api_version(e);
    if (api && !validators::api_version(api->text))
      ctx.report(api, "/apiVersion",
                 fmt::format("apiVersion '{}' is not valid; expected [<dns-subdomain>/]<version> "
                             "with an alphanumeric version of at most 63 characters",
                             api->text),
                 "use backstage.io/v1alpha1 (or scaffolder.backstage.io/v1beta3 for a Template)");
  });
}

std::shared_ptr<const EntityRule> make_invalid_kind() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* kind = kind_of(e);
    if (kind && !validators::kind(kind->text))
      ctx.report(kind, "/kind",
                 fmt::format("kind '{}' is not valid; expected a letter followed by letters and "
                             "digits, at most 63 characters",
                             kind->text),
                 "use a built-in kind such as Component, API, Resource or System");
  });
}

std::shared_ptr<const EntityRule> make_unknown_kind() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* kind = kind_of(e);
    if (kind == nullptr || find_kind(kind->text) != nullptr) return;
    if (const KindInfo* ci = find_kind_case_insensitive(kind->text)) {
      ctx.report(kind, "/kind",
                 fmt::format("kind '{}' is not recognised; kinds are case-sensitive", kind->text),
                 fmt::format("write `kind: {}`", ci->name));
      // Safe: the only kind it can mean, spelled as Backstage matches it; offered only when
      // the apiVersion is one that kind accepts (else the fix would trade one rejection for
      // another: `kind: template` under backstage.io/v1alpha1).
      const Node* api = api_version(e);
      const bool api_ok = api != nullptr &&
                          std::find(ci->api_versions.begin(), ci->api_versions.end(), api->text) !=
                              ci->api_versions.end();
      if (auto edit =
              api_ok ? replace_scalar(kind->pos, kind->end, kind->text, ci->name) : std::nullopt)
        ctx.fix_last(single_edit_fix(fmt::format("write '{}'", ci->name), FixSafety::safe,
                                     std::move(*edit)));
    } else if (validators::kind(kind->text)) {
      static const std::vector<std::string> kBuiltIn = {"Component", "API",      "Resource",
                                                        "System",    "Domain",   "Group",
                                                        "User",      "Location", "Template"};
      ctx.report(
          kind, "/kind",
          fmt::format("kind '{}' is not a kind that Backstage recognises by default", kind->text),
          did_you_mean(kind->text, kBuiltIn) +
              "use a built-in kind (Component, API, Resource, System, Domain, Group, User, "
              "Location, Template), or disable this rule if your Backstage adds this kind");
    }
  });
}

std::shared_ptr<const EntityRule> make_unsupported_api_version() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* kind = kind_of(e);
    const Node* api = api_version(e);
    const KindInfo* info = kind ? find_kind(kind->text) : nullptr;
    if (info == nullptr || api == nullptr) return;
    for (std::string_view v : info->api_versions)
      if (v == api->text) return;
    std::string allowed;
    for (std::string_view v : info->api_versions)
      allowed += (allowed.empty() ? "" : ", ") + std::string(v);
    ctx.report(api, "/apiVersion",
               fmt::format("apiVersion '{}' is not accepted for kind {}; Backstage accepts {}",
                           api->text, info->name, allowed),
               fmt::format("write `apiVersion: {}`", info->api_versions.front()));
  });
}

}  // namespace catalog_lint
