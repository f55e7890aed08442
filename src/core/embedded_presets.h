// The rules/presets/*.yaml configuration presets, embedded into the binary at build time
// (generated source, cmake/embed_presets.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace catalog_lint {
/// One preset: its name (file name without `.yaml`) and full text.
struct EmbeddedPreset {
  std::string_view name;
  std::string_view text;
};
/// Every rules/presets/*.yaml file, in file-name order.
const std::vector<EmbeddedPreset>& embedded_presets();
}  // namespace catalog_lint
