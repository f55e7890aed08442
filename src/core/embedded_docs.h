// The rules/*.md documents, embedded into the binary at build time (generated source).
#pragma once

#include <string_view>
#include <vector>

namespace catalog_lint {
/// Every rules/<id>.md file's full text, in file-name order.
const std::vector<std::string_view>& embedded_rule_docs();
}  // namespace catalog_lint
