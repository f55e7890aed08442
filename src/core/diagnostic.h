// Diagnostic: one finding of one rule, with an exact source range.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catalog_lint {

/// How serious a finding is. Ordered: note < warning < error. `off` disables a rule.
enum class Severity : std::uint8_t { off = 0, note = 1, warning = 2, error = 3 };

/// "error", "warning", "note" or "off".
std::string_view to_string(Severity s);
/// Parses "error" | "warning" | "note" | "off"; std::nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view s);

/// A 1-based source position. `column` counts Unicode code points from the line start (1-based);
/// `column_utf16` counts UTF-16 code units (what SARIF/GitHub and LSP expect); `offset` is the
/// 0-based byte offset in the file. A default SourcePos (line 0) means "no position".
struct SourcePos {
  int line = 0;
  int column = 0;
  int column_utf16 = 0;
  std::size_t offset = 0;
  bool valid() const { return line > 0; }
};

/// A secondary location attached to a diagnostic ("first defined here").
struct RelatedNote {
  std::string message;
  std::string file;
  SourcePos pos;
};

/// One replacement in the original bytes of a file: `[begin, end)` (0-based byte offsets, `end`
/// ≥ `begin`; equal for an insertion) becomes `text`. Offsets refer to the file as read, before
/// any other edit.
struct TextEdit {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string text;
};

/// Whether a fix may be applied without review (the classes of ruff's and ESLint's fixes).
/// `safe`: the document keeps its meaning for Backstage and for people (quoting a number where a
/// string is required). `unsafe`: it may change meaning (a did-you-mean replacement); applied
/// only with `--unsafe-fixes`.
enum class FixSafety : std::uint8_t { safe, unsafe };

/// A machine-applicable fix of one finding: non-overlapping edits of one file, in offset order.
struct Fix {
  std::string description;  ///< imperative, lower-case start: "quote '4711' as a string"
  FixSafety safety = FixSafety::safe;
  std::vector<TextEdit> edits;
};

/// One finding. `rule`, `severity` and `category` are stamped by the engine from the rule registry
/// and the effective configuration; rules supply only message, help, position and path.
struct Diagnostic {
  std::string rule;  ///< stable kebab-case rule id, e.g. "invalid-tag"
  Severity severity = Severity::error;
  std::string category;  ///< e.g. "backstage", "yaml", "catalog", "input"
  std::string message;   ///< what is wrong, quoting the value; lower-case start, no period
  std::string help;      ///< how to fix; may be empty
  std::string file;      ///< path as given on the command line (or discovered), relative
  SourcePos start;       ///< first character of the offending key or value
  SourcePos end;         ///< one past the last character, same line; invalid when unknown
  int document = -1;     ///< 0-based YAML document index in the file; -1 for whole-file issues
  std::string entity;    ///< entity ref, e.g. "component:default/x"; empty when unknown
  std::string path;      ///< JSON pointer of the field, e.g. "/metadata/tags/0"; may be empty
  /// The text of line `start.line` (for the human snippet and SARIF regions), shared by every
  /// diagnostic on that line so that memory does not grow with findings × line length.
  std::shared_ptr<const std::string> source_line;
  std::vector<RelatedNote> notes;
  /// A severity the finding sets itself (a note that informs, whatever the rule's severity);
  /// stamping still drops it when the rule is off.
  std::optional<Severity> fixed_severity;
  /// Kept but not counted: an in-source suppression comment or the baseline covers it. Human and
  /// JSON output leave suppressed diagnostics out; SARIF lists them with `suppressions[]`.
  bool suppressed = false;
  std::string suppression_kind;  ///< "inSource" (comment) or "external" (baseline); SARIF §3.35.2
  std::string suppression_reason;  ///< the justification given, if any
  /// The fix this finding offers, if any (edits of `file`'s original bytes).
  std::optional<Fix> fix;
};

/// Deterministic report order: file, line, column, rule, then message.
bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace catalog_lint
