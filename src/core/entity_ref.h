// Entity references: `[<kind>:][<namespace>/]<name>`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace catalog_lint {

/// A parsed entity reference. Parts keep their case; compare with `key()`.
struct EntityRef {
  std::string kind;
  std::string ns;
  std::string name;
  /// `kind:namespace/name` lower-cased, as `stringifyEntityRef` prints it and as Backstage
  /// compares refs (case-insensitive; catalog-model `src/entity/ref.ts`).
  std::string key() const;
};

/// Outcome of parsing a reference string.
struct EntityRefParse {
  std::optional<EntityRef> ref;
  std::string error;  ///< why it failed, in Backstage's words; empty on success
};

/// Parses `text` exactly as catalog-model's `parseEntityRef` (`src/entity/ref.ts`) does: split at
/// the first `:` unless a `/` comes first, then at the first `/`; empty parts are errors; missing
/// kind/namespace are taken from the defaults (an empty `default_kind` means the kind is required).
EntityRefParse parse_entity_ref(std::string_view text, std::string_view default_kind,
                                std::string_view default_namespace);

/// The reference `text` most likely meant when its kind and namespace are swapped, or
/// std::nullopt: `<kind>/<namespace>:<name>` (e.g. `resource/default:queue-x`, which Backstage
/// reads as namespace `resource` and name `default:queue-x`) and `<namespace>:<kind>/<name>`
/// (e.g. `default:resource/queue-x`, kind `default`) both give `resource:default/queue-x`.
/// `is_kind` says whether a part names a known kind (the part as written; callers ignore case).
std::optional<std::string> swapped_kind_namespace(std::string_view text,
                                                  bool (*is_kind)(std::string_view));

/// ASCII lower-case copy (Backstage uses `toLocaleLowerCase('en-US')`; refs are ASCII in practice).
std::string to_lower(std::string_view s);

}  // namespace catalog_lint
