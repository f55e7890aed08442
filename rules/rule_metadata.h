// The rules' metadata, parsed from rules/*.md front matter at build time (tools/rule_metadata.cpp).
#pragma once

#include <vector>

#include "core/rule_info.h"

namespace catalog_lint {
/// parse_rule_doc of each of embedded_rule_docs(), in the same order, as the build computed it
/// (generated source); tests/test_registry.cpp checks it against a parse at run time.
std::vector<RuleInfo> embedded_rule_infos();
}  // namespace catalog_lint
