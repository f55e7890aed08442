// Our compact YAML node tree: what rules read instead of yaml-cpp's nodes.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/diagnostic.h"

namespace catalog_lint {

/// The type a node has under the YAML 1.2 core schema, which is what Backstage's parser (the
/// `yaml` npm package) applies: plain `2001` is int, `true` bool, `~`/`null`/empty null, `yes`
/// stays a string. Quoted scalars are always strings.
enum class NodeType : unsigned char { null, boolean, integer, floating, string, sequence, mapping };

/// "null", "boolean", "number" (int and float), "string", "array" or "object": the JSON type name
/// Backstage's schema errors use.
std::string_view json_type_name(NodeType t);

struct Node;
/// What a config message says was found instead of the expected value: the JSON type name, with
/// a scalar's text as written ("number 7", "boolean true", "string 'skip '", "null"; its
/// excerpt(): at most 40 bytes, then "…", controls shown as symbols); "array" and "object" alone.
std::string found_value(const Node& n);

/// The value of an integer scalar's text as YAML 1.2's core schema reads it (decimal, `0x` hex,
/// `0o` octal; `030` is thirty): an int64, or +-HUGE_VAL when it does not fit 64 bits or is no
/// integer at all.
std::variant<std::int64_t, double> integer_value(std::string_view text);

/// Resolves a plain (unquoted, untagged) scalar to its YAML 1.2 core-schema type
/// (https://yaml.org/spec/1.2.2/#1023-core-schema, as implemented by the `yaml` npm package).
NodeType resolve_plain_scalar(std::string_view text);

/// The same for a document under a `%YAML 1.1` directive, which the `yaml` npm package reads with
/// its YAML 1.1 schema (https://yaml.org/type/): `yes`/`no`/`on`/`off`/`y`/`n` are booleans,
/// `0777` is octal, `0b101` binary, `1_000` and `1:30` (base 60) numbers; `0o17` is a string.
NodeType resolve_plain_scalar_yaml11(std::string_view text);

/// One YAML node. Aliases are not copied: an alias is the very node its anchor names, so a node
/// may be reachable from several parents (and, with a self-referential alias, from itself).
/// Any generic walk must therefore carry a visit budget.
struct Node {
  NodeType type = NodeType::null;
  bool plain = false;              ///< scalar written without quotes or block indicator
  SourcePos pos;                   ///< first character of the node (after any anchor/tag)
  SourcePos end;                   ///< end of a single-line scalar; invalid otherwise
  std::string text;                ///< scalar value (as written for plain scalars)
  std::vector<const Node*> items;  ///< sequence items
  std::vector<std::pair<const Node*, const Node*>> entries;  ///< mapping (key, value), in order
  const Node* key = nullptr;  ///< the key node when this is a mapping value

  bool is_scalar() const { return type != NodeType::sequence && type != NodeType::mapping; }
  bool is_string() const { return type == NodeType::string; }
  bool is_map() const { return type == NodeType::mapping; }
  bool is_seq() const { return type == NodeType::sequence; }
  /// The value of the first entry whose key is the string `k`; nullptr when absent or not a map.
  const Node* get(std::string_view k) const;
  /// The key node of the first entry named `k`; nullptr when absent.
  const Node* get_key(std::string_view k) const;
  /// The scalar text when this node is a string, else "".
  std::string_view str() const { return type == NodeType::string ? std::string_view(text) : ""; }
};

/// Owns every node of one file. Pointers stay valid for the arena's lifetime.
class NodeArena {
 public:
  Node* make() { return &nodes_.emplace_back(); }
  std::size_t size() const { return nodes_.size(); }
  /// Destroys the nodes made after the first `n` (a discarded read of the file); pointers to
  /// them dangle, the others stay valid.
  void truncate(std::size_t n) {
    if (n < nodes_.size()) nodes_.resize(n);
  }

 private:
  std::deque<Node> nodes_;
};

/// Escapes one JSON-pointer token (RFC 6901: `~` → `~0`, `/` → `~1`).
std::string pointer_token(std::string_view key);

}  // namespace catalog_lint
