// Positions as the Language Server Protocol counts them (LSP 3.17 "Position", "Text Documents"):
// 0-based lines split at LF, CRLF or CR, and 0-based characters in the negotiated encoding
// (UTF-16 code units by default, or UTF-8 bytes, or UTF-32 code points).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catalog_lint::lsp {

/// The `positionEncoding` of a session (LSP 3.17 PositionEncodingKind).
enum class Encoding { utf8, utf16, utf32 };

/// "utf-8", "utf-16" or "utf-32".
std::string_view to_string(Encoding e);

/// A 0-based LSP position: `character` counts units of the session's Encoding.
struct Position {
  int line = 0;
  int character = 0;
  bool operator==(const Position&) const = default;
};

/// The byte offset of every line start of a text, lines split as LSP splits them (LF, CRLF, CR).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  int line_count() const { return static_cast<int>(starts_.size()); }
  /// Byte offset where 0-based `line` starts (clamped to the last line).
  std::size_t line_start(int line) const;
  /// Byte offset of the end of 0-based `line`'s content (before its line break).
  std::size_t line_end(std::string_view text, int line) const;
  /// The 0-based line holding byte `offset`.
  int line_of(std::size_t offset) const;

 private:
  std::vector<std::size_t> starts_;
};

/// The LSP position of byte `offset` of `text` (clamped to the text; an offset inside a line
/// break is its line's end; one inside a UTF-8 sequence counts the sequence's bytes before it as
/// the bytes of invalid UTF-8 are counted: one unit each).
Position position_at(std::string_view text, const LineIndex& index, std::size_t offset,
                     Encoding encoding);

/// The byte offset of LSP position `p` in `text`: a character past the line's end is the line's
/// end (as the spec says), a line past the last one is the end of the text; a position inside a
/// surrogate pair or UTF-8 sequence is the start of that code point.
std::size_t offset_at(std::string_view text, const LineIndex& index, Position p, Encoding encoding);

/// The local path of a `file://` URI (RFC 8089; percent-decoded, `file:///C:/x` not handled:
/// this tool runs on POSIX), or std::nullopt for another scheme, a host name other than
/// `localhost` or an encoded NUL.
std::optional<std::string> path_of_uri(std::string_view uri);

/// The `file://` URI of absolute `path`, percent-encoding what RFC 3986 does not allow in a path.
std::string uri_of_path(std::string_view path);

}  // namespace catalog_lint::lsp
