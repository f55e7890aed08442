#include "core/rule_id.h"

#include <algorithm>
#include <array>

namespace catalog_lint {
namespace {

constexpr std::array<std::string_view, kRuleCount> kNames = {
#define ENTITY(symbol, id) id,
#define CATALOG(symbol, id) id,
#define DECLARATIVE(symbol, id) id,
#define EMITTED(symbol, id) id,
#include "rules/registry.def"
#undef ENTITY
#undef CATALOG
#undef DECLARATIVE
#undef EMITTED
};

}  // namespace

std::string_view rule_name(RuleId rule) {
  return kNames[static_cast<std::size_t>(rule)];
}

std::optional<RuleId> find_rule_id(std::string_view id) {
  // The names are sorted (tests/test_registry.cpp checks it): binary search.
  const auto it = std::lower_bound(kNames.begin(), kNames.end(), id);
  if (it == kNames.end() || *it != id) return std::nullopt;
  return static_cast<RuleId>(it - kNames.begin());
}

}  // namespace catalog_lint
