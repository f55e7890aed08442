#include "core/source.h"

#include <fmt/format.h>

#include <algorithm>

namespace catalog_lint {

SourceText::SourceText(std::string bytes) : bytes_(std::move(bytes)) {
  line_starts_.push_back(0);
  const std::size_t n = bytes_.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (bytes_[i] == '\n') line_starts_.push_back(i + 1);
  }
  // Where each line's text ends (its LF and every CR before it dropped), once: line() is asked
  // per character by some checks, and a line of a million bare CRs must not be walked each time.
  line_ends_.reserve(line_starts_.size());
  for (std::size_t l = 0; l < line_starts_.size(); ++l) {
    std::size_t end = l + 1 < line_starts_.size() ? line_starts_[l + 1] : n;
    while (end > line_starts_[l] && (bytes_[end - 1] == '\n' || bytes_[end - 1] == '\r')) --end;
    line_ends_.push_back(end);
  }
}

std::string_view SourceText::line(int line) const {
  if (line < 1 || line > line_count()) return {};
  const std::size_t start = line_starts_[line - 1];
  return std::string_view(bytes_.data() + start, line_ends_[line - 1] - start);
}

SourcePos SourceText::pos_at_offset(std::size_t offset) const {
  offset = std::min(offset, bytes_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const int line0 = static_cast<int>(it - line_starts_.begin()) - 1;
  std::size_t col = offset - line_starts_[line0];
  // pos_at takes yaml-cpp's columns, which do not count a leading BOM.
  if (line0 == 0 && col >= 3 && line(1).substr(0, 3) == "\xEF\xBB\xBF") col -= 3;
  return pos_at(line0, static_cast<int>(col));
}

SourcePos SourceText::pos_at(int line0, int byte_column0) const {
  line0 = std::clamp(line0, 0, line_count() - 1);
  std::string_view text = line(line0 + 1);
  std::size_t col = static_cast<std::size_t>(std::max(byte_column0, 0));
  // yaml-cpp does not count a leading UTF-8 BOM in its columns.
  std::size_t skip = 0;
  if (line0 == 0 && text.substr(0, 3) == "\xEF\xBB\xBF") skip = 3;
  col = std::min(col + skip, text.size());
  SourcePos p;
  p.line = line0 + 1;
  std::size_t from = skip;
  int cp = 0, u16 = 0;
  if (memo_line_ == line0 && memo_byte_ <= col) from = memo_byte_, cp = memo_cp_, u16 = memo_u16_;
  int more_cp = 0, more_u16 = 0;
  count_columns(text.substr(from, col - from), more_cp, more_u16);
  p.column = cp + more_cp;
  p.column_utf16 = u16 + more_u16;
  memo_line_ = line0, memo_byte_ = col, memo_cp_ = p.column, memo_u16_ = p.column_utf16;
  p.column += 1;
  p.column_utf16 += 1;
  p.offset = line_starts_[line0] + col;
  return p;
}

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i, unsigned& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = b(i);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t len;
  unsigned min;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}
}  // namespace

void count_columns(std::string_view s, int& code_points, int& utf16_units) {
  code_points = 0;
  utf16_units = 0;
  for (std::size_t i = 0; i < s.size();) {
    unsigned cp = 0;
    std::size_t len = utf8_sequence(s, i, cp);
    if (len == 0) len = 1, cp = 0xFFFD;
    code_points += 1;
    utf16_units += cp >= 0x10000 ? 2 : 1;
    i += len;
  }
}

std::size_t find_invalid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    // Fast path for ASCII runs.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    unsigned cp = 0;
    const std::size_t len = utf8_sequence(s, i, cp);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string sanitize_utf8(std::string_view s) {
  if (find_invalid_utf8(s) == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    unsigned cp = 0;
    const std::size_t len = utf8_sequence(s, i, cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

namespace {

// The code point at the start of `s` (valid UTF-8) when it reorders or breaks the text it is
// shown in, else 0: the bidirectional formatting characters of "Trojan Source" (CVE-2021-42574;
// Unicode UAX #9: U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and the line and
// paragraph separators U+2028, U+2029 (a line break in many viewers).
char32_t reordering_code_point(std::string_view s) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  if (s.size() >= 2 && byte(0) == 0xD8 && byte(1) == 0x9C) return 0x061C;
  if (s.size() < 3 || byte(0) != 0xE2) return 0;
  const char32_t cp = 0x2000 + ((byte(1) & 0x3F) << 6) + (byte(2) & 0x3F);
  const bool reorders = cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
                        (cp >= 0x2066 && cp <= 0x2069);
  return reorders ? cp : 0;
}

}  // namespace

std::string printable(std::string_view text) {
  const std::string valid = sanitize_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(valid[i]);
    if (c < 0x20 && c != '\t') {
      out += "\xE2\x90";
      out += static_cast<char>(0x80 + c);
    } else if (c == 0x7F) {
      out += "\xE2\x90\xA1";
    } else if (c == 0xC2 && i + 1 < valid.size() &&
               static_cast<unsigned char>(valid[i + 1]) < 0xA0) {
      // C1 controls (U+0080-U+009F, UTF-8 C2 80-C2 9F): U+009B is CSI on many terminals.
      out += fmt::format("<U+{:04X}>", static_cast<unsigned char>(valid[i + 1]));
      ++i;
    } else if (const char32_t cp = reordering_code_point(std::string_view(valid).substr(i))) {
      out += fmt::format("<U+{:04X}>", static_cast<std::uint32_t>(cp));
      i += cp < 0x800 ? 1 : 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

// The code point of the UTF-8 sequence at the start of `s` (valid UTF-8), or 0.
char32_t code_point_at(std::string_view s) {
  if (s.empty()) return 0;
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  if (b(0) < 0x80) return b(0);
  if (b(0) >= 0xF0 && s.size() >= 4)
    return ((b(0) & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
  if (b(0) >= 0xE0 && s.size() >= 3)
    return ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
  if (b(0) >= 0xC0 && s.size() >= 2) return ((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu);
  return 0;
}

bool extends(char32_t cp) {
  return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || cp == 0x200D || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

}  // namespace

std::string excerpt(std::string_view text, std::size_t max) {
  std::string valid = sanitize_utf8(text);
  if (valid.size() > max) {
    // Back to the start of the character byte `max` belongs to, then over every mark that
    // extends the character before it.
    std::size_t cut = max;
    auto back = [&] {
      do --cut;
      while (cut > 0 && (static_cast<unsigned char>(valid[cut]) & 0xC0) == 0x80);
    };
    while (cut > 0 && (static_cast<unsigned char>(valid[cut]) & 0xC0) == 0x80) --cut;
    while (cut > 0 && extends(code_point_at(std::string_view(valid).substr(cut)))) back();
    valid = valid.substr(0, cut) + "…";
  }
  std::string out;
  for (const char c : printable(valid)) {
    if (c == '\t')
      out += "\u2409";
    else
      out += c;
  }
  return out;
}

}  // namespace catalog_lint
