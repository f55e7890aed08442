#include "core/glob.h"

namespace catalog_lint {
namespace {

// What one bracket expression does with one character (glibc fnmatch_loop.c, C locale, no
// FNM_NOESCAPE): members are read left to right until one matches (then the rest is skipped up
// to its `]`), an ill-formed part met on the way fails the match, and a `[` whose expression
// never closes, with no member matched, is an ordinary character.
enum class Bracket { matched, not_matched, fails, literal };

bool in_class(std::string_view name, unsigned char c) {
  const bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
  const bool digit = c >= '0' && c <= '9';
  const bool alpha = upper || lower, alnum = alpha || digit, graph = c >= 33 && c <= 126;
  if (name == "alnum") return alnum;
  if (name == "alpha") return alpha;
  if (name == "blank") return c == ' ' || c == '\t';
  if (name == "cntrl") return c < 32 || c == 127;
  if (name == "digit") return digit;
  if (name == "graph") return graph;
  if (name == "lower") return lower;
  if (name == "print") return graph || c == ' ';
  if (name == "punct") return graph && !alnum;
  if (name == "space") return c == ' ' || (c >= 9 && c <= 13);
  if (name == "upper") return upper;
  return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');  // xdigit
}

bool is_class(std::string_view name) {
  for (const std::string_view n : {"alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower",
                                   "print", "punct", "space", "upper", "xdigit"})
    if (name == n) return true;
  return false;
}

// The bracket expression opening at p[open] ('[') applied to `fn`; `next` is where the pattern
// continues when the result is matched or not_matched. Costs O(length of the expression).
Bracket bracket(std::string_view p, std::size_t open, unsigned char fn, std::size_t& next) {
  auto at = [&](std::size_t k) -> unsigned char {
    return k < p.size() ? static_cast<unsigned char>(p[k]) : '\0';
  };
  std::size_t i = open + 1;
  if (at(i) == '!' || at(i) == '^') ++i;
  unsigned char c = at(i++);
  // A `[.x.]` collating symbol whose '.' is at i: its one character (C locale), or false.
  auto collating = [&](unsigned char& out) {
    const std::size_t start = i;
    std::size_t len = 0;
    while (true) {
      const unsigned char d = at(++i);
      if (d == '.' && at(i + 1) == ']') {
        i += 2;
        break;
      }
      if (d == '\0') return false;
      ++len;
    }
    out = at(start + 1);
    return len == 1;
  };
  while (true) {
    unsigned char cold = 0;
    bool member = true;  // c is an ordinary member (glibc's normal_bracket)
    if (c == '\\') {
      if (at(i) == '\0') return Bracket::fails;
      c = at(i++);
    } else if (c == '[' && at(i) == ':') {
      const std::size_t start = i;
      for (std::size_t len = 0;; ++len) {
        if (len == 256) return Bracket::fails;
        const unsigned char d = at(++i);
        if (d == ':' && at(i + 1) == ']') {
          const std::string_view name = p.substr(start + 1, len);
          if (!is_class(name)) return Bracket::fails;
          i += 2;
          if (in_class(name, fn)) goto matched;
          c = at(i++);
          member = false;
          break;
        }
        if (d < 'a' || d >= 'z') {  // not a class name: '[' is an ordinary member
          i = start;
          break;
        }
      }
      if (!member) {
        if (c == ']') break;
        continue;
      }
    } else if (c == '[' && at(i) == '=') {
      const std::size_t start = i;
      const unsigned char e = at(++i);
      if (e != '\0' && at(i + 1) == '=' && at(i + 2) == ']') {
        i += 3;
        if (fn == e) goto matched;
        c = at(i++);
        if (c == ']') break;
        continue;
      }
      i = start;
    } else if (c == '\0') {
      return Bracket::literal;
    } else if (c == '[' && at(i) == '.') {
      unsigned char sym = 0;
      if (!collating(sym)) return Bracket::fails;
      const bool is_range = at(i) == '-' && at(i + 1) != '\0';
      if (!is_range && fn == sym) goto matched;
      cold = sym;
      c = at(i++);
      member = false;
    }
    if (member) {
      const bool is_range = at(i) == '-' && at(i + 1) != '\0' && at(i + 1) != ']';
      if (!is_range && c == fn) goto matched;
      cold = c;
      c = at(i++);
    }
    if (c == '-' && at(i) != ']') {
      unsigned char cend = at(i++);
      if (cend == '[' && at(i) == '.') {
        if (!collating(cend)) return Bracket::fails;
      } else {
        if (cend == '\\') cend = at(i++);
        if (cend == '\0') return Bracket::fails;
      }
      if (cold <= fn && fn <= cend) goto matched;
      c = at(i++);
    }
    if (c == ']') break;
  }
  next = i;
  return Bracket::not_matched;
matched:
  // Skip the rest of the expression up to its `]`.
  while (true) {
    c = at(i++);
    if (c == ']') break;
    if (c == '\0') return Bracket::literal;  // glibc 2.36: unterminated after all
    if (c == '\\') {
      if (at(i) == '\0') return Bracket::fails;
      ++i;
    } else if (c == '[' && at(i) == ':') {
      const std::size_t start = i;
      for (int len = 1;; ++len) {
        c = at(++i);
        if (len == 256) return Bracket::fails;
        if (c == ':' && at(i + 1) == ']') break;
        if (c < 'a' || c >= 'z') {
          i = start - 2;
          break;
        }
      }
      i += 2;
    } else if (c == '[' && at(i) == '=') {
      if (at(++i) == '\0') return Bracket::fails;
      c = at(++i);
      if (c != '=' || at(i + 1) != ']') return Bracket::fails;
      i += 2;
    } else if (c == '[' && at(i) == '.') {
      while (true) {
        c = at(++i);
        if (c == '\0') return Bracket::fails;
        if (c == '.' && at(i + 1) == ']') break;
      }
      i += 2;
    }
  }
  next = i;
  return Bracket::matched;
}

}  // namespace

bool glob_segment_match(std::string_view p, std::string_view t) {
  // fnmatch reads C strings: both end at a NUL.
  p = p.substr(0, p.find('\0'));
  t = t.substr(0, t.find('\0'));
  // Two pointers with one backtracking point, the last `*`: glibc commits to the leftmost match
  // of the part after each `*` (its `ends` mechanism), so this is its result, in
  // O(|p| x |t|) steps instead of glibc's recursion.
  std::size_t pi = 0, ti = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  const bool leading_dot = !t.empty() && t[0] == '.';
  // glibc quirk: after a leading run of `*` and k `?`, a bracket tried first at text index k
  // still sees "the start of the name", so it cannot match a '.' there.
  std::size_t quirk_p = std::string_view::npos, quirk_t = 0;
  bool first_attempt = false;
  while (true) {
    if (pi < p.size() && p[pi] == '*') {
      if (ti == 0) {
        if (leading_dot) return false;  // FNM_PERIOD
        std::size_t q = pi, k = 0;
        while (q < p.size() && (p[q] == '*' || p[q] == '?')) k += p[q++] == '?';
        quirk_p = q, quirk_t = k, first_attempt = true;
      }
      while (pi < p.size() && p[pi] == '*') ++pi;
      star_p = pi, star_t = ti;
      continue;
    }
    bool ok = false;
    std::size_t next = pi + 1;
    if (pi == p.size()) {
      if (ti == t.size()) return true;
    } else if (ti < t.size()) {
      const unsigned char c = static_cast<unsigned char>(t[ti]);
      const bool leading = ti == 0 && leading_dot;
      switch (p[pi]) {
        case '?':
          ok = !leading;
          break;
        case '\\':
          ok = pi + 1 < p.size() && static_cast<unsigned char>(p[pi + 1]) == c;
          next = pi + 2;
          break;
        case '[': {
          if (leading || (c == '.' && first_attempt && pi == quirk_p && ti == quirk_t)) break;
          const bool negated = pi + 1 < p.size() && (p[pi + 1] == '!' || p[pi + 1] == '^');
          switch (bracket(p, pi, c, next)) {
            case Bracket::matched:
              ok = !negated;
              break;
            case Bracket::not_matched:
              ok = negated;
              break;
            case Bracket::fails:
              break;
            case Bracket::literal:
              ok = c == '[';
              next = pi + 1;
              break;
          }
          break;
        }
        default:
          ok = static_cast<unsigned char>(p[pi]) == c;
      }
    }
    if (ok) {
      pi = next, ++ti;
      continue;
    }
    if (star_p == std::string_view::npos || star_t >= t.size()) return false;
    pi = star_p, ti = ++star_t;
    first_attempt = false;
  }
}

std::vector<std::string_view> glob_segments(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('/', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view part = s.substr(start, end - start);
    if (!part.empty() && part != ".") out.push_back(part);
    start = end + 1;
  }
  return out;
}

bool glob_match(std::string_view pattern, std::string_view path) {
  return glob_match_segments(glob_segments(pattern), glob_segments(path));
}

bool glob_match_segments(const std::vector<std::string_view>& pat,
                         const std::vector<std::string_view>& seg) {
  // The same two pointers over segments: `**` is the star, any other pattern segment matches
  // exactly one path segment. O(|pat| x |seg|) segment comparisons.
  std::size_t pi = 0, si = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  while (true) {
    if (pi < pat.size() && pat[pi] == "**") {
      while (pi < pat.size() && pat[pi] == "**") ++pi;
      star_p = pi, star_s = si;
      continue;
    }
    if (pi == pat.size() && si == seg.size()) return true;
    if (pi < pat.size() && si < seg.size() && glob_segment_match(pat[pi], seg[si])) {
      ++pi, ++si;
      continue;
    }
    if (star_p == std::string_view::npos || star_s >= seg.size()) return false;
    pi = star_p, si = ++star_s;
  }
}

std::optional<std::string> glob_error(std::string_view pattern) {
  if (pattern.empty()) return std::string("an empty pattern matches nothing");
  if (pattern[0] == '/') return std::string("it must be relative, not start with /");
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '[') {
      std::size_t j = i + 1;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;  // a literal ] first
      while (j < pattern.size() && pattern[j] != ']' && pattern[j] != '/') ++j;
      if (j >= pattern.size() || pattern[j] != ']')
        return std::string("a [ bracket expression is not closed");
      i = j;
    }
  }
  return std::nullopt;
}

}  // namespace catalog_lint
