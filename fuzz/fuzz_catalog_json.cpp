// libFuzzer target for catalog JSON files (issue 14): parse_json_catalog() on arbitrary bytes (a
// snapshot or a Backstage API export as a hostile org might commit it), then every entity read
// back through the snapshot writer, whose output must parse again with the same entity count.
// The same bytes, and the writer's output, are also opened as version-2 snapshots read on demand
// (SnapshotIndex): every ref the index lists is looked up, and the writer's own output must open
// and give back every entity it wrote. Every input must finish fast and within fuzz/run.sh's
// memory bound.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/loader.h"
#include "core/snapshot.h"

using namespace catalog_lint;

namespace {

// Opens `bytes` as a version-2 snapshot and looks up every ref it lists; the number of entities
// found, or -1 when it does not open.
long lookups(std::string_view bytes, const Limits& limits) {
  std::string error;
  const auto index = SnapshotIndex::open(
      std::string(bytes), "fuzz.json", limits,
      [](const Entity&, const std::string& ref, const std::string& file) {
        EntitySummary s;
        s.ref = ref;
        s.file = file;
        return s;
      },
      error);
  if (index == nullptr) {
    if (error.empty()) std::abort();  // a refusal says why
    return -1;
  }
  long found = 0;
  for (const std::string& key : index->keys("")) {
    const EntitySummary* e = index->find(key);
    if (e != nullptr && e->ref != key) std::abort();  // found under another ref
    found += e != nullptr;
  }
  if (!index->error().empty() && !index->all().empty()) std::abort();
  return index->error().empty() ? found : -1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Limits limits;
  lookups(bytes, limits);
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
  // The writer's own output opens on demand, and each of its refs is found.
  std::string error;
  const auto index = SnapshotIndex::open(
      text, "again.json", limits,
      [](const Entity&, const std::string& ref, const std::string&) {
        EntitySummary s;
        s.ref = ref;
        return s;
      },
      error);
  if (index == nullptr || index->size() != added) std::abort();
  for (const std::string& key : index->keys(""))
    if (index->find(key) == nullptr) std::abort();
  if (!index->error().empty() || index->all().size() != added) std::abort();
  return 0;
}
