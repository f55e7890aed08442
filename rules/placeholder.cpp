// Placeholders (`$text`, `$json`, `$yaml`) anywhere in an entity must name their target with a
// string. Source: @backstage/plugin-catalog-backend 4.0.5 src/processors/PlaceholderProcessor.ts.
#include <fmt/format.h>

#include "core/rule.h"
#include "schema_check.h"

namespace catalog_lint {
namespace {

bool is_bad_placeholder(const Node* n) {
  if (!is_placeholder(n)) return false;
  const std::string& k = n->entries[0].first->text;
  return (k == "$text" || k == "$json" || k == "$yaml") && !n->entries[0].second->is_string();
}

// The cheap first pass: any offending placeholder at all? (No paths are built; almost every
// entity has none, so the walk that names paths runs only for the few that do.)
bool has_bad_placeholder(const Node* root) {
  std::vector<const Node*> stack{root};
  std::size_t budget = 100000;
  while (!stack.empty() && budget-- > 0) {
    const Node* n = stack.back();
    stack.pop_back();
    if (is_bad_placeholder(n)) return true;
    for (const auto& [k, v] : n->entries) stack.push_back(v);
    for (const Node* item : n->items) stack.push_back(item);
  }
  return false;
}

}  // namespace

std::shared_ptr<const EntityRule> make_invalid_placeholder() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    if (!has_bad_placeholder(e.root)) return;
    // Iterative walk with a visit budget: aliases share nodes, so a tree walk could revisit.
    struct Item {
      const Node* node;
      std::string pointer;
    };
    std::vector<Item> stack{{e.root, ""}};
    std::size_t budget = 100000;
    while (!stack.empty() && budget-- > 0) {
      Item item = std::move(stack.back());
      stack.pop_back();
      const Node* n = item.node;
      if (is_placeholder(n)) {
        const Node* key = n->entries[0].first;
        const Node* value = n->entries[0].second;
        const std::string& k = key->text;
        const bool known = k == "$text" || k == "$json" || k == "$yaml";
        if (known && !value->is_string())
          ctx.report(value, schema::child_pointer(item.pointer, k),
                     fmt::format("placeholder {} needs a string (an absolute URL or a path "
                                 "relative to this file), found {}",
                                 k, json_type_name(value->type)),
                     fmt::format("write `{}: ./path/to/file`", k));
        continue;
      }
      if (n->is_map()) {
        for (auto it = n->entries.rbegin(); it != n->entries.rend(); ++it)
          if (it->first->is_scalar())
            stack.push_back({it->second, schema::child_pointer(item.pointer, it->first->text)});
      } else if (n->is_seq()) {
        for (std::size_t i = n->items.size(); i-- > 0;)
          stack.push_back({n->items[i], item.pointer + "/" + std::to_string(i)});
      }
    }
  });
}

}  // namespace catalog_lint
