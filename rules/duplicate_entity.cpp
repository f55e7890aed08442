// The same entity (kind, namespace, name; case-insensitive, as catalog-model compares refs,
// src/entity/ref.ts) defined twice across the linted files. Backstage reports this only at runtime
// as a conflict (catalog-backend src/database/DefaultProcessingDatabase.ts).
#include <fmt/format.h>

#include <unordered_map>

#include "core/rule.h"

namespace catalog_lint {
namespace {

class DuplicateEntityChecker : public Checker {
 public:
  std::vector<std::string_view> rule_ids() const override { return {"duplicate-entity"}; }

  void check_catalog(const CatalogIndex& index, CatalogContext& ctx) const override {
    if (!ctx.enabled("duplicate-entity")) return;
    std::unordered_map<std::string_view, const EntitySummary*> first;
    for (const EntitySummary& e : index.entities) {
      auto [it, inserted] = first.emplace(e.ref, &e);
      if (inserted) continue;
      const EntitySummary& f = *it->second;
      Diagnostic* d = ctx.report(
          "duplicate-entity", e, "/metadata/name",
          fmt::format("entity {} is already defined at {}:{}", e.ref, f.file, f.name_pos.line),
          "rename one of them, or give it another namespace; the catalog keeps only one");
      if (d) d->notes.push_back(RelatedNote{"first defined here", f.file, f.name_pos});
    }
  }
};

}  // namespace
}  // namespace catalog_lint

using catalog_lint::DuplicateEntityChecker;
CATALOG_LINT_REGISTER_CHECKER(DuplicateEntityChecker)
