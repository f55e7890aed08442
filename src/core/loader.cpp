#include "core/loader.h"

#include "core/rule_id.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <limits>
#include <optional>
#include <streambuf>
#include <unordered_map>

#include <fmt/format.h>
#include <re2/re2.h>

namespace catalog_lint {
namespace {

// A read-only streambuf over existing memory: yaml-cpp wants an istream, we don't want a copy.
class MemoryBuf : public std::streambuf {
 public:
  MemoryBuf(const char* data, std::size_t size) {
    char* p = const_cast<char*>(data);
    setg(p, p, p + size);
  }
};

// Document index of a diagnostic found before parsing, to be attributed by its line afterwards:
// to the document that contains the line, or (kBeforeLine) to the one that starts before it.
constexpr int kByLine = -2;
constexpr int kBeforeLine = -3;

// Thrown by the builder to abandon the current document (a limit or a recursive alias).
struct DocumentAbort {
  Diagnostic diagnostic;
  bool stop_file = false;  // also stop parsing the rest of the file
};

/// The value Backstage stores for a `!!timestamp` scalar: `yaml` makes a Date of it
/// (https://yaml.org/type/timestamp.html; the pattern and the arithmetic of the `yaml` package's
/// yaml-1.1/timestamp.js: no zone is UTC, a zone of under 30 is hours, else minutes; a fraction
/// keeps 3 digits), which becomes its ISO 8601 text in the entity's JSON
/// (`2001-12-14` → `2001-12-14T00:00:00.000Z`). nullopt when the text is no timestamp.
std::optional<std::string> yaml_timestamp_json(const std::string& text) {
  static const re2::RE2 pattern(
      "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
      "(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\\.[0-9]+)?"
      "(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?");
  std::string y, mo, d, h, mi, sec, frac, zone;
  if (!re2::RE2::FullMatch(text, pattern, &y, &mo, &d, &h, &mi, &sec, &frac, &zone))
    return std::nullopt;
  const auto num = [](const std::string& t) { return t.empty() ? 0 : std::atoi(t.c_str()); };
  using namespace std::chrono;
  // Date.UTC(year, month - 1, day, ...): a year of 0-99 is 1900 + year; months past 12 run into
  // the next years.
  const int m0 = num(mo) - 1;
  const int year_given = num(y) <= 99 ? 1900 + num(y) : num(y);
  const int year_of = year_given + (m0 >= 0 ? m0 / 12 : -((11 - m0) / 12));
  const int month_of = ((m0 % 12) + 12) % 12 + 1;
  long long ms =
      static_cast<long long>(
          (sys_days{year_month_day{year{year_of}, month{static_cast<unsigned>(month_of)}, day{1}}} +
           days{num(d) - 1})
              .time_since_epoch()
              .count()) *
          86'400'000LL +
      num(h) * 3'600'000LL + num(mi) * 60'000LL + num(sec) * 1'000LL;
  if (!frac.empty()) ms += std::atoi((frac.substr(1) + "00").substr(0, 3).c_str());
  if (!zone.empty() && zone != "Z") {
    const int sign = zone[0] == '-' ? -1 : 1;
    const std::size_t colon = zone.find(':');
    int minutes = std::atoi(
        zone.substr(1, colon == std::string::npos ? std::string::npos : colon - 1).c_str());
    if (colon != std::string::npos)
      minutes = minutes * 60 + std::atoi(zone.substr(colon + 1).c_str());
    if (minutes < 30) minutes *= 60;  // `yaml` reads h:mm as minutes, then under 30 as hours
    ms -= sign * minutes * 60'000LL;
  }
  const sys_time<milliseconds> t{milliseconds{ms}};
  const sys_days day_of = floor<days>(t);
  const year_month_day ymd{day_of};
  const hh_mm_ss<milliseconds> tod{t - day_of};
  const int yr = static_cast<int>(ymd.year());
  // Date.prototype.toISOString: 4 digits for years 0-9999, else a sign and 6 digits.
  const std::string year_text = yr >= 0 && yr <= 9999
                                    ? fmt::format("{:04}", yr)
                                    : fmt::format("{}{:06}", yr < 0 ? '-' : '+', yr < 0 ? -yr : yr);
  return fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year_text,
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count(),
                     tod.subseconds().count());
}

/// Thrown by the Builder when yaml-cpp would misread the text silently: load_yaml reads the
/// document again from a copy where the '?' of each empty explicit key is a space (`{  : c}` is
/// `{null: c}` for yaml-cpp too).
struct ReadAgain {
  std::vector<std::size_t> empty_keys;
  std::size_t at = 0;  ///< offset of the flow collection that holds them
};

Diagnostic make_diag(RuleId rule, std::string message, std::string help, SourcePos pos,
                     int document) {
  Diagnostic d;
  d.rule = std::string(rule_name(rule));
  d.message = std::move(message);
  d.help = std::move(help);
  d.start = pos;
  d.document = document;
  return d;
}

struct AnchorInfo {
  Node* node = nullptr;
  long long uses = 1;         // yaml counts the anchored node itself
  long long alias_count = 0;  // 0 until first use (as in yaml's Alias.toJS)
  long long node_weight = 1;  // yaml's getAliasCount of the anchored node
  bool open = false;          // a container still being built: an alias to it would be a cycle
};

// Where the line-level checks must not look: inside scalar text and flow collections, which can
// legitimately hold tabs and carriage returns. Filled by the Builder from the parse events, then
// finalize()d into a per-line table and a sorted span list, so every lookup is O(1) or O(log n)
// (a linear scan per line made a file of 50k `key: value` lines quadratic).
struct Exemptions {
  std::vector<std::pair<int, int>> lines;                   // [first, last] 1-based line ranges
  std::vector<std::pair<std::size_t, std::size_t>> quoted;  // [begin, end) byte spans
  std::vector<char> exempt_line;                            // by 1-based line, after finalize()

  void finalize(int line_count) {
    std::vector<int> delta(static_cast<std::size_t>(line_count) + 2, 0);
    for (auto [a, b] : lines) {
      a = std::max(a, 1), b = std::min(b, line_count);
      if (a > b) continue;
      ++delta[static_cast<std::size_t>(a)];
      --delta[static_cast<std::size_t>(b) + 1];
    }
    exempt_line.assign(delta.size(), 0);
    int open = 0;
    for (std::size_t l = 1; l < delta.size(); ++l) exempt_line[l] = (open += delta[l]) > 0;
    std::sort(quoted.begin(), quoted.end());
  }
  bool line(int l) const {
    return l >= 1 && static_cast<std::size_t>(l) < exempt_line.size() && exempt_line[l];
  }
  bool in_quotes(std::size_t offset) const {
    // Spans do not nest; the one that could hold `offset` is the last starting at or before it.
    auto it = std::upper_bound(quoted.begin(), quoted.end(),
                               std::make_pair(offset, std::numeric_limits<std::size_t>::max()));
    return it != quoted.begin() && offset < std::prev(it)->second;
  }
};

// What scan_flow() found wrong in a flow collection, where yaml-cpp is more lenient than `yaml`.
enum class FlowProblem {
  none,
  hash,
  empty_entry,
  dash,
  indent,
  quote_indent,
  document_end,
  explicit_key_comma
};

/// Empty explicit keys (`{? : c}`) scan_flow() records per collection.
constexpr std::size_t kMaxEmptyExplicitKeys = 64;

struct FlowScan {
  FlowProblem problem = FlowProblem::none;
  std::size_t at = std::string::npos;     // byte offset of the problem
  std::size_t close = std::string::npos;  // offset just past the matching bracket, if found
  /// Offsets of the '?' of empty explicit keys with a value (`{? : c}`, `[?\n : c]`), which
  /// yaml-cpp silently reads as a key `{null: c}` with no value; `yaml` as `{null: c}`.
  std::vector<std::size_t> empty_keys;
};

bool is_document_marker(std::string_view line) {
  return line.substr(0, 3) == "---" &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

// `...` (the document end marker) alone or before white space.
bool is_document_end(std::string_view line) {
  return line.substr(0, 3) == "..." &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Scans the flow collection whose `[` or `{` is at byte `open` up to its matching bracket, for
// what YAML 1.2 and Backstage's parser reject but yaml-cpp accepts:
// - a `#` right after `[`, `{`, `,`, a closing quote or bracket: yaml-cpp starts a comment there
//   (and silently drops the rest of the line); YAML 1.2 §6.6 needs white space before a comment;
// - an entry that is only `,` (`[,a]`, `[a,,b]`), or only `-`;
// - a line that is not indented more than `parent_indent`, the indentation of the block
//   collection that holds the flow collection (`yaml`: "Flow sequence in block collection must
//   be sufficiently indented"; a line that starts with the closing bracket may be at that
//   indentation); -1 at the root.
// - a `---` or `...` line before the collection is closed (yaml-cpp reads on into the next
//   document).
// Quoted text is skipped but for the indentation of its lines (an unterminated quote ends the
// scan; yaml-cpp reports it). Linear in the bytes of the collection.
FlowScan scan_flow(const std::string& b, std::size_t open, int parent_indent) {
  FlowScan r;
  const std::size_t n = b.size();
  int depth = 0;
  bool expect_entry = false;  // right after `[`, `{` or `,`
  std::size_t i = open;
  const auto fail = [&](FlowProblem p, std::size_t at) {
    r.problem = p;
    r.at = at;
    return r;
  };
  // A `---` or `...` line ends the document, also inside a collection (yaml-cpp reads on into the
  // next document); the scan stops there, also inside a quote, which keeps a file of many broken
  // documents linear.
  const auto document_ends_at = [&](std::size_t line_start) {
    std::size_t len = 0;  // the line's first 4 bytes at most
    while (len < 4 && line_start + len < n && b[line_start + len] != '\n') ++len;
    const std::string_view l(b.data() + line_start, len);
    return is_document_marker(l) || is_document_end(l);
  };
  while (i < n) {
    const char c = b[i];
    if (c == '\n') {
      if (document_ends_at(i + 1)) return fail(FlowProblem::document_end, i + 1);
      std::size_t k = i + 1;
      while (k < n && b[k] == ' ') ++k;
      std::size_t first = k;  // first character that is neither space nor tab
      while (first < n && (b[first] == ' ' || b[first] == '\t')) ++first;
      const bool content = first < n && b[first] != '\n' && b[first] != '\r' && b[first] != '#';
      // A closing bracket may stand at the parent's indentation, content must be deeper.
      const int need =
          first < n && (b[first] == ']' || b[first] == '}') ? parent_indent - 1 : parent_indent;
      if (content && static_cast<int>(k - (i + 1)) <= need) {
        return fail(FlowProblem::indent, i + 1);
      }
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#') {
      if (!is_blank(b[i - 1])) return fail(FlowProblem::hash, i);
      while (i < n && b[i] != '\n') ++i;  // a comment
      continue;
    }
    if (c == '"' || c == '\'') {
      std::size_t j = i + 1;
      for (; j < n; ++j) {
        if (b[j] == '\n') {  // a continuation line of the quoted text needs the same indentation
          if (document_ends_at(j + 1)) return r;  // yaml-cpp reports it (`yaml`: at the end)
          std::size_t k = j + 1;
          while (k < n && b[k] == ' ') ++k;
          std::size_t first = k;
          while (first < n && (b[first] == ' ' || b[first] == '\t')) ++first;
          if (first < n && b[first] != '\n' && b[first] != '\r' &&
              static_cast<int>(k - (j + 1)) <= parent_indent)
            return fail(FlowProblem::quote_indent, i);
        } else if (c == '"' && b[j] == '\\') {
          ++j;
        } else if (b[j] == c) {
          if (c == '\'' && j + 1 < n && b[j + 1] == '\'') {
            ++j;
            continue;
          }
          break;
        }
      }
      if (j >= n) return r;
      i = j + 1;
      expect_entry = false;
      continue;
    }
    if (c == '[' || c == '{') {
      ++depth;
      expect_entry = true;
      ++i;
      continue;
    }
    if (c == ']' || c == '}') {
      ++i;
      expect_entry = false;
      if (--depth == 0) {
        r.close = i;
        return r;
      }
      continue;
    }
    if (c == ',') {
      if (expect_entry) return fail(FlowProblem::empty_entry, i);
      expect_entry = true;
      ++i;
      continue;
    }
    if (c == '-' && expect_entry && i + 1 < n && std::strchr(",]}", b[i + 1]) != nullptr)
      return fail(FlowProblem::dash, i);
    if (c == '?' && expect_entry && (i + 1 == n || is_blank(b[i + 1]))) {
      // An explicit key indicator. With nothing after it up to a ':' the key is empty; `yaml`
      // refuses a ',' after it on a later line ("Unexpected , in flow sequence").
      std::size_t j = i + 1;
      bool crossed_line = false;
      while (j < n) {
        if (b[j] == '\n') {
          crossed_line = true;
        } else if (b[j] == '#' && is_blank(b[j - 1])) {
          while (j < n && b[j] != '\n') ++j;
          continue;
        } else if (!is_blank(b[j])) {
          break;
        }
        ++j;
      }
      if (j < n && b[j] == ',' && crossed_line) return fail(FlowProblem::explicit_key_comma, j);
      if (j < n && b[j] == ':' && (j + 1 == n || std::strchr(" \t\r\n,[]{}", b[j + 1])) &&
          r.empty_keys.size() < kMaxEmptyExplicitKeys)
        r.empty_keys.push_back(i);
      expect_entry = false;
      ++i;
      continue;
    }
    // Anything else (plain text, `:`, `?`, an anchor, tag or alias) runs to a flow indicator or
    // white space; a `#` inside it is text.
    expect_entry = false;
    while (i < n && std::strchr(",[]{} \t\r\n", b[i]) == nullptr) ++i;
  }
  return r;
}

// A short, readable quote of the source text at `offset`: to the matching bracket for a flow
// collection, else to the end of the line; at most 60 bytes (cut at a UTF-8 boundary).
std::string source_quote(const std::string& b, std::size_t offset) {
  std::size_t end = b.find('\n', offset);
  if (end == std::string::npos) end = b.size();
  if (offset < b.size() && (b[offset] == '[' || b[offset] == '{')) {
    const FlowScan s = scan_flow(b, offset, -1);
    if (s.close != std::string::npos && s.close < end) end = s.close;
  }
  while (end > offset && (b[end - 1] == '\r' || b[end - 1] == ' ')) --end;
  std::size_t len = std::min<std::size_t>(end - offset, 60);
  while (len > 0 && offset + len < b.size() &&
         (static_cast<unsigned char>(b[offset + len]) & 0xC0) == 0x80)
    --len;
  std::string q = b.substr(offset, len);
  if (offset + len < end) q += "…";
  return q;
}

// The text of a word starting at `offset`: up to white space or a flow indicator.
std::string word_at(const std::string& b, std::size_t offset) {
  std::size_t e = offset;
  while (e < b.size() && e - offset < 40 && std::strchr(",[]{} \t\r\n", b[e]) == nullptr) ++e;
  return b.substr(offset, e - offset);
}

// True when `text` looks like an unrendered template expression.
bool looks_like_template(std::string_view text) {
  return text.find("{{") != std::string_view::npos || text.find("{%") != std::string_view::npos ||
         text.find("${") != std::string_view::npos || text.find("<%") != std::string_view::npos;
}

// The "'#' starts a comment only after a space" finding at byte `at` of `b`.
Diagnostic hash_diag(const std::string& b, const SourcePos& pos, std::size_t at, int document) {
  return make_diag(RuleId::yaml_syntax_error, "'#' starts a comment only after a space",
                   fmt::format("put a space before '#' to start a comment, or quote the text "
                               "(\"{}\") if it is a value",
                               word_at(b, at)),
                   pos, document);
}

// A yaml-cpp error (YAML::ErrorMsg text `msg` at `at`) as a sentence about its cause, with a help
// line and, where the cause is on an earlier line than yaml-cpp's mark, that position. No
// yaml-cpp text reaches the user.
struct Explained {
  std::string message;
  std::string help;
  SourcePos pos;
};

// The first line before `line` that is neither blank nor only a comment; 0 if none.
int previous_content_line(const SourceText& src, int line) {
  for (int l = line - 1; l >= 1; --l) {
    const std::string_view t = src.line(l);
    const std::size_t c = t.find_first_not_of(" \t");
    if (c != std::string_view::npos && t[c] != '#') return l;
  }
  return 0;
}

std::size_t indentation(std::string_view t) {
  const std::size_t c = t.find_first_not_of(' ');
  return c == std::string_view::npos ? t.size() : c;
}

// True when `t` holds a `key:` (a `:` followed by a space or the end of the line, outside quotes
// and before any comment).
bool has_mapping_colon(std::string_view t) {
  char quote = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if ((c == '"' || c == '\'') && (i == 0 || t[i - 1] == ' ')) {
      quote = c;
    } else if (c == '#' && i > 0 && t[i - 1] == ' ') {
      return false;
    } else if (c == ':' && (i + 1 == t.size() || t[i + 1] == ' ' || t[i + 1] == '\t')) {
      return true;
    }
  }
  return false;
}

// The finding for line `l`, a value with no `key:` where a mapping expects its next key.
Explained stray_line(const SourceText& src, int l) {
  std::string_view p = src.line(l);
  // The line as written, without its comment (a `#` after white space) and trailing blanks.
  for (std::size_t i = 1; i < p.size(); ++i)
    if (p[i] == '#' && (p[i - 1] == ' ' || p[i - 1] == '\t')) {
      p = p.substr(0, i);
      break;
    }
  while (!p.empty() && (p.back() == ' ' || p.back() == '\t')) p.remove_suffix(1);
  if (p.find_first_not_of(" \t") == std::string_view::npos) p = src.line(l);  // comment only
  const std::string text(p.substr(std::min(indentation(p), p.size())));
  Explained r;
  r.pos = src.pos_at(l - 1, static_cast<int>(indentation(p)));
  const std::string alias = text.substr(0, text.find(' '));
  if ((text[0] == '*' || text[0] == '&') && alias.find(':') != std::string::npos) {
    r.message = fmt::format("'{}' is read as {} named '{}' (the name runs to the next space)",
                            alias, text[0] == '*' ? "an alias" : "an anchor", alias.substr(1));
    r.help = fmt::format("put a space before ':' (`{} : ...`)", alias.substr(0, alias.find(':')));
    return r;
  }
  r.message = looks_like_template(text)
                  ? fmt::format(
                        "'{}' is a line without `key:` inside a mapping: is this an "
                        "unrendered template?",
                        text)
                  : fmt::format("'{}' is a line without `key:` inside a mapping", text);
  r.help =
      "give it a key (`key: value`), indent it under the key it continues, or render the "
      "template first";
  return r;
}

Explained explain_error(const std::string& msg, SourcePos at, const SourceText& src,
                        const Node* open_flow) {
  namespace E = YAML::ErrorMsg;
  const std::string& b = src.bytes();
  const char here = at.offset < b.size() ? b[at.offset] : '\0';
  const std::string_view line = src.line(at.line);
  const auto is = [&](const char* m) { return msg == m; };
  const auto starts = [&](const char* m) { return msg.rfind(m, 0) == 0; };
  const std::string quoted_here = at.offset < b.size() ? word_at(b, at.offset) : std::string();

  if (is(E::MAP_VALUE)) {
    // The key of this `:` starts after the indentation and any `- `.
    std::size_t key = indentation(line);
    while (key + 1 < line.size() && line[key] == '-' && line[key + 1] == ' ')
      key = line.find_first_not_of(' ', key + 1);
    const std::size_t col = at.offset - (src.pos_at(at.line - 1, 0).offset);
    if (key != std::string_view::npos && col > key && col - key > 1024)
      return {"a key is longer than 1024 characters (YAML's limit for implicit keys)",
              "shorten the key, or write it as an explicit key (`? key` on one line, `: value` on "
              "the next)",
              at};
    // A line with no `key:` before this one, at its indentation or deeper (`${X}`, `{{ x }}`,
    // `*a: x`): yaml-cpp fails only at the next key's `:`.
    if (const int prev = previous_content_line(src, at.line); prev > 0 && key < line.size()) {
      const std::string_view p = src.line(prev);
      const std::string_view word = p.substr(indentation(p), p.find(' ', indentation(p)));
      if (indentation(p) >= indentation(line) && p.substr(indentation(p), 2) != "- " &&
          (!has_mapping_colon(p) ||
           ((word[0] == '*' || word[0] == '&') && word.find(':') != std::string_view::npos)))
        return stray_line(src, prev);
    }
    // A `key:` line indented more than the `key: value` line before it: it continues that value.
    if (const int prev = previous_content_line(src, at.line); prev > 0 && key < line.size()) {
      const std::string_view p = src.line(prev);
      const std::size_t colon = p.find(": ");
      if (indentation(p) < indentation(line) && colon != std::string_view::npos &&
          p.find_first_not_of(' ', colon + 1) != std::string_view::npos &&
          p[p.find_first_not_of(' ', colon + 1)] != '#')
        return {fmt::format("this line is indented more than the key on line {}, so it would "
                            "continue that key's value",
                            prev),
                "indent it like its sibling keys, or put it under a key that ends with ':'", at};
    }
    // Another `: ` earlier on the same line: the value holds a `: `.
    const std::string_view before = line.substr(0, std::min<std::size_t>(col, line.size()));
    if (has_mapping_colon(before)) {
      const std::size_t v = before.find(": ");
      const std::string_view value =
          v == std::string_view::npos ? std::string_view() : before.substr(v + 2);
      if (!value.empty() && (value[0] == '{' || value[0] == '['))
        return {fmt::format("'{}' is read as a flow collection followed by ':'{}",
                            source_quote(b, at.offset - value.size()),
                            looks_like_template(value) ? ": is this an unrendered template?" : ""),
                "quote the whole value, or render the template first", at};
      return {"a plain value cannot contain ': ' (it would start a second mapping on this line)",
              "quote the value (\"a: b\"), or put the nested mapping on its own lines", at};
    }
    return {"a ':' here would start a mapping where none can begin",
            "check the indentation of this line and of the line before it", at};
  }
  if (is(E::UNKNOWN_TOKEN)) {
    std::size_t p = at.offset;
    while (p > 0 && b[p - 1] == ' ') --p;
    if (here == '%' && p > 0 && b[p - 1] == '{')
      return {"'{%' is not YAML: is this an unrendered template (`{% if %}`)?",
              "render the template first, or quote the value", at};
    if (here == '%')
      return {"a plain value cannot start with '%': is this an unrendered template (`{% if %}`)?",
              "quote the value, or render the template first", at};
    if (here == '@' || here == '`')
      return {fmt::format("a plain value cannot start with '{}' (YAML reserves it)", here),
              fmt::format("quote the value (\"{}\")", quoted_here), at};
    if ((here == '|' || here == '>') && open_flow != nullptr)
      return {
          fmt::format("'{}' starts a block scalar, which cannot be inside a flow collection", here),
          fmt::format("quote the value (\"{}\")", quoted_here), at};
    if (here == '?' || (here == ':' && open_flow != nullptr)) {
      // The whole item of the flow collection (`a?b` of `[a?b]`), not the text from the '?'.
      const std::size_t line_start = src.pos_at(at.line - 1, 0).offset;
      std::size_t from = at.offset;
      while (from > line_start && std::strchr("[{,", b[from - 1]) == nullptr) --from;
      while (from < at.offset && b[from] == ' ') ++from;
      std::size_t to = at.offset;
      while (to < b.size() && std::strchr(",]}\r\n", b[to]) == nullptr &&
             !(b[to] == ':' && to + 1 < b.size() && b[to + 1] == ' '))
        ++to;
      while (to > at.offset && b[to - 1] == ' ') --to;
      const std::string item = excerpt(std::string_view(b).substr(from, to - from));
      return {fmt::format("'{}' inside a flow collection cannot be read here", here),
              fmt::format("quote the value (\"{}\")", item), at};
    }
    return {fmt::format("unexpected character '{}'", std::string(1, here)),
            "quote the value if the character is text", at};
  }
  if (is(E::END_OF_SEQ_FLOW) || is(E::END_OF_MAP_FLOW)) {
    const char close = is(E::END_OF_SEQ_FLOW) ? ']' : '}';
    const char opening = close == ']' ? '[' : '{';
    if (open_flow != nullptr && scan_flow(b, open_flow->pos.offset, -1).close != std::string::npos)
      return {fmt::format("catalog-lint's YAML parser cannot read the flow collection opened on "
                          "line {} (a key longer than 1024 characters, or a key split across "
                          "lines?); Backstage may accept it",
                          open_flow->pos.line),
              "write the collection in block style, one `key: value` per line", at};
    if (open_flow != nullptr)
      return {
          fmt::format("the '{}' on line {} is never closed with '{}'", opening, open_flow->pos.line,
                      close),
          fmt::format("add the missing '{}', or quote the value if '{}' is text", close, opening),
          at};
    return {fmt::format("a flow collection is never closed with '{}'", close),
            fmt::format("add the missing '{}'", close), at};
  }
  if (is(E::FLOW_END))
    return {fmt::format("'{}' closes a flow collection that was never opened", here),
            "remove it, or quote the value if it is text", at};
  if ((is(E::END_OF_MAP) || is(E::END_OF_SEQ)) && at.offset < b.size()) {
    const std::size_t line_start = src.pos_at(at.line - 1, 0).offset;
    const bool first_on_line = at.offset - line_start == indentation(line);
    if (first_on_line && here == '-' && is(E::END_OF_MAP))
      return {"a list item '- ' at the indentation of the mapping's keys",
              "indent the list under a key that ends with ':'", at};
    if (first_on_line && !has_mapping_colon(line)) return stray_line(src, at.line);
    if (!first_on_line && here == ',')
      return {"a plain value cannot start with ','", "quote the value (\",...\")", at};
    if (!first_on_line)
      return {
          fmt::format("'{}' cannot follow the complete value before it on this line{}", quoted_here,
                      looks_like_template(line) ? ": is this an unrendered template?" : ""),
          "quote the whole value, or render the template first", at};
  }
  if (is(E::END_OF_MAP) || is(E::END_OF_SEQ))
    return {fmt::format("this line does not fit the {} above it (its indentation or its first "
                        "character is off)",
                        is(E::END_OF_MAP) ? "mapping" : "list"),
            "indent it like its siblings, or under the key it belongs to", at};
  if (is(E::BLOCK_ENTRY))
    return {"a list item '- ' cannot start here",
            "put the list on its own lines, indented under its key", at};
  if (is(E::MAP_KEY))
    return {"an explicit key '? ' cannot start here", "check the indentation of this line", at};
  if (is(E::TAB_IN_INDENTATION))
    return {"tab character in indentation; YAML allows only spaces", "indent with spaces", at};
  if (is(E::DOC_IN_SCALAR))
    return {"a document marker (`---` or `...`) starts a line inside a quoted value",
            "indent the line, or close the quote before it", at};
  if (is(E::EOF_IN_SCALAR)) return {"the file ends inside a quoted value", "close the quote", at};
  if (is(E::CHAR_IN_SCALAR))
    return {"a quoted value holds a character YAML does not allow there",
            "remove the character, or write it as an escape in a double-quoted value", at};
  if (starts(E::INVALID_ESCAPE) || is(E::INVALID_HEX) || starts(E::INVALID_UNICODE)) {
    // yaml-cpp's mark is past the escape; the cause is its backslash.
    const std::size_t line_start = src.pos_at(at.line - 1, 0).offset;
    const std::size_t slash = at.offset > 0 ? b.rfind('\\', at.offset - 1) : std::string::npos;
    const SourcePos pos =
        slash != std::string::npos && slash >= line_start ? src.pos_at_offset(slash) : at;
    if (is(E::INVALID_HEX))
      return {"a \\x, \\u or \\U escape needs hexadecimal digits",
              "write the code point in hex (\\u00e9), or use single quotes", pos};
    if (starts(E::INVALID_UNICODE))
      return {"an escape names an invalid Unicode code point", "use a valid code point", pos};
    return {fmt::format("unknown escape sequence '\\{}' in a double-quoted value",
                        msg.substr(std::strlen(E::INVALID_ESCAPE))),
            "write '\\\\' for a backslash, or use single quotes", pos};
  }
  if (is(E::YAML_DIRECTIVE_ARGS) || starts(E::YAML_VERSION) || is(E::YAML_MAJOR_VERSION))
    return {"the %YAML directive needs one version such as 1.2",
            "write `%YAML 1.2`, or remove the directive", at};
  if (is(E::REPEATED_YAML_DIRECTIVE) || is(E::REPEATED_TAG_DIRECTIVE))
    return {"the same directive appears twice before one document", "remove one of them", at};
  if (is(E::TAG_DIRECTIVE_ARGS))
    return {"the %TAG directive needs a handle and a prefix",
            "write `%TAG !e! tag:example.com,2000:`, or remove it", at};
  if (is(E::CHAR_IN_TAG_HANDLE) || is(E::TAG_WITH_NO_SUFFIX) || is(E::END_OF_VERBATIM_TAG) ||
      is(E::INVALID_TAG)) {
    std::size_t start = std::min(at.offset, b.size());
    while (start > 0 && !is_blank(b[start - 1])) --start;  // the start of the tag's word
    return {fmt::format("'{}' is not a valid tag", word_at(b, start)),
            "remove the tag, or quote the value if '!' is text", at};
  }
  if (is(E::MULTIPLE_TAGS) || is(E::MULTIPLE_ANCHORS) || is(E::MULTIPLE_ALIASES) ||
      is(E::ALIAS_CONTENT))
    return {is(E::ALIAS_CONTENT) ? "an alias (*name) cannot have a value of its own"
                                 : "a value has two anchors, tags or aliases",
            "keep one, or quote the value if '&', '!' or '*' is text", at};
  if (is(E::ALIAS_NOT_FOUND) || is(E::CHAR_IN_ALIAS))
    return {"'*' must be followed by an anchor name", "quote the value if '*' is text", at};
  if (is(E::ANCHOR_NOT_FOUND) || is(E::CHAR_IN_ANCHOR))
    return {"'&' must be followed by an anchor name", "quote the value if '&' is text", at};
  if (is(E::ZERO_INDENT_IN_BLOCK) || is(E::CHAR_IN_BLOCK))
    return {"a block scalar header ('|' or '>') may only hold '+', '-' and one digit 1-9",
            "write `|`, `|-`, `>+` or `|2`, and put the text on the next lines", at};
  if (is(E::UNKNOWN_ANCHOR))
    return {fmt::format("alias '{}' refers to an anchor that is not defined", quoted_here),
            "define the anchor (&name) before the alias (*name) in the same document", at};
  return {"the YAML cannot be read at this position",
          "check the quotes, brackets and indentation here", at};
}

/// Changes load_yaml makes to yaml-cpp's copy of a file (FlowRewrites), per file; of them, the
/// ones that move text on a line (each costs every node position a comparison).
constexpr std::size_t kMaxFlowRewrites = 256;
constexpr std::size_t kMaxFlowShifts = 16;
/// Each rewrite reads the document again from its start, up to where yaml-cpp stopped: the bytes
/// read again are bounded per file by this many times the file's size, plus kRereadAllowance, so
/// that the cost stays linear in the file's size (a large document with many rewrites was
/// quadratic: 250 rewrites in a 9 MB document took minutes and gigabytes).
constexpr std::size_t kRereadFactor = 4;
constexpr std::size_t kRereadAllowance = 1u << 20;

/// The limit-exceeded finding for a file where load_yaml stopped rewriting flow text for yaml-cpp
/// (kMaxFlowRewrites rewrites, or kRereadFactor times the file's size read again).
Diagnostic reread_limit_diag(SourcePos at, int document) {
  return make_diag(
      RuleId::limit_exceeded,
      fmt::format("catalog-lint stopped re-reading flow collections that its YAML reader cannot "
                  "read as written (`[a?b]`, `{{? : c}}`, a key over lines): at most {} "
                  "re-reads per file, re-reading at most {} times the file's size; from here on "
                  "such text is not read as Backstage reads it, and a syntax error reported in it "
                  "may be text that Backstage accepts",
                  kMaxFlowRewrites, kRereadFactor),
      "split the file, or quote the keys and values that hold '?' or run over lines", at, document);
}

/// Same-length changes load_yaml made to yaml-cpp's copy of a file where YAML 1.2 (and Backstage's
/// `yaml` parser) reads flow-collection text that yaml-cpp cannot: the Builder reads back what the
/// author wrote. Bounded per file (kMaxFlowRewrites).
struct FlowRewrites {
  /// Stands for a '?' of a plain scalar (`[a?b]`, `[a ? b]`, over lines); only used in a file
  /// with no such byte, so every one in a plain scalar is a '?' again.
  static constexpr char kQuestion = '\x01';
  /// Stands for a flow mapping key that yaml-cpp cannot read: over 1024 characters (its limit;
  /// `yaml` has none in a flow mapping) or over lines: `{KEY: v}` is read as `{    \x02: v}`.
  static constexpr char kLongKey = '\x02';
  /// A key's value, by the offset of its marker (`start`: of its first character).
  struct Key {
    std::size_t offset;
    std::size_t start;
    std::string text;
    bool plain;  ///< written without quotes (its type is resolved as a plain scalar's)
  };
  /// Columns that yaml-cpp reports `delta` too small on a line (0-based, absolute), from
  /// `from_column` on (after the copy moved text left on that line).
  struct Shift {
    int line;
    int from_column;
    int to_column;
    int delta;
  };
  std::size_t count = 0;
  std::size_t reread_bytes = 0;   ///< bytes read again for the rewrites so far
  std::size_t reread_budget = 0;  ///< at most this many (kRereadFactor)
  bool limit_reported = false;    ///< the limit-exceeded finding for this file was made
  bool question_marks = false;
  std::vector<std::size_t> empty_keys;  ///< sorted offsets of '?'s read as spaces
  std::vector<Key> keys;                ///< sorted by offset
  std::vector<Shift> shifts;
};

class Builder : public YAML::EventHandler {
 public:
  Builder(LoadedFile& file, const Limits& limits, int line_offset, int first_index,
          Exemptions& exemptions)
      : file_(file),
        limits_(limits),
        line_offset_(line_offset),
        next_index_(first_index),
        exemptions_(exemptions) {}

  /// Report yaml-1-1-habit notes (catalog files; configuration files are not read by Backstage).
  bool yaml11_notes = false;
  /// What load_yaml changed in yaml-cpp's copy of the text (nullptr: nothing).
  const FlowRewrites* rewrites = nullptr;
  /// Sorted offsets of the CRs of `key:<CR>value` that yaml-cpp's copy has as spaces.
  const std::vector<std::size_t>* value_crs = nullptr;

  /// Closes an exemption left open by the last scalar or flow collection (end of input).
  void finish() {
    if (pending_line_ > 0) {
      exemptions_.lines.emplace_back(pending_line_ + 1, file_.source->line_count());
    }
    pending_line_ = 0;
  }

  int next_index() const { return next_index_; }
  int current_index() const { return next_index_ - 1; }
  bool in_document() const { return in_document_; }
  int document_start_line() const { return doc_start_line_; }
  SourcePos document_start() const { return doc_start_; }
  /// The innermost flow collection still open (its `[` or `{`), or nullptr.
  const Node* open_flow() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it)
      if (it->flow) return it->node;
    return nullptr;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    note_event(mark);
    doc_start_ = pos(mark);
    doc_start_line_ = doc_start_.line;
    yaml11_ = declares_yaml11(doc_start_line_);
    if (static_cast<std::size_t>(next_index_) >= limits_.max_documents) {
      throw DocumentAbort{
          make_diag(RuleId::limit_exceeded,
                    fmt::format("file has more than {} YAML documents; the rest are not linted",
                                limits_.max_documents),
                    "split the file, or raise the limit with --limit documents=N", doc_start_, -1),
          true};
    }
    in_document_ = true;
    root_ = nullptr;
    stack_.clear();
    anchors_.clear();
    nodes_ = 0;
    ++next_index_;
  }

  void OnDocumentEnd() override {
    LoadedDocument doc;
    doc.index = current_index();
    doc.root = root_;
    doc.start = doc_start_;
    file_.documents.push_back(doc);
    in_document_ = false;
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    note_event(mark);
    Node* n = make(mark);
    n->type = NodeType::null;
    n->plain = true;
    // An empty value's mark points at the next token; show the key instead.
    if (!stack_.empty() && stack_.back().node->is_map() && stack_.back().pending_key &&
        stack_.back().pending_key->pos.line != n->pos.line)
      n->pos = stack_.back().pending_key->pos;
    // The empty key of `{? : c}` (its '?' read as a space) is at the '?', not at the ':'.
    if (rewrites != nullptr && !rewrites->empty_keys.empty()) {
      const auto it =
          std::lower_bound(rewrites->empty_keys.begin(), rewrites->empty_keys.end(), n->pos.offset);
      const std::string& b = file_.source->bytes();
      if (it != rewrites->empty_keys.begin() &&
          std::all_of(b.begin() + static_cast<std::ptrdiff_t>(*std::prev(it)) + 1,
                      b.begin() + static_cast<std::ptrdiff_t>(n->pos.offset),
                      [](char c) { return is_blank(c); }))
        n->pos = file_.source->pos_at_offset(*std::prev(it));
    }
    register_anchor(anchor, n);
    attach(n);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    note_event(mark);
    if (anchor >= anchors_.size() || anchors_[anchor].node == nullptr) {
      Node* n = make(mark);
      attach(n);
      return;
    }
    AnchorInfo& a = anchors_[anchor];
    if (a.open) {
      throw DocumentAbort{
          make_diag(RuleId::recursive_alias, "alias refers to a node that contains it",
                    "an alias must not point into its own anchor; copy the value instead",
                    pos(mark), current_index())};
    }
    // yaml's Alias.toJS: the anchor itself counts once (count starts at 1), and the weight of
    // an anchored node is getAliasCount (0 for an empty collection, 1 for a scalar).
    a.alias_count = a.node_weight;
    a.uses += 1;
    if (a.uses * a.alias_count > limits_.max_alias_count) {
      throw DocumentAbort{
          make_diag(RuleId::excessive_aliases,
                    fmt::format("more than {} alias expansions in one document; Backstage's "
                                "parser rejects the whole file as a resource exhaustion attack",
                                limits_.max_alias_count),
                    "write the values out, or use fewer aliases", pos(mark), -1),
          true};
    }
    alias_weight_pending_ = a.uses * a.alias_count;
    attach(a.node, /*is_alias=*/true);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    note_event(mark);
    Node* n = make(mark);
    if (value.size() > limits_.max_scalar_bytes) {
      throw DocumentAbort{
          make_diag(RuleId::limit_exceeded,
                    fmt::format("scalar of {} bytes exceeds the limit of {} bytes", value.size(),
                                limits_.max_scalar_bytes),
                    "raise the limit with --limit scalar-bytes=N if this is intended", n->pos,
                    current_index())};
    }
    n->text = value;
    std::string_view tag_read = tag;  // the tag of what the author wrote
    if (tag == "?" && rewrites != nullptr) {
      if (rewrites->question_marks)
        std::replace(n->text.begin(), n->text.end(), FlowRewrites::kQuestion, '?');
      if (value.size() == 1 && value[0] == FlowRewrites::kLongKey) {
        const auto it = std::lower_bound(
            rewrites->keys.begin(), rewrites->keys.end(), n->pos.offset,
            [](const FlowRewrites::Key& k, std::size_t offset) { return k.offset < offset; });
        if (it != rewrites->keys.end() && it->offset == n->pos.offset) {
          n->text = it->text;
          n->pos = file_.source->pos_at_offset(it->start);
          if (!it->plain) tag_read = "!";
        }
      }
    }
    if (tag_read == "?" && value_crs != nullptr && n->pos.offset > 0 &&
        std::binary_search(value_crs->begin(), value_crs->end(), n->pos.offset - 1)) {
      // `title:<CR>t`: read with a space for the structure; the value is Backstage's, "\rt".
      n->text.insert(0, 1, '\r');
      file_.plain_value_crs.push_back(n->pos.offset - 1);
    }
    if (tag_read == "?") {
      n->plain = true;
      n->type = yaml11_ ? resolve_plain_scalar_yaml11(n->text) : resolve_plain_scalar(n->text);
    } else if (tag == "tag:yaml.org,2002:timestamp") {
      // `yaml` knows this YAML 1.1 tag in every schema: a Date, then its ISO text (above).
      std::optional<std::string> iso = yaml_timestamp_json(n->text);
      if (!iso)
        throw DocumentAbort{make_diag(
            RuleId::yaml_syntax_error,
            fmt::format("'!!timestamp' needs a date (yyyy-mm-dd, then an optional time), found "
                        "'{}'",
                        excerpt(n->text)),
            "write the date as yyyy-mm-dd, or remove the tag", n->pos, current_index())};
      n->text = std::move(*iso);
      n->type = NodeType::string;
    } else if (tag == "tag:yaml.org,2002:binary") {
      // `yaml` decodes it to bytes (a Uint8Array), which the entity's JSON holds as an object.
      n->type = NodeType::mapping;
    } else if (tag_read == "!" || tag == "tag:yaml.org,2002:str") {
      n->type = NodeType::string;
    } else if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
               tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
      // `yaml` resolves an explicit core tag with that tag's own patterns: text that does not
      // match them (`!!float 5`, `!!bool yes`, `!!int 1_000`) stays a string, with a warning
      // ("Unresolved tag"); quoted text is matched too (`!!int "7"` is 7).
      const NodeType wanted = tag.ends_with(":int")     ? NodeType::integer
                              : tag.ends_with(":float") ? NodeType::floating
                              : tag.ends_with(":bool")  ? NodeType::boolean
                                                        : NodeType::null;
      const NodeType found =
          yaml11_ ? resolve_plain_scalar_yaml11(n->text) : resolve_plain_scalar(n->text);
      n->type = found == wanted ? wanted : NodeType::string;
    } else {
      n->type = NodeType::string;  // unknown tags: `yaml` keeps the string and warns
    }
    if (!n->plain) check_block_header(n);
    check_tag(tag, n);
    set_end(n);
    if (flow_depth_ == 0) pending_line_ = n->pos.line;  // text may continue on later lines
    register_anchor(anchor, n);
    attach(n);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    note_event(mark);
    Node* n = make(mark);
    check_tag(tag, n);
    n->type = NodeType::sequence;
    open_container(n, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { close_container(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    note_event(mark);
    Node* n = make(mark);
    check_tag(tag, n);
    n->type = NodeType::mapping;
    open_container(n, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override {
    Node* map = stack_.back().node;
    check_duplicate_keys(*map);
    close_container();
  }

  SourcePos pos(const YAML::Mark& mark) const {
    const int line = mark.line + line_offset_;
    int column = mark.column;
    if (rewrites != nullptr)
      for (const FlowRewrites::Shift& s : rewrites->shifts)
        if (s.line == line && column >= s.from_column && column < s.to_column) column += s.delta;
    return file_.source->pos_at(line, column);
  }

 private:
  struct Frame {
    Node* node;
    const Node* pending_key;
    long long weight;  // max alias weight of the children (yaml's getAliasCount)
    YAML::anchor_t anchor;
    bool flow;                  // a [..] or {..} collection
    int indent;                 // 0-based column of a block collection's first entry; -1 for flow
    bool key_is_alias = false;  // pending_key came from an alias (shared, not to be changed)
  };

  // Indentation of the innermost block collection (-1 at the root).
  int block_indent() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it)
      if (!it->flow) return it->indent;
    return -1;
  }

  // Throws the document's syntax error at byte `at` (yaml-cpp read on past it).
  [[noreturn]] void fail_at(std::string message, std::string help, std::size_t at) {
    throw DocumentAbort{make_diag(RuleId::yaml_syntax_error, std::move(message), std::move(help),
                                  file_.source->pos_at_offset(at), current_index())};
  }

  Node* make(const YAML::Mark& mark) {
    if (++nodes_ > limits_.max_nodes) {
      throw DocumentAbort{make_diag(RuleId::limit_exceeded,
                                    fmt::format("document has more than {} YAML nodes; it is "
                                                "not linted",
                                                limits_.max_nodes),
                                    "split the document, or raise the limit with --limit nodes=N",
                                    pos(mark), current_index())};
    }
    Node* n = file_.arena.make();
    n->pos = pos(mark);
    return n;
  }

  // Sets the end of a single-line scalar, and catches a quoted scalar that is never closed:
  // yaml-cpp silently ends it at the end of the file, Backstage's parser reports
  // "Missing closing quote".
  void set_end(Node* n) {
    const std::string& b = file_.source->bytes();
    const std::size_t start = n->pos.offset;
    if (start >= b.size()) return;
    std::size_t end = std::string::npos;
    const char q = b[start];
    if (n->plain) {
      if (n->text.find('\n') == std::string::npos && b.compare(start, n->text.size(), n->text) == 0)
        end = start + n->text.size();
    } else if (q == '\'' || q == '"') {
      for (std::size_t i = start + 1; i < b.size(); ++i) {
        if (q == '"' && b[i] == '\\') {
          ++i;
        } else if (b[i] == q) {
          if (q == '\'' && i + 1 < b.size() && b[i + 1] == '\'') {
            ++i;
            continue;
          }
          end = i + 1;
          break;
        }
      }
      if (end == std::string::npos) {
        throw DocumentAbort{
            make_diag(RuleId::yaml_syntax_error,
                      fmt::format("missing closing {} quote", q == '"' ? "double" : "single"),
                      "close the quoted string; everything after this quote was read as part of "
                      "it",
                      n->pos, current_index()),
            true};
      }
    }
    if (end == std::string::npos) return;
    if (!n->plain) {
      check_quoted(n, end);
      exemptions_.quoted.emplace_back(start, end);
    }
    if (std::memchr(b.data() + start, '\n', end - start) != nullptr) return;  // multi-line
    n->end = file_.source->pos_at_offset(end);
  }

  // yaml-cpp leaves a tag with an undeclared named handle (`!e!x` without `%TAG !e! ...`) as
  // written; Backstage's parser rejects it ("Could not resolve tag").
  void check_tag(const std::string& tag, const Node* n) {
    if (tag.size() < 3 || tag[0] != '!' || tag.find('!', 1) == std::string::npos) return;
    const std::string handle = tag.substr(0, tag.find('!', 1) + 1);
    const std::string& b = file_.source->bytes();
    const std::size_t line_start = file_.source->pos_at(n->pos.line - 1, 0).offset;
    const std::size_t in_line =
        std::string_view(b.data() + line_start, n->pos.offset - line_start).rfind(handle);
    const std::size_t at = in_line == std::string_view::npos ? n->pos.offset : line_start + in_line;
    throw DocumentAbort{make_diag(
        RuleId::yaml_syntax_error, fmt::format("tag handle '{}' is not declared", handle),
        fmt::format("declare it with a `%TAG {} <prefix>` directive before the document's `---`, "
                    "or remove the tag",
                    handle),
        file_.source->pos_at_offset(at), current_index())};
  }

  void register_anchor(YAML::anchor_t anchor, Node* n, bool open = false) {
    if (anchor == 0) return;
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
    anchors_[anchor].node = n;
    anchors_[anchor].open = open;
    anchors_[anchor].uses = 1;
    anchors_[anchor].alias_count = 0;
    anchors_[anchor].node_weight = 1;
  }

  // True when the directives right before line `start` (the document's first line, `---` or
  // content) include `%YAML 1.1`: `yaml` then reads the document with its YAML 1.1 schema.
  bool declares_yaml11(int start) const {
    for (int l = start; l >= 1; --l) {
      const std::string_view text = file_.source->line(l);
      if (text.substr(0, 9) == "%YAML 1.1") return true;
      if (l == start && text.substr(0, 3) == "---") continue;
      const std::size_t c = text.find_first_not_of(" \t");
      if (c == std::string_view::npos || text[c] == '#' || text[0] == '%') continue;
      if (l != start) return false;  // content of the previous document
    }
    return false;
  }

  // The lines between the last scalar (or flow collection) and this event belong to it.
  void note_event(const YAML::Mark& mark) {
    if (pending_line_ == 0 || flow_depth_ > 0) return;
    const int line = mark.line + line_offset_ + 1;
    if (line > pending_line_ + 1) {
      exemptions_.lines.emplace_back(pending_line_ + 1, line - 1);
    }
    pending_line_ = 0;
  }

  // A block mapping key must be followed by `:` on its line. yaml-cpp accepts a bare word there as
  // a key with a null value; Backstage's parser rejects it ("Implicit map keys need to be
  // followed by map values"), as YAML 1.2 §8.2.2 does.
  void check_key_colon(const Node* key) {
    if (!key->is_scalar() || !key->end.valid() || key->end.line != key->pos.line) return;
    const std::string& b = file_.source->bytes();
    std::size_t i = key->end.offset;
    while (i < b.size() && (b[i] == ' ' || b[i] == '\t')) ++i;
    if (i < b.size() && b[i] == ':') return;
    // An explicit key (`? key`, its value on the next line after `: `) needs no `:` here.
    std::size_t k = key->pos.offset;
    while (k > 0 && (b[k - 1] == ' ' || b[k - 1] == '\t')) --k;
    if (k > 0 && b[k - 1] == '?') return;
    file_.diagnostics.push_back(make_diag(
        RuleId::yaml_syntax_error,
        fmt::format("'{}' is read as a mapping key but has no `:` after it", key->text),
        "add `: value`, indent it under the entry it belongs to, or make it a list item `- `",
        key->pos, current_index()));
  }

  // The checks of scan_flow() on an outermost flow collection, before yaml-cpp reads it: the
  // document fails at the first problem, where Backstage's parser fails.
  void check_flow(const Node* n) {
    const std::string& b = file_.source->bytes();
    const std::size_t open = n->pos.offset;
    if (open >= b.size() || (b[open] != '[' && b[open] != '{')) return;
    const FlowScan scan = scan_flow(b, open, block_indent());
    std::size_t at = scan.at;
    FlowProblem problem = scan.problem;
    if (problem == FlowProblem::none && scan.close < b.size() && b[scan.close] == '#')
      problem = FlowProblem::hash, at = scan.close;
    if (problem == FlowProblem::none && stack_.empty() && scan.close != std::string::npos)
      check_after_root_flow(n, scan.close);
    if (problem == FlowProblem::none && rewrites != nullptr && !scan.empty_keys.empty()) {
      ReadAgain again;
      for (const std::size_t k : scan.empty_keys)
        if (!std::binary_search(rewrites->empty_keys.begin(), rewrites->empty_keys.end(), k))
          again.empty_keys.push_back(k);
      if (!again.empty_keys.empty()) {
        if (rewrites->count + again.empty_keys.size() <= kMaxFlowRewrites &&
            rewrites->reread_bytes <= rewrites->reread_budget) {
          again.at = open;
          throw again;
        }
        // yaml-cpp would misread the empty keys silently (`{? : c}` as {{null: c}: null}).
        throw DocumentAbort{
            reread_limit_diag(file_.source->pos_at_offset(scan.empty_keys[0]), current_index())};
      }
    }
    switch (problem) {
      case FlowProblem::none:
        return;
      case FlowProblem::hash:
        throw DocumentAbort{hash_diag(b, file_.source->pos_at_offset(at), at, current_index())};
      case FlowProblem::empty_entry:
        fail_at("empty entry in a flow collection: ',' with no value before it",
                "remove the extra ',' (write `[a, b]`)", at);
      case FlowProblem::dash:
        fail_at("'-' alone is not an entry of a flow collection",
                "separate the entries with ',' and quote '-' if it is a value", at);
      case FlowProblem::document_end:
        fail_at(fmt::format("the '{}' on line {} is not closed when the document ends here",
                            b[open], n->pos.line),
                fmt::format("close the '{}' before the document marker, or quote the value if it "
                            "is text",
                            b[open]),
                at);
      case FlowProblem::quote_indent:
        fail_at(
            "the quoted value continues on a line that is not indented more than the key of "
            "its flow collection",
            "indent the continuation lines further than the key, or close the quote on this "
            "line",
            at);
      case FlowProblem::explicit_key_comma:
        fail_at("',' cannot follow an empty explicit key '?' on an earlier line",
                "write the key after the '?' on its line (`? key`), or remove the '?'", at);
      case FlowProblem::indent:
        fail_at(fmt::format("the '{}' on line {} is not closed before this line, which is not "
                            "indented more than the key that holds it",
                            b[open], n->pos.line),
                fmt::format("close the '{}' (or quote the value if it is text), or indent the "
                            "lines of the collection further than its key",
                            b[open]),
                at);
    }
  }

  // A flow collection that is a document's root ends it: yaml-cpp silently drops whatever follows
  // up to the next `---`, `yaml` rejects it ("Unexpected scalar at node end"). A `:` after it on
  // the same line makes it a key, which is fine.
  void check_after_root_flow(const Node* n, std::size_t close) {
    const std::string& b = file_.source->bytes();
    std::size_t i = close;
    bool same_line = true;
    while (i < b.size()) {
      const char c = b[i];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
      } else if (c == '\n') {
        same_line = false;
        ++i;
      } else if (c == '#') {
        while (i < b.size() && b[i] != '\n') ++i;
      } else {
        break;
      }
    }
    if (i >= b.size() || (same_line && b[i] == ':')) return;
    const std::size_t eol = b.find('\n', i);
    const std::string_view rest(b.data() + i, (eol == std::string::npos ? b.size() : eol) - i);
    if (!same_line && (is_document_marker(rest) || is_document_end(rest))) return;
    const std::string root = source_quote(b, n->pos.offset);
    throw DocumentAbort{make_diag(
        RuleId::yaml_syntax_error,
        fmt::format("the document is the flow collection '{}', so nothing may follow it{}", root,
                    looks_like_template(root) ? ": is this an unrendered template?" : ""),
        "render the template first, quote the first line, or start a new document with `---`",
        file_.source->pos_at_offset(i), current_index())};
  }

  // A block scalar header (`|`, `>-`, `|2`) followed by `#` with no space between: yaml-cpp
  // reads a comment, `yaml` rejects it.
  void check_block_header(const Node* n) {
    const std::string& b = file_.source->bytes();
    const std::size_t at = n->pos.offset;
    if (at >= b.size() || (b[at] != '|' && b[at] != '>')) return;
    std::size_t i = at + 1;
    while (i < b.size() && (b[i] == '+' || b[i] == '-' || (b[i] >= '0' && b[i] <= '9'))) ++i;
    if (i < b.size() && b[i] == '#')
      throw DocumentAbort{hash_diag(b, file_.source->pos_at_offset(i), i, current_index())};
  }

  // A block-context quoted scalar that ends at `end` (just past its closing quote): `"a"#c` is no
  // comment for `yaml`, and every continuation line of a multi-line one must be indented more
  // than the block collection that holds it (`yaml`: "Missing closing quote"), which also
  // rejects a `---` or `...` at the start of such a line.
  void check_quoted(const Node* n, std::size_t end) {
    if (flow_depth_ > 0) return;  // check_flow() covers flow collections
    const std::string& b = file_.source->bytes();
    if (end < b.size() && b[end] == '#')
      throw DocumentAbort{hash_diag(b, file_.source->pos_at_offset(end), end, current_index())};
    const int indent = block_indent();
    for (std::size_t i = b.find('\n', n->pos.offset); i < end; i = b.find('\n', i + 1)) {
      std::size_t k = i + 1;
      while (k < end && b[k] == ' ') ++k;
      std::size_t first = k;
      while (first < end && (b[first] == ' ' || b[first] == '\t')) ++first;
      // A line of only white space is an empty line, unless a tab comes before the indentation
      // is reached (`yaml`: "Missing closing quote" there too).
      const bool content =
          (first < b.size() && b[first] != '\n' && b[first] != '\r') || (k < end && b[k] == '\t');
      if (content && static_cast<int>(k - (i + 1)) <= indent) {
        // The value's lines are text: a tab there is not the tab-indentation finding.
        exemptions_.lines.emplace_back(n->pos.line + 1, file_.source->pos_at_offset(end).line);
        throw DocumentAbort{make_diag(
            RuleId::yaml_syntax_error,
            fmt::format("the quoted value continues on line {}, which is not indented more than "
                        "its key",
                        file_.source->pos_at_offset(i + 1).line),
            "indent the continuation lines further than the key, or close the quote on this line",
            n->pos, current_index())};
      }
    }
  }

  // A collection as a mapping key prints as its source text in messages (`{{ host }}`, not '').
  // As the first thing on a line of a block mapping, after the mapping's first entry, `yaml`
  // rejects it ("Map comment with trailing content"); as the first key, after `- ` or inside a
  // flow mapping it is accepted (`allowed`).
  void check_collection_key(Node* key, bool allowed) {
    const std::string& b = file_.source->bytes();
    const std::size_t at = key->pos.offset;
    if (at >= b.size()) return;
    key->text = source_quote(b, at);
    if (allowed || (b[at] != '[' && b[at] != '{')) return;
    const std::size_t line_start = file_.source->pos_at(key->pos.line - 1, 0).offset;
    if (b.find_first_not_of(' ', line_start) != at) return;
    throw DocumentAbort{make_diag(
        RuleId::yaml_syntax_error,
        looks_like_template(key->text)
            ? fmt::format("'{}' is read as a mapping key: is this an unrendered template?",
                          key->text)
            : fmt::format("a flow collection ('{}') cannot be a mapping key here", key->text),
        fmt::format("render the template first, or quote the key (\"{}\": ...)", key->text),
        key->pos, current_index())};
  }

  void open_container(Node* n, YAML::anchor_t anchor, bool flow) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      throw DocumentAbort{make_diag(RuleId::limit_exceeded,
                                    fmt::format("YAML nesting deeper than {} levels; the document "
                                                "is not linted",
                                                limits_.max_depth),
                                    "flatten the document, or raise the limit with --limit depth=N",
                                    n->pos, current_index())};
    }
    register_anchor(anchor, n, /*open=*/true);
    attach(n);
    if (flow && flow_depth_ == 0) check_flow(n);
    stack_.push_back(Frame{n, nullptr, 0, anchor, flow, flow ? -1 : n->pos.column - 1});
    if (flow && flow_depth_++ == 0) flow_start_line_ = n->pos.line;
  }

  void close_container() {
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.flow && --flow_depth_ == 0) pending_line_ = flow_start_line_;
    if (f.anchor != 0 && f.anchor < anchors_.size()) {
      anchors_[f.anchor].open = false;
      anchors_[f.anchor].node_weight = std::max<long long>(f.weight, 0);
    }
    if (!stack_.empty()) stack_.back().weight = std::max(stack_.back().weight, f.weight);
  }

  void attach(Node* n, bool is_alias = false) {
    const long long weight = is_alias ? alias_weight_pending_ : 1;
    if (stack_.empty()) {
      root_ = n;
      return;
    }
    Frame& top = stack_.back();
    top.weight = std::max(top.weight, weight);
    if (top.node->is_seq()) {
      top.node->items.push_back(n);
      if (!is_alias) note_yaml11_value(n);
    } else if (top.pending_key == nullptr) {
      top.pending_key = n;
      top.key_is_alias = is_alias;
      if (!top.flow && !is_alias) check_key_colon(n);
      if (!is_alias) note_merge_key(n);
    } else {
      if (!is_alias) note_yaml11_value(n);
      // The key is complete once its value arrives.
      // (Arena nodes are ours to change; the Frame keeps keys const for the tree.)
      if (!top.pending_key->is_scalar() && !top.key_is_alias)
        check_collection_key(const_cast<Node*>(top.pending_key),
                             top.flow || top.node->entries.empty());
      top.node->entries.emplace_back(top.pending_key, n);
      if (n->key == nullptr && !is_alias) n->key = top.pending_key;
      top.pending_key = nullptr;
    }
  }

  // yaml-1-1-habit: a plain value that YAML 1.1 reads differently (a boolean for yes/no/on/off,
  // octal for 0777) in a document Backstage reads as YAML 1.2 (https://yaml.org/type/bool.html,
  // https://yaml.org/type/int.html).
  void note_yaml11_value(const Node* n) {
    if (!yaml11_notes || yaml11_ || !n->plain || !n->is_scalar()) return;
    // Cheap tests first: this runs for every plain scalar of every file.
    const std::string& t = n->text;
    auto is_boolean_word = [&] {
      if (t.size() < 2 || t.size() > 3) return false;
      for (const std::string_view w :
           {"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"})
        if (t == w) return true;
      return false;
    };
    auto is_octal_like = [&] {
      const std::size_t from = !t.empty() && (t[0] == '-' || t[0] == '+') ? 1 : 0;
      if (t.size() < from + 2 || t[from] != '0') return false;
      return t.find_first_not_of("01234567", from) == std::string::npos;
    };
    if (n->is_string() && is_boolean_word()) {
      const bool truthy = n->text[0] == 'y' || n->text[0] == 'Y' || n->text == "on" ||
                          n->text == "On" || n->text == "ON";
      add_habit(n,
                fmt::format("'{}' is the string \"{}\" for Backstage (YAML 1.2), not the "
                            "boolean {} of YAML 1.1",
                            n->text, n->text, truthy ? "true" : "false"),
                fmt::format("write {} for a boolean, or quote it (\"{}\") when the string is meant",
                            truthy ? "true" : "false", n->text));
    } else if (n->type == NodeType::integer && is_octal_like()) {
      const bool negative = n->text[0] == '-';
      std::string_view digits(n->text);
      if (digits[0] == '-' || digits[0] == '+') digits.remove_prefix(1);
      if (digits.size() > 18) return;  // no exact value to show
      long long octal_value = 0, decimal_value = 0;
      for (const char c : digits) {
        octal_value = octal_value * 8 + (c - '0');
        decimal_value = decimal_value * 10 + (c - '0');
      }
      if (octal_value == decimal_value) return;  // 00 to 07 mean the same either way
      const std::string decimal = std::to_string(decimal_value);
      const std::string sign = negative ? "-" : "";
      add_habit(n,
                fmt::format("'{}' is the decimal number {}{} for Backstage (YAML 1.2), not the "
                            "octal {}{} ({}{}) of YAML 1.1",
                            n->text, sign, decimal, sign, digits, sign, octal_value),
                fmt::format("write {}0o{} for the octal value, {}{} for the decimal one, or quote "
                            "it (\"{}\") for a string",
                            sign, digits.substr(1), sign, decimal, n->text));
    }
  }
  // yaml-1-1-habit: `<<` is a plain key for Backstage (merge: false), not a YAML 1.1 merge key.
  void note_merge_key(const Node* key) {
    if (!yaml11_notes || yaml11_ || !key->plain || !key->is_string() || key->text != "<<") return;
    add_habit(key,
              "'<<' is an ordinary key for Backstage (YAML 1.2 without merge keys): nothing is "
              "merged into this mapping",
              "write the fields out in this mapping; an alias (`*name`) can only stand for a "
              "whole value");
  }
  void add_habit(const Node* at, std::string message, std::string help) {
    Diagnostic d = make_diag(RuleId::yaml_1_1_habit, std::move(message), std::move(help), at->pos,
                             current_index());
    d.end = at->end;
    file_.diagnostics.push_back(std::move(d));
  }

  // Two keys are the same when their values are (yaml's uniqueKeys compares resolved scalars):
  // `1`, `0x1`, `01` and `1.0` are all the number 1; `true` and `True` the boolean true.
  static std::optional<std::string> canonical_key(const Node* k) {
    if (!k->is_scalar()) return std::nullopt;
    switch (k->type) {
      case NodeType::null:
        return std::string("null");
      case NodeType::boolean:
        return std::string(k->text[0] == 't' || k->text[0] == 'T' ? "true" : "false");
      case NodeType::integer:
      case NodeType::floating: {
        std::string t = k->text;
        bool negative = false;
        if (!t.empty() && (t[0] == '+' || t[0] == '-')) negative = t[0] == '-', t.erase(0, 1);
        double v = 0;
        if (t.find("nan") != std::string::npos || t.find("NaN") != std::string::npos ||
            t.find("NAN") != std::string::npos)
          return std::nullopt;  // NaN equals nothing, itself included
        if (t.size() > 1 && t[0] == '.' && (t[1] == 'i' || t[1] == 'I'))
          v = std::numeric_limits<double>::infinity();
        else if (t.rfind("0x", 0) == 0)
          v = static_cast<double>(std::strtoull(t.c_str() + 2, nullptr, 16));
        else if (t.rfind("0o", 0) == 0)
          v = static_cast<double>(std::strtoull(t.c_str() + 2, nullptr, 8));
        else
          v = std::strtod(t.c_str(), nullptr);
        return fmt::format("number:{}", negative ? -v : v);
      }
      default:
        return "string:" + k->text;
    }
  }

  void check_duplicate_keys(const Node& map) {
    const auto& e = map.entries;
    if (e.size() < 2) return;
    // Fast path: a small mapping of string keys (nearly every mapping) compares texts directly.
    if (e.size() <= 8 && std::all_of(e.begin(), e.end(), [](const auto& kv) {
          return kv.first->type == NodeType::string;
        })) {
      for (std::size_t i = 1; i < e.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (e[i].first->text == e[j].first->text) {
            report_duplicate(e[i].first, e[j].first, e[i].second);
            break;
          }
      return;
    }
    std::unordered_map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < e.size(); ++i) {
      const Node* k = e[i].first;
      const std::optional<std::string> key = canonical_key(k);
      if (!key) continue;
      const auto [it, inserted] = first.emplace(*key, i);
      if (!inserted) report_duplicate(k, e[it->second].first, e[i].second);
    }
  }

  // Reports key `k` as a repeat of `first` (at `k`, with a note at `first`); `value` is k's.
  void report_duplicate(const Node* k, const Node* first, const Node* value) {
    Diagnostic d =
        make_diag(RuleId::duplicate_key,
                  fmt::format("duplicate key '{}' in the same mapping",
                              k->type == NodeType::null && k->text.empty() ? "null" : k->text),
                  "remove one of them; Backstage rejects a document with duplicate keys", k->pos,
                  current_index());
    d.end = k->end;
    d.notes.push_back(RelatedNote{"first defined here", "", first->pos});
    d.fix = remove_entry_fix(k, value);
    file_.diagnostics.push_back(std::move(d));
  }

  // The unsafe fix of a duplicate key: remove its line, when the entry is one block line of its
  // own (`key: scalar`, maybe a comment) and no deeper line follows. Unsafe: which of the two
  // values was meant is the author's call (this keeps the first).
  std::optional<Fix> remove_entry_fix(const Node* k, const Node* value) {
    const SourceText& src = *file_.source;
    const std::string& b = src.bytes();
    if (value == nullptr || !value->is_scalar() || !k->end.valid() || k->pos.line == 0)
      return std::nullopt;
    const std::string_view line = src.line(k->pos.line);
    const std::size_t line_start = static_cast<std::size_t>(line.data() - b.data());
    if (k->pos.offset < line_start ||
        line.substr(0, k->pos.offset - line_start).find_first_not_of(' ') != std::string::npos)
      return std::nullopt;  // the key does not start its line (a flow mapping, `- key:`)
    std::size_t after = k->end.offset;
    if (value->end.valid() && value->pos.line == k->pos.line)
      after = value->end.offset;
    else if (!(value->type == NodeType::null && value->text.empty()))
      return std::nullopt;  // the value is on other lines
    const std::size_t line_end = line_start + line.size();
    if (after > line_end) return std::nullopt;
    // A bare CR inside the line hides more text behind it (a comment's `<CR>  system: x`, that
    // the CR fix brings out): removing the line would delete it unseen.
    if (line.find('\r') != std::string_view::npos) return std::nullopt;
    const std::string_view rest = std::string_view(b).substr(after, line_end - after);
    const std::size_t c = rest.find_first_not_of(" \t");
    if (c != std::string_view::npos && rest[c] != ':' && rest[c] != '#') return std::nullopt;
    if (c != std::string_view::npos && rest[c] == ':') {  // `key:` with a null value
      const std::size_t more = rest.find_first_not_of(" \t", c + 1);
      if (more != std::string_view::npos && rest[more] != '#') return std::nullopt;
    }
    // The next line that is not blank must not be deeper (the entry's content).
    const std::size_t indent = k->pos.offset - line_start;
    for (int l = k->pos.line + 1; l <= src.line_count(); ++l) {
      const std::string_view next = src.line(l);
      const std::size_t n = next.find_first_not_of(' ');
      if (n == std::string_view::npos) continue;
      if (n > indent && next[n] != '#') return std::nullopt;
      break;
    }
    std::size_t end = line_end;
    while (end < b.size() && b[end] != '\n') ++end;  // past the CR of a CRLF
    if (end < b.size()) ++end;
    Fix fix;
    fix.description = fmt::format("remove this '{}' entry (the first one stays)", k->text);
    fix.safety = FixSafety::unsafe;
    fix.edits.push_back(TextEdit{line_start, end, ""});
    return fix;
  }

  LoadedFile& file_;
  const Limits& limits_;
  int line_offset_;
  int next_index_;
  bool in_document_ = false;
  Node* root_ = nullptr;
  SourcePos doc_start_;
  int doc_start_line_ = 0;
  std::vector<Frame> stack_;
  std::vector<AnchorInfo> anchors_;
  std::size_t nodes_ = 0;
  long long alias_weight_pending_ = 1;
  Exemptions& exemptions_;
  int pending_line_ = 0;  // line of the last scalar or flow collection start, 0 = none
  int flow_depth_ = 0;
  bool yaml11_ = false;  // the current document declares %YAML 1.1
  int flow_start_line_ = 0;
};

// Returns true when the bytes look like UTF-16 or UTF-32 (BOM, or the NUL pattern of ASCII text).
const char* detect_wide_encoding(std::string_view b) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() >= 4 && at(0) == 0xFF && at(1) == 0xFE && at(2) == 0 && at(3) == 0)
    return "UTF-32LE";
  if (b.size() >= 4 && at(0) == 0 && at(1) == 0 && at(2) == 0xFE && at(3) == 0xFF)
    return "UTF-32BE";
  if (b.size() >= 2 && at(0) == 0xFF && at(1) == 0xFE) return "UTF-16LE";
  if (b.size() >= 2 && at(0) == 0xFE && at(1) == 0xFF) return "UTF-16BE";
  if (b.size() >= 4 && at(0) != 0 && at(1) == 0 && at(2) == 0 && at(3) == 0) return "UTF-32LE";
  if (b.size() >= 4 && at(0) == 0 && at(1) == 0 && at(2) == 0 && at(3) != 0) return "UTF-32BE";
  if (b.size() >= 2 && at(0) != 0 && at(1) == 0) return "UTF-16LE";
  if (b.size() >= 2 && at(0) == 0 && at(1) != 0) return "UTF-16BE";
  return nullptr;
}

// A directive (`%YAML`, `%TAG`) after a document needs an explicit `...` before it (YAML 1.2
// §9.2); yaml-cpp accepts it, Backstage's parser does not. Also names a merge conflict marker,
// which would otherwise surface as a puzzling syntax error some lines later.
void check_directives(LoadedFile& f) {
  const SourceText& src = *f.source;
  std::string_view
      last_content;    // the last line so far that is not blank, a comment or a directive
  int directives = 0;  // line of the last directive not yet followed by `---`
  bool conflict = false;
  for (int l = 1; l <= src.line_count(); ++l) {
    std::string_view text = src.line(l);
    if (!text.empty() && text[0] == '%') {
      if (!last_content.empty() && !is_document_end(last_content)) {
        f.diagnostics.push_back(
            make_diag(RuleId::yaml_syntax_error,
                      "a directive after a document needs a `...` end marker before it",
                      "put `...` on the line before the directive, or remove the directive",
                      src.pos_at(l - 1, 0), kByLine));
      }
      directives = l;
      continue;
    }
    if (const std::size_t c = text.find_first_not_of(" \t");
        c != std::string_view::npos && text[c] != '#') {
      // Directives belong to the document that a `---` line starts (YAML 1.2 §9.2); yaml-cpp
      // also takes a document without it.
      if (directives > 0 && !is_document_marker(text)) {
        f.diagnostics.push_back(make_diag(
            RuleId::yaml_syntax_error,
            fmt::format("the directive on line {} must be followed by a `---` line before the "
                        "document",
                        directives),
            "put `---` on the line after the directives, or remove them", src.pos_at(l - 1, 0),
            kByLine));
      }
      directives = 0;
      last_content = text;
    }
    // `... x`: yaml-cpp starts a new document with `x`; for `yaml` the document that `...` ends
    // has content after its end ("Unexpected scalar at node end").
    if (is_document_end(text)) {
      const std::size_t c = text.find_first_not_of(" \t\r", 3);
      if (c != std::string_view::npos && text[c] != '#')
        f.diagnostics.push_back(
            make_diag(RuleId::yaml_syntax_error,
                      "content after the document end marker `...` on the same line",
                      "put the content on its own line after a `---`, or remove it",
                      src.pos_at(l - 1, static_cast<int>(c)), kBeforeLine));
    }
    if (!conflict && (text.substr(0, 8) == "<<<<<<< " || text == "<<<<<<<")) {
      conflict = true;
      f.diagnostics.push_back(make_diag(
          RuleId::yaml_syntax_error, "unresolved merge conflict marker (<<<<<<<)",
          "resolve the conflict: keep one side, and delete the <<<<<<<, ======= and >>>>>>> lines",
          src.pos_at(l - 1, 0), kByLine));
    }
  }
}

// `%YAML` directives that Backstage's parser (yaml 2.x, doc/directives.js) reads and yaml-cpp
// rejects: a version of the form N.M other than 1.1 and 1.2 (yaml warns and reads YAML 1.2;
// yaml-cpp refuses a major version above 1) and a second %YAML line for one document (yaml keeps
// the last; yaml-cpp refuses the repeat). Each well-formed %YAML line becomes a comment in
// `input` (yaml-cpp's same-length copy of `b`: a `#` for the `%`; yaml-cpp reads no version
// anyway), and each of those two cases gets a yaml-version-directive warning at its version. A
// malformed line (no version, two, `1.2#c`) is left to yaml-cpp, which rejects it as yaml does.
void neutralize_yaml_directives(const std::string& b, std::string& input, LoadedFile& f) {
  const SourceText& src = *f.source;
  int first = 0;  // line of the first %YAML directive of the current run of directives
  int last = 0, last_before = 0;  // the previous %YAML line, and the line before its run
  for (std::size_t at = b.rfind("%YAML", 0) == 0 ? 0 : b.find("\n%YAML"); at != std::string::npos;
       at = b.find("\n%YAML", at + 1)) {
    const std::size_t start = b[at] == '\n' ? at + 1 : at;
    const SourcePos pos = src.pos_at_offset(start);
    std::string_view text = src.line(pos.line);
    if (const std::size_t hash = text.find(" #"); hash != std::string_view::npos)
      text = text.substr(0, hash);
    if (const std::size_t hash = text.find("\t#"); hash != std::string_view::npos)
      text = text.substr(0, hash);
    // Parts as yaml splits them: on runs of spaces and tabs, after trimming.
    std::vector<std::pair<std::size_t, std::string_view>> parts;  // (column, part)
    for (std::size_t i = 0; i < text.size();) {
      const std::size_t b0 = text.find_first_not_of(" \t\r", i);
      if (b0 == std::string_view::npos) break;
      const std::size_t e0 = std::min(text.find_first_of(" \t\r", b0), text.size());
      parts.emplace_back(b0, text.substr(b0, e0 - b0));
      i = e0;
    }
    if (parts.empty() || parts[0].second != "%YAML" || parts.size() != 2) continue;
    const std::string_view version = parts[1].second;
    const std::size_t dot = version.find('.');
    const auto digits = [](std::string_view d) {
      return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (dot == std::string_view::npos || !digits(version.substr(0, dot)) ||
        !digits(version.substr(dot + 1)))
      continue;
    // Only a line where a directive may stand (after the file start or a `...` line, with
    // directives, blank and comment lines between) is one: elsewhere yaml-cpp reads it as
    // content, as yaml does, and it is left alone. `before`: the line before this run of
    // directive, blank and comment lines (0: the file start), found from the previous %YAML
    // line's when only such lines lie between (so a long run is walked once).
    const auto in_run = [&](int l) {
      const std::string_view t = src.line(l);
      const std::size_t c = t.find_first_not_of(" \t\r");
      return c == std::string_view::npos || t[c] == '#' || t[0] == '%';
    };
    int l = pos.line - 1;
    while (l >= 1 && l > last && in_run(l)) --l;
    const int before = l >= 1 && l == last ? last_before : l;
    last = pos.line, last_before = before;
    if (before >= 1 && !is_document_end(src.line(before))) continue;
    const bool repeat = first > before;  // an earlier %YAML of this same run
    if (!repeat) first = pos.line;
    if (input.empty()) input = b;
    input[start] = '#';
    const SourcePos vpos = src.pos_at(pos.line - 1, static_cast<int>(parts[1].first));
    if (!repeat && (version == "1.1" || version == "1.2")) continue;
    f.diagnostics.push_back(make_diag(
        RuleId::yaml_version_directive,
        repeat ? fmt::format("a second %YAML directive for one document (the first is on line "
                             "{}): YAML allows one, and Backstage's parser keeps the last",
                             first)
               : fmt::format("YAML {} is not a version Backstage's parser supports: it warns and "
                             "reads the document as YAML 1.2",
                             version),
        repeat ? "keep one `%YAML` line" : "write `%YAML 1.2`, or remove the directive", vpos,
        kByLine));
  }
}

// True when `text` (the rest of a line) starts a block structure: a `key:` or a `- ` entry.
bool starts_structure(std::string_view text) {
  const std::size_t b = text.find_first_not_of(' ');
  if (b == std::string_view::npos) return true;  // nothing after it: a stray line break
  text.remove_prefix(b);
  if (text[0] == '-' && (text.size() == 1 || text[1] == ' ')) return true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '#' && i > 0 && text[i - 1] == ' ') return false;
    if (text[i] == ':' && (i + 1 == text.size() || text[i + 1] == ' ')) return true;
  }
  return false;
}

// The indentation step of the file in spaces: the smallest indentation of a block line that is
// indented with spaces only (not blank, not a comment, not scalar text); 2 when there is none.
std::size_t indentation_unit(const SourceText& src, const Exemptions& ex) {
  std::size_t unit = 0;
  for (int l = 1; l <= src.line_count(); ++l) {
    if (ex.line(l)) continue;
    const std::string_view text = src.line(l);
    const std::size_t n = text.find_first_not_of(' ');
    if (n == 0 || n == std::string_view::npos || text[n] == '\t' || text[n] == '#') continue;
    if (unit == 0 || n < unit) unit = n;
  }
  return unit == 0 ? 2 : std::min<std::size_t>(unit, 8);
}

// True when the bare CR at byte `cr` of `b` (not in quotes, not in a comment, `line` the text of
// its line up to the next LF, `next` what follows the CR up to the next CR or LF) makes `yaml`
// read something other than yaml-cpp. Neither takes a bare CR for a line break (a comment runs
// on past it in both), but `yaml` takes it for white space after `---`, `...` and `:`, and not
// before `#` nor after an anchor or tag, where yaml-cpp reads on as text:
// - `next` starts block structure (`title: t<CR>  description: d`), or nothing (a CR at the end);
// - `next` starts with '#' ("Comments must be separated from other tokens by white space");
// - the line is only `---` or `...` so far (a document marker with content on its line);
// - `&anchor<CR>` or `!tag<CR>` ("Tags and anchors must be separated from the next token");
// - `key: a:<CR>` (a second mapping on the line: "Nested mappings are not allowed in compact
//   mappings").
// `key:<CR>value` at the start of a line (after the indentation and any `- `): the key when the
// CR at `cr_in_line` of `line` directly follows a plain key's ':' and a value follows it
// (`next`, the text after the CR); nullopt otherwise.
std::optional<std::string_view> key_before_value_cr(std::string_view line, std::size_t cr_in_line,
                                                    std::string_view next) {
  if (cr_in_line == 0 || line[cr_in_line - 1] != ':' || next.empty() || next[0] == ' ' ||
      next[0] == '\t' || next[0] == '#')
    return std::nullopt;
  std::size_t k = line.find_first_not_of(' ');
  while (k + 1 < line.size() && line[k] == '-' && line[k + 1] == ' ')
    k = line.find_first_not_of(' ', k + 1);
  if (k == std::string_view::npos || k >= cr_in_line - 1) return std::nullopt;
  const std::string_view key = line.substr(k, cr_in_line - 1 - k);
  if (std::strchr("#&*!|>'\"%@`[]{},?:-", key[0]) != nullptr) return std::nullopt;
  if (key.find(": ") != std::string_view::npos || key.find(" #") != std::string_view::npos ||
      key.find('\r') != std::string_view::npos)
    return std::nullopt;
  return key;
}

bool cr_breaks_structure(std::string_view line, std::size_t cr_in_line, std::string_view next) {
  std::string_view before = line.substr(0, cr_in_line);
  // `title: x<CR>- y`: after a plain value a '- ' is text for `yaml` ("x\r- y"), as for yaml-cpp.
  const std::size_t dash = next.find_first_not_of(' ');
  if (dash != std::string_view::npos && next[dash] == '-' &&
      (dash + 1 == next.size() || next[dash + 1] == ' ' || next[dash + 1] == '\t') &&
      !has_mapping_colon(next)) {
    std::string_view value = before;
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    const std::size_t blank = value.find_last_of(" \t");
    const std::string_view token = value.substr(blank == std::string_view::npos ? 0 : blank + 1);
    if (!value.empty() && std::strchr("]}\"':\r", value.back()) == nullptr && !token.empty() &&
        std::strchr("&!*", token[0]) == nullptr && (has_mapping_colon(value) || token != value))
      return false;
  }
  if (starts_structure(next) || next.front() == '#') return true;
  if (before == "---" || before == "...") return true;
  while (!before.empty() && (before.back() == ' ' || before.back() == '\r'))
    before.remove_suffix(1);
  if (before.empty()) return false;
  if (before.back() == ':') {
    before.remove_suffix(1);
    return has_mapping_colon(before);
  }
  // The token before the CR: an anchor or tag when it starts a node (after the indentation, a
  // `: `, `- ` or a flow indicator).
  const std::size_t blank = before.find_last_of(" \t");
  const std::size_t start = blank == std::string_view::npos ? 0 : blank + 1;
  const std::string_view token = before.substr(start);
  if (token.empty() || (token[0] != '&' && token[0] != '!')) return false;
  std::string_view lead = before.substr(0, start);
  while (!lead.empty() && (lead.back() == ' ' || lead.back() == '\t')) lead.remove_suffix(1);
  return lead.empty() || std::strchr(":-[{,?", lead.back()) != nullptr;
}

// True when 1-based line `l` is a comment line (its first non-space is '#') that is no block
// scalar's text: the nearest line above it that is less indented (blank lines and deeper ones
// skipped) does not end with a `|` or `>` header. (The exemptions cover the lines after a plain
// scalar too, where a comment line ends the scalar for both parsers.)
bool comment_outside_block_scalar(const SourceText& src, int l) {
  const std::string_view text = src.line(l);
  const std::size_t indent = text.find_first_not_of(' ');
  if (indent == std::string_view::npos || text[indent] != '#') return false;
  for (int k = l - 1, seen = 0; k >= 1 && seen < 200; --k, ++seen) {
    std::string_view above = src.line(k);
    const std::size_t at = above.find_first_not_of(" \t");
    if (at == std::string_view::npos || at >= indent) continue;
    if (const std::size_t hash = above.find(" #"); hash != std::string_view::npos)
      above = above.substr(0, hash);
    while (!above.empty() && (above.back() == ' ' || above.back() == '\t')) above.remove_suffix(1);
    while (!above.empty() && (std::isdigit(static_cast<unsigned char>(above.back())) ||
                              above.back() == '-' || above.back() == '+'))
      above.remove_suffix(1);
    return above.empty() || (above.back() != '|' && above.back() != '>');
  }
  return true;
}

// Whitespace checks yaml-cpp does not make but Backstage's parser does, outside scalar text and
// flow collections (where tabs and CRs are content):
// - a bare CR where `yaml` reads other structure than yaml-cpp (cr_breaks_structure()), not
//   inside a value; one inside a comment that hides block structure after it (`# c<CR>title: t`:
//   both parsers read the rest of the line as the comment) is a warning, as Backstage accepts the
//   file but never sees that content;
// - a CR right after a line's `key:` (`name:<CR>foo`: Backstage's value is "\rfoo"), one
//   finding per line, whose CRs' offsets are returned (sorted; the file is read again with them
//   as spaces, and a syntax error on their lines is their consequence);
// - a tab in the indentation of a block line ("Tabs are not allowed as indentation").
std::vector<std::size_t> check_whitespace(LoadedFile& f, const Exemptions& ex) {
  const SourceText& src = *f.source;
  const std::string& b = src.bytes();
  // Where the comment of a line starts (npos: none), remembered for the line of the last CR: a
  // line of many CRs is read once, not once per CR.
  int memo_line = 0;
  std::size_t memo_comment = std::string::npos;
  bool memo_exempt = false;  // the line is scalar text (or a flow collection's)
  const auto comment_start = [&](std::string_view line) {
    const std::size_t start = static_cast<std::size_t>(line.data() - b.data());
    const std::size_t first = line.find_first_not_of(' ');
    if (first != std::string_view::npos && line[first] == '#') return start + first;
    for (std::size_t h = line.find(" #"); h != std::string_view::npos; h = line.find(" #", h + 1))
      if (!ex.in_quotes(start + h + 1)) return start + h + 1;
    return std::string::npos;
  };
  const std::string line_break = b.find("\r\n") != std::string::npos ? "\r\n" : "\n";
  std::vector<TextEdit> cr_edits, hidden_edits;
  bool reported = false;
  std::vector<std::size_t> value_crs;  // offsets of the CRs of `key:<CR>value` findings
  std::size_t cr_finding = 0, hidden_finding = std::string::npos;
  for (std::size_t i = b.find('\r'); i != std::string::npos; i = b.find('\r', i + 1)) {
    if (i + 1 < b.size() && b[i + 1] == '\n') continue;  // CRLF
    if (ex.in_quotes(i)) continue;
    const SourcePos p = src.pos_at_offset(i);
    const std::string_view line = src.line(p.line);
    // A document marker ends any scalar before it, so its line is never exempt.
    const bool marker = line.data() + 3 == b.data() + i &&
                        (line.substr(0, 3) == "---" || line.substr(0, 3) == "...");
    if (p.line != memo_line) {
      memo_line = p.line;
      memo_comment = comment_start(line);
      memo_exempt = ex.line(p.line) && !comment_outside_block_scalar(src, p.line);
    }
    if (memo_exempt && !marker) continue;
    // The text after the CR up to the next CR or LF (what the author meant as the next line).
    std::size_t j = i + 1;
    while (j < b.size() && b[j] != '\r' && b[j] != '\n') ++j;
    const std::string_view next(b.data() + i + 1, j - (i + 1));
    if (memo_comment < i) {  // inside a comment: harmless unless it hides structure
      hidden_edits.push_back(TextEdit{i, i + 1, line_break});
      const std::size_t first = next.find_first_not_of(' ');
      if (hidden_finding != std::string::npos || first == std::string_view::npos) continue;
      std::string_view hidden = next.substr(first);
      if (!(starts_structure(hidden) || is_document_marker(hidden) || is_document_end(hidden)))
        continue;
      std::size_t cut = std::min<std::size_t>(hidden.size(), 40);  // at a UTF-8 boundary
      while (cut > 0 && cut < hidden.size() &&
             (static_cast<unsigned char>(hidden[cut]) & 0xC0) == 0x80)
        --cut;
      hidden = hidden.substr(0, cut);
      Diagnostic d = make_diag(
          RuleId::bare_cr_line_break,
          fmt::format("a bare carriage return (CR) does not end this comment: '{}' after it is "
                      "part of the comment, and Backstage never reads it",
                      printable(hidden)),
          "end the line with LF (or CRLF): YAML parsers read a comment up to the next LF", p,
          kByLine);
      d.fixed_severity = Severity::warning;  // Backstage accepts the file, without that content
      f.diagnostics.push_back(std::move(d));
      hidden_finding = f.diagnostics.size() - 1;
      continue;
    }
    if (j == i + 1 && j < b.size()) continue;  // a run of CRs: its last one decides
    const std::size_t in_line = i - static_cast<std::size_t>(line.data() - b.data());
    if (const auto key = key_before_value_cr(line, in_line, next)) {
      // `name:<CR>foo`: for Backstage's parser the ':' is followed by the CR, so the value is
      // "\rfoo" (an invalid name, a kind it does not know); yaml-cpp reads one plain scalar.
      // One finding per line, with a safe fix: the CR becomes the space the author meant.
      Diagnostic d = make_diag(
          RuleId::bare_cr_line_break,
          fmt::format("a bare carriage return (CR) right after `{}:`: the value Backstage reads "
                      "is '\\r{}', which starts with the CR",
                      printable(excerpt(*key)), printable(excerpt(next))),
          "put a space after the ':' (the CR is no white space for YAML)", p, kByLine);
      d.fix = Fix{
          "replace the CR after the ':' with a space", FixSafety::safe, {TextEdit{i, i + 1, " "}}};
      f.diagnostics.push_back(std::move(d));
      value_crs.push_back(i);
      continue;
    }
    if (!cr_breaks_structure(line, in_line, next)) continue;
    // The fix (safe: the break `yaml` fails on becomes the one everyone else reads) makes this
    // CR, and the CRs of a run that ends with it, the file's line break: CRLF when the file has
    // one, else LF.
    std::size_t run = i;
    while (run > 0 && b[run - 1] == '\r' && !ex.in_quotes(run - 1)) --run;
    for (std::size_t k = run; k <= i; ++k) cr_edits.push_back(TextEdit{k, k + 1, line_break});
    if (reported) continue;  // one finding is enough: the file has the wrong line endings
    reported = true;
    f.diagnostics.push_back(
        make_diag(RuleId::bare_cr_line_break,
                  "bare carriage return (CR) used as a line break; Backstage's parser does not "
                  "accept it",
                  "save the file with LF (or CRLF) line endings", p, kByLine));
    cr_finding = f.diagnostics.size() - 1;
  }
  if (reported) {
    Fix fix;
    fix.description = fmt::format("end lines with {}", line_break == "\n" ? "LF" : "CRLF");
    fix.edits = std::move(cr_edits);
    f.diagnostics[cr_finding].fix = std::move(fix);
  }
  if (hidden_finding != std::string::npos) {
    // Unsafe: the text the comment hid becomes content that Backstage then reads.
    Fix fix;
    fix.description =
        fmt::format("end the comment's lines with {}", line_break == "\n" ? "LF" : "CRLF");
    fix.safety = FixSafety::unsafe;
    fix.edits = std::move(hidden_edits);
    f.diagnostics[hidden_finding].fix = std::move(fix);
  }
  std::string indent_unit;  // found on the first tab (most files have none)
  for (int l = 1; l <= src.line_count(); ++l) {
    if (ex.line(l)) continue;
    std::string_view text = src.line(l);
    std::size_t i = 0;
    bool tab = false;
    std::size_t tab_at = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      if (text[i] == '\t' && !tab) tab = true, tab_at = i;
      ++i;
    }
    if (!tab || i == text.size() || text[i] == '#') continue;
    f.diagnostics.push_back(
        make_diag(RuleId::tab_indentation, "tab character in indentation; YAML allows only spaces",
                  "indent with spaces", src.pos_at(l - 1, static_cast<int>(tab_at)), kByLine));
    // The fix, when the indentation is tabs only: each tab becomes one indentation step of the
    // file (its smallest space indentation, else 2 spaces). Safe: YAML gives a tab no width, so
    // a line of N tabs can only mean N levels. Tabs after spaces are ambiguous: no fix.
    if (text.find_first_not_of('\t') < i) continue;
    const std::size_t start = static_cast<std::size_t>(text.data() - b.data());
    if (indent_unit.empty()) indent_unit.assign(indentation_unit(src, ex), ' ');
    std::string spaces;
    for (std::size_t k = 0; k < i; ++k) spaces += indent_unit;
    f.diagnostics.back().fix =
        Fix{"indent with spaces", FixSafety::safe, {TextEdit{start, start + i, std::move(spaces)}}};
  }
  return value_crs;
}

// True when 1-based `line` holds only white space, or white space and then a comment.
bool blank_or_comment(std::string_view text) {
  const std::size_t c = text.find_first_not_of(" \t\r");
  return c == std::string_view::npos || text[c] == '#';
}

// A copy of `b` where the tabs of lines that hold only white space (or white space and a comment)
// are spaces, for yaml-cpp, which rejects such lines ("illegal tab when looking for indentation")
// where `yaml` reads them as empty lines and comments. Only lines between block structure are
// changed: not a line followed by a deeper continuation of the value before it (yaml rejects the
// tab there), nor one inside a block scalar (a `|` or `>` header within the 200 lines above whose
// indentation it is still inside). Same length: every offset is kept.
std::string untab_blank_lines(const SourceText& src) {
  std::string out = src.bytes();
  const int count = src.line_count();
  int prev = 0;  // the last content line so far
  int next = 0;  // the next content line after the current run of blank lines
  for (int l = 1; l <= count; ++l) {
    const std::string_view text = src.line(l);
    if (!blank_or_comment(text)) {
      prev = l;
      continue;
    }
    if (text.find('\t') == std::string_view::npos || prev == 0) continue;
    if (next <= l) {  // the next content line, found once per run of blank lines
      next = l + 1;
      while (next <= count && blank_or_comment(src.line(next))) ++next;
    }
    const std::string_view p = src.line(prev);
    if (next <= count && indentation(src.line(next)) > indentation(p)) continue;
    // Inside a block scalar: a header line whose indentation is below every line since.
    bool in_block = false;
    std::size_t least = indentation(p);
    for (int k = prev; k >= 1 && k > prev - 200; --k) {
      const std::string_view t = src.line(k);
      if (blank_or_comment(t)) continue;
      if (k != prev && indentation(t) >= least) continue;
      least = std::min(least, indentation(t));
      std::string_view head = t.substr(0, t.find(" #"));
      while (!head.empty() && (head.back() == ' ' || head.back() == '\r')) head.remove_suffix(1);
      while (!head.empty() && std::strchr("+-0123456789", head.back()) != nullptr)
        head.remove_suffix(1);
      if (!head.empty() && (head.back() == '|' || head.back() == '>')) {
        in_block = true;
        break;
      }
      if (indentation(t) == 0) break;
    }
    if (in_block) continue;
    const std::size_t start = static_cast<std::size_t>(text.data() - src.bytes().data());
    const std::size_t end = text.find('#') == std::string_view::npos ? text.size() : text.find('#');
    for (std::size_t i = 0; i < end; ++i)
      if (out[start + i] == '\t') out[start + i] = ' ';
  }
  return out;
}

}  // namespace

// `---<CR>` and `...<CR>` at the start of a line: yaml-cpp reads a key there, `yaml` a document
// marker followed by white space. Makes those CRs spaces in `input` (yaml-cpp's copy of `b`; same
// length, so every position is kept; check_whitespace() reports the CR).
void space_marker_crs(const std::string& b, std::string& input) {
  for (std::size_t i = b.find('\r'); i != std::string::npos; i = b.find('\r', i + 1)) {
    if (i < 3 || (i + 1 < b.size() && b[i + 1] == '\n')) continue;
    const std::size_t s = i - 3;
    if ((s == 0 || b[s - 1] == '\n') &&
        (b.compare(s, 3, "---") == 0 || b.compare(s, 3, "...") == 0)) {
      if (input.empty()) input = b;
      input[i] = ' ';
    }
  }
}

namespace {

/// True when the '?' at `at` of `b` (inside a flow collection) is content of a plain scalar for
/// YAML 1.2 (ns-plain-char, §7.3.3): after other text of the scalar (`a?b`, `a ? b`, also on a
/// continuation line), or first with a plain-safe character after it (`?a`). Not the
/// explicit-key indicator (`? a`, `?`).
bool plain_question_mark_in_flow(const std::string& b, std::size_t at) {
  const char next = at + 1 < b.size() ? b[at + 1] : '\n';
  std::size_t p = at;
  bool over_lines = false;
  while (p > 0 && is_blank(b[p - 1])) {
    over_lines = over_lines || b[p - 1] == '\n' || b[p - 1] == '\r';
    --p;
  }
  const bool item_start =
      p == 0 || std::strchr("[{,", b[p - 1]) != nullptr || (b[p - 1] == ':' && p < at);
  if (!item_start && over_lines) {
    // A continuation line of the scalar before, unless a comment ended that line.
    std::size_t line_start = p;
    while (line_start > 0 && b[line_start - 1] != '\n') --line_start;
    for (std::size_t i = line_start; i < p; ++i)
      if (b[i] == '#' && (i == line_start || b[i - 1] == ' ' || b[i - 1] == '\t')) return false;
  }
  return !item_start || std::strchr(" \t\r\n,[]{}", next) == nullptr;
}

/// The offset of the bracket (`[` or `{`) of the innermost flow collection open at offset `at` of
/// `b`, found in the text, or npos when none is found within kFlowLookBehind bytes before `at`. For
/// a yaml-cpp error inside a flow collection whose start yaml-cpp has not delivered yet (`- [a?b]`:
/// the scanner looks for a `:` after the collection before it gives the `[`). Quoted text and
/// comments are skipped from each candidate bracket on; at most kFlowLookBehind bytes are read
/// per candidate and 32 candidates are tried (at most 128 KiB per yaml-cpp error).
constexpr std::size_t kFlowLookBehind = 4096;
std::size_t innermost_flow_bracket(const std::string& b, std::size_t at) {
  const std::size_t floor = at > kFlowLookBehind ? at - kFlowLookBehind : 0;
  int candidates = 0;
  for (std::size_t q = std::min(at, b.size()); q > floor && candidates < 32;) {
    --q;
    if (b[q] != '[' && b[q] != '{') continue;
    ++candidates;
    std::vector<std::size_t> open;  // the brackets still open, scanning from q to at
    for (std::size_t i = q; i < at; ++i) {
      const char c = b[i];
      if (c == '[' || c == '{') {
        open.push_back(i);
      } else if (c == ']' || c == '}') {
        if (open.empty()) break;
        open.pop_back();
        if (open.empty()) break;
      } else if (c == '"' || c == '\'') {
        for (++i; i < at && b[i] != c; ++i)
          if (c == '"' && b[i] == '\\') ++i;
      } else if (c == '#' && (b[i - 1] == ' ' || b[i - 1] == '\t' || b[i - 1] == '\n')) {
        while (i < at && b[i] != '\n') ++i;
      }
    }
    if (!open.empty()) return open.back();
  }
  return std::string::npos;
}

/// Where yaml-cpp stopped at offset `at` of `b` inside a flow collection (a mapping when
/// `in_map`), writes into `copy` (yaml-cpp's copy of `b`, same length) the same-length change that
/// lets yaml-cpp read what YAML 1.2 reads there, and records it in `r`. Returns the bytes changed
/// as [first, second), or an empty range when there is no such change (the error stands). The
/// kinds (each read by `yaml`, refused by yaml-cpp):
/// - a '?' inside a plain scalar (`[a?b]`, `[a ? b]`, `[a\n b?c]`): FlowRewrites::kQuestion;
/// - an empty explicit key (`[?]`, `[?, a]`, `{?}`): the '?' becomes ':' (`[:]` is `[{null: null}]`
///   for yaml-cpp too);
/// - a flow collection as explicit key (`[?[a]]`, `[?{a: b}: c]`): `[ [a]: c]`, or `[[a]:]`
///   when no value follows (the key moves one column left; FlowRewrites::Shift puts it back);
/// - in a flow mapping, a key over lines (`{a\n b: c}`, `{"a\n b"}`), with its ':' on a later
///   line (`{a # c\n  : b}`), or of over 1024 characters: FlowRewrites::kLongKey.
std::pair<std::size_t, std::size_t> rewrite_for_yaml_cpp(const std::string& b, std::string& copy,
                                                         std::size_t at, bool in_map,
                                                         FlowRewrites& r, const SourceText& src) {
  using Range = std::pair<std::size_t, std::size_t>;
  const Range none{0, 0};
  if (r.count >= kMaxFlowRewrites || at >= b.size() || copy[at] != b[at]) return none;
  const auto line_of = [&](std::size_t offset) { return src.pos_at_offset(offset).line - 1; };
  const auto column_of = [&](std::size_t offset) {  // in bytes, as yaml-cpp's marks
    return static_cast<int>(offset - src.pos_at(line_of(offset), 0).offset);
  };
  const auto done = [&](std::size_t from, std::size_t to) {
    ++r.count;
    return Range{from, to};
  };
  if (b[at] == '?') {
    if (plain_question_mark_in_flow(b, at)) {
      if (b.find(FlowRewrites::kQuestion) != std::string::npos) return none;
      copy[at] = FlowRewrites::kQuestion;
      r.question_marks = true;
      return done(at, at + 1);
    }
    // An explicit key starts an entry (`{a: ?}` is no entry: `yaml` refuses it).
    std::size_t p = at;
    while (p > 0 && is_blank(b[p - 1])) --p;
    if (p == 0 || std::strchr("[{,", b[p - 1]) == nullptr) return none;
    const char next = at + 1 < b.size() ? b[at + 1] : '\n';
    if (next == ',' || next == ']' || next == '}') {
      copy[at] = ':';
      return done(at, at + 1);
    }
    if (next != '[' && next != '{') return none;
    const std::size_t close = scan_flow(b, at + 1, -1).close;
    if (close == std::string::npos || b.find('\n', at) < close) return none;
    std::size_t after = close;
    while (after < b.size() && b[after] == ' ') ++after;
    if (after < b.size() && b[after] == ':') {
      copy[at] = ' ';
      return done(at, at + 1);
    }
    if (after >= b.size() || std::strchr(",]}", b[after]) == nullptr ||
        r.shifts.size() >= kMaxFlowShifts)
      return none;
    std::copy(copy.begin() + static_cast<std::ptrdiff_t>(at) + 1,
              copy.begin() + static_cast<std::ptrdiff_t>(close),
              copy.begin() + static_cast<std::ptrdiff_t>(at));
    copy[close - 1] = ':';
    r.shifts.push_back({line_of(at), column_of(at), column_of(close - 1), 1});
    return done(at, close);
  }
  if (!in_map) return none;
  // A key from `at`, quoted or plain, over lines too; then `: ` (or `,`/`}`: no value), after
  // white space, line breaks and comments.
  const char first = b[at];
  if (std::strchr("&*!|>%@`", first) != nullptr) return none;
  const bool quoted = first == '"' || first == '\'';
  std::size_t end = at;
  if (quoted) {
    end = at + 1;
    while (end < b.size()) {
      if (first == '"' && b[end] == '\\') {
        end += 2;
      } else if (b[end] == first && first == '\'' && end + 1 < b.size() && b[end + 1] == '\'') {
        end += 2;  // '' is one quote
      } else if (b[end] == first) {
        break;
      } else {
        ++end;
      }
    }
    if (end >= b.size()) return none;
    ++end;
  } else {
    while (end < b.size() && std::strchr(",[]{}", b[end]) == nullptr &&
           !(b[end] == ':' && (end + 1 == b.size() || std::strchr(" \t\r\n,[]{}", b[end + 1]))) &&
           !(b[end] == '#' && end > at && (b[end - 1] == ' ' || b[end - 1] == '\n')))
      ++end;
    while (end > at && (b[end - 1] == ' ' || b[end - 1] == '\n' || b[end - 1] == '\r')) --end;
    if (end == at) return none;
  }
  std::size_t next = end;  // the ':', ',' or '}' after the key
  while (next < b.size()) {
    if (b[next] == ' ' || b[next] == '\n' ||
        (b[next] == '\r' && next + 1 < b.size() && b[next + 1] == '\n')) {
      ++next;
    } else if (b[next] == '#' && (b[next - 1] == ' ' || b[next - 1] == '\n')) {
      while (next < b.size() && b[next] != '\n') ++next;
    } else {
      break;
    }
  }
  if (next >= b.size()) return none;
  const bool colon = b[next] == ':';
  if (colon && next + 1 < b.size() && std::strchr(" \t\r\n,[]{}", b[next + 1]) == nullptr)
    return none;
  if (!colon && b[next] != ',' && b[next] != '}') return none;
  const bool over_lines = b.find('\n', at) < next;
  if (!over_lines && next - at < 1000) return none;  // not what yaml-cpp fails on
  // The marker goes right before the ':' (or ends the key); the rest becomes spaces, line
  // breaks stay (a CRLF's CR becomes a space too), so that every other position is unchanged.
  // A bare CR is refused (check_whitespace() reports it).
  const std::size_t marker = colon ? next - 1 : end - 1;
  if (marker < at || b[marker] == '\n' || b[marker] == '\r') return none;
  for (std::size_t i = at; i < next; ++i)
    if ((copy[i] != b[i] && copy[i] != FlowRewrites::kQuestion) || b[i] == '\t' ||
        (b[i] == '\r' && (i + 1 == b.size() || b[i + 1] != '\n')))
      return none;
  // The key's value as a scalar on its own (no key limit applies there), one column in: a key
  // that starts with `---` or `...` is text, no document marker.
  std::string text;
  try {
    const YAML::Node key = YAML::Load(" " + b.substr(at, end - at));
    if (!key.IsScalar()) return none;
    text = key.Scalar();
  } catch (const YAML::Exception&) {
    return none;
  }
  for (std::size_t i = at; i < next; ++i)
    if (b[i] != '\n') copy[i] = ' ';
  copy[marker] = FlowRewrites::kLongKey;
  const FlowRewrites::Key k{marker, at, std::move(text), !quoted};
  r.keys.insert(
      std::lower_bound(r.keys.begin(), r.keys.end(), marker,
                       [](const FlowRewrites::Key& e, std::size_t o) { return e.offset < o; }),
      k);
  return done(at, next);
}

}  // namespace

LoadedFile load_yaml(std::string bytes, const Limits& limits, bool yaml11_notes) {
  LoadedFile f;
  const std::size_t size = bytes.size();
  f.source = std::make_unique<SourceText>(std::move(bytes));
  const std::string& b = f.source->bytes();
  const SourcePos top = f.source->pos_at(0, 0);

  if (size > limits.max_file_bytes) {
    f.diagnostics.push_back(
        make_diag(RuleId::limit_exceeded,
                  fmt::format("file is {} bytes, over the limit of {} bytes; it is not linted",
                              size, limits.max_file_bytes),
                  "catalog files are small; raise the limit with --limit file-bytes=N if this one "
                  "must be linted",
                  top, -1));
    // Keep none of it: the report would otherwise quote a first line of up to the whole file.
    f.source = std::make_unique<SourceText>(std::string());
    return f;
  }
  if (const char* enc = detect_wide_encoding(b)) {
    f.diagnostics.push_back(
        make_diag(RuleId::unsupported_encoding,
                  fmt::format("file is encoded as {}; Backstage reads catalog files as UTF-8", enc),
                  "save the file as UTF-8", top, 0));
    return f;
  }
  if (const std::size_t nul = b.find('\0'); nul != std::string::npos) {
    f.diagnostics.push_back(make_diag(
        RuleId::unsupported_encoding, "file contains a NUL byte; it is binary, not YAML text",
        "catalog files must be UTF-8 text", f.source->pos_at_offset(nul), 0));
    return f;
  }
  if (const std::size_t bad = find_invalid_utf8(b); bad != std::string::npos) {
    f.diagnostics.push_back(
        make_diag(RuleId::invalid_utf8,
                  fmt::format("invalid UTF-8 byte 0x{:02X}; Backstage silently replaces it with "
                              "U+FFFD",
                              static_cast<unsigned char>(b[bad])),
                  "save the file as UTF-8", f.source->pos_at_offset(bad), kByLine));
  }
  check_directives(f);

  std::string untabbed;  // the bytes yaml-cpp reads once a tab on a blank line stopped it
  // or with the CRs after document markers as spaces and %YAML lines that yaml-cpp would refuse
  // as comments ("" = none)
  std::string spaced;
  space_marker_crs(b, spaced);
  neutralize_yaml_directives(b, spaced, f);
  FlowRewrites rewrites;  // what yaml-cpp's copy changes in flow collections (Builder reads back)
  rewrites.reread_budget = kRereadFactor * b.size() + kRereadAllowance;
  const std::size_t arena_mark = f.arena.size();
  const std::size_t before_parse = f.diagnostics.size();
  Exemptions exemptions;
  std::vector<std::size_t> from_parser;  // indexes of the syntax errors that ended a document
  std::vector<std::size_t> value_crs;    // CRs of `key:<CR>value`, read as spaces
  for (int pass = 0;; ++pass) {
    int line_offset = 0;
    std::size_t byte_offset = 0;
    int next_index = 0;
    while (byte_offset <= b.size()) {
      const std::string& input = !untabbed.empty() ? untabbed : !spaced.empty() ? spaced : b;
      MemoryBuf buf(input.data() + byte_offset, input.size() - byte_offset);
      std::istream in(&buf);
      Builder builder(f, limits, line_offset, next_index, exemptions);
      builder.yaml11_notes = yaml11_notes;
      builder.rewrites = &rewrites;
      builder.value_crs = &value_crs;
      // What this attempt added, to undo if it is retried.
      const std::size_t marks[] = {f.diagnostics.size(),    f.documents.size(),
                                   exemptions.lines.size(), exemptions.quoted.size(),
                                   from_parser.size(),      f.arena.size(),
                                   f.plain_value_crs.size()};
      const auto undo_attempt = [&] {
        f.diagnostics.resize(marks[0]);
        f.documents.resize(marks[1]);
        exemptions.lines.resize(marks[2]);
        exemptions.quoted.resize(marks[3]);
        from_parser.resize(marks[4]);
        f.arena.truncate(marks[5]);  // the discarded attempt's nodes (nothing points at them)
        f.plain_value_crs.resize(marks[6]);
      };
      int failed_start_line = 0;
      int resume_index = 0;
      try {
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(builder)) {
        }
        builder.finish();
        break;
      } catch (const ReadAgain& again) {
        rewrites.reread_bytes += again.at > byte_offset ? again.at - byte_offset : 0;
        if (spaced.empty()) spaced = b;
        for (const std::size_t k : again.empty_keys) {
          spaced[k] = ' ';
          if (!untabbed.empty()) untabbed[k] = ' ';
          rewrites.empty_keys.insert(
              std::lower_bound(rewrites.empty_keys.begin(), rewrites.empty_keys.end(), k), k);
          ++rewrites.count;
        }
        undo_attempt();
        continue;
      } catch (const DocumentAbort& abort) {
        if (abort.diagnostic.rule == rule_name(RuleId::yaml_syntax_error))
          from_parser.push_back(f.diagnostics.size());
        f.diagnostics.push_back(abort.diagnostic);
        if (builder.in_document()) {
          LoadedDocument doc;
          doc.index = builder.current_index();
          doc.start = builder.document_start();
          doc.failed = true;
          f.documents.push_back(doc);
        }
        if (abort.stop_file) break;
        failed_start_line = abort.diagnostic.start.line;
      } catch (const YAML::Exception& e) {
        const SourcePos at = builder.pos(e.mark);
        // Text of a flow collection that YAML 1.2 reads and yaml-cpp cannot (`[a?b]`,
        // `{url: https://x/s?q=1}`, `[?]`, `{a\n : b}`, a long key): read it again with the
        // same-length change that rewrite_for_yaml_cpp describes (bounded per file).
        const bool flow_error = e.msg == YAML::ErrorMsg::UNKNOWN_TOKEN ||
                                e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW ||
                                e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW;
        // The innermost collection: one yaml-cpp has not delivered may be inside the open one.
        const std::size_t bracket =
            flow_error ? innermost_flow_bracket(b, at.offset) : std::string::npos;
        const Node* open = builder.open_flow();
        if (flow_error && (open != nullptr || bracket != std::string::npos)) {
          if (rewrites.count >= kMaxFlowRewrites ||
              rewrites.reread_bytes > rewrites.reread_budget) {
            if (!rewrites.limit_reported) {
              f.diagnostics.push_back(reread_limit_diag(
                  at, builder.in_document() ? builder.current_index() : builder.next_index()));
              rewrites.limit_reported = true;
            }
          } else {
            if (spaced.empty()) spaced = b;
            std::string& active = untabbed.empty() ? spaced : untabbed;
            const bool in_map =
                bracket != std::string::npos && (open == nullptr || bracket > open->pos.offset)
                    ? b[bracket] == '{'
                    : open->is_map();
            const auto [from, to] =
                rewrite_for_yaml_cpp(b, active, at.offset, in_map, rewrites, *f.source);
            if (from < to) {
              std::string& other = &active == &spaced ? untabbed : spaced;
              if (!other.empty()) other.replace(from, to - from, active, from, to - from);
              rewrites.reread_bytes += at.offset > byte_offset ? at.offset - byte_offset : 0;
              undo_attempt();
              continue;
            }
          }
        }
        // A tab on a line of only white space or a comment: read the file again with those tabs
        // as spaces (once; the retry starts at this same document).
        if (e.msg == YAML::ErrorMsg::TAB_IN_INDENTATION && untabbed.empty() &&
            blank_or_comment(f.source->line(at.line))) {
          untabbed = untab_blank_lines(*f.source);
          if (!spaced.empty())  // keep the marker CRs as spaces (untabbed is a copy of `b`)
            for (std::size_t i = 0; i < b.size(); ++i)
              if (spaced[i] != b[i]) untabbed[i] = spaced[i];
          if (untabbed != b && untabbed != spaced) {
            undo_attempt();
            continue;
          }
        }
        const int index = builder.in_document() ? builder.current_index() : builder.next_index();
        // An alias to an undefined anchor makes Backstage's parser fail the whole file.
        const bool whole_file = e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR;
        Explained why = explain_error(e.msg, at, *f.source, builder.open_flow());
        Diagnostic d = make_diag(RuleId::yaml_syntax_error, std::move(why.message),
                                 std::move(why.help), why.pos, whole_file ? -1 : index);
        from_parser.push_back(f.diagnostics.size());
        f.diagnostics.push_back(std::move(d));
        LoadedDocument doc;
        doc.index = index;
        doc.start = builder.in_document() ? builder.document_start() : at;
        doc.failed = true;
        f.documents.push_back(doc);
        failed_start_line = at.line;
        resume_index = index + 1;
      }
      next_index = std::max(builder.next_index(), resume_index);
      // Resume at the next document marker at or after the failure, as `yaml` reports errors per
      // document and still reads the documents after a broken one.
      int resume = 0;
      const int from = std::max(failed_start_line, builder.document_start_line() + 1);
      for (int l = std::max(from, line_offset + 2); l <= f.source->line_count(); ++l) {
        if (is_document_marker(f.source->line(l))) {
          resume = l;
          break;
        }
        if (is_document_end(f.source->line(l)) && l < f.source->line_count()) {
          resume = l + 1;  // `...` ends the broken document; the next one starts after it
          break;
        }
      }
      if (resume == 0) break;
      line_offset = resume - 1;
      byte_offset = f.source->pos_at(line_offset, 0).offset;
    }
    exemptions.finalize(f.source->line_count());
    std::vector<std::size_t> found = check_whitespace(f, exemptions);
    // `name:<CR>foo`: yaml-cpp reads one plain scalar (a mapping that is a string, a key with
    // no ':'), `yaml` a value "\rfoo". The CR is reported (above); the file is read again with
    // the space the author meant there, so that what follows from the CR is not reported a
    // second time. Until the CRs found are the ones read as spaces (a CR that a broken structure
    // had hidden in a block scalar is content again once the structure is read): 3 reads at most.
    if (found == value_crs || pass == 2) {
      value_crs = std::move(found);
      break;
    }
    if (spaced.empty()) spaced = b;
    for (const std::size_t i : value_crs) {
      spaced[i] = b[i];
      if (!untabbed.empty()) untabbed[i] = b[i];
    }
    value_crs = std::move(found);
    for (const std::size_t i : value_crs) {
      spaced[i] = ' ';
      if (!untabbed.empty()) untabbed[i] = ' ';
    }
    f.diagnostics.resize(before_parse);
    f.documents.clear();
    f.arena.truncate(arena_mark);
    f.plain_value_crs.clear();
    exemptions = Exemptions{};
    from_parser.clear();
  }
  std::sort(f.plain_value_crs.begin(), f.plain_value_crs.end());
  f.plain_value_crs.erase(std::unique(f.plain_value_crs.begin(), f.plain_value_crs.end()),
                          f.plain_value_crs.end());
  std::vector<int> value_cr_lines;
  for (const std::size_t i : value_crs) value_cr_lines.push_back(f.source->pos_at_offset(i).line);
  // One cause, one finding: a syntax error that ended a document on a line whose tab indentation
  // or `key:<CR>value` is reported is that tab's or CR's consequence.
  if (!from_parser.empty()) {
    std::vector<int> tab_lines = value_cr_lines;
    for (const Diagnostic& d : f.diagnostics)
      if (d.rule == rule_name(RuleId::tab_indentation)) tab_lines.push_back(d.start.line);
    std::vector<char> drop(f.diagnostics.size(), 0);
    std::sort(tab_lines.begin(), tab_lines.end());
    for (const std::size_t i : from_parser)
      if (std::binary_search(tab_lines.begin(), tab_lines.end(), f.diagnostics[i].start.line))
        drop[i] = 1;
    std::size_t k = 0;
    for (std::size_t i = 0; i < f.diagnostics.size(); ++i)
      if (!drop[i]) {
        if (k != i) f.diagnostics[k] = std::move(f.diagnostics[i]);
        ++k;
      }
    f.diagnostics.resize(k);
  }
  // Line-level diagnostics are attributed to a document by their line now.
  // Documents arrive in file order, so their start lines are sorted: a binary search per
  // diagnostic (a scan over all documents per diagnostic was quadratic in a file of many).
  std::vector<std::pair<int, int>> starts;  // (start line, index) of documents with a start
  std::vector<std::size_t> where;           // their positions in f.documents
  for (std::size_t i = 0; i < f.documents.size(); ++i)
    if (f.documents[i].start.valid())
      starts.emplace_back(f.documents[i].start.line, f.documents[i].index), where.push_back(i);
  const bool sorted = std::is_sorted(
      starts.begin(), starts.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (Diagnostic& d : f.diagnostics) {
    if (d.document != kByLine && d.document != kBeforeLine) continue;
    const bool before = d.document == kBeforeLine;
    const int last = before ? d.start.line - 1 : d.start.line;
    int index = 0;
    if (sorted) {
      auto it = std::upper_bound(starts.begin(), starts.end(), last,
                                 [](int line, const auto& s) { return line < s.first; });
      if (it != starts.begin()) index = std::prev(it)->second;
      // The `x` of `... x` is no document for `yaml`: yaml-cpp's document there is not linted.
      if (before && it != starts.end() && it->first == d.start.line)
        f.documents[where[static_cast<std::size_t>(it - starts.begin())]].root = nullptr;
    } else {
      for (const auto& [line, i] : starts)
        if (line <= last) index = i;
    }
    d.document = index;
  }
  return f;
}

}  // namespace catalog_lint
