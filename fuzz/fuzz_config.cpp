// libFuzzer target: the config loader (issue 11) on arbitrary bytes, with `extends:` between
// files. The input is split at NUL bytes into up to four files f0.yaml..f3.yaml, written to one
// temporary directory (the repository root for the loader); the first input byte chooses extends
// edges prepended to them (cycles and diamonds included, and sometimes a path that leads outside
// the directory or to a device), so the extends machinery runs on every input.
//
// Properties checked beyond "no crash, no sanitizer report, no hang": loading either succeeds or
// throws ConfigError with a non-empty message whose file is one of the four, and a config that
// loads answers Config::discovers and its override globs without throwing.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

const std::string& dir() {
  static const std::string d = [] {
    std::string templ = (std::filesystem::temp_directory_path() / "fuzz-config-XXXXXX").string();
    check(mkdtemp(templ.data()) != nullptr);
    return templ;
  }();
  return d;
}

}  // namespace

/// libFuzzer entry point: loads f0.yaml of the files made from `data` (see above).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace catalog_lint;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const unsigned shape = in.empty() ? 0 : static_cast<unsigned char>(in[0]);
  std::vector<std::string> texts(4);
  std::size_t at = in.empty() ? 0 : 1;
  for (std::string& t : texts) {
    const std::size_t end = std::min(in.find('\0', at), in.size());
    if (at < in.size()) t = std::string(in.substr(at, end - at));
    at = end + 1;
  }
  // Edges: bit i makes f{i} extend f{i+1} (f3 → f0: a cycle) twice (a diamond); bits 4-5 pick
  // an extra target for f0: none, a device, a path outside the directory, f0 itself.
  for (int i = 0; i < 4; ++i) {
    std::string ext;
    if (shape & (1u << i)) ext = "f" + std::to_string((i + 1) % 4) + ".yaml";
    if (ext.empty() && !(i == 0 && (shape >> 4) & 3)) continue;
    std::string list = "extends: [";
    if (!ext.empty()) list += ext + ", ./" + ext;
    if (i == 0) {
      static const char* extra[] = {nullptr, "/dev/zero", "../outside.yaml", "f0.yaml"};
      if (const char* e = extra[(shape >> 4) & 3]) list += std::string(ext.empty() ? "" : ", ") + e;
    }
    texts[static_cast<std::size_t>(i)] = list + "]\n" + texts[static_cast<std::size_t>(i)];
  }
  for (int i = 0; i < 4; ++i) {
    std::ofstream out(dir() + "/f" + std::to_string(i) + ".yaml",
                      std::ios::binary | std::ios::trunc);
    out << texts[static_cast<std::size_t>(i)];
  }
  ConfigLoadOptions options;
  options.root = dir();
  options.start_dir = dir();
  ConfigLoader loader(options);
  try {
    const auto config = loader.load(dir() + "/f0.yaml");
    (void)config->discovers(dir() + "/a/b/catalog-info.yaml");
    for (const Override& o : config->overrides)
      for (const PathGlob& g : o.files) (void)g.matches(dir() + "/x/y.yaml");
  } catch (const ConfigError& e) {
    check(!e.message().empty());
    check(e.file().starts_with(dir() + "/f") || e.file().starts_with("preset:"));
  }
  return 0;
}
