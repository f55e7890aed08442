// libFuzzer target for glob_match (issue 11): input is "pattern\npath". Small inputs are compared
// with the reference the matcher replaced (recursion over segments, fnmatch(3) with FNM_PERIOD
// within one, exponential in `**` and so only run on few of them); every input must finish fast
// (fuzz/run.sh passes -timeout=10).
#include <fnmatch.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/glob.h"

namespace {

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  for (const std::string_view part : catalog_lint::glob_segments(s)) out.emplace_back(part);
  return out;
}

bool reference(const std::vector<std::string>& pat, std::size_t pi,
               const std::vector<std::string>& path, std::size_t si) {
  if (pi == pat.size()) return si == path.size();
  if (pat[pi] == "**") {
    for (std::size_t k = si; k <= path.size(); ++k)
      if (reference(pat, pi + 1, path, k)) return true;
    return false;
  }
  if (si == path.size()) return false;
  if (fnmatch(pat[pi].c_str(), path[si].c_str(), FNM_PERIOD) != 0) return false;
  return reference(pat, pi + 1, path, si + 1);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  unsetenv("POSIXLY_CORRECT");  // it changes what fnmatch makes of `[^...]`
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  const std::string_view pattern = in.substr(0, nl);
  const std::string_view path = nl == std::string_view::npos ? "" : in.substr(nl + 1);
  const bool mine = catalog_lint::glob_match(pattern, path);
  const std::vector<std::string> pat = split(pattern), seg = split(path);
  std::size_t stars = 0;
  for (const std::string& p : pat) stars += p == "**";
  if (stars <= 4 && seg.size() <= 10 && pattern.size() <= 128 && path.size() <= 128) {
    if (mine != reference(pat, 0, seg, 0)) std::abort();
  }
  // One segment against fnmatch directly (the segment matcher alone).
  if (pattern.size() <= 64 && path.size() <= 64 && path.find('/') == std::string_view::npos &&
      pattern.find('/') == std::string_view::npos) {
    const std::string p(pattern.substr(0, pattern.find('\0')));
    const std::string t(path.substr(0, path.find('\0')));
    if (catalog_lint::glob_segment_match(pattern, path) !=
        (fnmatch(p.c_str(), t.c_str(), FNM_PERIOD) == 0))
      std::abort();
  }
  return 0;
}
