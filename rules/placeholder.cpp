// Placeholders (`$text`, `$json`, `$yaml`) anywhere in an entity must name their target with a
// string. Source: @backstage/plugin-catalog-backend 4.0.5 src/processors/PlaceholderProcessor.ts.
#include <fmt/format.h>

#include "core/entity.h"
#include "core/rule.h"
#include "placeholders.h"
#include "schema_check.h"

namespace catalog_lint {

void for_each_placeholder(const Node* root, const std::function<bool(const Node*)>& wanted,
                          const std::function<void(const Node*, const std::string&)>& visit) {
  // The cheap first pass: any wanted placeholder at all? (No paths are built.)
  {
    std::vector<const Node*> stack{root};
    std::size_t budget = 100000;
    bool any = false;
    while (!stack.empty() && budget-- > 0 && !any) {
      const Node* n = stack.back();
      stack.pop_back();
      any = is_placeholder(n) && wanted(n);
      for (const auto& [k, v] : n->entries) stack.push_back(v);
      for (const Node* item : n->items) stack.push_back(item);
    }
    if (!any) return;
  }
  // Iterative walk with a visit budget: aliases share nodes, so a tree walk could revisit.
  struct Item {
    const Node* node;
    std::string pointer;
  };
  std::vector<Item> stack{{root, ""}};
  std::size_t budget = 100000;
  while (!stack.empty() && budget-- > 0) {
    Item item = std::move(stack.back());
    stack.pop_back();
    const Node* n = item.node;
    if (is_placeholder(n)) {
      if (wanted(n)) visit(n, item.pointer);
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
}

std::shared_ptr<const EntityRule> make_invalid_placeholder() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    for_each_placeholder(
        e.root,
        [](const Node* n) {
          const std::string& k = n->entries[0].first->text;
          return (k == "$text" || k == "$json" || k == "$yaml") &&
                 !n->entries[0].second->is_string();
        },
        [&](const Node* n, const std::string& pointer) {
          const std::string& k = n->entries[0].first->text;
          const Node* value = n->entries[0].second;
          ctx.report(value, schema::child_pointer(pointer, k),
                     fmt::format("placeholder {} needs a string (an absolute URL or a path "
                                 "relative to this file), found {}",
                                 k, json_type_name(value->type)),
                     fmt::format("write `{}: ./path/to/file`", k));
        });
  });
}

}  // namespace catalog_lint
