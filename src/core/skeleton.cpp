#include "core/skeleton.h"

#include <algorithm>
#include <array>

namespace catalog_lint {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/// The next occurrence of `what` at or after `from`, remembered: asked again with a larger `from`
/// it searches only when the remembered one is behind, so a text of many unterminated `{{` is
/// still read once (no search runs past the last occurrence twice).
class NextOf {
 public:
  NextOf(std::string_view text, std::string_view what) : text_(text), what_(what) {}
  std::size_t at_or_after(std::size_t from) {
    if (at_ != npos && (at_ < from || !searched_)) at_ = text_.find(what_, from), searched_ = true;
    return at_;
  }

 private:
  std::string_view text_, what_;
  std::size_t at_ = 0;
  bool searched_ = false;
};

// An open block tag: its name (`if`, `for`, `macro`, …) and where the body being read began.
struct Block {
  std::string name;
  std::size_t body = 0;
  bool blank_body = false;     // the whole body is not output (`macro`, a block `set`)
  std::size_t blank_from = 0;  // a `for`'s `else` body starts here (0: none)
};

}  // namespace

SkeletonText neutralize_skeleton(std::string_view in) {
  SkeletonText out;
  out.text.assign(in);
  using Range = std::pair<std::size_t, std::size_t>;
  std::vector<Range> tags;    // tags and comments
  std::vector<Range> blanks;  // branches and bodies that are not output
  std::vector<Range> values;  // value expressions, in order
  std::vector<Block> stack;
  NextOf newline(in, "\n"), close_value(in, "}}"), close_tag(in, "%}"), close_comment(in, "#}");
  auto line_end = [&](std::size_t from) {
    std::size_t e = newline.at_or_after(from);
    if (e == npos) e = in.size();
    while (e > from && in[e - 1] == '\r') --e;
    return e;
  };
  bool raw = false;  // inside {% raw %}: only {% endraw %} counts
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t at = in.find('{', i);
    if (at == npos || at + 1 >= in.size()) break;
    const char kind = in[at + 1];
    if ((kind != '{' && kind != '%' && kind != '#') || (raw && kind != '%')) {
      i = at + 1;
      continue;
    }
    std::size_t begin = at;
    if (kind == '{' && at > 0 && in[at - 1] == '$') begin = at - 1;
    std::size_t end;
    if (kind == '{') {  // a value expression ends on its line
      const std::size_t eol = line_end(at);
      const std::size_t c = close_value.at_or_after(at + 2);
      end = c != npos && c + 2 <= eol ? c + 2 : eol;
    } else {  // a tag or a comment may span lines; unterminated, it ends at the end of its line
      const std::size_t c = (kind == '%' ? close_tag : close_comment).at_or_after(at + 2);
      end = c != npos ? c + 2 : line_end(at);
    }
    i = std::max(end, at + 2);
    end = std::max(end, begin + 1);
    if (kind == '%') {
      std::size_t w = at + 2;
      while (w < end && (in[w] == '-' || in[w] == '+' || in[w] == ' ' || in[w] == '\t')) ++w;
      std::size_t we = w;
      while (we < end && is_word(in[we])) ++we;
      const std::string name(in.substr(w, we - w));
      if (raw) {
        if (name != "endraw") continue;
        raw = false;
      } else if (name == "raw") {
        raw = true;
      } else if (name == "if" || name == "for" || name == "macro" || name == "call" ||
                 name == "filter" || name == "block" ||
                 (name == "set" && in.substr(we, end - we).find('=') == npos)) {
        Block b{name, end};
        b.blank_body = name == "macro" || name == "set";
        stack.push_back(std::move(b));
      } else if ((name == "elif" || name == "elseif" || name == "else") && !stack.empty()) {
        Block& top = stack.back();
        if (top.name == "if") {
          blanks.emplace_back(top.body, begin);  // only the chain's last branch is kept
          top.body = end;
        } else if (top.name == "for" && name == "else") {
          top.blank_from = end;
        }
      } else if (name.starts_with("end") && !stack.empty() &&
                 stack.back().name == std::string_view(name).substr(3)) {
        const Block& top = stack.back();
        if (top.blank_body) blanks.emplace_back(top.body, begin);
        if (top.blank_from) blanks.emplace_back(top.blank_from, begin);
        stack.pop_back();
      }
      tags.emplace_back(begin, end);
    } else if (kind == '#') {
      tags.emplace_back(begin, end);
    } else {
      values.emplace_back(begin, end);
    }
  }
  // Markers first, then spaces over tags, comments and the parts that are not output.
  // A marker letter the original never has before a digit.
  bool taken[26] = {};
  for (std::size_t k = 0; k + 1 < in.size(); ++k)
    if (in[k] >= 'a' && in[k] <= 'z' && in[k + 1] >= '0' && in[k + 1] <= '9')
      taken[in[k] - 'a'] = true;
  out.lead = 0;
  for (const char c : std::string_view("xqzjkvwy"))
    if (!taken[c - 'a']) {
      out.lead = c;
      break;
    }
  const char fill = out.lead ? out.lead : 'x';
  for (const auto& [b, e] : values) {
    const std::string digits = std::to_string(out.markers.size());
    const std::size_t len = e - b;
    std::string marker(len, fill);
    if (len >= digits.size() + 2) marker.replace(1, digits.size(), digits);
    out.text.replace(b, len, marker);
    out.markers.emplace_back(std::move(marker), std::string(in.substr(b, len)));
  }
  // Tags and bodies nest (a macro in a macro, an if chain in an if chain): blank their union,
  // each byte once, or n nested bodies cost n^2.
  std::vector<Range> blanked = tags;
  blanked.insert(blanked.end(), blanks.begin(), blanks.end());
  std::sort(blanked.begin(), blanked.end());
  std::size_t done = 0;  // every byte before it is blank already
  for (const auto& [b, e] : blanked) {
    for (std::size_t k = std::max(b, done); k < e; ++k)
      if (in[k] != '\n' && in[k] != '\r') out.text[k] = ' ';
    done = std::max(done, e);
  }
  std::vector<Range> ranges = std::move(tags);
  ranges.insert(ranges.end(), values.begin(), values.end());
  ranges.insert(ranges.end(), blanks.begin(), blanks.end());
  std::sort(ranges.begin(), ranges.end());
  for (const auto& [b, e] : ranges) {
    if (b >= e) continue;
    if (!out.spans.empty() && b <= out.spans.back().second)
      out.spans.back().second = std::max(out.spans.back().second, e);
    else
      out.spans.emplace_back(b, e);
  }
  for (const auto& [b, e] : out.spans)
    for (std::size_t k = b; k < e && !out.non_ascii; ++k)
      out.non_ascii = static_cast<unsigned char>(in[k]) >= 0x80;
  return out;
}

bool SkeletonText::overlaps(std::size_t begin, std::size_t end) const {
  if (end <= begin) end = begin + 1;
  // The first span ending after `begin`; it overlaps when it starts before `end`.
  const auto it = std::upper_bound(spans.begin(), spans.end(), begin,
                                   [](std::size_t v, const auto& s) { return v < s.second; });
  return it != spans.end() && it->first < end;
}

std::string SkeletonText::restore(std::string_view s) const {
  if (markers.empty() || lead == 0 || s.find(lead) == npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == lead && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
      std::size_t j = i + 1, index = 0;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9' && index <= markers.size())
        index = index * 10 + static_cast<std::size_t>(s[j++] - '0');
      if (index < markers.size() &&
          s.substr(i, markers[index].first.size()) == markers[index].first) {
        out += markers[index].second;
        i += markers[index].first.size();
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

bool from_expression(const SkeletonText& skeleton, const Diagnostic& d,
                     const std::vector<std::pair<std::size_t, std::size_t>>& names) {
  if (!d.start.valid()) return false;
  const std::size_t b = d.start.offset;
  const std::size_t e = d.end.valid() && d.end.offset > b ? d.end.offset : b + 1;
  if (!skeleton.overlaps(b, e)) return false;
  if (d.path != "/metadata/name" &&
      std::find(names.begin(), names.end(), std::make_pair(b, e)) != names.end())
    return false;  // the entity's anchor, not its templated name
  return true;
}

bool SkeletonFile::adjust(Diagnostic& d) const {
  if (from_expression(neutral, d, names)) return false;
  d.message = neutral.restore(d.message);
  d.help = neutral.restore(d.help);
  d.entity = neutral.restore(d.entity);
  d.path = neutral.restore(d.path);
  for (RelatedNote& n : d.notes) n.message = neutral.restore(n.message);
  if (neutral.non_ascii) {
    // Same bytes, other code points: the original's columns.
    auto at = [&](SourcePos& p) {
      if (p.valid()) p = original.pos_at_offset(p.offset);
    };
    at(d.start);
    at(d.end);
    for (RelatedNote& n : d.notes)
      if (n.file == d.file) at(n.pos);
  }
  if (d.fix)
    for (const TextEdit& e : d.fix->edits)
      if (neutral.overlaps(e.begin, std::max(e.end, e.begin + 1)) ||
          neutral.restore(e.text) != e.text) {
        d.fix.reset();
        break;
      }
  return true;
}

}  // namespace catalog_lint
