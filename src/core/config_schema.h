// The JSON Schema of `.catalog-lint.yaml` (schemas/catalog-lint.schema.json, embedded at build
// time) as the single source of what a config may hold: the keys of each mapping, and the
// verdict of valijson on a whole config file, reported at the offending node's line:col.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.h"

namespace catalog_lint {

/// The schema's text, as embedded by cmake/embed_schema.cmake.
std::string_view embedded_config_schema();

/// The property names, in the schema's order, of the object schema at `pointer` (a JSON pointer
/// into the schema, e.g. "/properties/policy"; "" for the top). Ends the process with a message
/// when the pointer names no object schema with `properties` (a build fault, caught by tests).
const std::vector<std::string_view>& config_schema_keys(std::string_view pointer);

/// Why a config fails its schema: the node where it does (nullptr: the whole file) and a message
/// in the loader's style ("policy.deprecation_notice_days must be between 0 and 100000").
struct SchemaViolation {
  const Node* at = nullptr;
  std::string message;
};

/// Values of one config file that check_config_schema visits at most (an alias counts each time
/// it is used); a larger file is a violation rather than a long validation.
inline constexpr std::size_t kMaxSchemaValues = 1'000'000;

/// Validates the config file whose root is `root` with valijson against the embedded schema:
/// std::nullopt when it conforms, else the most specific violation. The schema's `pattern`
/// constraints are left to the loader, which checks them with RE2 and its own validators
/// (valijson's std::regex recurses per character: a long string would exhaust the stack).
std::optional<SchemaViolation> check_config_schema(const Node& root);

}  // namespace catalog_lint
