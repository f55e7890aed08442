// SourceText: the bytes of one file plus a line index, for converting positions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"

namespace catalog_lint {

/// Owns a file's bytes and the byte offset of every line start. Only LF starts a line (CRLF ends
/// in LF; a bare CR does not), which is how yaml-cpp counts the lines of its marks.
class SourceText {
 public:
  explicit SourceText(std::string bytes);

  const std::string& bytes() const { return bytes_; }
  int line_count() const { return static_cast<int>(line_starts_.size()); }
  /// The text of 1-based `line`, without its line break; "" when out of range.
  std::string_view line(int line) const;
  /// Position of the byte at 0-based `offset` (clamped to the file).
  SourcePos pos_at_offset(std::size_t offset) const;
  /// Position from a 0-based line and 0-based byte column (yaml-cpp's Mark); both are clamped,
  /// so -1 (yaml-cpp's "no mark") becomes line 1, column 1.
  SourcePos pos_at(int line0, int byte_column0) const;

 private:
  std::string bytes_;
  std::vector<std::size_t> line_starts_;
  std::vector<std::size_t> line_ends_;  ///< end of each line's text (no LF, no trailing CRs)
  // Memo of the last column conversion: positions arrive mostly left to right along a line, so
  // counting resumes there instead of at the line start (a long line with many nodes stays
  // linear). Not thread-safe: a SourceText belongs to one file's worker.
  mutable int memo_line_ = -1;
  mutable std::size_t memo_byte_ = 0;
  mutable int memo_cp_ = 0, memo_u16_ = 0;
};

/// Counts Unicode code points and UTF-16 code units in `s`; an invalid byte counts as one of each
/// (it is shown as U+FFFD).
void count_columns(std::string_view s, int& code_points, int& utf16_units);

/// Byte offset of the first invalid UTF-8 sequence in `s` (RFC 3629: no overlongs, no surrogates,
/// nothing above U+10FFFF), or std::string_view::npos when `s` is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view s);

/// `s` with every invalid UTF-8 sequence replaced by U+FFFD, so it can go into JSON/XML output.
std::string sanitize_utf8(std::string_view s);

/// `text` made safe for a terminal or a CI log: valid UTF-8 (invalid bytes become U+FFFD), every
/// C0 control but TAB shown as its Unicode control picture (ESC as U+241B, NUL as U+2400, LF as
/// U+240A), DEL as U+2421, C1 controls (U+0080-U+009F) as `<U+009B>`, and the bidirectional
/// formatting characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: "Trojan
/// Source", CVE-2021-42574) and line/paragraph separators (U+2028, U+2029) as `<U+202E>`; so
/// input bytes can neither corrupt nor drive the terminal, nor reorder or break the text around
/// them. Used by every text format (human, github, junit).
std::string printable(std::string_view text);

/// Bytes of a value a message quotes at most (excerpt()).
constexpr std::size_t kExcerptBytes = 40;

/// `text` as a message quotes it: at most `max` bytes, then "…", cut before a character and never
/// between a character and the combining marks, variation selectors or zero-width joiner that
/// follow it (a subset of the Extend property of Unicode's grapheme cluster rules, UAX #29:
/// U+0300-U+036F, U+1AB0-U+1AFF, U+1DC0-U+1DFF, U+200D, U+20D0-U+20FF, U+FE00-U+FE0F,
/// U+FE20-U+FE2F), so "e" is never shown without its accent; then printable(), with TAB shown as
/// U+2409 (a raw tab reads as spaces inside quotes).
std::string excerpt(std::string_view text, std::size_t max = kExcerptBytes);

}  // namespace catalog_lint
