// `catalog-lint print-config PATH` (the configuration that applies to a file, as JSON) and
// `catalog-lint init` (a commented starter .catalog-lint.yaml).
#pragma once

#include <string>

#include "cli_support.h"
#include "core/config.h"

namespace catalog_lint {

/// Prints the effective configuration of `path` as JSON (file, config_file, every rule's
/// severity, the policy); 2 with the config error on stderr when its config is invalid.
int print_config(const std::string& path, ConfigResolver& resolver);

/// Writes a commented starter `.catalog-lint.yaml` in the current directory: 0 written, 2 when
/// one exists (a dangling symlink counts) and `force` is false, or it cannot be written.
int init_config(bool force, const ClosedStreams& closed);

}  // namespace catalog_lint
