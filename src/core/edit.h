// Edits of a file's bytes: applying non-overlapping TextEdits, picking one round of fixes from
// findings, and the unified diff of two texts. Used by the rules (to build fixes), the fix run
// (core/fix.h) and the language server.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"

namespace catalog_lint {

/// At most this many rounds of fixes per run: each round applies every fix that does not overlap
/// an earlier one of the same round, then lints again (what a fix leaves, or an overlapping fix,
/// is taken up by the next round).
inline constexpr int kMaxFixRounds = 10;

/// Whether round `round` (0-based) of a run that allows unsafe fixes (`unsafe`) applies them:
/// only the first, on the file as its author wrote it. A later round fixes what earlier fixes
/// revealed, text nobody reviewed (a comment's hidden `kind:` line that the CR fix turned into a
/// duplicate key would otherwise be deleted by the duplicate-key fix).
inline bool unsafe_in_round(bool unsafe, int round) {
  return unsafe && round == 0;
}

/// Whether `fix` is applied in a run that allows unsafe fixes or not.
inline bool fix_allowed(const Fix& fix, bool unsafe) {
  return fix.safety == FixSafety::safe || unsafe;
}

/// "safe" or "unsafe".
std::string_view to_string(FixSafety s);

/// An edit that replaces the text of a single-line scalar written from `pos` to `end` (SourcePos
/// offsets, as Node and SummaryField hold them) whose value is `value`, with `replacement`
/// (the new value): for a plain scalar (`end - pos == value.size()`) the bytes are replaced as
/// they are, for a quoted one without escapes (`end - pos == value.size() + 2`) the text between
/// the quotes. std::nullopt when neither holds, when the replacement cannot be written that way
/// (a quote or backslash in a quoted scalar; for a plain one anything but
/// `[A-Za-z0-9][A-Za-z0-9._:/+#-]*`), or when `end` is invalid.
std::optional<TextEdit> replace_scalar(SourcePos pos, SourcePos end, std::string_view value,
                                       std::string_view replacement);

/// A Fix of one edit.
Fix single_edit_fix(std::string description, FixSafety safety, TextEdit edit);

/// Applies `edits` (offsets into `bytes`, any order) that do not overlap one another: an edit is
/// taken when it starts at or after the end of every edit taken before it in offset order (two
/// insertions at one offset, or an insertion inside a replaced range, overlap). Returns the new
/// bytes; `applied` (optional) gets how many were taken. Edits past the end of `bytes` are never
/// taken.
std::string apply_edits(std::string_view bytes, std::vector<TextEdit> edits,
                        std::size_t* applied = nullptr);

/// Picks, from the unsuppressed findings of `file` in `diagnostics` whose fix `fix_allowed`, the
/// fixes of one round: whole fixes (all their edits or none), in offset order, none overlapping
/// another; returns their edits. Fixes left out overlap a chosen one (the next round retries).
std::vector<TextEdit> round_edits(const std::vector<Diagnostic>& diagnostics,
                                  const std::string& file, bool unsafe);

/// A unified diff (`diff -u` format, 3 lines of context, `--- a/PATH` / `+++ b/PATH` headers)
/// between `before` and `after`, split into lines at '\n' (a '\r' stays part of its line; a last
/// line without '\n' is followed by `\ No newline at end of file`). "" when they are equal.
/// Lines are matched with Myers' O(ND) algorithm (E. Myers, "An O(ND) Difference Algorithm and
/// Its Variations", 1986).
/// `path` (raw bytes) goes into the `---`/`+++` lines through diff_file_name().
std::string unified_diff(std::string_view before, std::string_view after, std::string_view path);

/// `prefix` + `path` as a diff header names it, quoted as git does (quote_c_style: `"a/x\ny"`,
/// with \a \b \t \n \v \f \r \" \\ and \ooo for other control bytes) when the path holds a
/// control character, '"' or '\\', so that a name cannot forge diff lines and `git apply`
/// still finds the file; as it is otherwise.
std::string diff_file_name(std::string_view prefix, std::string_view path);

}  // namespace catalog_lint
