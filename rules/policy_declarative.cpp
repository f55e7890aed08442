// The declarative-rule engine (issue 3 "Declarative rules"): each DeclarativeRule of the file's
// policy (presets and .catalog-lint.yaml `declarative_rules:`) is an instance of this one rule
// template: select entities by kind, spec.type, lifecycle, namespace and tags, then require an
// annotation, label, tag or field, optionally matching an RE2 pattern or an enum.
#include <re2/re2.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/entity_ref.h"
#include "core/node.h"
#include "core/policy.h"
#include "rules/declarative.h"

namespace catalog_lint {
namespace {

using Target = DeclarativeRule::Target;

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string_view spec_string(const Entity& e, std::string_view key) {
  const Node* spec = e.spec();
  const Node* n = spec && spec->is_map() ? spec->get(key) : nullptr;
  return n ? n->str() : "";
}

bool selected(const DeclarativeRule& r, const Entity& e, const Node* tags) {
  if (!r.kinds.empty() && !contains(r.kinds, to_lower(e.kind()))) return false;
  if (!r.types.empty() && !contains(r.types, spec_string(e, "type"))) return false;
  if (!r.lifecycles.empty() && !contains(r.lifecycles, spec_string(e, "lifecycle"))) return false;
  if (!r.namespaces.empty() && !contains(r.namespaces, e.namespace_or_default())) return false;
  if (!r.has_tags.empty()) {
    bool any = false;
    if (tags && tags->is_seq())
      for (const Node* t : tags->items) any = any || contains(r.has_tags, t->str());
    if (!any) return false;
  }
  return true;
}

/// Checks a present value against the rule's pattern and enum; "" when it is fine.
std::string value_problem(const DeclarativeRule& r, const Node* v) {
  const std::string_view text =
      v->is_scalar() && v->type != NodeType::null ? std::string_view(v->text) : std::string_view();
  if (!v->is_scalar())
    return fmt::format("is {}, expected a scalar value", json_type_name(v->type));
  if (!r.one_of.empty() && !contains(r.one_of, text)) {
    std::string allowed;
    for (const auto& o : r.one_of) allowed += (allowed.empty() ? "" : ", ") + o;
    return fmt::format("is '{}'; expected one of: {}", text, allowed);
  }
  if (r.pattern && !RE2::FullMatch(text, *r.pattern))
    return fmt::format("'{}' does not match the pattern '{}'", text, r.pattern_text);
  return "";
}

std::string_view target_name(Target t) {
  switch (t) {
    case Target::annotation:
      return "annotation";
    case Target::label:
      return "label";
    case Target::tag:
      return "tag";
    case Target::field:
      return "field";
  }
  return "";
}

}  // namespace

namespace {

/// The node at dotted `path` under `root`, or nullptr; `pointer` gets the path's JSON pointer
/// and `holder` the nearest existing parent's key when the path is absent.
const Node* at_path(const Entity& e, std::string_view path, std::string& pointer,
                    const Node*& holder) {
  const Node* n = e.root;
  pointer.clear();
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    const std::string_view part = path.substr(0, dot);
    path.remove_prefix(dot == std::string_view::npos ? path.size() : dot + 1);
    pointer.push_back('/');
    pointer.append(pointer_token(part));
    const Node* next = n && n->is_map() ? n->get(part) : nullptr;
    if (next == nullptr) {
      holder = n && n->key ? n->key : (n ? n : e.root);
      return nullptr;
    }
    n = next;
  }
  return n;
}

}  // namespace

void check_declarative(const DeclarativeRule& r, const Entity& e, EntityContext& ctx) {
  const Node* meta = e.metadata();
  if (meta == nullptr || !meta->is_map()) return;
  const Node* tags = meta->get("tags");
  if (!selected(r, e, tags)) return;
  const Node* holder = meta->key ? meta->key : meta;
  const Node* value = nullptr;
  std::string pointer;
  std::string_view key = r.key;  // the key checked: the first of r.keys that is present
  switch (r.target) {
    case Target::annotation:
    case Target::label: {
      const char* map_name = r.target == Target::annotation ? "annotations" : "labels";
      const Node* map = meta->get(map_name);
      for (const std::string& k : r.keys)
        if ((value = map && map->is_map() ? map->get(k) : nullptr) != nullptr) {
          key = k;
          break;
        }
      pointer = fmt::format("/metadata/{}/{}", map_name, pointer_token(key));
      break;
    }
    case Target::tag: {
      pointer = "/metadata/tags";
      if (tags && tags->key) holder = tags->key;
      bool found = false;
      if (tags && tags->is_seq())
        for (const Node* t : tags->items)
          found = found ||
                  (r.pattern ? RE2::FullMatch(t->str(), *r.pattern)
                             : std::find(r.keys.begin(), r.keys.end(), t->str()) != r.keys.end());
      if (!found) ctx.report(holder, pointer, r.message, r.help);
      return;
    }
    case Target::field: {
      std::string first_pointer;
      const Node* first_holder = holder;
      for (std::size_t i = 0; i < r.keys.size() && value == nullptr; ++i) {
        std::string p;
        const Node* h = holder;
        value = at_path(e, r.keys[i], p, h);
        if (i == 0) first_pointer = p, first_holder = h;
        if (value != nullptr) key = r.keys[i], pointer = std::move(p);
      }
      if (value == nullptr) pointer = std::move(first_pointer), holder = first_holder;
      break;
    }
  }
  if (value == nullptr || value->type == NodeType::null) {
    ctx.report(holder, pointer, r.message, r.help);
    return;
  }
  const std::string problem = value_problem(r, value);
  if (!problem.empty())
    ctx.report(value, pointer, fmt::format("{} {} {}", target_name(r.target), key, problem),
               r.help);
}

}  // namespace catalog_lint
