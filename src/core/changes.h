// What a `--changed-since REF` run knows about the change (issue 14 "Pull requests that break
// others"): the base commit, the changed files, and the entities those files defined at the base,
// so that a run can lint the files a change affects and find entities it removed while others
// still reference them.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/loader.h"

namespace catalog_lint {

/// The change of a `--changed-since REF` run.
struct ChangeSet {
  std::string root;                  ///< repository root, absolute
  std::string base;                  ///< the base commit id (40 hex digits)
  std::string ref;                   ///< REF as given, for messages
  std::vector<std::string> changed;  ///< changed files, absolute (deleted ones included)
  /// The other files discovery found: linted too when the change affects them (they mention an
  /// entity a changed file defines or defined, or a changed config or catalog file governs them).
  std::vector<std::string> others;
};

/// An entity that a changed file defined at the base commit.
struct BaseEntity {
  std::string ref;   ///< lower-cased kind:namespace/name
  std::string name;  ///< metadata.name as written
  std::string file;  ///< the changed file, absolute
  SourcePos pos;     ///< metadata.name at the base commit
};

/// The entities `file` (absolute, inside `change.root`) defined at `change.base`: `git show`
/// of the file at that commit (bounded by limits.max_file_bytes and the child deadline), parsed
/// with the loader. Empty when the file did not exist there, or git failed.
std::vector<BaseEntity> base_entities(const ChangeSet& change, const std::string& file,
                                      const Limits& limits);

}  // namespace catalog_lint
