#include "core/snapshot.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <iterator>
#include <limits>
#include <mutex>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

void take_source(const Node* e, const std::string& fallback, std::string& file, int& line);

// The entities of a snapshot document `root`; false with out.error set when it is not a valid one.
bool read_snapshot(const Node* root, const std::string& name, JsonCatalog& out) {
  const Node* version = root->get("version");
  if (version == nullptr || version->type != NodeType::integer ||
      (version->text != "1" && version->text != "2")) {
    out.error = fmt::format(
        "'{}': unsupported snapshot version '{}' (this catalog-lint reads versions 1 and 2); "
        "write it again with `catalog-lint snapshot`",
        name, version ? version->text : "");
    return false;
  }
  const bool v2 = version->text == "2";
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
    take_source(e, name, item.file, item.line);
    if (v2)  // "ref" (version 2) is ours too
      std::erase_if(const_cast<Node*>(e)->entries,
                    [](const auto& kv) { return kv.first->text == "ref"; });
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

// The node tree of the JSON text `bytes` in `arena`, or nullptr with `error` set to why not
// (the text after "is not valid JSON: ").
const Node* parse_tree(std::string_view bytes, NodeArena& arena, int max_depth,
                       std::size_t max_nodes, std::string& error) {
  // nlohmann's lexer takes a NUL byte for the end of the input: what follows would be ignored.
  if (const std::size_t nul = bytes.find('\0'); nul != bytes.npos) {
    error = fmt::format("a NUL byte at offset {}", nul);
    return nullptr;
  }
  NodeBuilder builder(arena, max_depth, max_nodes);
  bool ok = false;
  try {
    ok = json::sax_parse(bytes, &builder, json::input_format_t::json, true);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {  // not expected: the SAX parser reports through the handler
    error = e.what();
    return nullptr;
  }
  if (!ok || builder.root() == nullptr) {
    error = builder.error().empty() ? "no JSON value" : builder.error();
    return nullptr;
  }
  return builder.root();
}

// The file and line an entity's `source` records (`fallback` and 0 when absent), and the
// `source` entry removed from the entity: it is ours, not part of the entity.
void take_source(const Node* e, const std::string& fallback, std::string& file, int& line) {
  file = fallback;
  line = 0;
  const Node* source = e->get("source");
  if (source == nullptr || !source->is_map()) return;
  if (const Node* f = source->get("file"); f && f->is_string()) file = f->text;
  if (const Node* l = source->get("line"); l && l->type == NodeType::integer) {
    int value = 0;
    const auto [p, ec] = std::from_chars(l->text.data(), l->text.data() + l->text.size(), value);
    if (ec == std::errc() && p == l->text.data() + l->text.size() && value > 0) line = value;
  }
  std::erase_if(const_cast<Node*>(e)->entries,
                [](const auto& kv) { return kv.first->text == "source"; });
}

}  // namespace

JsonCatalog parse_json_catalog(std::string_view bytes, const std::string& name,
                               const Limits& limits) {
  JsonCatalog out;
  out.arena = std::make_shared<NodeArena>();
  std::string why;
  const Node* root = parse_tree(bytes, *out.arena, limits.max_depth,
                                limits.max_nodes * kCatalogJsonNodesScale, why);
  if (root == nullptr) {
    out.error = fmt::format("'{}' is not valid JSON: {}", name, why);
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

FileBytes read_catalog_file(const std::string& path, const Limits& limits, std::string& error) {
  const std::size_t limit =
      limits.max_file_bytes > std::numeric_limits<std::size_t>::max() / kCatalogJsonBytesScale
          ? std::numeric_limits<std::size_t>::max()
          : limits.max_file_bytes * kCatalogJsonBytesScale;
  FileBytes file = read_regular_file(path, limit);
  if (file.too_big)
    error = fmt::format(
        "'{}' is {} bytes, over the catalog file limit of {} bytes ({} × `--limit file-bytes`)",
        path, file.size, limit, kCatalogJsonBytesScale);
  else if (!file.error.empty())
    error = fmt::format("cannot read '{}': {}", path, file.error);
  return file;
}

JsonCatalog read_json_catalog(const std::string& path, const Limits& limits) {
  std::string error;
  FileBytes file = read_catalog_file(path, limits, error);
  if (!error.empty()) {
    JsonCatalog out;
    out.arena = std::make_shared<NodeArena>();
    out.error = std::move(error);
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
    std::string text;      // the reduced entity, compact JSON
    std::string ref_json;  // `ref` as written (a JSON string; invalid UTF-8 replaced)
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
  // The ref's parts, whatever the budget left: the reader computes the ref from them.
  m["name"] = name->text;
  if (ns && ns->is_string()) m["namespace"] = ns->text;
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
  impl_->entries.push_back({ref, file, line, e.dump(-1, ' ', false, json::error_handler_t::replace),
                            json(ref).dump(-1, ' ', false, json::error_handler_t::replace)});
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
  // Version 2 (docs/snapshot.md): the header's keys in the documented order on the first line,
  // ending with `"index":[`; on the second the index (each entity's ref and the length of its
  // line), ending with `],"entities":[`; then one entity a line, each led by its ref (the
  // entities are already compact JSON); then the closing line.
  std::vector<std::string> lines(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    std::string& line = lines[i];
    line.reserve(order[i]->text.size() + order[i]->ref_json.size() + 9);
    line += "{\"ref\":";
    line += order[i]->ref_json;
    line += ',';
    line.append(order[i]->text, 1);  // the entity's own keys, after its '{'
    if (i + 1 < order.size()) line += ',';
  }
  std::string out = fmt::format(
      "{{\"format\":{},\"version\":{},\"generated\":{},\"sources\":{},\"count\":{},"
      "\"index\":[\n",
      json(kSnapshotFormat).dump(), kSnapshotVersion, json(generated).dump(),
      impl_->sources.dump(-1, ' ', false, json::error_handler_t::replace), order.size());
  std::size_t size = out.size() + 20;
  for (std::size_t i = 0; i < order.size(); ++i)
    size += lines[i].size() + 2 * order[i]->ref_json.size() + 16;
  out.reserve(size);
  for (std::size_t i = 0; i < order.size(); ++i)
    fmt::format_to(std::back_inserter(out), "{}[{},{}]", i ? "," : "", order[i]->ref_json,
                   lines[i].size());
  out += "],\"entities\":[\n";
  for (const std::string& line : lines) {
    out += line;
    out += '\n';
  }
  out += "]}\n";
  return out;
}

// ---- Version 2: SnapshotIndex ----

namespace {

constexpr std::string_view kV2Start = "{\"format\":\"catalog-lint-snapshot\",\"version\":2,";
constexpr std::string_view kV2HeaderEnd = ",\"index\":[";
constexpr std::string_view kV2IndexEnd = "],\"entities\":[";
constexpr std::string_view kRefStart = "{\"ref\":";
constexpr std::string_view kClosing = "]}\n";

}  // namespace

bool is_snapshot_v2_layout(std::string_view bytes) {
  return bytes.starts_with(kV2Start);
}

struct SnapshotIndex::Impl {
  std::string name;
  Limits limits;
  Summarizer summarize;
  /// Reads up to `n` bytes at `offset` into `out` (resized to what was read); false on an I/O
  /// error. Over the bytes given to open(), or pread() on the file open_file() opened.
  std::function<bool(std::size_t offset, std::size_t n, std::string& out)> read;
  int fd = -1;
  std::string bytes;       ///< open(): the whole file
  std::string index_line;  ///< the second line: refs point into it
  struct Line {
    std::string_view ref;  ///< into `index_line`, or into `owned` when it had escapes
    std::size_t at = 0;    ///< the line: [at, at + size), a newline at at + size
    std::size_t size = 0;  ///< with its trailing comma
  };
  std::deque<std::string> owned;
  std::vector<Line> lines;           ///< file order
  std::vector<std::uint32_t> order;  ///< line indices by (ref, file order)
  mutable std::mutex mutex;
  mutable std::vector<std::unique_ptr<EntitySummary>> done;  ///< by line
  mutable std::vector<char> tried;                           ///< by line
  mutable std::string error;

  ~Impl() {
    if (fd >= 0) ::close(fd);
  }

  // The first entry of `order` whose ref is not less than `key`.
  std::vector<std::uint32_t>::const_iterator lower(std::string_view key) const {
    return std::lower_bound(order.begin(), order.end(), key,
                            [&](std::uint32_t i, std::string_view k) { return lines[i].ref < k; });
  }

  // The line that starts at `at` (without its newline), read in one piece of `want` bytes when
  // it fits, else in growing ones; false when the file ends (or cannot be read) before a
  // newline.
  bool read_line(std::size_t at, std::string& out, std::size_t want) const {
    if (!read(at, want, out)) return false;
    std::size_t searched = 0;
    std::string more;
    while (true) {
      if (const std::size_t nl = out.find('\n', searched); nl != out.npos) {
        out.resize(nl);
        return true;
      }
      if (out.size() < want) return false;  // the file ended
      searched = out.size();
      want = std::min<std::size_t>(want * 2, std::size_t{64} << 20);
      if (!read(at + out.size(), want, more) || more.empty()) return false;
      out += more;
      want = out.size();
    }
  }

  // The summary of line `i`, made on first use; nullptr once the file is found unreadable.
  // Called with `mutex` held.
  const EntitySummary* get(std::uint32_t i) const {
    if (!error.empty()) return nullptr;
    if (tried[i]) return done[i].get();
    tried[i] = 1;
    const Line& l = lines[i];
    auto fail = [&](std::string message) {
      error =
          fmt::format("'{}': entity {} of the snapshot (line {}) {}", name, i + 1, i + 3, message);
      return nullptr;
    };
    std::string text;
    if (!read(l.at, l.size + 1, text)) return fail("cannot be read");
    const bool last = i + 1 == lines.size();
    if (text.size() != l.size + 1 || text.back() != '\n' || (!last && text[text.size() - 2] != ','))
      return fail(fmt::format("is not the {} bytes the index gives it", l.size));
    text.resize(l.size - (last ? 0 : 1));
    if (!text.starts_with(kRefStart)) return fail("is not led by its ref (`{\"ref\":…`)");
    NodeArena arena;
    std::string why;
    const Node* root =
        parse_tree(text, arena, limits.max_depth, limits.max_nodes * kCatalogJsonNodesScale, why);
    if (root == nullptr) return fail(fmt::format("is not valid JSON: {}", why));
    if (!root->is_map())
      return fail(fmt::format("is a JSON {}, not an object", json_type_name(root->type)));
    const Node* own = root->get("ref");
    if (own == nullptr || !own->is_string() || own->text != l.ref)
      return fail(fmt::format("is not led by the ref the index gives it, '{}'", l.ref));
    std::string file;
    int line = 0;
    take_source(root, name, file, line);
    std::erase_if(const_cast<Node*>(root)->entries,
                  [](const auto& kv) { return kv.first->text == "ref"; });
    set_positions(root, line);
    const Entity entity{root, static_cast<int>(i), file};
    const std::string ref = entity.ref();
    if (ref != l.ref)
      return fail(fmt::format("is '{}', not the ref that leads its line, '{}'", ref, l.ref));
    done[i] = std::make_unique<EntitySummary>(summarize(entity, ref, file));
    return done[i].get();
  }

  // Reads the header, the index and the size of the file; "" or why it is not a valid one.
  std::string load(std::size_t file_size) {
    std::string header;
    if (!read_line(0, header, 16384) || !header.ends_with(kV2HeaderEnd))
      return "the first line of a version-2 snapshot must end with `\"index\":[`";
    NodeArena arena;
    std::string why;
    const Node* root = parse_tree(header + "]}", arena, limits.max_depth, limits.max_nodes, why);
    if (root == nullptr) return fmt::format("its header line is not valid JSON: {}", why);
    const Node* format = root->get("format");
    const Node* version = root->get("version");
    const Node* count = root->get("count");
    std::size_t expected = 0;
    if (format == nullptr || format->str() != kSnapshotFormat || version == nullptr ||
        version->type != NodeType::integer || version->text != "2" || count == nullptr ||
        count->type != NodeType::integer ||
        std::from_chars(count->text.data(), count->text.data() + count->text.size(), expected).ec !=
            std::errc())
      return "its header line is not a version-2 snapshot's (format, version 2, count)";
    const std::size_t index_at = header.size() + 1;
    // One read for the whole index line when its entries are of the usual size (about 45
    // bytes for `["component:default/<name>",<length>]`).
    const std::size_t guess =
        expected > (file_size / 64) ? file_size : std::min(file_size, expected * 64 + 4096);
    if (!read_line(index_at, index_line, guess) || !index_line.ends_with(kV2IndexEnd))
      return "it is truncated, or its second line (the index) does not end with "
             "`],\"entities\":[`";
    // The index: `["<ref>",<line length>]` for each entity, comma-separated.
    std::string_view rest = std::string_view(index_line);
    rest.remove_suffix(kV2IndexEnd.size());
    std::size_t at = index_at + index_line.size() + 1;  // the first entity line
    lines.reserve(std::min<std::size_t>(expected, index_line.size() / 8));
    auto bad = [&] {
      return fmt::format("its index is broken after {} entries (`[\"<ref>\",<length>]`, …)",
                         lines.size());
    };
    while (!rest.empty()) {
      if (!lines.empty()) {
        if (!rest.starts_with(',')) return bad();
        rest.remove_prefix(1);
      }
      if (!rest.starts_with("[\"")) return bad();
      // The ref: a JSON string; taken as it stands unless it has escapes or non-ASCII bytes.
      // Most have neither: the closing quote is found with find(), the bytes before it checked
      // in one branch-free pass; a ref with a backslash is scanned again, escapes skipped.
      std::size_t i = rest.find('"', 2);
      bool control = false, high = false, escape = false, upper = false;
      for (std::size_t k = 2; k < std::min(i, rest.size()); ++k) {
        const auto c = static_cast<unsigned char>(rest[k]);
        control |= c < 0x20;
        high |= c >= 0x80;
        escape |= c == '\\';
        upper |= c >= 'A' && c <= 'Z';
      }
      if (escape) {
        control = false;
        for (i = 2; i < rest.size() && rest[i] != '"'; ++i) {
          control |= static_cast<unsigned char>(rest[i]) < 0x20;
          if (rest[i] == '\\') ++i;
        }
      }
      if (control)
        return fmt::format("the ref of index entry {} has a control character", lines.size() + 1);
      const bool plain = !high && !escape;
      if (i == std::string_view::npos) i = rest.size();
      if (i >= rest.size()) return bad();
      std::string_view ref = rest.substr(2, i - 2);
      if (!plain) {
        std::string decoded;
        try {
          decoded = json::parse(rest.substr(1, i)).get<std::string>();
        } catch (const std::bad_alloc&) {
          throw;
        } catch (const std::exception&) {
          return fmt::format("the ref of index entry {} is not a valid JSON string",
                             lines.size() + 1);
        }
        // What an escape stands for is judged too (`\u0041`). A control character behind an
        // escape is not refused: the writer escapes those of names it was given (an API export
        // may hold them), and its own output must open.
        for (const char c : decoded) upper |= c >= 'A' && c <= 'Z';
        ref = owned.emplace_back(std::move(decoded));
      }
      // `catalog-lint snapshot` writes refs as Backstage compares them: lower case. A ref that is
      // not would never be found, and every lookup of it would say "unknown".
      if (upper)
        return fmt::format("the ref of index entry {} is not lower case, as snapshot refs are",
                           lines.size() + 1);
      rest.remove_prefix(i + 1);
      if (!rest.starts_with(',')) return bad();
      rest.remove_prefix(1);
      std::size_t size = 0;
      const auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), size);
      if (ec != std::errc() || p == rest.data() || size == 0 || size > file_size) return bad();
      rest.remove_prefix(static_cast<std::size_t>(p - rest.data()));
      if (!rest.starts_with(']')) return bad();
      rest.remove_prefix(1);
      lines.push_back(Line{ref, at, size});
      at += size + 1;
      if (at > file_size) return "it is truncated: its index reaches past the end of the file";
    }
    if (lines.size() != expected)
      return fmt::format("its header says {} entities, its index lists {}", expected, lines.size());
    // `catalog-lint snapshot` never writes an empty one: every reference would look dangling.
    if (lines.empty()) return "it lists no entity";
    if (lines.size() > std::numeric_limits<std::uint32_t>::max()) return "too many entities";
    std::string tail;
    if (at + kClosing.size() != file_size || !read(at, kClosing.size() + 1, tail) ||
        tail != kClosing)
      return at + kClosing.size() > file_size
                 ? "it is truncated: it does not end with its closing line `]}`"
                 : "its size is not the one its index gives (the closing line `]}` is not where "
                   "the index ends)";
    order.resize(lines.size());
    for (std::uint32_t n = 0; n < order.size(); ++n) order[n] = n;
    // Written sorted; an index that is not (edited by hand) is sorted here, file order kept
    // among equal refs, so the first definition in the file is the one found.
    auto by_ref = [&](std::uint32_t a, std::uint32_t b) { return lines[a].ref < lines[b].ref; };
    if (!std::is_sorted(order.begin(), order.end(), by_ref))
      std::stable_sort(order.begin(), order.end(), by_ref);
    done.resize(lines.size());
    tried.assign(lines.size(), 0);
    return "";
  }
};

SnapshotIndex::SnapshotIndex() : impl_(std::make_unique<Impl>()) {}
SnapshotIndex::~SnapshotIndex() = default;

std::shared_ptr<SnapshotIndex> SnapshotIndex::open(std::string bytes, const std::string& name,
                                                   const Limits& limits, Summarizer summarize,
                                                   std::string& error) {
  std::shared_ptr<SnapshotIndex> out(new SnapshotIndex());
  Impl& m = *out->impl_;
  m.bytes = std::move(bytes);
  m.name = name;
  m.limits = limits;
  m.summarize = std::move(summarize);
  m.read = [&m](std::size_t offset, std::size_t n, std::string& piece) {
    piece = offset < m.bytes.size() ? m.bytes.substr(offset, n) : std::string();
    return true;
  };
  if (std::string why = m.load(m.bytes.size()); !why.empty()) {
    error = fmt::format("'{}': {}; write it again with `catalog-lint snapshot`", name, why);
    return nullptr;
  }
  return out;
}

std::shared_ptr<SnapshotIndex> SnapshotIndex::open_file(const std::string& path,
                                                        const Limits& limits, Summarizer summarize,
                                                        std::string& error, bool& other_layout) {
  other_layout = true;
  // Whatever is not a readable regular file within the limit is left to read_json_catalog,
  // which says why.
  if (link_leaves_repository(path)) return nullptr;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  const std::size_t limit =
      limits.max_file_bytes > std::numeric_limits<std::size_t>::max() / kCatalogJsonBytesScale
          ? std::numeric_limits<std::size_t>::max()
          : limits.max_file_bytes * kCatalogJsonBytesScale;
  char start[kV2Start.size()];
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<unsigned long long>(st.st_size) > limit ||
      ::pread(fd, start, sizeof start, 0) != static_cast<ssize_t>(sizeof start) ||
      !is_snapshot_v2_layout(std::string_view(start, sizeof start))) {
    ::close(fd);
    return nullptr;
  }
  other_layout = false;
  std::shared_ptr<SnapshotIndex> out(new SnapshotIndex());
  Impl& m = *out->impl_;
  m.fd = fd;
  m.name = path;
  m.limits = limits;
  m.summarize = std::move(summarize);
  m.read = [&m](std::size_t offset, std::size_t n, std::string& piece) {
    piece.resize(n);
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r =
          ::pread(m.fd, piece.data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return false;
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    piece.resize(got);
    return true;
  };
  if (std::string why = m.load(static_cast<std::size_t>(st.st_size)); !why.empty()) {
    error = fmt::format("'{}': {}; write it again with `catalog-lint snapshot`", path, why);
    return nullptr;
  }
  return out;
}

const EntitySummary* SnapshotIndex::find(std::string_view key) const {
  const Impl& m = *impl_;
  const auto it = m.lower(key);
  if (it == m.order.end() || m.lines[*it].ref != key) return nullptr;
  std::lock_guard lock(m.mutex);
  return m.get(*it);
}

std::vector<std::string> SnapshotIndex::keys(std::string_view prefix) const {
  const Impl& m = *impl_;
  std::vector<std::string> out;
  {
    std::lock_guard lock(m.mutex);
    if (!m.error.empty()) return out;
  }
  for (auto it = m.lower(prefix); it != m.order.end() && m.lines[*it].ref.starts_with(prefix); ++it)
    if (out.empty() || out.back() != m.lines[*it].ref) out.emplace_back(m.lines[*it].ref);
  return out;
}

std::vector<const EntitySummary*> SnapshotIndex::entities(std::string_view prefix) const {
  const Impl& m = *impl_;
  std::vector<std::uint32_t> lines;
  for (auto it = m.lower(prefix); it != m.order.end() && m.lines[*it].ref.starts_with(prefix); ++it)
    lines.push_back(*it);
  std::sort(lines.begin(), lines.end());
  std::vector<const EntitySummary*> out;
  std::lock_guard lock(m.mutex);
  for (std::uint32_t i : lines)
    if (const EntitySummary* e = m.get(i)) out.push_back(e);
  if (!m.error.empty()) out.clear();
  return out;
}

std::vector<const EntitySummary*> SnapshotIndex::all() const {
  return entities("");
}

std::string SnapshotIndex::error() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->error;
}

std::size_t SnapshotIndex::size() const {
  return impl_->lines.size();
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
