#include "core/changes.h"

#include <filesystem>

#include "core/entity.h"
#include "core/process.h"

namespace catalog_lint {

std::vector<BaseEntity> base_entities(const ChangeSet& change, const std::string& file,
                                      const Limits& limits) {
  std::vector<BaseEntity> out;
  const std::filesystem::path rel =
      std::filesystem::path(file).lexically_relative(std::filesystem::path(change.root));
  if (rel.empty() || *rel.begin() == "..") return out;
  CommandLimits bounds;
  bounds.max_output = limits.max_file_bytes + 1;
  const CommandResult r = run_command(
      {"git", "-C", change.root, "show", "--no-textconv", change.base + ":" + rel.generic_string()},
      {}, bounds);
  if (r.exit_code != 0 || !r.killed.empty() || r.output.size() > limits.max_file_bytes) return out;
  LoadedFile loaded = load_yaml(r.output, limits);
  for (const LoadedDocument& doc : loaded.documents) {
    if (doc.root == nullptr || !doc.root->is_map()) continue;
    const Entity entity{doc.root, doc.index, file};
    std::string ref = entity.ref();
    if (ref.empty()) continue;
    const Node* meta = entity.metadata();
    const Node* name = meta ? meta->get("name") : nullptr;
    out.push_back(BaseEntity{std::move(ref), std::string(entity.name()), file,
                             name ? name->pos : doc.root->pos});
  }
  return out;
}

}  // namespace catalog_lint
