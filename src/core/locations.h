// Following Location entities: the files a Location's relative `target`/`targets` name are
// linted too, as Backstage would ingest them (catalog-backend DefaultCatalogProcessingOrchestrator
// runSpecialLocationStep; targets are relative to the Location's file).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/rule.h"

namespace catalog_lint {

/// One target string of a Location entity, with where it was written.
struct LocationTarget {
  std::string file;       ///< the catalog file holding the Location
  std::string target;     ///< as written (`./services/*/catalog-info.yaml`)
  std::string type;       ///< spec.type ("" = inherited, treated as file/url of this repo)
  bool optional = false;  ///< spec.presence: optional
  int document = 0;
  std::string entity;   ///< the Location's ref
  std::string pointer;  ///< /spec/target or /spec/targets/N
  SourcePos pos, end;
  /// The text of line `pos.line`, shared with the other targets on that line.
  std::shared_ptr<const std::string> source_line;
};

/// Resolves relative targets (glob patterns `*`, `?`, `[...]` and `**` allowed) against the
/// directory of the Location's file. Absolute URLs (`https://…`) and non-file types are not
/// followed. Matches are appended to `files` (as paths relative to the current directory, like
/// discovered files; never one already in `known`); a target that matches no file gives a
/// `location-target-not-found` diagnostic (unless optional), and a target that leaves the
/// repository, by its path or through a symbolic link (for a glob: one of its matches), gives
/// `location-target-outside-repository` and is not read. The repository is `repo_root`
/// (absolute) when given; when empty, that of each Location's own file (git_toplevel() of its
/// directory, asked once per directory), or, for a file in no repository, its own directory.
/// Each directory is listed at most once per call and each distinct pattern expanded once, so
/// many Locations over one tree cost one walk of it plus in-memory matching.
/// The findings are not yet stamped (src/core/stamp.h).
void resolve_location_targets(const std::vector<LocationTarget>& targets,
                              const std::string& repo_root, std::vector<std::string>& known,
                              std::vector<std::string>& files, std::vector<Diagnostic>& out);

/// What reading the target of a `$text`, `$json` or `$yaml` placeholder found (Backstage reads it
/// relative to the entity's file: @backstage/plugin-catalog-backend 4.0.5
/// src/processors/PlaceholderProcessor.ts).
struct PlaceholderTarget {
  enum class Status {
    unchecked,    ///< an absolute URL, or the entity's file is not on disk (standard input)
    read,         ///< `bytes` holds the file
    not_found,    ///< no such file (`detail`: the strerror text)
    outside,      ///< it leaves the repository: not read (`through_link`: by a symbolic link)
    not_regular,  ///< `detail`: "a directory" or "a FIFO, socket or device"
    too_big,      ///< over the size limit: exists, not read
  };
  Status status = Status::unchecked;
  std::string bytes;
  std::string detail;
  bool through_link = false;
};

/// Reads `target` as a placeholder in `file` (the entity's catalog file, as given) names it: a
/// path relative to the file's directory, or, with a leading '/', to the repository root. The
/// repository is git_toplevel() of the file's directory (asked once per directory; thread-safe),
/// or for a file in no repository its own directory. Nothing outside it is read: a `..` escape
/// or a symbolic link (of the file or of a folder on the way) that leads out is `outside`. Only
/// regular files of at most `limit` bytes are read (never blocks). Never throws.
PlaceholderTarget read_placeholder_target(const std::string& file, const std::string& target,
                                          std::size_t limit);

/// The absolute, lexically normal path read_placeholder_target() would read for `target` of
/// `file`, without reading it; "" when it reads nothing (a URL, standard input, a path leaving
/// the repository). The output guard keeps reports off these files.
std::string placeholder_target_path(const std::string& file, const std::string& target);

}  // namespace catalog_lint
