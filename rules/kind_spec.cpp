// The spec of each built-in kind, and the entity references in its relation fields.
// Sources: see kinds.h; entity references: catalog-model src/entity/ref.ts (parseEntityRef).
#include <fmt/format.h>

#include "core/edit.h"
#include "core/entity_ref.h"
#include "kinds.h"
#include "schema_check.h"

namespace catalog_lint {
namespace {

using namespace schema;

// `typed`: the kind's schema types this field, so invalid-field-type reports non-strings.
// Untyped fields (dependencyOf) are read by the processor as `[value].flat()`: falsy values are
// skipped, any other non-string fails to parse as a reference.
void check_ref(const Entity& e, const RefField& f, bool typed, const Node* value,
               const std::string& pointer, const std::string& dotted, EntityContext& ctx) {
  if (!value->is_string()) {
    if (typed || is_js_falsy(value)) return;
    ctx.report(value, pointer,
               fmt::format("`{}` must hold entity reference strings, found {}", dotted,
                           describe(type_bit(value))),
               "write each reference as a string of the form <kind>:[<namespace>/]<name>");
    return;
  }
  const EntityRefParse parsed =
      parse_entity_ref(value->text, f.default_kind, e.namespace_or_default());
  if (parsed.ref) return;
  std::string help;
  std::optional<Fix> fix;
  if (const auto fixed = unswapped_reference(value->text)) {
    help = fmt::format(
        "the kind and the namespace are swapped: write '{}' (<kind>:<namespace>/<name>)", *fixed);
    // Safe: the parts are kept, put in the order Backstage reads; the kind lower-cased as
    // Backstage compares it (refs are case-insensitive).
    if (auto edit = replace_scalar(value->pos, value->end, value->text, *fixed))
      fix = single_edit_fix(fmt::format("write '{}'", *fixed), FixSafety::safe, std::move(*edit));
  } else if (const auto kinded = kind_written_as_namespace(value->text);
             kinded && f.default_kind.empty()) {
    help = fmt::format(
        "'{}' reads as namespace '{}'; for the kind write '{}' (<kind>:[<namespace>/]<name>)",
        value->text, value->text.substr(0, value->text.find('/')), *kinded);
  } else
    help = f.default_kind.empty()
               ? fmt::format(
                     "`{}` needs the kind in every reference, e.g. component:{} or "
                     "resource:{}",
                     dotted, value->text.empty() ? "name" : value->text,
                     value->text.empty() ? "name" : value->text)
               : "write the reference as [<kind>:][<namespace>/]<name>";
  ctx.report(value, pointer,
             fmt::format("`{}` is not a valid entity reference: {}", dotted, parsed.error),
             std::move(help));
  if (fix) ctx.fix_last(std::move(*fix));
}

void check_refs(const Entity& e, const KindInfo& kind, const Node* spec, EntityContext& ctx) {
  for (const RefField& f : kind.refs) {
    const Node* v = spec->get(f.name);
    if (v == nullptr) continue;
    bool typed = false;
    for (const Field& field : kind.spec->fields) typed = typed || field.name == f.name;
    const std::string pointer = child_pointer("/spec", f.name);
    const std::string dotted = child_dotted("spec", f.name);
    if (f.many && v->is_seq()) {
      for (std::size_t i = 0; i < v->items.size(); ++i)
        check_ref(e, f, typed, v->items[i], pointer + "/" + std::to_string(i),
                  fmt::format("{}[{}]", dotted, i), ctx);
    } else {
      check_ref(e, f, typed, v, pointer, dotted, ctx);
    }
  }
}

}  // namespace

void schema::check_spec(const Entity& e, std::vector<SchemaFinding>& out) {
  const KindInfo* kind = find_kind(e.kind());
  if (kind == nullptr) return;
  const Node* spec = e.spec();
  if (spec == nullptr) {
    out.push_back(
        SchemaFinding{RuleId::missing_field, e.root, "/spec",
                      fmt::format("missing required field `spec`; every {} needs one", kind->name),
                      "add a `spec` mapping"});
    return;
  }
  if (!spec->is_map()) return;  // the envelope check reports the type
  check_object(out, spec, *kind->spec, "/spec", "spec", spec->key ? spec->key : spec);
}

std::shared_ptr<const EntityRule> make_invalid_entity_ref() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const KindInfo* kind = find_kind(e.kind());
    const Node* spec = e.spec();
    if (kind != nullptr && spec != nullptr && spec->is_map()) check_refs(e, *kind, spec, ctx);
  });
}

}  // namespace catalog_lint
