// The same entity (kind, namespace, name; case-insensitive, as catalog-model compares refs,
// src/entity/ref.ts) defined twice across the linted files. Backstage reports this only at runtime
// as a conflict (catalog-backend src/database/DefaultProcessingDatabase.ts).
#include <fmt/format.h>

#include "policy_common.h"

namespace catalog_lint {

std::shared_ptr<const CatalogRule> make_duplicate_entity() {
  return policy::catalog_rule([](const EntitySummary& e, const CatalogIndex& index,
                                 CatalogContext& ctx) {
    const EntitySummary* first = policy::org_of(index).first_defined(e.ref);
    if (first == nullptr || first == &e) return;
    Diagnostic* d =
        ctx.report(e, "/metadata/name",
                   fmt::format("entity {} is already defined at {}:{}", e.ref, first->file,
                               first->name_pos.line),
                   "rename one of them, or give it another namespace; the catalog keeps only one");
    d->notes.push_back(RelatedNote{"first defined here", first->file, first->name_pos});
  });
}

}  // namespace catalog_lint
