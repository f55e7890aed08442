#include "lsp/position.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace catalog_lint::lsp {

std::string_view to_string(Encoding e) {
  switch (e) {
    case Encoding::utf8:
      return "utf-8";
    case Encoding::utf32:
      return "utf-32";
    case Encoding::utf16:
      break;
  }
  return "utf-16";
}

LineIndex::LineIndex(std::string_view text) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      starts_.push_back(i + 1);
    } else if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      starts_.push_back(i + 1);
    }
  }
}

std::size_t LineIndex::line_start(int line) const {
  if (line <= 0) return 0;
  return starts_[std::min<std::size_t>(static_cast<std::size_t>(line), starts_.size() - 1)];
}

std::size_t LineIndex::line_end(std::string_view text, int line) const {
  std::size_t end = line + 1 < line_count() ? line_start(line + 1) : text.size();
  const std::size_t begin = line_start(line);
  if (end > begin && text[end - 1] == '\n') --end;
  if (end > begin && text[end - 1] == '\r') --end;
  return end;
}

int LineIndex::line_of(std::size_t offset) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<int>(it - starts_.begin()) - 1;
}

namespace {

/// The length in bytes of the code point at `text[i]` (1 for an invalid byte) and its units in
/// `encoding`.
std::pair<std::size_t, int> step(std::string_view text, std::size_t i, Encoding encoding) {
  const auto b = static_cast<unsigned char>(text[i]);
  std::size_t n = 1;
  if (b >= 0xC2 && b <= 0xDF)
    n = 2;
  else if (b >= 0xE0 && b <= 0xEF)
    n = 3;
  else if (b >= 0xF0 && b <= 0xF4)
    n = 4;
  if (n > 1) {
    if (i + n > text.size()) {
      n = 1;
    } else {
      for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) n = 1;
      if (n > 1) {  // overlongs, surrogates, and code points above U+10FFFF are invalid
        const auto c1 = static_cast<unsigned char>(text[i + 1]);
        if ((b == 0xE0 && c1 < 0xA0) || (b == 0xED && c1 > 0x9F) || (b == 0xF0 && c1 < 0x90) ||
            (b == 0xF4 && c1 > 0x8F))
          n = 1;
      }
    }
  }
  switch (encoding) {
    case Encoding::utf8:
      return {n, static_cast<int>(n)};
    case Encoding::utf16:
      return {n, n == 4 ? 2 : 1};
    case Encoding::utf32:
      break;
  }
  return {n, 1};
}

}  // namespace

Position position_at(std::string_view text, const LineIndex& index, std::size_t offset,
                     Encoding encoding) {
  offset = std::min(offset, text.size());
  const int line = index.line_of(offset);
  const std::size_t end = std::min(offset, index.line_end(text, line));
  int units = 0;
  for (std::size_t i = index.line_start(line); i < end;) {
    const auto [n, u] = step(text, i, encoding);
    if (i + n > end) {  // inside a sequence: count its bytes before `end` one unit each
      units += static_cast<int>(end - i);
      break;
    }
    units += u;
    i += n;
  }
  return {line, units};
}

std::size_t offset_at(std::string_view text, const LineIndex& index, Position p,
                      Encoding encoding) {
  if (p.line < 0) return 0;
  if (p.line >= index.line_count()) return text.size();
  const std::size_t end = index.line_end(text, p.line);
  std::size_t i = index.line_start(p.line);
  int units = 0;
  while (i < end && units < p.character) {
    const auto [n, u] = step(text, i, encoding);
    if (units + u > p.character) break;  // inside a surrogate pair or a UTF-8 sequence
    units += u;
    i += n;
  }
  return i;
}

std::optional<std::string> path_of_uri(std::string_view uri) {
  constexpr std::string_view scheme = "file://";
  if (uri.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(uri[i])) != scheme[i]) return std::nullopt;
  std::string_view rest = uri.substr(scheme.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost") return std::nullopt;
  rest = rest.substr(slash);
  if (const std::size_t q = rest.find_first_of("?#"); q != std::string_view::npos)
    rest = rest.substr(0, q);
  std::string path;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
      const char c = static_cast<char>(std::stoi(std::string(rest.substr(i + 1, 2)), nullptr, 16));
      if (c == '\0') return std::nullopt;
      path += c;
      i += 2;
    } else {
      path += rest[i];
    }
  }
  return path;
}

std::string uri_of_path(std::string_view path) {
  std::string out = "file://";
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) ||
        std::string_view("/-._~!$&'()*+,;=:@").find(ch) != std::string_view::npos)
      out += ch;
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace catalog_lint::lsp
