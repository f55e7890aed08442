// Checks on JSON text before it is parsed into a tree.
#pragma once

#include <string_view>

namespace catalog_lint {

/// True when `text` opens more than `max_depth` arrays or objects inside one another (counted
/// outside strings, one pass, no parse). A tree parser recurses once per level, on parse and on
/// destruction: a 300 KB message of nested brackets can overflow a thread's stack.
bool json_nesting_exceeds(std::string_view text, int max_depth);

}  // namespace catalog_lint
