#include "lsp/server.h"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "core/config.h"
#include "core/discover.h"
#include "core/entity_ref.h"
#include "core/file_io.h"
#include "core/json_text.h"
#include "core/linter.h"
#include "core/loader.h"
#include "core/node.h"
#include "core/policy.h"
#include "core/registry.h"
#include "core/relations.h"
#include "core/version.h"
#include "lsp/transport.h"

namespace catalog_lint::lsp {

using json = nlohmann::json;

CLI::App* add_lsp_command(CLI::App& app, LspArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "lsp",
      "serve the Language Server Protocol on standard input and output (docs/editors.md): "
      "diagnostics, fixes, hover, definition and completion for catalog files; writes no file");
  cmd->add_flag("--stdio", args.stdio, "use standard input and output (the default and only one)");
  return cmd;
}

// ---------------------------------------------------------------------------------------------
// Conversions

json lsp_range(const TextView& t, std::size_t begin, std::size_t end) {
  const Position a = position_at(t.text, t.index, begin, t.encoding);
  const Position b = position_at(t.text, t.index, std::max(begin, end), t.encoding);
  return {{"start", {{"line", a.line}, {"character", a.character}}},
          {"end", {{"line", b.line}, {"character", b.character}}}};
}

namespace {

/// The byte offset of `p` in `t`: its offset when that lies on its line, else its line and
/// code-point column (a position made without an offset).
std::size_t offset_of(const SourcePos& p, const TextView& t) {
  if (!p.valid()) return 0;
  if (p.offset <= t.text.size() && t.index.line_of(p.offset) == p.line - 1) return p.offset;
  const std::size_t end = t.index.line_end(t.text, p.line - 1);
  const std::size_t begin = t.index.line_start(p.line - 1);
  const std::size_t units = static_cast<std::size_t>(std::max(0, p.column - 1));
  return offset_at(t.text, t.index,
                   Position{t.index.line_of(begin), static_cast<int>(std::min(units, end - begin))},
                   Encoding::utf32);
}

/// [begin, end) bytes of `d` in `t`: to its line's end when it has no end.
std::pair<std::size_t, std::size_t> byte_range(const Diagnostic& d, const TextView& t) {
  const std::size_t begin = offset_of(d.start, t);
  std::size_t end = d.end.valid() ? offset_of(d.end, t) : 0;
  if (!d.end.valid() || end < begin) end = t.index.line_end(t.text, t.index.line_of(begin));
  return {begin, std::max(begin, end)};
}

bool backstage_rejects(const std::string& rule) {
  const RuleInfo* info = Registry::instance().find(rule);
  return info != nullptr && (info->category == "backstage" || info->category == "yaml") &&
         info->default_severity == Severity::error;
}

}  // namespace

json lsp_diagnostic(const Diagnostic& d, const TextView& t,
                    const std::function<std::string(const std::string&)>& uri_of) {
  const auto [begin, end] = byte_range(d, t);
  json out = {
      {"range", lsp_range(t, begin, end)},
      {"severity", d.severity == Severity::error     ? 1
                   : d.severity == Severity::warning ? 2
                                                     : 3},
      {"code", d.rule},
      {"source", "catalog-lint"},
      {"message", d.help.empty() ? d.message : fmt::format("{}\nhelp: {}", d.message, d.help)}};
  if (!d.notes.empty()) {
    json related = json::array();
    for (const RelatedNote& n : d.notes) {
      if (n.file.empty() || !n.pos.valid()) continue;
      const int line = n.pos.line - 1;
      const int ch = std::max(0, n.pos.column_utf16 - 1);
      related.push_back({{"location",
                          {{"uri", uri_of(n.file)},
                           {"range",
                            {{"start", {{"line", line}, {"character", ch}}},
                             {"end", {{"line", line}, {"character", ch}}}}}}},
                         {"message", n.message}});
    }
    if (!related.empty()) out["relatedInformation"] = std::move(related);
  }
  return out;
}

json lsp_edits(const Fix& fix, const TextView& t) {
  json edits = json::array();
  for (const TextEdit& e : fix.edits)
    edits.push_back({{"range", lsp_range(t, e.begin, e.end)}, {"newText", e.text}});
  return edits;
}

json fix_action(const Diagnostic& d, const std::string& uri, const TextView& t,
                const json& lsp_diag) {
  if (!d.fix || d.fix->edits.empty()) return nullptr;
  const bool safe = d.fix->safety == FixSafety::safe;
  return {{"title", safe ? d.fix->description : d.fix->description + " (unsafe)"},
          {"kind", "quickfix"},
          {"diagnostics", json::array({lsp_diag})},
          {"isPreferred", safe},
          {"edit", {{"changes", {{uri, lsp_edits(*d.fix, t)}}}}}};
}

json suppress_action(const Diagnostic& d, const std::string& uri, const TextView& t,
                     const json& lsp_diag) {
  if (!d.start.valid() || backstage_rejects(d.rule)) return nullptr;
  const std::size_t at = offset_of(d.start, t);
  const int line = t.index.line_of(at);
  const std::size_t begin = t.index.line_start(line);
  const std::string_view text = t.text.substr(begin, t.index.line_end(t.text, line) - begin);
  std::size_t indent = 0;
  while (indent < text.size() && (text[indent] == ' ' || text[indent] == '\t')) ++indent;
  // A list item's comment goes at the dash's column, which is where the line's text starts.
  // The line break follows the document's (CRLF when its first line ends so).
  const std::size_t first_eol = t.text.find('\n');
  const std::string eol =
      first_eol != std::string_view::npos && first_eol > 0 && t.text[first_eol - 1] == '\r' ? "\r\n"
                                                                                            : "\n";
  const std::string comment =
      fmt::format("{}# catalog-lint-disable-next-line {} -- reason: say why this is accepted{}",
                  text.substr(0, indent), d.rule, eol);
  const json edit = {{"range", lsp_range(t, begin, begin)}, {"newText", comment}};
  return {{"title", fmt::format("suppress '{}' on this line (with a reason)", d.rule)},
          {"kind", "quickfix"},
          {"diagnostics", json::array({lsp_diag})},
          {"edit", {{"changes", {{uri, json::array({edit})}}}}}};
}

json safe_fix_edits(const std::vector<Diagnostic>& diagnostics, const TextView& t) {
  std::vector<const TextEdit*> edits;
  std::vector<std::pair<std::size_t, std::size_t>> taken;  // fix spans already chosen
  std::vector<const Fix*> fixes;
  for (const Diagnostic& d : diagnostics)
    if (d.fix && d.fix->safety == FixSafety::safe && !d.fix->edits.empty())
      fixes.push_back(&*d.fix);
  std::stable_sort(fixes.begin(), fixes.end(), [](const Fix* a, const Fix* b) {
    return a->edits.front().begin < b->edits.front().begin;
  });
  for (const Fix* f : fixes) {
    bool overlaps = false;
    for (const TextEdit& e : f->edits)
      for (const auto& [b, en] : taken)
        if (e.begin < en && b < e.end)
          overlaps = true;
        else if (e.begin == e.end && b == en && e.begin == b)
          overlaps = true;
    if (overlaps) continue;
    for (const TextEdit& e : f->edits) {
      taken.emplace_back(e.begin, e.end);
      edits.push_back(&e);
    }
  }
  std::stable_sort(edits.begin(), edits.end(),
                   [](const TextEdit* a, const TextEdit* b) { return a->begin < b->begin; });
  json out = json::array();
  for (const TextEdit* e : edits)
    out.push_back({{"range", lsp_range(t, e->begin, e->end)}, {"newText", e->text}});
  return out;
}

// ---------------------------------------------------------------------------------------------
// The server

namespace {

/// JSON-RPC 2.0 error codes (JSON-RPC 2.0 §5.1) and LSP's own (LSP 3.17 "ErrorCodes").
enum ErrorCode {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kRequestCancelled = -32800,
};

/// Thrown by a handler: answered as a JSON-RPC error.
struct RpcError {
  int code;
  std::string message;
};

/// One message read by the reader thread: a frame, and its JSON when it parsed.
struct Incoming {
  Frame frame;
  json message;
  std::string parse_error;
};

/// The reader thread's queue to the main loop.
struct Inbox {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Incoming> items;
  std::set<std::string> cancelled;  ///< ids (dumped JSON) of requests the client cancelled

  void push(Incoming in) {
    {
      std::lock_guard lock(mutex);
      items.push_back(std::move(in));
    }
    ready.notify_one();
  }
  /// The next message; waits for one when `wait`, else std::nullopt when none is queued.
  std::optional<Incoming> pop(bool wait) {
    std::unique_lock lock(mutex);
    if (wait) ready.wait(lock, [&] { return !items.empty(); });
    if (items.empty()) return std::nullopt;
    Incoming in = std::move(items.front());
    items.pop_front();
    return in;
  }
  bool take_cancelled(const json& id) {
    std::lock_guard lock(mutex);
    return cancelled.erase(id.dump()) > 0;
  }
};

/// An open text document.
struct Document {
  std::string uri;
  std::string path;  ///< the file as linted: relative to the working directory when under it
  std::string text;
  int version = 0;
  std::unique_ptr<LineIndex> index;
  bool catalog = false;                 ///< a catalog file (by name or content): linted
  bool dirty = true;                    ///< the per-file phase must run again
  std::optional<FileResult> result;     ///< the per-file phase of `text`
  std::vector<Diagnostic> diagnostics;  ///< the findings last published for it
  TextView view(Encoding e) const { return TextView{text, *index, e}; }
};

/// An entity the server can point at: its summary and where it comes from.
struct KnownEntity {
  const EntitySummary* summary = nullptr;
};

const json& member(const json& params, std::string_view key) {
  static const json null;
  if (!params.is_object()) return null;
  const auto it = params.find(key);
  return it == params.end() ? null : *it;
}

const std::string& string_param(const json& params, std::string_view key) {
  const json& v = member(params, key);
  if (!v.is_string()) throw RpcError{kInvalidParams, fmt::format("'{}' must be a string", key)};
  return v.get_ref<const std::string&>();
}

const json& object_param(const json& params, std::string_view key) {
  const json& v = member(params, key);
  if (!v.is_object()) throw RpcError{kInvalidParams, fmt::format("'{}' must be an object", key)};
  return v;
}

int int_param(const json& params, std::string_view key) {
  const json& v = member(params, key);
  if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > (1LL << 31) - 1)
    throw RpcError{kInvalidParams, fmt::format("'{}' must be a non-negative integer", key)};
  return v.get<int>();
}

Position position_param(const json& params, std::string_view key = "position") {
  const json& p = object_param(params, key);
  return Position{int_param(p, "line"), int_param(p, "character")};
}

bool is_yaml_name(std::string_view name) {
  return name.ends_with(".yaml") || name.ends_with(".yml");
}

class Server {
 public:
  Server(FrameWriter& out, std::shared_ptr<Inbox> inbox) : out_(out), inbox_(std::move(inbox)) {
    reset_options();
  }

  /// Handles one incoming frame; the exit code when the session ends.
  std::optional<int> handle(const Incoming& in);
  /// Lints the documents whose text changed and publishes what changed.
  void lint_pending();
  bool pending() const { return pending_; }
  /// Sends `message` to the client's log as an error.
  void log_error(const std::string& message) { log(message, 1); }
  bool shut_down() const { return shutdown_; }

 private:
  void reply(const json& id, json result) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  }
  void reply_error(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  void log(const std::string& message, int type = 3) {
    notify("window/logMessage", {{"type", type}, {"message", message}});
  }
  void send(const json& message) {
    out_.write(message.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  std::optional<int> dispatch(const json& msg);
  json request(const std::string& method, const json& params);
  void notification(const std::string& method, const json& params);

  json initialize(const json& params);
  void did_open(const json& params);
  void did_change(const json& params);
  void did_close(const json& params);
  void did_save(const json& params);
  void watched_files(const json& params);
  json code_action(const json& params);
  json hover(const json& params);
  json definition(const json& params);
  json completion(const json& params);

  void reset_options();
  Document& document(const json& params);
  std::string path_for(const std::string& local) const;
  std::string uri_for(const std::string& file) const;
  void classify(Document& doc);
  void workspace_changed(const std::string& local);
  void build_workspace();
  std::map<std::string, const EntitySummary*> known_entities();
  /// The relation value of `doc` at byte `offset`: the field and its parsed target ref.
  std::optional<std::pair<const SummaryField*, std::string>> reference_at(const Document& doc,
                                                                          std::size_t offset);
  std::string file_text(const std::string& file);

  FrameWriter& out_;
  std::shared_ptr<Inbox> inbox_;
  Encoding encoding_ = Encoding::utf16;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool pending_ = false;
  LintOptions options_;
  std::string root_;  ///< the working directory (the workspace root after initialize)
  std::map<std::string, Document> docs_;  ///< by URI
  std::set<std::string> foreign_;         ///< URIs of unopened files given diagnostics last time
  // The workspace index for definition, hover and completion: the per-file phase of every catalog
  // file of the workspace and the org catalog, built on first use, dropped when a file changes.
  bool workspace_built_ = false;
  std::vector<FileResult> workspace_;
};

void Server::reset_options() {
  LintOptions o;
  o.jobs = 1;
  // A skeleton open in the editor is what the command line makes of it: skipped, or linted in
  // skeleton mode where its config says `skeletons: lint` (docs/skeletons.md).
  o.detect_skeletons = true;
  o.resolver = std::make_shared<ConfigResolver>(o.config, nullptr, false, ConfigLoadOptions{});
  options_ = std::move(o);
  for (auto& [uri, doc] : docs_) doc.dirty = true, doc.result.reset();
  workspace_built_ = false;
  workspace_.clear();
  pending_ = true;
}

std::optional<int> Server::handle(const Incoming& in) {
  switch (in.frame.kind) {
    case Frame::Kind::end:
      return shutdown_ ? 0 : 1;
    case Frame::Kind::bad_header:
      reply_error(nullptr, kParseError, "bad message framing: " + in.frame.error);
      return std::nullopt;
    case Frame::Kind::too_large:
      reply_error(nullptr, kInvalidRequest, "message refused: " + in.frame.error);
      return std::nullopt;
    case Frame::Kind::message:
      break;
  }
  if (!in.parse_error.empty()) {
    reply_error(nullptr, kParseError, "the message is not JSON: " + in.parse_error);
    return std::nullopt;
  }
  return dispatch(in.message);
}

std::optional<int> Server::dispatch(const json& msg) {
  if (!msg.is_object()) {
    reply_error(nullptr, kInvalidRequest,
                msg.is_array() ? "batches are not supported: send one message at a time"
                               : "a message must be a JSON object");
    return std::nullopt;
  }
  const auto id_it = msg.find("id");
  const bool has_id = id_it != msg.end();
  json id = has_id ? *id_it : json(nullptr);
  if (has_id && !id.is_string() && !id.is_number_integer()) {
    reply_error(nullptr, kInvalidRequest, "'id' must be an integer or a string");
    return std::nullopt;
  }
  const auto version = msg.find("jsonrpc");
  if (version == msg.end() || *version != "2.0") {
    reply_error(id, kInvalidRequest, "'jsonrpc' must be \"2.0\"");
    return std::nullopt;
  }
  const auto method_it = msg.find("method");
  if (method_it == msg.end()) {
    if (has_id && (msg.contains("result") || msg.contains("error"))) return std::nullopt;
    reply_error(id, kInvalidRequest, "the message has no 'method'");
    return std::nullopt;
  }
  if (!method_it->is_string()) {
    reply_error(id, kInvalidRequest, "'method' must be a string");
    return std::nullopt;
  }
  const std::string& method = method_it->get_ref<const std::string&>();
  const json params = msg.contains("params") ? msg["params"] : json(nullptr);
  if (!params.is_null() && !params.is_object() && !params.is_array()) {
    reply_error(id, kInvalidRequest, "'params' must be an object or an array");
    return std::nullopt;
  }
  if (!has_id) {  // a notification: never answered, errors go to the log
    if (method == "exit") return shutdown_ ? 0 : 1;
    if (!initialized_ || shutdown_) return std::nullopt;
    try {
      notification(method, params);
    } catch (const RpcError& e) {
      log(fmt::format("{}: {}", method, e.message), 1);
    } catch (const std::exception& e) {
      log(fmt::format("{}: internal error: {}", method, e.what()), 1);
    }
    return std::nullopt;
  }
  if (inbox_->take_cancelled(id)) {
    reply_error(id, kRequestCancelled, "the request was cancelled");
    return std::nullopt;
  }
  if (!initialized_ && method != "initialize") {
    reply_error(id, kServerNotInitialized, "the server is not initialized yet");
    return std::nullopt;
  }
  if (shutdown_) {
    reply_error(id, kInvalidRequest, "the server is shut down; only 'exit' is accepted");
    return std::nullopt;
  }
  try {
    reply(id, request(method, params));
  } catch (const RpcError& e) {
    reply_error(id, e.code, e.message);
  } catch (const json::exception& e) {
    reply_error(id, kInvalidParams, fmt::format("invalid params: {}", e.what()));
  } catch (const std::exception& e) {
    reply_error(id, kInternalError, fmt::format("internal error: {}", e.what()));
  }
  return std::nullopt;
}

json Server::request(const std::string& method, const json& params) {
  if (method == "initialize") {
    if (initialized_) throw RpcError{kInvalidRequest, "the server is already initialized"};
    return initialize(params);
  }
  if (method == "shutdown") {
    shutdown_ = true;
    return nullptr;
  }
  if (method == "textDocument/codeAction") return code_action(params);
  if (method == "textDocument/hover") return hover(params);
  if (method == "textDocument/definition") return definition(params);
  if (method == "textDocument/completion") return completion(params);
  throw RpcError{kMethodNotFound, fmt::format("unknown method '{}'", method)};
}

void Server::notification(const std::string& method, const json& params) {
  if (method == "textDocument/didOpen") return did_open(params);
  if (method == "textDocument/didChange") return did_change(params);
  if (method == "textDocument/didClose") return did_close(params);
  if (method == "textDocument/didSave") return did_save(params);
  if (method == "workspace/didChangeWatchedFiles") return watched_files(params);
  // `initialized`, `$/cancelRequest` (seen by the reader), `$/…` and anything else: nothing to do
}

json Server::initialize(const json& params) {
  if (!params.is_object()) throw RpcError{kInvalidParams, "'params' must be an object"};
  // positionEncoding (LSP 3.17): UTF-16 unless the client offers UTF-8 or UTF-32, in its order.
  encoding_ = Encoding::utf16;
  const json& general = member(member(params, "capabilities"), "general");
  const json& offered = member(general, "positionEncodings");
  if (offered.is_array())
    for (const json& e : offered) {
      if (e == "utf-16") break;
      if (e == "utf-8") {
        encoding_ = Encoding::utf8;
        break;
      }
      if (e == "utf-32") {
        encoding_ = Encoding::utf32;
        break;
      }
    }
  // The workspace root becomes the working directory: configs, the repository and relative
  // paths are then what a `catalog-lint` run there sees.
  std::optional<std::string> root;
  const json& folders = member(params, "workspaceFolders");
  if (folders.is_array() && !folders.empty() && member(folders[0], "uri").is_string())
    root = path_of_uri(folders[0]["uri"].get<std::string>());
  if (!root && member(params, "rootUri").is_string())
    root = path_of_uri(params["rootUri"].get<std::string>());
  if (!root && member(params, "rootPath").is_string()) root = params["rootPath"].get<std::string>();
  std::error_code ec;
  if (root && std::filesystem::is_directory(*root, ec) && ::chdir(root->c_str()) != 0)
    log(fmt::format("cannot change to the workspace folder '{}'", *root), 2);
  root_ = std::filesystem::current_path(ec).string();
  reset_options();
  initialized_ = true;
  const json sync = {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}};
  return {{"capabilities",
           {{"positionEncoding", to_string(encoding_)},
            {"textDocumentSync", sync},
            {"codeActionProvider",
             {{"codeActionKinds", json::array({"quickfix", "source.fixAll.catalog-lint"})}}},
            {"hoverProvider", true},
            {"definitionProvider", true},
            {"completionProvider", {{"triggerCharacters", json::array({":", " ", "/"})}}}}},
          {"serverInfo", {{"name", "catalog-lint"}, {"version", std::string(kVersion)}}}};
}

std::string Server::path_for(const std::string& local) const {
  const std::filesystem::path p = std::filesystem::path(local).lexically_normal();
  const std::filesystem::path rel = p.lexically_relative(root_);
  if (!rel.empty() && *rel.begin() != ".." && rel.is_relative()) return rel.string();
  return p.string();
}

std::string Server::uri_for(const std::string& file) const {
  std::filesystem::path p(file);
  if (p.is_relative()) p = std::filesystem::path(root_) / p;
  return uri_of_path(p.lexically_normal().string());
}

void Server::classify(Document& doc) {
  const std::string name = std::filesystem::path(doc.path).filename().string();
  bool catalog = false;
  if (is_entity_file_name(name))
    catalog = true;
  else if (is_catalog_file_name(name))
    catalog = sniff_backstage(doc.text) || sniff_backstage_kind(doc.text);
  else if (is_yaml_name(name) && name != kConfigFileName)
    catalog = sniff_backstage(doc.text);
  // A scaffolder skeleton is not an entity file (discovery leaves it out too).
  if (catalog && !is_entity_file_name(name) && sniff_skeleton(doc.text)) catalog = false;
  doc.catalog = catalog;
}

Document& Server::document(const json& params) {
  const std::string& uri = string_param(object_param(params, "textDocument"), "uri");
  const auto it = docs_.find(uri);
  if (it == docs_.end())
    throw RpcError{kInvalidParams, fmt::format("document '{}' is not open", uri)};
  return it->second;
}

void Server::did_open(const json& params) {
  const json& td = object_param(params, "textDocument");
  const std::string& uri = string_param(td, "uri");
  const std::string& text = string_param(td, "text");
  const json& version = member(td, "version");
  Document doc;
  doc.uri = uri;
  const std::optional<std::string> local = path_of_uri(uri);
  doc.path = local ? path_for(*local) : "";
  doc.text = text;
  doc.version = version.is_number_integer() ? version.get<int>() : 0;
  doc.index = std::make_unique<LineIndex>(doc.text);
  if (local) classify(doc);
  docs_[uri] = std::move(doc);
  pending_ = true;
}

void Server::did_change(const json& params) {
  Document& doc = document(params);
  const int version = int_param(object_param(params, "textDocument"), "version");
  if (version <= doc.version) {  // out of order or repeated: the newer text stays
    log(fmt::format("ignored change {} of '{}': version {} is already applied", version, doc.uri,
                    doc.version),
        2);
    return;
  }
  const json& changes = member(params, "contentChanges");
  if (!changes.is_array()) throw RpcError{kInvalidParams, "'contentChanges' must be an array"};
  std::string text = doc.text;
  for (const json& c : changes) {
    const std::string& replacement = string_param(c, "text");
    if (!member(c, "range").is_object()) {
      text = replacement;
      continue;
    }
    const json& range = c["range"];
    const LineIndex index(text);
    std::size_t a = offset_at(text, index, position_param(range, "start"), encoding_);
    std::size_t b = offset_at(text, index, position_param(range, "end"), encoding_);
    if (b < a) std::swap(a, b);
    text.replace(a, b - a, replacement);
  }
  doc.text = std::move(text);
  doc.version = version;
  doc.index = std::make_unique<LineIndex>(doc.text);
  if (!doc.path.empty()) classify(doc);
  doc.dirty = true;
  pending_ = true;
}

void Server::did_close(const json& params) {
  Document& doc = document(params);
  const std::string uri = doc.uri;
  const bool had = !doc.diagnostics.empty();
  docs_.erase(uri);
  if (had)
    notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
  pending_ = true;  // its entities are gone from the other documents' catalog phase
}

void Server::workspace_changed(const std::string& local) {
  const std::string name = std::filesystem::path(local).filename().string();
  if (name == kConfigFileName) {
    log(fmt::format("'{}' changed: configurations are read again", path_for(local)));
    reset_options();  // every document is linted again with the new configurations
    return;
  }
  // A Group, Template or any other entity file: the index of the workspace and the org is read
  // again, and every open document's catalog phase runs again (its references, owners and
  // golden paths are judged against the new file).
  workspace_built_ = false;
  workspace_.clear();
  pending_ = true;
}

void Server::did_save(const json& params) {
  const std::string& uri = string_param(object_param(params, "textDocument"), "uri");
  if (const auto local = path_of_uri(uri)) workspace_changed(*local);
}

void Server::watched_files(const json& params) {
  const json& changes = member(params, "changes");
  if (!changes.is_array()) throw RpcError{kInvalidParams, "'changes' must be an array"};
  for (const json& c : changes)
    if (const auto local = path_of_uri(string_param(c, "uri"))) workspace_changed(*local);
}

void Server::lint_pending() {
  pending_ = false;
  std::vector<FileResult> results;
  try {
    for (auto& [uri, doc] : docs_) {
      if (!doc.catalog) {
        doc.result.reset();
        continue;
      }
      if (doc.dirty || !doc.result) doc.result = lint_bytes(doc.path, doc.text, options_);
      doc.dirty = false;
      results.push_back(*doc.result);
    }
  } catch (const ConfigError& e) {
    log(e.format(), 1);
    return;
  }
  LintResult result;
  if (!results.empty()) {
    try {
      result = finish(std::move(results), options_);
    } catch (const ConfigError& e) {
      log(e.format(), 1);
      return;
    }
  }
  std::map<std::string, std::vector<Diagnostic>> by_uri;
  for (Diagnostic& d : result.diagnostics)
    if (!d.suppressed && !d.file.empty()) by_uri[uri_for(d.file)].push_back(std::move(d));
  for (auto& [uri, doc] : docs_) {
    auto it = by_uri.find(uri);
    std::vector<Diagnostic> mine;
    if (it != by_uri.end()) mine = std::move(it->second), by_uri.erase(it);
    json list = json::array();
    const TextView view = doc.view(encoding_);
    for (const Diagnostic& d : mine)
      list.push_back(lsp_diagnostic(d, view, [&](const std::string& f) { return uri_for(f); }));
    doc.diagnostics = std::move(mine);
    notify("textDocument/publishDiagnostics",
           {{"uri", uri}, {"version", doc.version}, {"diagnostics", std::move(list)}});
  }
  // Findings in files that are not open (an invalid .catalog-lint.yaml, an unreadable catalog
  // source): published on their own URIs, positions from the file on disk.
  std::set<std::string> foreign;
  for (auto& [uri, list] : by_uri) {
    const std::string file = list.front().file;
    const std::string text = file_text(file);
    const LineIndex index(text);
    const TextView view{text, index, encoding_};
    json out = json::array();
    for (const Diagnostic& d : list)
      out.push_back(lsp_diagnostic(d, view, [&](const std::string& f) { return uri_for(f); }));
    notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", std::move(out)}});
    foreign.insert(uri);
  }
  for (const std::string& uri : foreign_)
    if (!foreign.count(uri) && !docs_.count(uri))
      notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
  foreign_ = std::move(foreign);
}

std::string Server::file_text(const std::string& file) {
  for (const auto& [uri, doc] : docs_)
    if (doc.path == file) return doc.text;
  FileBytes in = read_regular_file(file, options_.limits.max_file_bytes);
  return in.error.empty() && !in.too_big ? std::move(in.bytes) : std::string();
}

json Server::code_action(const json& params) {
  if (pending_) lint_pending();
  Document& doc = document(params);
  const json& range = object_param(params, "range");
  const TextView view = doc.view(encoding_);
  std::size_t a = offset_at(doc.text, *doc.index, position_param(range, "start"), encoding_);
  std::size_t b = offset_at(doc.text, *doc.index, position_param(range, "end"), encoding_);
  if (b < a) std::swap(a, b);
  std::vector<std::string> only;
  const json& only_json = member(member(params, "context"), "only");
  if (only_json.is_array())
    for (const json& k : only_json)
      if (k.is_string()) only.push_back(k.get<std::string>());
  auto wanted = [&](std::string_view kind) {
    if (only.empty()) return true;
    for (const std::string& k : only)
      if (kind == k || (kind.starts_with(k) && kind[k.size()] == '.')) return true;
    return false;
  };
  json actions = json::array();
  const auto uri_of = [&](const std::string& f) { return uri_for(f); };
  if (wanted("quickfix")) {
    for (const Diagnostic& d : doc.diagnostics) {
      const auto [begin, end] = byte_range(d, view);
      if (end < a || begin > b) continue;  // ranges that touch the request count
      const json diag = lsp_diagnostic(d, view, uri_of);
      if (json fix = fix_action(d, doc.uri, view, diag); !fix.is_null())
        actions.push_back(std::move(fix));
    }
    for (const Diagnostic& d : doc.diagnostics) {
      const auto [begin, end] = byte_range(d, view);
      if (end < a || begin > b) continue;
      const json diag = lsp_diagnostic(d, view, uri_of);
      if (json s = suppress_action(d, doc.uri, view, diag); !s.is_null())
        actions.push_back(std::move(s));
    }
  }
  if (wanted("source.fixAll.catalog-lint")) {
    json edits = safe_fix_edits(doc.diagnostics, view);
    if (!edits.empty())
      actions.push_back({{"title", "fix all safe catalog-lint findings"},
                         {"kind", "source.fixAll.catalog-lint"},
                         {"edit", {{"changes", {{doc.uri, std::move(edits)}}}}}});
  }
  return actions;
}

void Server::build_workspace() {
  if (workspace_built_) return;
  workspace_built_ = true;
  workspace_.clear();
  std::vector<std::string> paths = {"."};
  for (const std::string& s : options_.resolver->catalog_sources()) paths.push_back(s);
  std::set<std::string> open, seen;
  for (const auto& [uri, doc] : docs_) open.insert(doc.path);
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) continue;
    for (const std::string& f : discover({p}).files) {
      if (!is_yaml_name(f)) continue;  // JSON snapshots have no lines to go to
      const std::string key = path_for(std::filesystem::absolute(f, ec).string());
      if (open.count(key) || !seen.insert(key).second) continue;
      files.push_back(key);
    }
  }
  try {
    workspace_ = lint_parallel(files, options_);
  } catch (const ConfigError& e) {
    log(e.format(), 1);
  }
}

std::map<std::string, const EntitySummary*> Server::known_entities() {
  build_workspace();
  std::map<std::string, const EntitySummary*> out;
  for (const auto& [uri, doc] : docs_)  // open documents first: their unsaved text wins
    if (doc.result)
      for (const EntitySummary& e : doc.result->entities)
        if (!e.ref.empty()) out.emplace(e.ref, &e);
  for (const FileResult& r : workspace_)
    for (const EntitySummary& e : r.entities)
      if (!e.ref.empty()) out.emplace(e.ref, &e);
  return out;
}

std::optional<std::pair<const SummaryField*, std::string>> Server::reference_at(
    const Document& doc, std::size_t offset) {
  if (!doc.result) return std::nullopt;
  std::optional<std::pair<const SummaryField*, std::string>> found;
  for (const EntitySummary& e : doc.result->entities)
    for_each_relation(e, [&](const SummaryField& f, const RelationField&, const EntityRef& ref) {
      const std::size_t begin = f.pos.offset;
      const std::size_t end =
          f.end.valid() && f.end.offset >= begin ? f.end.offset : begin + f.value.size();
      if (offset >= begin && offset <= end) found = std::make_pair(&f, ref.key());
    });
  return found;
}

json Server::hover(const json& params) {
  if (pending_) lint_pending();
  Document& doc = document(params);
  const std::size_t at = offset_at(doc.text, *doc.index, position_param(params), encoding_);
  const TextView view = doc.view(encoding_);
  // A finding under the cursor: its rule's documentation.
  for (const Diagnostic& d : doc.diagnostics) {
    const auto [begin, end] = byte_range(d, view);
    if (at < begin || at > end) continue;
    const RuleInfo* r = Registry::instance().find(d.rule);
    if (r == nullptr) continue;
    return {
        {"contents",
         {{"kind", "markdown"},
          {"value", fmt::format("**{}** ({}, default severity {})\n\n{}\n\n{}", r->id, r->category,
                                to_string(r->default_severity), r->summary, r->doc)}}},
        {"range", lsp_range(view, begin, end)}};
  }
  const auto ref = reference_at(doc, at);
  if (!ref) return nullptr;
  const auto known = known_entities();
  const SummaryField& f = *ref->first;
  const std::size_t end =
      f.end.valid() && f.end.offset >= f.pos.offset ? f.end.offset : f.pos.offset + f.value.size();
  const auto it = known.find(ref->second);
  std::string text;
  if (it == known.end()) {
    text = fmt::format("`{}`: not found in the workspace or the org catalog", ref->second);
  } else {
    const EntitySummary& e = *it->second;
    const SummaryField* owner = e.field("/spec/owner");
    std::string description;
    const std::string bytes = file_text(e.file);
    if (!bytes.empty()) {
      const LoadedFile loaded = load_yaml(bytes, options_.limits);
      for (const LoadedDocument& d : loaded.documents)
        if (d.index == e.document && d.root != nullptr)
          if (const Node* m = d.root->get("metadata"))
            if (const Node* desc = m->get("description")) description = desc->str();
    }
    text = fmt::format("**{}** `{}`", e.kind, e.ref);
    if (!e.type.empty()) text += fmt::format("\n\ntype: `{}`", e.type);
    if (owner != nullptr) text += fmt::format("\n\nowner: `{}`", owner->value);
    if (!description.empty()) text += fmt::format("\n\n{}", description);
    text += fmt::format("\n\ndefined in `{}` line {}", e.file, e.name_pos.line);
  }
  return {{"contents", {{"kind", "markdown"}, {"value", text}}},
          {"range", lsp_range(view, f.pos.offset, end)}};
}

json Server::definition(const json& params) {
  if (pending_) lint_pending();
  Document& doc = document(params);
  const std::size_t at = offset_at(doc.text, *doc.index, position_param(params), encoding_);
  const auto ref = reference_at(doc, at);
  if (!ref) return nullptr;
  const auto known = known_entities();
  const auto it = known.find(ref->second);
  if (it == known.end()) return nullptr;
  const EntitySummary& e = *it->second;
  const std::string text = file_text(e.file);
  const LineIndex index(text);
  const TextView view{text, index, encoding_};
  Diagnostic at_name;  // for its positions only
  at_name.start = e.name_pos;
  at_name.end = e.name_end;
  const auto [begin, end] = byte_range(at_name, view);
  return {{"uri", uri_for(e.file)}, {"range", lsp_range(view, begin, end)}};
}

json Server::completion(const json& params) {
  if (pending_) lint_pending();
  Document& doc = document(params);
  const Position pos = position_param(params);
  const std::size_t at = offset_at(doc.text, *doc.index, pos, encoding_);
  const int line = doc.index->line_of(at);
  const std::size_t line_begin = doc.index->line_start(line);
  const std::string_view before = std::string_view(doc.text).substr(line_begin, at - line_begin);
  auto indent_of = [](std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    return i;
  };
  // The key of the nearest line above with less indentation (the mapping this line is in).
  auto parent_key = [&](std::size_t indent) -> std::string {
    for (int l = line - 1; l >= 0; --l) {
      const std::size_t b = doc.index->line_start(l);
      const std::string_view s =
          std::string_view(doc.text).substr(b, doc.index->line_end(doc.text, l) - b);
      const std::size_t i = indent_of(s);
      if (i == s.size() || s[i] == '#') continue;
      if (i < indent) {
        std::string_view k = s.substr(i);
        if (k.starts_with("- ")) k.remove_prefix(2);
        const std::size_t colon = k.find(':');
        return colon == std::string_view::npos ? "" : std::string(k.substr(0, colon));
      }
    }
    return "";
  };
  const std::size_t indent = indent_of(before);
  std::string_view rest = before.substr(indent);
  std::string field;
  std::size_t value_begin = at;
  bool list_item = false;
  if (rest.starts_with("- ")) {
    list_item = true;
    rest.remove_prefix(2);
    while (rest.starts_with(" ")) rest.remove_prefix(1);
  }
  const std::size_t colon = rest.find(": ");
  if (colon != std::string_view::npos) {
    field = std::string(rest.substr(0, colon));
    std::string_view v = rest.substr(colon + 2);
    while (v.starts_with(" ")) v.remove_prefix(1);
    value_begin = at - v.size();
  } else if (list_item) {
    field = parent_key(indent + 1) + "[]";
    value_begin = at - rest.size();
  } else if (rest.find(':') == std::string_view::npos) {
    field = parent_key(indent) + "{}";  // a key being typed in this mapping
    value_begin = at - rest.size();
  }
  std::set<std::string> labels;
  std::string detail;
  const auto known = known_entities();
  const Policy& policy = options_.resolver->for_file(doc.path.empty() ? "." : doc.path).policy();
  auto short_ref = [](const EntitySummary& e, std::string_view default_kind) {
    const std::string kind = to_lower(e.kind);
    std::string s = kind == default_kind ? "" : kind + ":";
    if (e.ns != "default") s += e.ns + "/";
    return s + e.name;
  };
  if (field == "owner") {
    detail = "owner";
    for (const auto& [key, e] : known) {
      const std::string kind = to_lower(e->kind);
      if (kind == "group" || kind == "user") labels.insert(short_ref(*e, "group"));
    }
    for (const std::string& o : policy.known_owners)
      if (const auto p = parse_entity_ref(o, "group", "default"); p.ref)
        labels.insert(to_lower(p.ref->kind) == "group" && p.ref->ns == "default" ? p.ref->name
                                                                                 : p.ref->key());
  } else if (field == "system" || field == "domain") {
    detail = field;
    for (const auto& [key, e] : known)
      if (to_lower(e->kind) == field) labels.insert(short_ref(*e, field));
  } else if (field == "tags[]") {
    detail = "golden path";
    for (const std::string& g : policy.golden_paths) labels.insert("golden-path:" + g);
    for (const auto& [key, e] : known)
      if (to_lower(e->kind) == "template")
        for (const SummaryField* t : e->tags())
          if (t->value == "golden-path") labels.insert("golden-path:" + e->name);
  } else if (field == "annotations{}") {
    detail = "annotation";
    for (const char* name :
         {"escape-hatch", "escape-hatch-approval", "escape-hatch-approved-by",
          "escape-hatch-expires", "escape-hatch-monitoring", "sunset-date", "deprecated-on"})
      labels.insert(policy.annotation(name));
    for (const auto& rule : policy.declarative_rules)
      if (rule->target == DeclarativeRule::Target::annotation)
        for (const std::string& k : rule->keys) labels.insert(k);
    for (const char* k : {"backstage.io/techdocs-ref", "backstage.io/source-location",
                          "backstage.io/source-template", "github.com/project-slug"})
      labels.insert(k);
    for (const auto& [key, e] : known)
      for (const SummaryField& f : e->fields)
        if (f.item < 0 && f.base.starts_with("/metadata/annotations/")) {
          std::string k(f.base.substr(22));
          for (std::size_t i; (i = k.find("~1")) != std::string::npos;) k.replace(i, 2, "/");
          for (std::size_t i; (i = k.find("~0")) != std::string::npos;) k.replace(i, 2, "~");
          labels.insert(k);
        }
  }
  json items = json::array();
  const TextView view = doc.view(encoding_);
  const json range = lsp_range(view, value_begin, at);
  for (const std::string& l : labels) {
    const std::string text = field == "annotations{}" ? l + ": " : l;
    items.push_back({{"label", l},
                     {"kind", field == "annotations{}" ? 10 : 18},  // Property, Reference
                     {"detail", detail},
                     {"filterText", l},
                     {"textEdit", {{"range", range}, {"newText", text}}}});
  }
  return {{"isIncomplete", false}, {"items", std::move(items)}};
}

}  // namespace

/// LSP messages nest a few levels (params, a range, its positions): deeper is refused before
/// parsing (a tree parser recurses per level and can overflow the reader thread's stack).
constexpr int kMaxMessageDepth = 64;

int run_lsp(const LspArgs& /*args*/) {
  auto inbox = std::make_shared<Inbox>();
  // The reader thread frames and parses messages, and notes cancellations at once (a request
  // still queued behind a long lint is then answered "cancelled" instead of being run).
  std::thread([inbox] {
    FrameReader reader(STDIN_FILENO);
    while (true) {
      Incoming in;
      in.frame = reader.next();
      if (in.frame.kind == Frame::Kind::message) {
        try {
          if (json_nesting_exceeds(in.frame.body, kMaxMessageDepth))
            throw std::length_error(
                fmt::format("it nests deeper than {} levels", kMaxMessageDepth));
          in.message = json::parse(in.frame.body);
          if (in.message.is_object() && in.message.value("method", json()) == "$/cancelRequest") {
            const json& id = member(member(in.message, "params"), "id");
            if (id.is_string() || id.is_number_integer()) {
              std::lock_guard lock(inbox->mutex);
              inbox->cancelled.insert(id.dump());
            }
          }
        } catch (const std::exception& e) {  // json::exception, or the nesting
          in.parse_error = e.what();
        }
        in.frame.body.clear();
        in.frame.body.shrink_to_fit();
      }
      const bool end = in.frame.kind == Frame::Kind::end;
      inbox->push(std::move(in));
      if (end) return;
    }
  }).detach();
  FrameWriter out(STDOUT_FILENO);
  Server server(out, inbox);
  while (true) {
    // Lint only when no message is waiting: a burst of changes is linted once, at its last
    // version (superseded versions are never linted).
    std::optional<Incoming> in = inbox->pop(!server.pending());
    if (!in) {
      try {
        server.lint_pending();
      } catch (const std::exception& e) {  // out of memory: the session goes on without them
        server.log_error(fmt::format("the documents could not be linted: {}", e.what()));
      }
      continue;
    }
    if (const auto code = server.handle(*in)) return *code;
  }
}

}  // namespace catalog_lint::lsp
