// metadata: types (catalog-model src/schema/EntityMeta.schema.json) and formats
// (src/entity/policies/FieldFormatEntityPolicy.ts with src/validation/makeValidator.ts).
#include <fmt/format.h>

#include "core/edit.h"
#include "core/entity_ref.h"
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
void check_annotations_type(const Node* ann, std::vector<SchemaFinding>& out) {
  if (ann == nullptr || ann->is_map() || is_js_falsy(ann)) {
    if (ann && ann->is_map()) {
      Field f{.types = kObject, .object = &kStringMap};
      check_value(out, ann, f, "/metadata/annotations", "metadata.annotations");
    }
    return;
  }
  std::string help = quote_help(ann);
  if (help.empty()) help = "make `metadata.annotations` a mapping of strings";
  out.push_back(SchemaFinding{
      RuleId::invalid_field_type, ann, "/metadata/annotations",
      fmt::format("`metadata.annotations` must be a mapping, found {}", describe(type_bit(ann))),
      std::move(help)});
}

/// `metadata` when it is a mapping (the envelope reports it otherwise), else nullptr.
const Node* metadata_map(const Entity& e) {
  const Node* meta = e.metadata();
  return meta && meta->is_map() ? meta : nullptr;
}

}  // namespace

void schema::check_metadata(const Entity& e, std::vector<SchemaFinding>& out) {
  const Node* meta = metadata_map(e);
  if (meta == nullptr) return;
  check_object(out, meta, kMetadata, "/metadata", "metadata", meta->key ? meta->key : meta);
  check_annotations_type(meta->get("annotations"), out);
}

std::shared_ptr<const EntityRule> make_invalid_entity_name() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* meta = metadata_map(e);
    if (const Node* n = meta ? meta->get("name") : nullptr;
        n && n->is_string() && !n->text.empty() && !validators::object_name(n->text))
      ctx.report(n, "/metadata/name",
                 fmt::format("entity name '{}' is not valid; expected 1-63 characters "
                             "[a-zA-Z0-9] separated by [-_.]",
                             n->text),
                 "use letters and digits separated by single -, _ or . characters");
  });
}

std::shared_ptr<const EntityRule> make_invalid_namespace() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* meta = metadata_map(e);
    if (const Node* n = meta ? meta->get("namespace") : nullptr;
        n && n->is_string() && !n->text.empty() && !validators::dns_label(n->text))
      ctx.report(n, "/metadata/namespace",
                 fmt::format("namespace '{}' is not valid; expected a DNS label: 1-63 lower-case "
                             "letters and digits separated by -",
                             n->text),
                 "use lower-case letters, digits and -");
  });
}

std::shared_ptr<const EntityRule> make_invalid_label() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* meta = metadata_map(e);
    const Node* labels = meta ? meta->get("labels") : nullptr;
    if (labels == nullptr || !labels->is_map()) return;
    for (const auto& [k, v] : labels->entries) {
      const std::string pointer = child_pointer("/metadata/labels", k->text);
      if (!validators::label_key(k->text))
        ctx.report(k, pointer,
                   fmt::format("label key '{}' is not valid; expected [<dns-subdomain>/]<name> "
                               "with a name of 1-63 [a-zA-Z0-9] separated by [-_.]",
                               k->text),
                   "the optional prefix is lower-case (example.com/), the name alphanumeric");
      if (v->is_string() && !validators::label_value(v->text))
        ctx.report(v, pointer,
                   fmt::format("label value '{}' is not valid; expected empty or 1-63 "
                               "characters [a-zA-Z0-9] separated by [-_.]",
                               v->text),
                   "labels hold short identifiers; put free text in an annotation");
    }
  });
}

std::shared_ptr<const EntityRule> make_invalid_annotation() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* meta = metadata_map(e);
    const Node* ann = meta ? meta->get("annotations") : nullptr;
    if (ann == nullptr || !ann->is_map()) return;
    for (const auto& [k, v] : ann->entries)
      if (!validators::label_key(k->text))
        ctx.report(k, child_pointer("/metadata/annotations", k->text),
                   fmt::format("annotation key '{}' is not valid; expected "
                               "[<dns-subdomain>/]<name> with a name of 1-63 [a-zA-Z0-9] "
                               "separated by [-_.]",
                               k->text),
                   "the prefix is lower-case (example.com/), the name alphanumeric");
  });
}

std::shared_ptr<const EntityRule> make_invalid_tag() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* meta = metadata_map(e);
    const Node* tags = meta ? meta->get("tags") : nullptr;
    if (tags == nullptr || !tags->is_seq()) return;
    for (std::size_t i = 0; i < tags->items.size(); ++i) {
      const Node* t = tags->items[i];
      if (!t->is_string() || t->text.empty() || validators::tag(t->text)) continue;
      ctx.report(t, "/metadata/tags/" + std::to_string(i),
                 fmt::format("tag '{}' is not valid; expected 1-63 characters [a-z0-9:+#] "
                             "separated by single -",
                             t->text),
                 "use lower-case letters, digits, :, + and #, joined by -");
      // Unsafe: a tag is matched exactly (searches, golden paths), so `Java` → `java` may
      // join or leave a group of entities.
      const std::string lower = to_lower(t->text);
      if (lower != t->text && validators::tag(lower))
        if (auto edit = replace_scalar(t->pos, t->end, t->text, lower))
          ctx.fix_last(single_edit_fix(fmt::format("lower-case '{}'", t->text), FixSafety::unsafe,
                                       std::move(*edit)));
    }
  });
}

std::shared_ptr<const EntityRule> make_invalid_link() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const Node* meta = metadata_map(e);
    const Node* links = meta ? meta->get("links") : nullptr;
    if (links == nullptr || !links->is_seq()) return;
    for (std::size_t i = 0; i < links->items.size(); ++i) {
      const Node* link = links->items[i];
      if (!link->is_map()) continue;
      const std::string base = "/metadata/links/" + std::to_string(i);
      if (const Node* u = link->get("url");
          u && u->is_string() && !u->text.empty() && !validators::url(u->text))
        ctx.report(u, base + "/url",
                   fmt::format("link url '{}' is not a valid absolute URL", u->text),
                   "write a full URL with its scheme, e.g. https://example.com/docs");
      for (std::string_view key : {"title", "icon"}) {
        const Node* t = link->get(key);
        if (t && t->is_string() && !t->text.empty() && !validators::non_empty_string(t->text))
          ctx.report(t, base + "/" + std::string(key),
                     fmt::format("link {} is only whitespace", key),
                     fmt::format("give the link a real {}, or remove it", key));
      }
    }
  });
}

}  // namespace catalog_lint
