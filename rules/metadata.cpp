// metadata: types (catalog-model src/schema/EntityMeta.schema.json) and formats
// (src/entity/policies/FieldFormatEntityPolicy.ts with src/validation/makeValidator.ts).
#include <fmt/format.h>

#include "core/validators.h"
#include "schema_check.h"

namespace catalog_lint {
namespace {

using namespace schema;

const Field kTagItem{.types = kString, .non_empty = true};
const Object kLink{{Field{.name = "url", .types = kString, .required = true, .non_empty = true},
                    Field{.name = "title", .types = kString, .non_empty = true},
                    Field{.name = "icon", .types = kString, .non_empty = true},
                    Field{.name = "type", .types = kString, .non_empty = true}}};
const Field kLinkItem{.types = kObject, .object = &kLink};
const Object kStringMap{{}, kString};
const Object kMetadata{{
    Field{.name = "name", .types = kString, .required = true, .non_empty = true},
    Field{.name = "namespace", .types = kString, .non_empty = true},
    Field{.name = "title", .types = kString, .non_empty = true},
    Field{.name = "description", .types = kString},
    Field{.name = "labels", .types = kObject, .object = &kStringMap},
    Field{.name = "tags", .types = kArray, .items = &kTagItem},
    Field{.name = "links", .types = kArray, .items = &kLinkItem},
    Field{.name = "uid", .types = kString, .non_empty = true},
    Field{.name = "etag", .types = kString, .non_empty = true},
}};

// The catalog reads `metadata.annotations || {}` before checking that it is an object
// (catalog-backend ProcessorOutputCollector), so an empty or false-like value is accepted.
void check_annotations_type(const Node* ann, EntityContext& ctx) {
  if (ann == nullptr || ann->is_map() || is_js_falsy(ann)) {
    if (ann && ann->is_map()) {
      Field f{.types = kObject, .object = &kStringMap};
      check_value(ctx, ann, f, "/metadata/annotations", "metadata.annotations");
    }
    return;
  }
  std::string help = quote_help(ann);
  if (help.empty()) help = "make `metadata.annotations` a mapping of strings";
  ctx.report(
      "invalid-field-type", ann, "/metadata/annotations",
      fmt::format("`metadata.annotations` must be a mapping, found {}", describe(type_bit(ann))),
      std::move(help));
}

class MetadataChecker : public Checker {
 public:
  std::vector<std::string_view> rule_ids() const override {
    return {"missing-field",       "invalid-field-type", "invalid-field-value",
            "invalid-entity-name", "invalid-namespace",  "invalid-label",
            "invalid-annotation",  "invalid-tag",        "invalid-link"};
  }

  void check_entity(const Entity& e, EntityContext& ctx) const override {
    const Node* meta = e.metadata();
    if (meta == nullptr || !meta->is_map()) return;  // envelope reports it
    check_object(ctx, meta, kMetadata, "/metadata", "metadata", meta->key ? meta->key : meta);
    check_annotations_type(meta->get("annotations"), ctx);

    if (const Node* n = meta->get("name");
        n && n->is_string() && !n->text.empty() && !validators::object_name(n->text))
      ctx.report("invalid-entity-name", n, "/metadata/name",
                 fmt::format("entity name '{}' is not valid; expected 1-63 characters "
                             "[a-zA-Z0-9] separated by [-_.]",
                             n->text),
                 "use letters and digits separated by single -, _ or . characters");
    if (const Node* n = meta->get("namespace");
        n && n->is_string() && !n->text.empty() && !validators::dns_label(n->text))
      ctx.report("invalid-namespace", n, "/metadata/namespace",
                 fmt::format("namespace '{}' is not valid; expected a DNS label: 1-63 lower-case "
                             "letters and digits separated by -",
                             n->text),
                 "use lower-case letters, digits and -");

    if (const Node* labels = meta->get("labels"); labels && labels->is_map()) {
      for (const auto& [k, v] : labels->entries) {
        const std::string pointer = child_pointer("/metadata/labels", k->text);
        if (!validators::label_key(k->text))
          ctx.report("invalid-label", k, pointer,
                     fmt::format("label key '{}' is not valid; expected [<dns-subdomain>/]<name> "
                                 "with a name of 1-63 [a-zA-Z0-9] separated by [-_.]",
                                 k->text),
                     "the optional prefix is lower-case (example.com/), the name alphanumeric");
        if (v->is_string() && !validators::label_value(v->text))
          ctx.report("invalid-label", v, pointer,
                     fmt::format("label value '{}' is not valid; expected empty or 1-63 "
                                 "characters [a-zA-Z0-9] separated by [-_.]",
                                 v->text),
                     "labels hold short identifiers; put free text in an annotation");
      }
    }
    if (const Node* ann = meta->get("annotations"); ann && ann->is_map()) {
      for (const auto& [k, v] : ann->entries) {
        if (!validators::label_key(k->text))
          ctx.report("invalid-annotation", k, child_pointer("/metadata/annotations", k->text),
                     fmt::format("annotation key '{}' is not valid; expected "
                                 "[<dns-subdomain>/]<name> with a name of 1-63 [a-zA-Z0-9] "
                                 "separated by [-_.]",
                                 k->text),
                     "the prefix is lower-case (example.com/), the name alphanumeric");
      }
    }
    if (const Node* tags = meta->get("tags"); tags && tags->is_seq()) {
      for (std::size_t i = 0; i < tags->items.size(); ++i) {
        const Node* t = tags->items[i];
        if (!t->is_string() || t->text.empty() || validators::tag(t->text)) continue;
        ctx.report("invalid-tag", t, "/metadata/tags/" + std::to_string(i),
                   fmt::format("tag '{}' is not valid; expected 1-63 characters [a-z0-9:+#] "
                               "separated by single -",
                               t->text),
                   "use lower-case letters, digits, :, + and #, joined by -");
      }
    }
    if (const Node* links = meta->get("links"); links && links->is_seq()) {
      for (std::size_t i = 0; i < links->items.size(); ++i) {
        const Node* link = links->items[i];
        if (!link->is_map()) continue;
        const std::string base = "/metadata/links/" + std::to_string(i);
        if (const Node* u = link->get("url");
            u && u->is_string() && !u->text.empty() && !validators::url(u->text))
          ctx.report("invalid-link", u, base + "/url",
                     fmt::format("link url '{}' is not a valid absolute URL", u->text),
                     "write a full URL with its scheme, e.g. https://example.com/docs");
        for (std::string_view key : {"title", "icon"}) {
          const Node* t = link->get(key);
          if (t && t->is_string() && !t->text.empty() && !validators::non_empty_string(t->text))
            ctx.report("invalid-link", t, base + "/" + std::string(key),
                       fmt::format("link {} is only whitespace", key),
                       fmt::format("give the link a real {}, or remove it", key));
        }
      }
    }
  }
};

}  // namespace
}  // namespace catalog_lint

using catalog_lint::MetadataChecker;
CATALOG_LINT_REGISTER_CHECKER(MetadataChecker)
