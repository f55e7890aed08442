// Rule identities: one enumerator per line of rules/registry.def, so code that emits findings
// outside a rule object (the loader, the engine) names a rule by a symbol the compiler checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace catalog_lint {

/// Every rule of the registry, in id order.
enum class RuleId : std::uint16_t {
#define ENTITY(symbol, id) symbol,
#define CATALOG(symbol, id) symbol,
#define DECLARATIVE(symbol, id) symbol,
#define EMITTED(symbol, id) symbol,
#include "rules/registry.def"
#undef ENTITY
#undef CATALOG
#undef DECLARATIVE
#undef EMITTED
};

/// Number of rules in the registry.
inline constexpr std::size_t kRuleCount = []() {
  std::size_t n = 0;
#define ENTITY(symbol, id) ++n;
#define CATALOG(symbol, id) ++n;
#define DECLARATIVE(symbol, id) ++n;
#define EMITTED(symbol, id) ++n;
#include "rules/registry.def"
#undef ENTITY
#undef CATALOG
#undef DECLARATIVE
#undef EMITTED
  return n;
}();

/// The kebab-case id of `rule` ("invalid-tag").
std::string_view rule_name(RuleId rule);

/// The rule whose id is `id`, or std::nullopt.
std::optional<RuleId> find_rule_id(std::string_view id);

}  // namespace catalog_lint
