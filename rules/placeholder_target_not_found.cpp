// placeholder-target-not-found: the file a `$text`, `$json` or `$yaml` placeholder names (relative
// to the entity's file) must exist inside the repository and, for `$json`/`$yaml`, parse.
// Source: @backstage/plugin-catalog-backend 4.0.5 src/processors/PlaceholderProcessor.ts (the
// resolvers of CatalogBuilder: "Placeholder $text could not read location …", "failed to parse
// JSON data at …", "expected to find exactly one document of data at …").
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/loader.h"
#include "core/locations.h"
#include "core/registry.h"
#include "core/source.h"
#include "placeholders.h"
#include "schema_check.h"

namespace catalog_lint {
namespace {

bool is_known(const std::string& key) {
  return key == "$text" || key == "$json" || key == "$yaml";
}

// Why `bytes` (the target of `$json`) is not what JSON.parse accepts; "" when it parses.
// Backstage decodes the file as UTF-8 first (invalid bytes become U+FFFD, so they are no error),
// and JSON.parse rejects a byte order mark, which that decoding keeps.
std::string json_error(const std::string& bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF"))
    return "it starts with a byte order mark (BOM), which JSON.parse rejects";
  try {
    [[maybe_unused]] const nlohmann::json parsed = nlohmann::json::parse(sanitize_utf8(bytes));
    return {};
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: …": the tag is noise.
    if (what.starts_with("[json.exception.")) {
      const std::size_t close = what.find("] ");
      if (close != std::string::npos) what.erase(0, close + 2);
    }
    // "…; last read: 'TEXT'" quotes the file: never echo what a target holds.
    if (const std::size_t last = what.find("; last read: '"); last != std::string::npos) {
      const std::size_t quote = what.rfind('\'');
      what.erase(last, quote > last + 13 ? quote + 1 - last : std::string::npos);
    }
    return what;
  }
}

// Why `bytes` (the target of `$yaml`) is not the one document Backstage expects; "" when it is.
std::string yaml_error(const std::string& bytes) {
  // Decoded as UTF-8 first, as Backstage does: invalid bytes are U+FFFD, no error.
  const LoadedFile f = load_yaml(sanitize_utf8(bytes), Limits{});
  for (const Diagnostic& d : f.diagnostics) {
    const RuleInfo* info = Registry::instance().find(d.rule);
    if (info == nullptr || info->default_severity != Severity::error) continue;
    return fmt::format("is not valid YAML at line {}, column {}: {}", d.start.line, d.start.column,
                       d.message);
  }
  if (f.documents.size() != 1)
    return fmt::format("holds {} YAML documents; Backstage expects exactly one",
                       f.documents.size());
  return {};
}

// The finding for placeholder `key: target`, or "" when the target is fine or not checked.
/// Bytes of placeholder targets one entity reads at most: later targets are not checked.
constexpr std::size_t kMaxTargetBytesPerEntity = 64u << 20;

// `budget`: bytes the entity may still read; what is read is taken from it.
std::string problem(const std::string& file, const std::string& key, const std::string& target,
                    std::string& help, std::size_t& budget) {
  using Status = PlaceholderTarget::Status;
  const PlaceholderTarget t =
      read_placeholder_target(file, target, std::min(Limits{}.max_file_bytes, budget));
  budget -= std::min(budget, t.bytes.size());
  const std::string what = fmt::format("placeholder {} target '{}'", key, target);
  switch (t.status) {
    case Status::unchecked:
    case Status::too_big:
      return {};
    case Status::not_found:
      help =
          "fix the path (it is relative to this file; a leading '/' starts at the repository "
          "root), or add the file";
      return fmt::format("{} does not exist; Backstage cannot read it and rejects the entity",
                         what);
    case Status::outside:
      help = "a placeholder should name a file of the entity's own repository";
      return t.through_link ? fmt::format(
                                  "{} leads outside the repository through a symbolic link; it is "
                                  "not read",
                                  what)
                            : fmt::format("{} points outside the repository; it is not read", what);
    case Status::not_regular:
      help = "name a file";
      return fmt::format("{} is {}, not a file; Backstage cannot read it", what, t.detail);
    case Status::read:
      break;
  }
  if (key == "$json") {
    const std::string error = json_error(t.bytes);
    if (error.empty()) return {};
    help = "Backstage parses the file as JSON and rejects the entity when that fails; fix the file";
    return fmt::format("{} is not valid JSON: {}", what, error);
  }
  if (key == "$yaml") {
    const std::string error = yaml_error(t.bytes);
    if (error.empty()) return {};
    help = "Backstage reads the file as one YAML document and rejects the entity otherwise";
    return fmt::format("{} {}", what, error);
  }
  return {};
}

}  // namespace

std::shared_ptr<const EntityRule> make_placeholder_target_not_found() {
  return entity_rule([](const Entity& e, EntityContext& ctx) {
    const std::string file(ctx.file());
    // Each distinct placeholder is checked once per entity: a target named 2,000 times is read
    // once, and the targets read together are bounded (kMaxTargetBytesPerEntity).
    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> seen;
    std::size_t budget = kMaxTargetBytesPerEntity;
    for_each_placeholder(
        e.root,
        [](const Node* n) {
          return is_known(n->entries[0].first->text) && n->entries[0].second->is_string();
        },
        [&](const Node* n, const std::string& pointer) {
          const std::string& key = n->entries[0].first->text;
          const Node* value = n->entries[0].second;
          auto [it, fresh] = seen.try_emplace({key, value->text});
          if (fresh) it->second.first = problem(file, key, value->text, it->second.second, budget);
          std::string message = it->second.first, help = it->second.second;
          if (!message.empty())
            ctx.report(value, schema::child_pointer(pointer, key), std::move(message),
                       std::move(help));
        });
  });
}

}  // namespace catalog_lint
