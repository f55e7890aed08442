// libFuzzer target: the YAML document loader (load_yaml) on arbitrary bytes.
//
// Properties checked beyond "no crash, no sanitizer report, no hang": every diagnostic and node
// position lies inside the file, and the document indices are non-negative.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/loader.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_pos(const catalog_lint::SourcePos& p, const catalog_lint::SourceText& src) {
  if (!p.valid()) return;
  check(p.line >= 1 && p.line <= src.line_count());
  check(p.column >= 1 && p.column_utf16 >= p.column);
  check(p.offset <= src.bytes().size());
}

}  // namespace

/// libFuzzer entry point: loads `data` with small limits (so the limit paths are reached with
/// short inputs) and checks the result's invariants.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  catalog_lint::Limits limits;
  limits.max_depth = 64;
  limits.max_nodes = 5000;
  limits.max_documents = 50;
  limits.max_scalar_bytes = 2000;
  const catalog_lint::LoadedFile f =
      catalog_lint::load_yaml(std::string(reinterpret_cast<const char*>(data), size), limits);
  for (const auto& d : f.diagnostics) check_pos(d.start, *f.source);
  for (const auto& doc : f.documents) {
    check(doc.index >= 0);
    if (doc.root != nullptr) check_pos(doc.root->pos, *f.source);
  }
  return 0;
}
