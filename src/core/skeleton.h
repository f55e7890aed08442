// Skeleton mode (docs/skeletons.md): a scaffolder skeleton is linted with each template
// expression standing for a neutral valid value, so that faults outside the expressions are still
// found, at their exact position.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnostic.h"
#include "core/source.h"

namespace catalog_lint {

/// The text of a skeleton with its template expressions replaced, and where they were.
///
/// Every replacement keeps the byte length and every line break, so byte offsets and lines of
/// the neutral text are those of the original:
/// - a value expression (`${{ … }}`, `{{ … }}`) becomes a marker of the same length, `x`, its
///   index in decimal, then `x`s (`${{ values.name }}` → `x0xxxxxxxxxxxxxxxxx`): a valid name,
///   namespace, ref or string, which restore() turns back into the original text (one ends on
///   its own line: without `}}` there, at the end of the line; expressions too short for their
///   index become `x`s only);
/// - a tag (`{% … %}`, with `-` whitespace control or not) and a comment (`{# … #}`) become
///   spaces; of an `{% if %}…{% elif %}…{% else %}…{% endif %}` chain only the last branch is
///   kept (the `else`, usually the literal default; the other branches become spaces, so the two
///   sides of an if/else never make a duplicate key); the bodies of `{% macro %}` and of a
///   `{% for %}`'s `{% else %}` become spaces too; `{% raw %}…{% endraw %}` content is kept as
///   written.
/// A tag or comment may span lines; without its closing `%}`/`#}` it ends at the end of its line.
struct SkeletonText {
  std::string text;  ///< the neutral text, as long as the original
  /// Every replaced byte range [first, second) of the original, sorted, not overlapping.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  /// Per value expression (index = the number in its marker): its marker and original text.
  std::vector<std::pair<std::string, std::string>> markers;
  /// The letter markers are made of (`x`, or another when the original already holds that
  /// letter before a digit, as in a literal `x0xxx`: restore() must never take literal text for
  /// a marker); 0 when every candidate letter is taken, and markers are then never restored.
  char lead = 'x';
  /// Some replaced range holds a byte that is not ASCII: columns (code points, UTF-16 units) of
  /// the neutral text then differ from the original's after it on that line.
  bool non_ascii = false;

  /// True when [begin, end) (byte offsets; `end` <= `begin` means the one byte at `begin`)
  /// overlaps a replaced range. O(log spans).
  bool overlaps(std::size_t begin, std::size_t end) const;
  /// `s` with every marker of this text replaced by the original expression. Linear in `s`.
  std::string restore(std::string_view s) const;
};

/// Replaces the template expressions of `original` (SkeletonText says how). Linear in the size of
/// `original`, however many expressions one line holds.
SkeletonText neutralize_skeleton(std::string_view original);

/// True when finding `d` of the neutral text comes from an expression and is dropped in skeleton
/// mode: its region [start, end) overlaps a replaced range. A finding that only stands at an
/// entity's metadata.name as the entity's anchor (its `path` is not `/metadata/name`, its region
/// is exactly one of `names`, the byte ranges of the entities' name values) is kept: what it
/// reports is about the entity, not about the templated name.
bool from_expression(const SkeletonText& skeleton, const Diagnostic& d,
                     const std::vector<std::pair<std::size_t, std::size_t>>& names);

/// A file linted in skeleton mode (the linter makes one per such file, FileResult::skeleton).
struct SkeletonFile {
  SourceText original;   ///< the file as written: positions, source lines
  SkeletonText neutral;  ///< what the rules read
  /// Byte ranges of the entities' metadata.name values (from_expression's `names`).
  std::vector<std::pair<std::size_t, std::size_t>> names;

  /// Skeleton mode for finding `d` of this file: false when it is dropped (from_expression);
  /// else its message, help, entity, path and notes quote the original text (restore()), its
  /// positions (and its notes' in this file) are the original's, and a fix that would edit an
  /// expression is dropped.
  bool adjust(Diagnostic& d) const;
};

}  // namespace catalog_lint
