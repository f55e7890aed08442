#include "core/edit.h"

#include <algorithm>

#include <fmt/format.h>
#include <re2/re2.h>

namespace catalog_lint {

std::string_view to_string(FixSafety s) {
  return s == FixSafety::safe ? "safe" : "unsafe";
}

std::optional<TextEdit> replace_scalar(SourcePos pos, SourcePos end, std::string_view value,
                                       std::string_view replacement) {
  if (!pos.valid() || !end.valid() || end.offset < pos.offset || replacement.empty())
    return std::nullopt;
  const std::size_t raw = end.offset - pos.offset;
  if (raw == value.size()) {
    static const RE2 plain_safe(R"([A-Za-z0-9][A-Za-z0-9._:/+#-]*)");
    if (!RE2::FullMatch(replacement, plain_safe)) return std::nullopt;
    // `a #b` would start a comment, `a: b` a mapping; the pattern has no space, so neither.
    return TextEdit{pos.offset, end.offset, std::string(replacement)};
  }
  if (raw == value.size() + 2) {
    if (replacement.find_first_of("\"'\\\n\r") != std::string_view::npos) return std::nullopt;
    return TextEdit{pos.offset + 1, end.offset - 1, std::string(replacement)};
  }
  return std::nullopt;
}

Fix single_edit_fix(std::string description, FixSafety safety, TextEdit edit) {
  Fix f;
  f.description = std::move(description);
  f.safety = safety;
  f.edits.push_back(std::move(edit));
  return f;
}

namespace {

// True when [a.begin, a.end) and [b.begin, b.end) cannot both be applied: they share a byte, or
// one is an insertion at the other's start or inside it.
bool overlaps(const TextEdit& a, const TextEdit& b) {
  if (a.begin == b.begin) return true;
  const TextEdit& first = a.begin < b.begin ? a : b;
  const TextEdit& second = a.begin < b.begin ? b : a;
  return second.begin < first.end;
}

bool edit_less(const TextEdit& a, const TextEdit& b) {
  return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
}

}  // namespace

std::string apply_edits(std::string_view bytes, std::vector<TextEdit> edits, std::size_t* applied) {
  std::stable_sort(edits.begin(), edits.end(), edit_less);
  std::string out;
  out.reserve(bytes.size());
  std::size_t at = 0, taken = 0;
  bool any = false;
  std::size_t last_begin = 0;
  for (const TextEdit& e : edits) {
    if (e.end < e.begin || e.end > bytes.size()) continue;
    if (any && (e.begin < at || e.begin == last_begin)) continue;  // overlaps one taken
    out.append(bytes.substr(at, e.begin - at));
    out += e.text;
    at = e.end;
    last_begin = e.begin;
    any = true;
    ++taken;
  }
  out.append(bytes.substr(std::min(at, bytes.size())));
  if (applied) *applied = taken;
  return out;
}

std::vector<TextEdit> round_edits(const std::vector<Diagnostic>& diagnostics,
                                  const std::string& file, bool unsafe) {
  std::vector<const Fix*> fixes;
  for (const Diagnostic& d : diagnostics)
    if (d.file == file && !d.suppressed && d.severity != Severity::off && d.fix &&
        !d.fix->edits.empty() && fix_allowed(*d.fix, unsafe))
      fixes.push_back(&*d.fix);
  auto first = [](const Fix* f) {
    return std::min_element(f->edits.begin(), f->edits.end(), edit_less)->begin;
  };
  std::stable_sort(fixes.begin(), fixes.end(),
                   [&](const Fix* a, const Fix* b) { return first(a) < first(b); });
  std::vector<TextEdit> chosen;
  for (const Fix* f : fixes) {
    bool clash = false;
    for (std::size_t i = 0; i < f->edits.size() && !clash; ++i) {
      for (std::size_t j = i + 1; j < f->edits.size() && !clash; ++j)
        clash = overlaps(f->edits[i], f->edits[j]);
      for (const TextEdit& c : chosen) clash = clash || overlaps(f->edits[i], c);
    }
    if (clash) continue;
    chosen.insert(chosen.end(), f->edits.begin(), f->edits.end());
  }
  std::stable_sort(chosen.begin(), chosen.end(), edit_less);
  return chosen;
}

namespace {

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? s.size() : nl + 1;
    lines.push_back(s.substr(start, end - start));
    start = end;
  }
  return lines;
}

// One step of the edit script: keep a[i] (= b[j]), delete a[i], or insert b[j].
enum class Op : unsigned char { keep, del, ins };

// Beyond this many differing lines the diff is one hunk between the common first and last lines
// (still correct, not minimal): the trace Myers' algorithm keeps grows with the square of it.
constexpr long kMaxEditDistance = 1000;

// The edit script that keeps the common first and last lines and replaces everything between.
std::vector<Op> prefix_suffix_script(const std::vector<std::string_view>& a,
                                     const std::vector<std::string_view>& b) {
  std::size_t p = 0;
  while (p < a.size() && p < b.size() && a[p] == b[p]) ++p;
  std::size_t q = 0;
  while (q < a.size() - p && q < b.size() - p && a[a.size() - 1 - q] == b[b.size() - 1 - q]) ++q;
  std::vector<Op> ops(p, Op::keep);
  ops.insert(ops.end(), a.size() - p - q, Op::del);
  ops.insert(ops.end(), b.size() - p - q, Op::ins);
  ops.insert(ops.end(), q, Op::keep);
  return ops;
}

// Myers' greedy O(ND) shortest edit script between `a` and `b`, as a sequence of operations.
std::vector<Op> edit_script(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b) {
  const long n = static_cast<long>(a.size()), m = static_cast<long>(b.size());
  const long max = n + m;
  std::vector<long> v(2 * max + 2, 0);
  // trace[d]: v[k] for k in [-d, d] after step d.
  std::vector<std::vector<long>> trace;
  long d_end = -1;
  for (long d = 0; d <= max && d <= kMaxEditDistance; ++d) {
    bool done = false;
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]))
        x = v[k + 1 + max];
      else
        x = v[k - 1 + max] + 1;
      long y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[k + max] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
    trace.emplace_back(v.begin() + (max - d), v.begin() + (max + d + 1));
    if (done) {
      d_end = d;
      break;
    }
  }
  if (d_end < 0) return prefix_suffix_script(a, b);
  // Walk the trace back from (n, m).
  std::vector<Op> ops;
  long x = n, y = m;
  for (long d = d_end; d > 0; --d) {
    const std::vector<long>& pv = trace[d - 1];  // k in [-(d - 1), d - 1]
    auto at = [&](long k) { return pv[k + d - 1]; };
    const long k = x - y;
    long prev_k;
    if (k == -d || (k != d && at(k - 1) < at(k + 1)))
      prev_k = k + 1;
    else
      prev_k = k - 1;
    const long prev_x = at(prev_k);
    const long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) ops.push_back(Op::keep), --x, --y;
    if (x == prev_x)
      ops.push_back(Op::ins), --y;
    else
      ops.push_back(Op::del), --x;
  }
  while (x > 0 && y > 0) ops.push_back(Op::keep), --x, --y;
  std::reverse(ops.begin(), ops.end());
  return ops;
}

std::string hunk_range(std::size_t start, std::size_t count) {
  // GNU diff: "L" for one line, "L,N" otherwise; an empty range names the line before it.
  if (count == 1) return fmt::format("{}", start + 1);
  return fmt::format("{},{}", count == 0 ? start : start + 1, count);
}

void put_line(std::string& out, char mark, std::string_view line) {
  out += mark;
  out.append(line);
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string diff_file_name(std::string_view prefix, std::string_view path) {
  const bool plain = std::none_of(path.begin(), path.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F || c == '"' || c == '\\';
  });
  if (plain) return fmt::format("{}{}", prefix, path);
  std::string out = "\"";
  out += prefix;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (u < 0x20 || u == 0x7F)
          out += fmt::format("\\{:03o}", u);
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string unified_diff(std::string_view before, std::string_view after, std::string_view path) {
  if (before == after) return {};
  const auto a = split_lines(before), b = split_lines(after);
  const std::vector<Op> ops = edit_script(a, b);
  // Positions in a and b before each op.
  std::vector<std::size_t> ai(ops.size() + 1), bi(ops.size() + 1);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    ai[i + 1] = ai[i] + (ops[i] != Op::ins);
    bi[i + 1] = bi[i] + (ops[i] != Op::del);
  }
  constexpr std::size_t kContext = 3;
  std::string out =
      fmt::format("--- {}\n+++ {}\n", diff_file_name("a/", path), diff_file_name("b/", path));
  std::size_t i = 0;
  while (i < ops.size()) {
    if (ops[i] == Op::keep) {
      ++i;
      continue;
    }
    // A hunk: from kContext keeps before this change to kContext keeps after the last change
    // that is at most 2 * kContext keeps away from the previous one.
    std::size_t begin = i;
    for (std::size_t c = 0; c < kContext && begin > 0 && ops[begin - 1] == Op::keep; ++c) --begin;
    std::size_t end = i;
    while (true) {
      while (end < ops.size() && ops[end] != Op::keep) ++end;
      std::size_t keeps = 0;
      while (end + keeps < ops.size() && ops[end + keeps] == Op::keep) ++keeps;
      if (end + keeps < ops.size() && keeps <= 2 * kContext) {
        end += keeps;
        continue;
      }
      end += std::min(keeps, kContext);
      break;
    }
    out += fmt::format("@@ -{} +{} @@\n", hunk_range(ai[begin], ai[end] - ai[begin]),
                       hunk_range(bi[begin], bi[end] - bi[begin]));
    for (std::size_t k = begin; k < end; ++k) {
      if (ops[k] == Op::keep)
        put_line(out, ' ', a[ai[k]]);
      else if (ops[k] == Op::del)
        put_line(out, '-', a[ai[k]]);
      else
        put_line(out, '+', b[bi[k]]);
    }
    i = end;
  }
  return out;
}

}  // namespace catalog_lint
