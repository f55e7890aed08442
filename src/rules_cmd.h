// `catalog-lint rules` and `catalog-lint explain RULE`: the registry as a table and one rule's
// documentation (rules/*.md), on standard output.
#pragma once

#include <string>

namespace catalog_lint {

/// Prints every rule of the registry: id, default severity, category, summary. Returns 0.
int print_rules();

/// Prints the documentation of rule `id`; 2 with a message on stderr when no rule has that id.
int explain(const std::string& id);

}  // namespace catalog_lint
