// The tool's version (semantic versioning).
#pragma once

#include <string_view>

namespace catalog_lint {
/// This build's version, also used as SARIF tool.driver.semanticVersion.
inline constexpr std::string_view kVersion = "0.1.0";
}  // namespace catalog_lint
