// Catalog JSON files: catalog-lint snapshots (docs/snapshot.md) and Backstage REST API exports,
// read into node trees, and the snapshot writer.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/entity.h"
#include "core/file_io.h"
#include "core/loader.h"
#include "core/node.h"
#include "core/summary.h"

namespace catalog_lint {

/// The `format` value of a snapshot, and the version this build writes. It reads versions 1
/// (one line) and 2 (one entity a line, each led by its ref: read on demand), docs/snapshot.md.
inline constexpr std::string_view kSnapshotFormat = "catalog-lint-snapshot";
inline constexpr int kSnapshotVersion = 2;

/// A catalog JSON file holds a whole organisation, not one entity file: its limits are the
/// per-file limits scaled up. Bytes: kCatalogJsonBytesScale × Limits::max_file_bytes (default
/// 320 MiB; a 20,000-entity API export is about 30 MB, a snapshot of it about 8 MB). Nodes (every
/// JSON value and object key): kCatalogJsonNodesScale × Limits::max_nodes (default 4,000,000,
/// about 200 per entity of a 20,000-entity catalog). Depth: Limits::max_depth (default 200).
/// `--limit file-bytes=N` / `nodes=N` / `depth=N` move them.
inline constexpr std::size_t kCatalogJsonBytesScale = 32;
inline constexpr std::size_t kCatalogJsonNodesScale = 4;

/// Entities of a catalog JSON file — a catalog-lint snapshot, or a Backstage REST API export (a
/// JSON array of entities, a `{"items": [...]}` page of /api/catalog/entities/by-query, or several
/// such pages concatenated in one JSON array) — as node trees of the shape the YAML loader builds
/// (core/node.h), so the lint side summarizes them like YAML entities. JSON objects are mappings
/// (values have Node::key set), arrays sequences, strings strings; numbers are integer or floating
/// and true/false boolean, null null, all `plain` with `text` the JSON text. A duplicate key stays
/// as a second entry (Node::get finds the first).
struct JsonCatalog {
  std::shared_ptr<NodeArena> arena;  ///< owns every node below
  /// One entity of the file.
  struct Item {
    const Node* root;  ///< the entity mapping (apiVersion, kind, metadata, spec, relations)
    /// Where the entity came from: the YAML file recorded in the snapshot, or the API's
    /// backstage.io/managed-by-location target (`url:`/`file:` prefix removed), or the JSON file
    /// itself.
    std::string file;
    /// Its line there (1-based; 0 unknown); every node of the item gets pos.line = line and
    /// pos.column = 1.
    int line = 0;
  };
  std::vector<Item> entities;
  /// `pageInfo.nextCursor` of a /api/catalog/entities/by-query page; "" when absent (last page).
  std::string next_cursor;
  /// Non-empty: unreadable, too big, not JSON, too deep, too many nodes, not a snapshot nor an API
  /// export, unsupported snapshot version — a message naming the file. `entities` is then empty.
  std::string error;
};

/// Reads `path`: a regular file of at most kCatalogJsonBytesScale × limits.max_file_bytes bytes
/// (FIFOs and devices are refused, never block). Never throws except std::bad_alloc.
JsonCatalog read_json_catalog(const std::string& path, const Limits& limits);

/// The bytes of catalog JSON file `path` (at most kCatalogJsonBytesScale × limits.max_file_bytes;
/// FIFOs and devices refused), or `error` set to the message read_json_catalog gives.
FileBytes read_catalog_file(const std::string& path, const Limits& limits, std::string& error);

/// The same for bytes already in memory (a page fetched from a Backstage server); `name` is used
/// in messages and as the `file` of entities without a location.
JsonCatalog parse_json_catalog(std::string_view bytes, const std::string& name,
                               const Limits& limits);

/// A version-2 snapshot opened for lookups (docs/snapshot.md "Version 2: on demand"): opening
/// reads the header, the index (each entity's ref and line length) and checks the entity count
/// and that the closing line ends the file where the index says, without reading the entities;
/// an entity's line is read, checked (its length, its leading ref), parsed (under the file's
/// limits) and summarized the first time it is looked up, then kept. A line that turns out
/// unreadable sets error() (the run reports it as unreadable-file and judges nothing against the
/// catalog).
class SnapshotIndex final : public LazyCatalog {
 public:
  /// Makes the summary of one entity: its tree (the line's JSON without `ref` and `source`, every
  /// node at `line`, column 1), its ref key and the file and line its `source` records.
  using Summarizer = std::function<EntitySummary(const Entity& entity, const std::string& ref,
                                                 const std::string& file)>;
  /// Opens `bytes` (the whole file) named `name`; nullptr with `error` set when the layout is
  /// broken (truncated, a line not led by a ref, a count that does not match, a header that is
  /// not a version-2 snapshot's).
  static std::shared_ptr<SnapshotIndex> open(std::string bytes, const std::string& name,
                                             const Limits& limits, Summarizer summarize,
                                             std::string& error);
  /// Opens catalog file `path` the same way, reading only its first two lines (the header and
  /// the index) and its last; entities are read from the file when looked up. nullptr with
  /// `other_layout` set when the file is not a readable regular file within the limit or does
  /// not start as a version-2 snapshot (read it with read_json_catalog, which says why); nullptr
  /// with `error` set when it does but is broken.
  static std::shared_ptr<SnapshotIndex> open_file(const std::string& path, const Limits& limits,
                                                  Summarizer summarize, std::string& error,
                                                  bool& other_layout);
  ~SnapshotIndex() override;
  const EntitySummary* find(std::string_view key) const override;
  std::vector<std::string> keys(std::string_view prefix) const override;
  std::vector<const EntitySummary*> entities(std::string_view prefix) const override;
  std::string error() const override;
  /// Every entity in file order (each summarized now); empty, with error() set, when one is
  /// unreadable.
  std::vector<const EntitySummary*> all() const;
  /// How many entity lines the file has.
  std::size_t size() const;

 private:
  SnapshotIndex();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// True when `bytes` start as a version-2 snapshot written by catalog-lint does (its first line
/// opens `{"format":"catalog-lint-snapshot","version":2,`): SnapshotIndex::open reads it.
bool is_snapshot_v2_layout(std::string_view bytes);

/// True when a catalog source path names a JSON catalog file (a snapshot or an API export) rather
/// than entity YAML: its extension is `.json` (any case).
bool is_catalog_json_path(std::string_view path);

/// True for the two location annotations and the escalation and template annotations a snapshot
/// keeps (docs/snapshot.md): keys starting with `annotation_prefix`, `pagerduty.com/`,
/// `opsgenie.com/`, and backstage.io/source-template, backstage.io/managed-by-location,
/// backstage.io/managed-by-origin-location.
bool snapshot_keeps_annotation(std::string_view key, std::string_view annotation_prefix);

/// Collects entities and writes a snapshot (format in docs/snapshot.md): compact JSON, entities
/// sorted by entity ref (then source file and line), object keys sorted, so the same inputs
/// always give the same bytes (but for `generated`).
class SnapshotBuilder {
 public:
  /// `annotation_prefix`: the policy's (Policy::annotation_prefix, default `platform/`).
  explicit SnapshotBuilder(std::string annotation_prefix);
  ~SnapshotBuilder();
  SnapshotBuilder(const SnapshotBuilder&) = delete;
  SnapshotBuilder& operator=(const SnapshotBuilder&) = delete;

  /// Adds the reduced form of the entity `root` (docs/snapshot.md "Entities"), from `file` at
  /// `line` (0 unknown). False, and nothing added, when `root` is not an entity: not a mapping,
  /// or `kind` or `metadata.name` not a non-empty string. Aliases and deep trees are bounded
  /// (a value deeper than 64 levels or past 100,000 nodes per entity is written as null).
  bool add(const Node* root, const std::string& file, int line);
  /// Records one input in `sources`: `type` ("yaml", "json": an API export or
  /// snapshot file, or "url"),
  /// `location` (the path or URL as given) and how many entities came from it.
  void add_source(std::string type, std::string location, std::size_t entities);
  /// Moves the entities and sources of `other` (e.g. filled by another thread) into this one.
  void merge(SnapshotBuilder&& other);
  /// Entities added so far.
  std::size_t size() const;
  /// Entity refs (`kind:namespace/name`, lower case) added more than once, sorted.
  std::vector<std::string> duplicate_refs() const;
  /// The snapshot text (one line, then '\n'); `generated` is the ISO 8601 UTC time to record.
  std::string text(const std::string& generated) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The current UTC time as ISO 8601 (`2026-12-01T15:04:05Z`).
std::string iso_time_now();

}  // namespace catalog_lint
