#include "core/entity.h"

#include "core/entity_ref.h"

namespace catalog_lint {

std::string_view Entity::kind() const {
  const Node* k = kind_node();
  return k ? k->str() : "";
}

std::string_view Entity::name() const {
  const Node* m = metadata();
  const Node* n = m ? m->get("name") : nullptr;
  return n ? n->str() : "";
}

std::string_view Entity::namespace_or_default() const {
  const Node* m = metadata();
  const Node* n = m ? m->get("namespace") : nullptr;
  if (n && n->is_string()) return n->text;
  return "default";
}

std::string Entity::ref() const {
  if (kind().empty() || name().empty()) return "";
  return to_lower(kind()) + ":" + to_lower(namespace_or_default()) + "/" + to_lower(name());
}

bool is_placeholder(const Node* n) {
  return n && n->is_map() && n->entries.size() == 1 && n->entries[0].first->is_scalar() &&
         !n->entries[0].first->text.empty() && n->entries[0].first->text[0] == '$';
}

NodeType effective_type(const Node* n) {
  if (is_placeholder(n) && n->entries[0].first->text == "$text") return NodeType::string;
  return n->type;
}

}  // namespace catalog_lint
