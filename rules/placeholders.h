// The walk over an entity's placeholder mappings (`$text`, `$json`, `$yaml` and unknown `$…` as
// the only key), shared by invalid-placeholder and placeholder-target-not-found.
#pragma once

#include <functional>
#include <string>

#include "core/node.h"

namespace catalog_lint {

/// Calls `visit(mapping, pointer)` for each placeholder mapping under `root` (is_placeholder())
/// for which `wanted(mapping)` holds, in document order; `pointer` is the mapping's JSON pointer.
/// A placeholder's own value is not searched further. A cheap first pass without paths runs
/// first (almost every entity has no placeholder); each pass visits at most 100000 nodes, as
/// aliases share nodes.
void for_each_placeholder(const Node* root, const std::function<bool(const Node*)>& wanted,
                          const std::function<void(const Node*, const std::string&)>& visit);

}  // namespace catalog_lint
