// Entity: one YAML document that is a mapping, with typed accessors.
#pragma once

#include <string>
#include <string_view>

#include "core/node.h"

namespace catalog_lint {

/// A candidate Backstage entity: the root mapping of one YAML document.
struct Entity {
  const Node* root = nullptr;  ///< always a mapping
  int document = 0;            ///< 0-based document index in the file
  std::string_view file;       ///< file path as reported

  const Node* api_version() const { return root->get("apiVersion"); }
  const Node* kind_node() const { return root->get("kind"); }
  const Node* metadata() const { return root->get("metadata"); }
  const Node* spec() const { return root->get("spec"); }
  /// `kind` when it is a string, else "".
  std::string_view kind() const;
  /// `metadata.name` when it is a string, else "".
  std::string_view name() const;
  /// `metadata.namespace` when it is a string, else "default" (Backstage's DEFAULT_NAMESPACE,
  /// catalog-model `src/entity/constants.ts`).
  std::string_view namespace_or_default() const;
  /// `kind:namespace/name` lower-cased, or "" when kind or name is not a string.
  std::string ref() const;
};

/// The JSON type Backstage sees after pre-processing: a mapping whose only key is `$text` becomes
/// a string (PlaceholderProcessor, catalog-backend `src/processors/PlaceholderProcessor.ts`);
/// `$json`/`$yaml` become parsed data, which we do not read, so they stay objects.
NodeType effective_type(const Node* n);

/// True when `n` is a placeholder mapping: exactly one key, and it starts with `$`.
bool is_placeholder(const Node* n);

}  // namespace catalog_lint
