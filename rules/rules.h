// The rule objects' factories, one per ENTITY and CATALOG line of rules/registry.def; each is
// defined in the rule's .cpp. A registry line without its rule does not link.
#pragma once

#include <memory>

#include "core/rule.h"

namespace catalog_lint {

#define ENTITY(symbol, id) std::shared_ptr<const EntityRule> make_##symbol();
#define CATALOG(symbol, id) std::shared_ptr<const CatalogRule> make_##symbol();
#define DECLARATIVE(symbol, id)
#define EMITTED(symbol, id)
#include "rules/registry.def"
#undef ENTITY
#undef CATALOG
#undef DECLARATIVE
#undef EMITTED

}  // namespace catalog_lint
