// ConfigError: a problem in a configuration file (.catalog-lint.yaml, a preset, an app-config),
// with the file and position it was found at. Its own unit so that every loader of a
// configuration can throw it without depending on the others.
#pragma once

#include <stdexcept>
#include <string>

#include "core/diagnostic.h"

namespace catalog_lint {

/// A configuration problem: unknown key, wrong type, bad regex, unreadable file, preset not found.
/// `file` and `pos` locate it (pos may be invalid for file-level problems). The CLI prints
/// `file:line:col: error: message` and exits 2.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, SourcePos pos, std::string message);
  const std::string& file() const { return file_; }
  SourcePos pos() const { return pos_; }
  const std::string& message() const { return message_; }
  /// `file:line:col: error: message` (or `file: error: message` without a position).
  std::string format() const;

 private:
  std::string file_;
  SourcePos pos_;
  std::string message_;
};

}  // namespace catalog_lint
