// `catalog-lint snapshot`: writes a snapshot of an org catalog (docs/snapshot.md) from entity
// YAML, Backstage API export files, or a live Backstage (--from-url).
#pragma once

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/loader.h"

namespace catalog_lint {

/// The options of `catalog-lint snapshot`.
struct SnapshotArgs {
  /// Entity YAML files or folders (walked like a lint run), `*.json` API exports or snapshots.
  std::vector<std::string> paths;
  std::string from_url;  ///< Backstage base URL or its /api/catalog/entities/by-query URL
  std::string token_env = "BACKSTAGE_TOKEN";  ///< variable holding the bearer token
  std::string output;                         ///< "" or "-": standard output
  double connect_timeout = 10;                ///< seconds, per connection
  double timeout = 120;                       ///< seconds, the whole fetch
  int page_size = 500;                        ///< `limit` of each by-query request
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());  ///< worker threads
  std::vector<std::string> limit_args;  ///< --limit NAME=N, applied by main
};

/// Adds the `snapshot` subcommand to `app`, its options stored in `args`.
CLI::App* add_snapshot_command(CLI::App& app, SnapshotArgs& args);

/// Runs `catalog-lint snapshot`: 0 written, 2 any error (an unreadable or invalid input, no
/// entity in any input, HTTP 401/403/other non-200, timeout, oversized or invalid response, an
/// output that is an input); nothing is written then. Messages go to standard error; the token is
/// never printed.
int run_snapshot(const SnapshotArgs& args, const Limits& limits);

}  // namespace catalog_lint
