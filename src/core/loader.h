// Loader: file bytes → our node tree, with every YAML-level problem as a diagnostic.
// The only place that includes yaml-cpp.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/node.h"
#include "core/source.h"

namespace catalog_lint {

/// Resource limits for hostile input. Every limit that is hit yields a diagnostic (rule
/// `limit-exceeded`) rather than a crash, hang or silent truncation.
struct Limits {
  std::size_t max_file_bytes = 10u << 20;   ///< bytes; larger files are not parsed
  int max_depth = 200;                      ///< nesting of sequences/mappings per document
  std::size_t max_nodes = 1'000'000;        ///< nodes per document (aliases are not copied)
  std::size_t max_documents = 10'000;       ///< documents per file; the rest are not linted
  std::size_t max_scalar_bytes = 1u << 20;  ///< bytes in one scalar
  /// Findings of one file's per-file phase (loader and entity rules); past it the rest are
  /// dropped and one `limit-exceeded` finding says so, so that no shape of input makes the
  /// reports grow without bound.
  std::size_t max_findings = 10'000;
  /// Backstage's parser (`yaml` npm, `maxAliasCount` default 100, `Alias.toJS`) rejects a file
  /// when an anchor's uses × the aliases inside it exceed this. Not configurable: it is
  /// Backstage's behaviour, not ours.
  int max_alias_count = 100;
};

/// One YAML document of a file. `root` is nullptr for an empty (null) document, which Backstage
/// skips, and for a document that failed to parse (`failed`).
struct LoadedDocument {
  int index = 0;  ///< 0-based, as the `yaml` npm package counts documents
  const Node* root = nullptr;
  SourcePos start;      ///< where the document's content starts
  bool failed = false;  ///< a yaml-level error makes Backstage reject this document
};

/// Everything the loader learned from one file. Owns the node tree.
struct LoadedFile {
  std::unique_ptr<SourceText> source;
  NodeArena arena;
  std::vector<LoadedDocument> documents;
  /// Load diagnostics (rule ids of category yaml/input); severity and category are stamped later.
  std::vector<Diagnostic> diagnostics;
  /// Offsets (sorted) of the CRs of `key:<CR>value` (bare-cr-line-break) whose value is a plain
  /// scalar: its text starts with that CR, as Backstage reads it ("\rvalue"). A finding on such
  /// a value is the CR's consequence; with none, Backstage accepts the value (lint_file).
  std::vector<std::size_t> plain_value_crs;
};

/// Parses `bytes` (the whole file) with yaml-cpp into our node tree. Never throws for bad input:
/// encoding problems (UTF-16/32, invalid UTF-8, NUL bytes), bare CR line breaks, tab indentation,
/// syntax errors (per document, parsing resumes at the next `---`), duplicate keys, excessive or
/// recursive aliases and limit overruns all become diagnostics. Throws std::bad_alloc only.
/// `yaml11_notes`: also note values that YAML 1.1 reads differently (`yaml-1-1-habit`: yes/no/
/// on/off, 0777, `<<`), for files Backstage reads; configuration files leave it off.
LoadedFile load_yaml(std::string bytes, const Limits& limits, bool yaml11_notes = false);

}  // namespace catalog_lint
