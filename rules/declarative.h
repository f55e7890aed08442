// The declarative-rule engine: rules an organisation writes in YAML (docs/policy.md
// "Declarative rules"), each an instance of one rule template.
#pragma once

#include "core/policy.h"
#include "core/rule.h"

namespace catalog_lint {

/// Checks `entity` against declarative rule `rule` when the rule selects it; reports through
/// `ctx`, which the engine binds to the rule's id.
void check_declarative(const DeclarativeRule& rule, const Entity& entity, EntityContext& ctx);

}  // namespace catalog_lint
