#include "core/config_error.h"

#include <fmt/format.h>

namespace catalog_lint {

ConfigError::ConfigError(std::string file, SourcePos pos, std::string message)
    : std::runtime_error(message),
      file_(std::move(file)),
      pos_(pos),
      message_(std::move(message)) {}

std::string ConfigError::format() const {
  if (pos_.valid())
    return fmt::format("{}:{}:{}: error: {}", file_, pos_.line, pos_.column, message_);
  return fmt::format("{}: error: {}", file_, message_);
}

}  // namespace catalog_lint
