// libFuzzer target for catalog JSON files (issue 14): parse_json_catalog() on arbitrary bytes (a
// snapshot or a Backstage API export as a hostile org might commit it), then every entity read
// back through the snapshot writer, whose output must parse again with the same entity count.
// Every input must finish fast and within fuzz/run.sh's memory bound.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/loader.h"
#include "core/snapshot.h"

using namespace catalog_lint;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Limits limits;
  const JsonCatalog catalog = parse_json_catalog(bytes, "fuzz.json", limits);
  if (!catalog.error.empty()) {
    if (!catalog.entities.empty()) std::abort();  // an error means no entities
    return 0;
  }
  SnapshotBuilder builder("platform/");
  std::size_t added = 0;
  for (const JsonCatalog::Item& item : catalog.entities)
    added += builder.add(item.root, item.file, item.line) ? 1 : 0;
  if (added == 0) return 0;
  const std::string text = builder.text("2026-01-01T00:00:00Z");
  const JsonCatalog again = parse_json_catalog(text, "again.json", limits);
  if (!again.error.empty() || again.entities.size() != added) std::abort();
  return 0;
}
