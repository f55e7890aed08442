#include "core/glob.h"

#include <fnmatch.h>

#include <vector>

namespace catalog_lint {
namespace {

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('/', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view part = s.substr(start, end - start);
    if (!part.empty() && part != ".") out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

bool match(const std::vector<std::string>& pat, std::size_t pi,
           const std::vector<std::string>& path, std::size_t si) {
  if (pi == pat.size()) return si == path.size();
  if (pat[pi] == "**") {
    for (std::size_t k = si; k <= path.size(); ++k)
      if (match(pat, pi + 1, path, k)) return true;
    return false;
  }
  if (si == path.size()) return false;
  if (fnmatch(pat[pi].c_str(), path[si].c_str(), FNM_PERIOD) != 0) return false;
  return match(pat, pi + 1, path, si + 1);
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match(split(pattern), 0, split(path), 0);
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
