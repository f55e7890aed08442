#include "core/snapshot.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <iterator>
#include <limits>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/entity_ref.h"
#include "core/file_io.h"

namespace catalog_lint {

namespace {

using json = nlohmann::json;

// Builds our node tree straight from nlohmann's SAX events (its parser is iterative, so no input
// can overflow the stack); stops at the depth and node limits.
class NodeBuilder {
 public:
  NodeBuilder(NodeArena& arena, int max_depth, std::size_t max_nodes)
      : arena_(arena), max_depth_(max_depth), max_nodes_(max_nodes) {}

  const Node* root() const { return root_; }
  const std::string& error() const { return error_; }

  bool null() { return add(NodeType::null, "null") != nullptr; }
  bool boolean(bool v) { return add(NodeType::boolean, v ? "true" : "false") != nullptr; }
  bool number_integer(std::int64_t v) {
    return add(NodeType::integer, std::to_string(v)) != nullptr;
  }
  bool number_unsigned(std::uint64_t v) {
    return add(NodeType::integer, std::to_string(v)) != nullptr;
  }
  bool number_float(double, const std::string& text) {
    return add(NodeType::floating, text) != nullptr;
  }
  bool string(std::string& v) {
    Node* n = add(NodeType::string, std::move(v));
    if (n) n->plain = false;
    return n != nullptr;
  }
  bool binary(json::binary_t&) { return fail("binary values are not JSON"); }
  bool start_object(std::size_t) { return open(NodeType::mapping); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(NodeType::sequence); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    if (!count()) return false;
    Node* n = arena_.make();
    n->type = NodeType::string;
    n->text = std::move(k);
    pending_key_ = n;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: …" → "parse error at …"
    if (const std::size_t close = what.find("] "); what.starts_with("[json.") && close != what.npos)
      what.erase(0, close + 2);
    return fail(what);
  }

 private:
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }
  bool count() {
    if (++nodes_ <= max_nodes_) return true;
    return fail(fmt::format("more than {} JSON values (limit `nodes` × {})", max_nodes_,
                            kCatalogJsonNodesScale));
  }
  Node* add(NodeType type, std::string text) {
    if (!count()) return nullptr;
    Node* n = arena_.make();
    n->type = type;
    n->plain = true;
    n->text = std::move(text);
    if (stack_.empty()) {
      if (root_ == nullptr) root_ = n;
    } else if (stack_.back()->is_seq()) {
      stack_.back()->items.push_back(n);
    } else {
      n->key = pending_key_;
      stack_.back()->entries.emplace_back(pending_key_, n);
    }
    pending_key_ = nullptr;
    return n;
  }
  bool open(NodeType type) {
    if (static_cast<int>(stack_.size()) >= max_depth_)
      return fail(fmt::format("JSON nested deeper than {} levels (limit `depth`)", max_depth_));
    Node* n = add(type, "");
    if (n == nullptr) return false;
    n->plain = false;
    stack_.push_back(n);
    return true;
  }
  bool close() {
    if (!stack_.empty()) stack_.pop_back();
    return true;
  }

  NodeArena& arena_;
  int max_depth_;
  std::size_t max_nodes_;
  std::size_t nodes_ = 0;
  std::vector<Node*> stack_;
  Node* pending_key_ = nullptr;
  const Node* root_ = nullptr;
  std::string error_;
};

// Gives every node of the tree under `root` (keys included) the position (line, column 1). A JSON
// tree has no aliases, so each node is visited once.
void set_positions(const Node* root, int line) {
  std::vector<const Node*> todo{root};
  while (!todo.empty()) {
    Node* n = const_cast<Node*>(todo.back());  // the arena's nodes, built here
    todo.pop_back();
    n->pos.line = line;
    n->pos.column = n->pos.column_utf16 = 1;
    for (const Node* i : n->items) todo.push_back(i);
    for (const auto& [k, v] : n->entries) todo.push_back(k), todo.push_back(v);
  }
}

// The target of a `backstage.io/managed-by-location` value (`url:https://…`, `file:/…`): the part
// after the location type; "" when absent.
std::string location_target(const Node* entity) {
  const Node* metadata = entity->get("metadata");
  const Node* annotations = metadata ? metadata->get("annotations") : nullptr;
  const Node* location =
      annotations ? annotations->get("backstage.io/managed-by-location") : nullptr;
  if (location == nullptr || location->str().empty()) return "";
  const std::string_view text = location->str();
  const std::size_t colon = text.find(':');
  return std::string(colon == text.npos ? text : text.substr(colon + 1));
}

// Adds the entities of one API response value (an entity, a page, or an array of either) to
// `out`; false with out.error set on a value of another shape.
bool add_api_value(const Node* n, const std::string& name, JsonCatalog& out, bool top) {
  const Node* items = n->is_map() && n->get("kind") == nullptr ? n->get("items") : nullptr;
  if (items != nullptr && items->is_seq()) {
    for (const Node* e : items->items) {
      if (!e->is_map()) {
        out.error = fmt::format("'{}': an item of an API page is a JSON {}, not an entity object",
                                name, json_type_name(e->type));
        return false;
      }
      out.entities.push_back({e, name, 0});
    }
    return true;
  }
  if (n->is_map() && n->get("kind") != nullptr && n->get("metadata") != nullptr) {
    out.entities.push_back({n, name, 0});
    return true;
  }
  if (top && n->is_seq()) {
    for (const Node* e : n->items)
      if (!add_api_value(e, name, out, false)) return false;
    return true;
  }
  out.error = fmt::format(
      "'{}' is neither a catalog-lint snapshot nor a Backstage API export (expected "
      "{{\"format\": \"{}\", …}}, an array of entities, or {{\"items\": [...]}} pages)",
      name, kSnapshotFormat);
  return false;
}

// The entities of a snapshot document `root`; false with out.error set when it is not a valid one.
bool read_snapshot(const Node* root, const std::string& name, JsonCatalog& out) {
  const Node* version = root->get("version");
  if (version == nullptr || version->type != NodeType::integer ||
      version->text != std::to_string(kSnapshotVersion)) {
    out.error = fmt::format(
        "'{}': unsupported snapshot version '{}' (this catalog-lint reads version {}); write it "
        "again with `catalog-lint snapshot`",
        name, version ? version->text : "", kSnapshotVersion);
    return false;
  }
  const Node* entities = root->get("entities");
  if (entities == nullptr || !entities->is_seq()) {
    out.error = fmt::format("'{}': a snapshot needs an \"entities\" array", name);
    return false;
  }
  for (const Node* e : entities->items) {
    if (!e->is_map()) {
      out.error = fmt::format("'{}': an entity of the snapshot is a JSON {}, not an object", name,
                              json_type_name(e->type));
      return false;
    }
    JsonCatalog::Item item{e, name, 0};
    if (const Node* source = e->get("source"); source && source->is_map()) {
      if (const Node* file = source->get("file"); file && file->is_string()) item.file = file->text;
      if (const Node* line = source->get("line"); line && line->type == NodeType::integer) {
        int value = 0;
        const auto [p, ec] =
            std::from_chars(line->text.data(), line->text.data() + line->text.size(), value);
        if (ec == std::errc() && p == line->text.data() + line->text.size() && value > 0)
          item.line = value;
      }
      // "source" is ours, not part of the entity.
      auto& entries = const_cast<Node*>(e)->entries;
      std::erase_if(entries, [](const auto& kv) { return kv.first->text == "source"; });
    }
    out.entities.push_back(std::move(item));
  }
  return true;
}

// The JSON value of a node (from YAML or JSON), bounded in depth and size; YAML scalars by their
// core-schema type (`.inf`/`.nan` become null, as Backstage's JSON round trip makes them).
json to_json(const Node* n, int depth, std::size_t& budget) {
  if (n == nullptr || depth > 64 || budget == 0) return nullptr;
  --budget;
  switch (n->type) {
    case NodeType::null:
      return nullptr;
    case NodeType::boolean: {
      const std::string t = to_lower(n->text);  // YAML 1.1 also has yes/y/on
      return t == "true" || t == "yes" || t == "y" || t == "on";
    }
    case NodeType::integer: {
      long long v = 0;
      const char* end = n->text.data() + n->text.size();
      const auto [p, ec] = std::from_chars(n->text.data(), end, v);
      if (ec == std::errc() && p == end) return v;
      [[fallthrough]];
    }
    case NodeType::floating: {
      char* end = nullptr;
      const double d = std::strtod(n->text.c_str(), &end);
      if (end != n->text.c_str() + n->text.size()) return n->text;  // e.g. 0x1f, 1_000 (YAML 1.1)
      if (!std::isfinite(d)) return nullptr;
      return d;
    }
    case NodeType::string:
      return n->text;
    case NodeType::sequence: {
      json a = json::array();
      for (const Node* i : n->items) a.push_back(to_json(i, depth + 1, budget));
      return a;
    }
    case NodeType::mapping: {
      json o = json::object();
      for (const auto& [k, v] : n->entries)
        if (k->is_scalar() && !o.contains(k->text)) o[k->text] = to_json(v, depth + 1, budget);
      return o;
    }
  }
  return nullptr;
}

// spec keys a snapshot keeps (docs/snapshot.md): what the policy and reference rules read.
constexpr std::string_view kSpecKeys[] = {
    "type",           "lifecycle",   "owner",        "system",       "domain",
    "subcomponentOf", "subdomainOf", "providesApis", "consumesApis", "dependsOn",
    "dependencyOf",   "parent",      "children",     "members",      "memberOf"};

constexpr std::string_view kMetadataKeys[] = {"name", "namespace", "title", "uid", "etag", "tags"};

}  // namespace

JsonCatalog parse_json_catalog(std::string_view bytes, const std::string& name,
                               const Limits& limits) {
  JsonCatalog out;
  out.arena = std::make_shared<NodeArena>();
  // nlohmann's lexer takes a NUL byte for the end of the input: what follows would be ignored.
  if (const std::size_t nul = bytes.find('\0'); nul != bytes.npos) {
    out.error = fmt::format("'{}' is not valid JSON: a NUL byte at offset {}", name, nul);
    return out;
  }
  NodeBuilder builder(*out.arena, limits.max_depth, limits.max_nodes * kCatalogJsonNodesScale);
  bool ok = false;
  try {
    ok = json::sax_parse(bytes, &builder, json::input_format_t::json, true);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {  // not expected: the SAX parser reports through the handler
    out.error = fmt::format("'{}' is not valid JSON: {}", name, e.what());
    out.arena.reset();
    return out;
  }
  const Node* root = builder.root();
  if (!ok || root == nullptr) {
    out.error = fmt::format("'{}' is not valid JSON: {}", name,
                            builder.error().empty() ? "no JSON value" : builder.error());
    out.arena = std::make_shared<NodeArena>();
    return out;
  }
  const Node* format = root->get("format");
  const bool is_snapshot = root->is_map() && format != nullptr;
  if (is_snapshot && format->str() != kSnapshotFormat) {
    out.error =
        fmt::format("'{}': \"format\" is '{}', not '{}'", name, format->text, kSnapshotFormat);
  } else if (is_snapshot ? read_snapshot(root, name, out) : add_api_value(root, name, out, true)) {
    if (const Node* info = root->get("pageInfo"); info && !is_snapshot)
      if (const Node* next = info->get("nextCursor")) out.next_cursor = next->str();
    for (JsonCatalog::Item& item : out.entities) {
      if (!is_snapshot)
        if (std::string target = location_target(item.root); !target.empty())
          item.file = std::move(target);
      set_positions(item.root, item.line);
    }
    return out;
  }
  out.entities.clear();
  out.arena = std::make_shared<NodeArena>();
  return out;
}

JsonCatalog read_json_catalog(const std::string& path, const Limits& limits) {
  const std::size_t limit =
      limits.max_file_bytes > std::numeric_limits<std::size_t>::max() / kCatalogJsonBytesScale
          ? std::numeric_limits<std::size_t>::max()
          : limits.max_file_bytes * kCatalogJsonBytesScale;
  FileBytes file = read_regular_file(path, limit);
  if (file.too_big) {
    JsonCatalog out;
    out.arena = std::make_shared<NodeArena>();
    out.error = fmt::format(
        "'{}' is {} bytes, over the catalog file limit of {} bytes ({} × `--limit file-bytes`)",
        path, file.size, limit, kCatalogJsonBytesScale);
    return out;
  }
  if (!file.error.empty()) {
    JsonCatalog out;
    out.arena = std::make_shared<NodeArena>();
    out.error = fmt::format("cannot read '{}': {}", path, file.error);
    return out;
  }
  return parse_json_catalog(file.bytes, path, limits);
}

bool is_catalog_json_path(std::string_view path) {
  return path.size() >= 5 && to_lower(path.substr(path.size() - 5)) == ".json";
}

bool snapshot_keeps_annotation(std::string_view key, std::string_view annotation_prefix) {
  return (!annotation_prefix.empty() && key.starts_with(annotation_prefix)) ||
         key.starts_with("pagerduty.com/") || key.starts_with("opsgenie.com/") ||
         key == "backstage.io/source-template" || key == "backstage.io/managed-by-location" ||
         key == "backstage.io/managed-by-origin-location";
}

struct SnapshotBuilder::Impl {
  std::string prefix;
  struct Entry {
    std::string ref;
    std::string file;
    int line;
    std::string text;  // the reduced entity, compact JSON
  };
  std::vector<Entry> entries;
  json sources = json::array();
};

SnapshotBuilder::SnapshotBuilder(std::string annotation_prefix) : impl_(std::make_unique<Impl>()) {
  impl_->prefix = std::move(annotation_prefix);
}

SnapshotBuilder::~SnapshotBuilder() = default;

bool SnapshotBuilder::add(const Node* root, const std::string& file, int line) {
  if (root == nullptr || !root->is_map()) return false;
  const Node* kind = root->get("kind");
  const Node* metadata = root->get("metadata");
  const Node* name = metadata ? metadata->get("name") : nullptr;
  if (kind == nullptr || kind->str().empty() || name == nullptr || name->str().empty())
    return false;
  const Node* ns = metadata->get("namespace");
  const std::string ref = to_lower(kind->text) + ":" +
                          to_lower(ns && ns->is_string() ? ns->str() : "default") + "/" +
                          to_lower(name->text);
  std::size_t budget = 100'000;
  json e = json::object();
  if (const Node* v = root->get("apiVersion")) e["apiVersion"] = to_json(v, 1, budget);
  e["kind"] = kind->text;
  json m = json::object();
  for (std::string_view k : kMetadataKeys)
    if (const Node* v = metadata->get(k)) m[std::string(k)] = to_json(v, 2, budget);
  if (const Node* annotations = metadata->get("annotations");
      annotations && annotations->is_map()) {
    json a = json::object();
    for (const auto& [k, v] : annotations->entries)
      if (k->is_scalar() && snapshot_keeps_annotation(k->text, impl_->prefix) &&
          !a.contains(k->text))
        a[k->text] = to_json(v, 3, budget);
    if (!a.empty()) m["annotations"] = std::move(a);
  }
  e["metadata"] = std::move(m);
  if (const Node* spec = root->get("spec"); spec && spec->is_map()) {
    json s = json::object();
    for (std::string_view k : kSpecKeys)
      if (const Node* v = spec->get(k)) s[std::string(k)] = to_json(v, 2, budget);
    if (const Node* profile = spec->get("profile"); profile && profile->is_map())
      if (const Node* email = profile->get("email"))
        s["profile"] = json{{"email", to_json(email, 3, budget)}};
    e["spec"] = std::move(s);
  }
  if (const Node* relations = root->get("relations"))
    e["relations"] = to_json(relations, 1, budget);
  e["source"] = json{{"file", file}, {"line", line}};
  impl_->entries.push_back(
      {ref, file, line, e.dump(-1, ' ', false, json::error_handler_t::replace)});
  return true;
}

void SnapshotBuilder::add_source(std::string type, std::string location, std::size_t entities) {
  impl_->sources.push_back(
      json{{"type", std::move(type)}, {"location", std::move(location)}, {"entities", entities}});
}

void SnapshotBuilder::merge(SnapshotBuilder&& other) {
  auto& mine = impl_->entries;
  auto& theirs = other.impl_->entries;
  if (mine.empty()) {
    mine = std::move(theirs);
  } else {
    mine.reserve(mine.size() + theirs.size());
    std::move(theirs.begin(), theirs.end(), std::back_inserter(mine));
  }
  theirs.clear();
  for (json& source : other.impl_->sources) impl_->sources.push_back(std::move(source));
  other.impl_->sources = json::array();
}

std::size_t SnapshotBuilder::size() const {
  return impl_->entries.size();
}

std::vector<std::string> SnapshotBuilder::duplicate_refs() const {
  std::vector<std::string> refs;
  for (const auto& e : impl_->entries) refs.push_back(e.ref);
  std::sort(refs.begin(), refs.end());
  std::vector<std::string> out;
  for (std::size_t i = 1; i < refs.size(); ++i)
    if (refs[i] == refs[i - 1] && (out.empty() || out.back() != refs[i])) out.push_back(refs[i]);
  return out;
}

std::string SnapshotBuilder::text(const std::string& generated) const {
  std::vector<const Impl::Entry*> order;
  order.reserve(impl_->entries.size());
  for (const auto& e : impl_->entries) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const Impl::Entry* a, const Impl::Entry* b) {
    return std::tie(a->ref, a->file, a->line, a->text) <
           std::tie(b->ref, b->file, b->line, b->text);
  });
  // The header's keys in the documented order; the entities are already compact JSON.
  std::string out =
      fmt::format("{{\"format\":{},\"version\":{},\"generated\":{},\"sources\":{},\"entities\":[",
                  json(kSnapshotFormat).dump(), kSnapshotVersion, json(generated).dump(),
                  impl_->sources.dump(-1, ' ', false, json::error_handler_t::replace));
  std::size_t size = out.size() + 3;
  for (const Impl::Entry* e : order) size += e->text.size() + 1;
  out.reserve(size);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i > 0) out += ',';
    out += order[i]->text;
  }
  out += "]}\n";
  return out;
}

std::string iso_time_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace catalog_lint
