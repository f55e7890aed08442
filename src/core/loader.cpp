#include "core/loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdlib>
#include <istream>
#include <limits>
#include <optional>
#include <streambuf>
#include <unordered_map>

#include <fmt/format.h>

namespace catalog_lint {
namespace {

// A read-only streambuf over existing memory: yaml-cpp wants an istream, we don't want a copy.
class MemoryBuf : public std::streambuf {
 public:
  MemoryBuf(const char* data, std::size_t size) {
    char* p = const_cast<char*>(data);
    setg(p, p, p + size);
  }
};

// Document index of a diagnostic found before parsing, to be attributed by its line afterwards.
constexpr int kByLine = -2;

// Thrown by the builder to abandon the current document (a limit or a recursive alias).
struct DocumentAbort {
  Diagnostic diagnostic;
  bool stop_file = false;  // also stop parsing the rest of the file
};

Diagnostic make_diag(std::string rule, std::string message, std::string help, SourcePos pos,
                     int document) {
  Diagnostic d;
  d.rule = std::move(rule);
  d.message = std::move(message);
  d.help = std::move(help);
  d.start = pos;
  d.document = document;
  return d;
}

struct AnchorInfo {
  Node* node = nullptr;
  long long uses = 1;         // yaml counts the anchored node itself
  long long alias_count = 0;  // 0 until first use (as in yaml's Alias.toJS)
  long long node_weight = 1;  // yaml's getAliasCount of the anchored node
  bool open = false;          // a container still being built: an alias to it would be a cycle
};

// Where the line-level checks must not look: inside scalar text and flow collections, which can
// legitimately hold tabs and carriage returns. Filled by the Builder from the parse events.
struct Exemptions {
  std::vector<std::pair<int, int>> lines;                   // [first, last] 1-based line ranges
  std::vector<std::pair<std::size_t, std::size_t>> quoted;  // [begin, end) byte spans
  bool line(int l) const {
    for (const auto& [a, b] : lines)
      if (l >= a && l <= b) return true;
    return false;
  }
  bool in_quotes(std::size_t offset) const {
    for (const auto& [a, b] : quoted)
      if (offset >= a && offset < b) return true;
    return false;
  }
};

class Builder : public YAML::EventHandler {
 public:
  Builder(LoadedFile& file, const Limits& limits, int line_offset, int first_index,
          Exemptions& exemptions)
      : file_(file),
        limits_(limits),
        line_offset_(line_offset),
        next_index_(first_index),
        exemptions_(exemptions) {}

  /// Closes an exemption left open by the last scalar or flow collection (end of input).
  void finish() {
    if (pending_line_ > 0) {
      exemptions_.lines.emplace_back(pending_line_ + 1, file_.source->line_count());
    }
    pending_line_ = 0;
  }

  int next_index() const { return next_index_; }
  int current_index() const { return next_index_ - 1; }
  bool in_document() const { return in_document_; }
  int document_start_line() const { return doc_start_line_; }
  SourcePos document_start() const { return doc_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    note_event(mark);
    doc_start_ = pos(mark);
    doc_start_line_ = doc_start_.line;
    yaml11_ = declares_yaml11(doc_start_line_);
    if (static_cast<std::size_t>(next_index_) >= limits_.max_documents) {
      throw DocumentAbort{
          make_diag("limit-exceeded",
                    fmt::format("file has more than {} YAML documents; the rest are not linted",
                                limits_.max_documents),
                    "split the file, or raise the limit with --limit documents=N", doc_start_, -1),
          true};
    }
    in_document_ = true;
    root_ = nullptr;
    stack_.clear();
    anchors_.clear();
    nodes_ = 0;
    ++next_index_;
  }

  void OnDocumentEnd() override {
    LoadedDocument doc;
    doc.index = current_index();
    doc.root = root_;
    doc.start = doc_start_;
    file_.documents.push_back(doc);
    in_document_ = false;
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    note_event(mark);
    Node* n = make(mark);
    n->type = NodeType::null;
    n->plain = true;
    // An empty value's mark points at the next token; show the key instead.
    if (!stack_.empty() && stack_.back().node->is_map() && stack_.back().pending_key &&
        stack_.back().pending_key->pos.line != n->pos.line)
      n->pos = stack_.back().pending_key->pos;
    register_anchor(anchor, n);
    attach(n);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    note_event(mark);
    if (anchor >= anchors_.size() || anchors_[anchor].node == nullptr) {
      Node* n = make(mark);
      attach(n);
      return;
    }
    AnchorInfo& a = anchors_[anchor];
    if (a.open) {
      throw DocumentAbort{
          make_diag("recursive-alias", "alias refers to a node that contains it",
                    "an alias must not point into its own anchor; copy the value instead",
                    pos(mark), current_index())};
    }
    // yaml's Alias.toJS: the anchor itself counts once (count starts at 1), and the weight of
    // an anchored node is getAliasCount (0 for an empty collection, 1 for a scalar).
    a.alias_count = a.node_weight;
    a.uses += 1;
    if (a.uses * a.alias_count > limits_.max_alias_count) {
      throw DocumentAbort{
          make_diag("excessive-aliases",
                    fmt::format("more than {} alias expansions in one document; Backstage's "
                                "parser rejects the whole file as a resource exhaustion attack",
                                limits_.max_alias_count),
                    "write the values out, or use fewer aliases", pos(mark), -1),
          true};
    }
    alias_weight_pending_ = a.uses * a.alias_count;
    attach(a.node, /*is_alias=*/true);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    note_event(mark);
    Node* n = make(mark);
    if (value.size() > limits_.max_scalar_bytes) {
      throw DocumentAbort{
          make_diag("limit-exceeded",
                    fmt::format("scalar of {} bytes exceeds the limit of {} bytes", value.size(),
                                limits_.max_scalar_bytes),
                    "raise the limit with --limit scalar-bytes=N if this is intended", n->pos,
                    current_index())};
    }
    n->text = value;
    if (tag == "?") {
      n->plain = true;
      n->type = yaml11_ ? resolve_plain_scalar_yaml11(value) : resolve_plain_scalar(value);
    } else if (tag == "!" || tag == "tag:yaml.org,2002:str") {
      n->type = NodeType::string;
    } else if (tag == "tag:yaml.org,2002:int") {
      n->type = NodeType::integer;
    } else if (tag == "tag:yaml.org,2002:float") {
      n->type = NodeType::floating;
    } else if (tag == "tag:yaml.org,2002:bool") {
      n->type = NodeType::boolean;
    } else if (tag == "tag:yaml.org,2002:null") {
      n->type = NodeType::null;
    } else {
      n->type = NodeType::string;  // unknown tags: `yaml` keeps the string and warns
    }
    set_end(n);
    if (flow_depth_ == 0) pending_line_ = n->pos.line;  // text may continue on later lines
    register_anchor(anchor, n);
    attach(n);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    note_event(mark);
    Node* n = make(mark);
    n->type = NodeType::sequence;
    open_container(n, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { close_container(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    note_event(mark);
    Node* n = make(mark);
    n->type = NodeType::mapping;
    open_container(n, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override {
    Node* map = stack_.back().node;
    check_duplicate_keys(*map);
    close_container();
  }

  SourcePos pos(const YAML::Mark& mark) const {
    return file_.source->pos_at(mark.line + line_offset_, mark.column);
  }

 private:
  struct Frame {
    Node* node;
    const Node* pending_key;
    long long weight;  // max alias weight of the children (yaml's getAliasCount)
    YAML::anchor_t anchor;
    bool flow;  // a [..] or {..} collection
  };

  Node* make(const YAML::Mark& mark) {
    if (++nodes_ > limits_.max_nodes) {
      throw DocumentAbort{make_diag("limit-exceeded",
                                    fmt::format("document has more than {} YAML nodes; it is "
                                                "not linted",
                                                limits_.max_nodes),
                                    "split the document, or raise the limit with --limit nodes=N",
                                    pos(mark), current_index())};
    }
    Node* n = file_.arena.make();
    n->pos = pos(mark);
    return n;
  }

  // Sets the end of a single-line scalar, and catches a quoted scalar that is never closed:
  // yaml-cpp silently ends it at the end of the file, Backstage's parser reports
  // "Missing closing quote".
  void set_end(Node* n) {
    const std::string& b = file_.source->bytes();
    const std::size_t start = n->pos.offset;
    if (start >= b.size()) return;
    std::size_t end = std::string::npos;
    const char q = b[start];
    if (n->plain) {
      if (n->text.find('\n') == std::string::npos && b.compare(start, n->text.size(), n->text) == 0)
        end = start + n->text.size();
    } else if (q == '\'' || q == '"') {
      for (std::size_t i = start + 1; i < b.size(); ++i) {
        if (q == '"' && b[i] == '\\') {
          ++i;
        } else if (b[i] == q) {
          if (q == '\'' && i + 1 < b.size() && b[i + 1] == '\'') {
            ++i;
            continue;
          }
          end = i + 1;
          break;
        }
      }
      if (end == std::string::npos) {
        throw DocumentAbort{
            make_diag("yaml-syntax-error",
                      fmt::format("YAML syntax error: missing closing {} quote",
                                  q == '"' ? "double" : "single"),
                      "close the quoted string; everything after this quote was read as part of "
                      "it",
                      n->pos, current_index()),
            true};
      }
    }
    if (end == std::string::npos) return;
    if (!n->plain) exemptions_.quoted.emplace_back(start, end);
    if (b.find('\n', start) < end) return;  // multi-line: no single-line end
    n->end = file_.source->pos_at_offset(end);
  }

  void register_anchor(YAML::anchor_t anchor, Node* n, bool open = false) {
    if (anchor == 0) return;
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
    anchors_[anchor].node = n;
    anchors_[anchor].open = open;
    anchors_[anchor].uses = 1;
    anchors_[anchor].alias_count = 0;
    anchors_[anchor].node_weight = 1;
  }

  // True when the directives right before line `start` (the document's first line, `---` or
  // content) include `%YAML 1.1`: `yaml` then reads the document with its YAML 1.1 schema.
  bool declares_yaml11(int start) const {
    for (int l = start; l >= 1; --l) {
      const std::string_view text = file_.source->line(l);
      if (text.substr(0, 9) == "%YAML 1.1") return true;
      if (l == start && text.substr(0, 3) == "---") continue;
      const std::size_t c = text.find_first_not_of(" \t");
      if (c == std::string_view::npos || text[c] == '#' || text[0] == '%') continue;
      if (l != start) return false;  // content of the previous document
    }
    return false;
  }

  // The lines between the last scalar (or flow collection) and this event belong to it.
  void note_event(const YAML::Mark& mark) {
    if (pending_line_ == 0 || flow_depth_ > 0) return;
    const int line = mark.line + line_offset_ + 1;
    if (line > pending_line_ + 1) {
      exemptions_.lines.emplace_back(pending_line_ + 1, line - 1);
    }
    pending_line_ = 0;
  }

  // A block mapping key must be followed by `:` on its line. yaml-cpp accepts a bare word there as
  // a key with a null value; Backstage's parser rejects it ("Implicit map keys need to be
  // followed by map values"), as YAML 1.2 §8.2.2 does.
  void check_key_colon(const Node* key) {
    if (!key->is_scalar() || !key->end.valid() || key->end.line != key->pos.line) return;
    const std::string& b = file_.source->bytes();
    std::size_t i = key->end.offset;
    while (i < b.size() && (b[i] == ' ' || b[i] == '\t')) ++i;
    if (i < b.size() && b[i] == ':') return;
    file_.diagnostics.push_back(make_diag(
        "yaml-syntax-error",
        fmt::format("YAML syntax error: '{}' is read as a mapping key but has no `:` after it",
                    key->text),
        "add `: value`, indent it under the entry it belongs to, or make it a list item `- `",
        key->pos, current_index()));
  }

  void open_container(Node* n, YAML::anchor_t anchor, bool flow) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      throw DocumentAbort{make_diag("limit-exceeded",
                                    fmt::format("YAML nesting deeper than {} levels; the document "
                                                "is not linted",
                                                limits_.max_depth),
                                    "flatten the document, or raise the limit with --limit depth=N",
                                    n->pos, current_index())};
    }
    register_anchor(anchor, n, /*open=*/true);
    attach(n);
    stack_.push_back(Frame{n, nullptr, 0, anchor, flow});
    if (flow && flow_depth_++ == 0) flow_start_line_ = n->pos.line;
  }

  void close_container() {
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.flow && --flow_depth_ == 0) pending_line_ = flow_start_line_;
    if (f.anchor != 0 && f.anchor < anchors_.size()) {
      anchors_[f.anchor].open = false;
      anchors_[f.anchor].node_weight = std::max<long long>(f.weight, 0);
    }
    if (!stack_.empty()) stack_.back().weight = std::max(stack_.back().weight, f.weight);
  }

  void attach(Node* n, bool is_alias = false) {
    const long long weight = is_alias ? alias_weight_pending_ : 1;
    if (stack_.empty()) {
      root_ = n;
      return;
    }
    Frame& top = stack_.back();
    top.weight = std::max(top.weight, weight);
    if (top.node->is_seq()) {
      top.node->items.push_back(n);
    } else if (top.pending_key == nullptr) {
      top.pending_key = n;
      if (!top.flow && !is_alias) check_key_colon(n);
    } else {
      top.node->entries.emplace_back(top.pending_key, n);
      if (n->key == nullptr && !is_alias) n->key = top.pending_key;
      top.pending_key = nullptr;
    }
  }

  // Two keys are the same when their values are (yaml's uniqueKeys compares resolved scalars):
  // `1`, `0x1`, `01` and `1.0` are all the number 1; `true` and `True` the boolean true.
  static std::optional<std::string> canonical_key(const Node* k) {
    if (!k->is_scalar()) return std::nullopt;
    switch (k->type) {
      case NodeType::null:
        return std::string("null");
      case NodeType::boolean:
        return std::string(k->text[0] == 't' || k->text[0] == 'T' ? "true" : "false");
      case NodeType::integer:
      case NodeType::floating: {
        std::string t = k->text;
        bool negative = false;
        if (!t.empty() && (t[0] == '+' || t[0] == '-')) negative = t[0] == '-', t.erase(0, 1);
        double v = 0;
        if (t.find("nan") != std::string::npos || t.find("NaN") != std::string::npos ||
            t.find("NAN") != std::string::npos)
          return std::nullopt;  // NaN equals nothing, itself included
        if (t.size() > 1 && t[0] == '.' && (t[1] == 'i' || t[1] == 'I'))
          v = std::numeric_limits<double>::infinity();
        else if (t.rfind("0x", 0) == 0)
          v = static_cast<double>(std::strtoull(t.c_str() + 2, nullptr, 16));
        else if (t.rfind("0o", 0) == 0)
          v = static_cast<double>(std::strtoull(t.c_str() + 2, nullptr, 8));
        else
          v = std::strtod(t.c_str(), nullptr);
        return fmt::format("number:{}", negative ? -v : v);
      }
      default:
        return "string:" + k->text;
    }
  }

  void check_duplicate_keys(const Node& map) {
    const auto& e = map.entries;
    if (e.size() < 2) return;
    // Fast path: a small mapping of string keys (nearly every mapping) compares texts directly.
    if (e.size() <= 8 && std::all_of(e.begin(), e.end(), [](const auto& kv) {
          return kv.first->type == NodeType::string;
        })) {
      for (std::size_t i = 1; i < e.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (e[i].first->text == e[j].first->text) {
            report_duplicate(e[i].first, e[j].first);
            break;
          }
      return;
    }
    std::unordered_map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < e.size(); ++i) {
      const Node* k = e[i].first;
      const std::optional<std::string> key = canonical_key(k);
      if (!key) continue;
      const auto [it, inserted] = first.emplace(*key, i);
      if (!inserted) report_duplicate(k, e[it->second].first);
    }
  }

  // Reports key `k` as a repeat of `first` (at `k`, with a note at `first`).
  void report_duplicate(const Node* k, const Node* first) {
    Diagnostic d =
        make_diag("duplicate-key",
                  fmt::format("duplicate key '{}' in the same mapping",
                              k->type == NodeType::null && k->text.empty() ? "null" : k->text),
                  "remove one of them; Backstage rejects a document with duplicate keys", k->pos,
                  current_index());
    d.end = k->end;
    d.notes.push_back(RelatedNote{"first defined here", "", first->pos});
    file_.diagnostics.push_back(std::move(d));
  }

  LoadedFile& file_;
  const Limits& limits_;
  int line_offset_;
  int next_index_;
  bool in_document_ = false;
  Node* root_ = nullptr;
  SourcePos doc_start_;
  int doc_start_line_ = 0;
  std::vector<Frame> stack_;
  std::vector<AnchorInfo> anchors_;
  std::size_t nodes_ = 0;
  long long alias_weight_pending_ = 1;
  Exemptions& exemptions_;
  int pending_line_ = 0;  // line of the last scalar or flow collection start, 0 = none
  int flow_depth_ = 0;
  bool yaml11_ = false;  // the current document declares %YAML 1.1
  int flow_start_line_ = 0;
};

// Returns true when the bytes look like UTF-16 or UTF-32 (BOM, or the NUL pattern of ASCII text).
const char* detect_wide_encoding(std::string_view b) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() >= 4 && at(0) == 0xFF && at(1) == 0xFE && at(2) == 0 && at(3) == 0)
    return "UTF-32LE";
  if (b.size() >= 4 && at(0) == 0 && at(1) == 0 && at(2) == 0xFE && at(3) == 0xFF)
    return "UTF-32BE";
  if (b.size() >= 2 && at(0) == 0xFF && at(1) == 0xFE) return "UTF-16LE";
  if (b.size() >= 2 && at(0) == 0xFE && at(1) == 0xFF) return "UTF-16BE";
  if (b.size() >= 4 && at(0) != 0 && at(1) == 0 && at(2) == 0 && at(3) == 0) return "UTF-32LE";
  if (b.size() >= 4 && at(0) == 0 && at(1) == 0 && at(2) == 0 && at(3) != 0) return "UTF-32BE";
  if (b.size() >= 2 && at(0) != 0 && at(1) == 0) return "UTF-16LE";
  if (b.size() >= 2 && at(0) == 0 && at(1) != 0) return "UTF-16BE";
  return nullptr;
}

bool is_document_marker(std::string_view line) {
  return line.substr(0, 3) == "---" &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

// A directive (`%YAML`, `%TAG`) after a document needs an explicit `...` before it (YAML 1.2
// §9.2); yaml-cpp accepts it, Backstage's parser does not. Also names a merge conflict marker,
// which would otherwise surface as a puzzling syntax error some lines later.
void check_directives(LoadedFile& f) {
  const SourceText& src = *f.source;
  std::string_view last_content;  // the last non-blank, non-comment line so far
  bool conflict = false;
  for (int l = 1; l <= src.line_count(); ++l) {
    std::string_view text = src.line(l);
    if (!text.empty() && text[0] == '%' && !last_content.empty() &&
        last_content.substr(0, 3) != "...") {
      f.diagnostics.push_back(make_diag(
          "yaml-syntax-error",
          "YAML syntax error: a directive after a document needs a `...` end marker before it",
          "put `...` on the line before the directive, or remove the directive",
          src.pos_at(l - 1, 0), kByLine));
    }
    if (const std::size_t c = text.find_first_not_of(" \t");
        c != std::string_view::npos && text[c] != '#')
      last_content = text;
    if (!conflict && (text.substr(0, 8) == "<<<<<<< " || text == "<<<<<<<")) {
      conflict = true;
      f.diagnostics.push_back(make_diag(
          "yaml-syntax-error", "unresolved merge conflict marker (<<<<<<<)",
          "resolve the conflict: keep one side, and delete the <<<<<<<, ======= and >>>>>>> lines",
          src.pos_at(l - 1, 0), kByLine));
    }
  }
}

// True when `text` (the rest of a line) starts a block structure: a `key:` or a `- ` entry.
bool starts_structure(std::string_view text) {
  const std::size_t b = text.find_first_not_of(' ');
  if (b == std::string_view::npos) return true;  // nothing after it: a stray line break
  text.remove_prefix(b);
  if (text[0] == '-' && (text.size() == 1 || text[1] == ' ')) return true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '#' && i > 0 && text[i - 1] == ' ') return false;
    if (text[i] == ':' && (i + 1 == text.size() || text[i + 1] == ' ')) return true;
  }
  return false;
}

// Whitespace checks yaml-cpp does not make but Backstage's parser does, outside scalar text and
// flow collections (where tabs and CRs are content):
// - a bare CR is no line break for `yaml`; it fails where it splits block structure
//   (`title: t<CR>  description: d`, or a CR alone at the end), not inside a value or comment;
// - a tab in the indentation of a block line ("Tabs are not allowed as indentation").
void check_whitespace(LoadedFile& f, const Exemptions& ex) {
  const SourceText& src = *f.source;
  const std::string& b = src.bytes();
  for (std::size_t i = b.find('\r'); i != std::string::npos; i = b.find('\r', i + 1)) {
    if (i + 1 < b.size() && b[i + 1] == '\n') continue;  // CRLF
    const SourcePos p = src.pos_at_offset(i);
    if (ex.line(p.line) || ex.in_quotes(i)) continue;
    const std::size_t line_start = b.rfind('\n', i) == std::string::npos ? 0 : b.rfind('\n', i) + 1;
    std::size_t line_end = b.find('\n', i);
    if (line_end == std::string::npos) line_end = b.size();
    const std::string_view before(b.data() + line_start, i - line_start);
    const std::size_t hash = before.find(" #");
    if ((hash != std::string_view::npos && !ex.in_quotes(line_start + hash + 1)) ||
        (!before.empty() && before.find_first_not_of(' ') != std::string_view::npos &&
         before[before.find_first_not_of(' ')] == '#'))
      continue;  // inside a comment
    std::string_view after(b.data() + i + 1, line_end - (i + 1));
    while (!after.empty() && after.back() == '\r') after.remove_suffix(1);
    if (!starts_structure(after)) continue;
    f.diagnostics.push_back(
        make_diag("bare-cr-line-break",
                  "bare carriage return (CR) used as a line break; Backstage's parser does not "
                  "accept it",
                  "save the file with LF (or CRLF) line endings", p, kByLine));
    break;  // one is enough: the file has the wrong line endings
  }
  for (int l = 1; l <= src.line_count(); ++l) {
    if (ex.line(l)) continue;
    std::string_view text = src.line(l);
    std::size_t i = 0;
    bool tab = false;
    std::size_t tab_at = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      if (text[i] == '\t' && !tab) tab = true, tab_at = i;
      ++i;
    }
    if (!tab || i == text.size() || text[i] == '#') continue;
    f.diagnostics.push_back(
        make_diag("tab-indentation", "tab character in indentation; YAML allows only spaces",
                  "indent with spaces", src.pos_at(l - 1, static_cast<int>(tab_at)), kByLine));
  }
}

}  // namespace

LoadedFile load_yaml(std::string bytes, const Limits& limits) {
  LoadedFile f;
  const std::size_t size = bytes.size();
  f.source = std::make_unique<SourceText>(std::move(bytes));
  const std::string& b = f.source->bytes();
  const SourcePos top = f.source->pos_at(0, 0);

  if (size > limits.max_file_bytes) {
    f.diagnostics.push_back(
        make_diag("limit-exceeded",
                  fmt::format("file is {} bytes, over the limit of {} bytes; it is not linted",
                              size, limits.max_file_bytes),
                  "catalog files are small; raise the limit with --limit file-bytes=N if this one "
                  "must be linted",
                  top, -1));
    // Keep none of it: the report would otherwise quote a first line of up to the whole file.
    f.source = std::make_unique<SourceText>(std::string());
    return f;
  }
  if (const char* enc = detect_wide_encoding(b)) {
    f.diagnostics.push_back(
        make_diag("unsupported-encoding",
                  fmt::format("file is encoded as {}; Backstage reads catalog files as UTF-8", enc),
                  "save the file as UTF-8", top, 0));
    return f;
  }
  if (const std::size_t nul = b.find('\0'); nul != std::string::npos) {
    f.diagnostics.push_back(
        make_diag("unsupported-encoding", "file contains a NUL byte; it is binary, not YAML text",
                  "catalog files must be UTF-8 text", f.source->pos_at_offset(nul), 0));
    return f;
  }
  if (const std::size_t bad = find_invalid_utf8(b); bad != std::string::npos) {
    f.diagnostics.push_back(
        make_diag("invalid-utf8",
                  fmt::format("invalid UTF-8 byte 0x{:02X}; Backstage silently replaces it with "
                              "U+FFFD",
                              static_cast<unsigned char>(b[bad])),
                  "save the file as UTF-8", f.source->pos_at_offset(bad), kByLine));
  }
  check_directives(f);

  Exemptions exemptions;
  int line_offset = 0;
  std::size_t byte_offset = 0;
  int next_index = 0;
  while (byte_offset <= b.size()) {
    MemoryBuf buf(b.data() + byte_offset, b.size() - byte_offset);
    std::istream in(&buf);
    Builder builder(f, limits, line_offset, next_index, exemptions);
    int failed_start_line = 0;
    int resume_index = 0;
    try {
      YAML::Parser parser(in);
      while (parser.HandleNextDocument(builder)) {
      }
      builder.finish();
      break;
    } catch (const DocumentAbort& abort) {
      f.diagnostics.push_back(abort.diagnostic);
      if (builder.in_document()) {
        LoadedDocument doc;
        doc.index = builder.current_index();
        doc.start = builder.document_start();
        doc.failed = true;
        f.documents.push_back(doc);
      }
      if (abort.stop_file) break;
      failed_start_line = abort.diagnostic.start.line;
    } catch (const YAML::Exception& e) {
      const SourcePos at = builder.pos(e.mark);
      const int index = builder.in_document() ? builder.current_index() : builder.next_index();
      // An alias to an undefined anchor makes Backstage's parser fail the whole file.
      const bool whole_file = e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR;
      f.diagnostics.push_back(make_diag("yaml-syntax-error",
                                        fmt::format("YAML syntax error: {}", e.msg),
                                        whole_file ? "define the anchor (&name) before the alias "
                                                     "(*name) in the same document"
                                                   : "fix the YAML syntax at this position",
                                        at, whole_file ? -1 : index));
      LoadedDocument doc;
      doc.index = index;
      doc.start = builder.in_document() ? builder.document_start() : at;
      doc.failed = true;
      f.documents.push_back(doc);
      failed_start_line = at.line;
      resume_index = index + 1;
    }
    next_index = std::max(builder.next_index(), resume_index);
    // Resume at the next document marker at or after the failure, as `yaml` reports errors per
    // document and still reads the documents after a broken one.
    int resume = 0;
    const int from = std::max(failed_start_line, builder.document_start_line() + 1);
    for (int l = std::max(from, line_offset + 2); l <= f.source->line_count(); ++l) {
      if (is_document_marker(f.source->line(l))) {
        resume = l;
        break;
      }
    }
    if (resume == 0) break;
    line_offset = resume - 1;
    byte_offset = f.source->pos_at(line_offset, 0).offset;
  }
  check_whitespace(f, exemptions);
  // Line-level diagnostics are attributed to a document by their line now.
  for (Diagnostic& d : f.diagnostics) {
    if (d.document != kByLine) continue;
    int index = 0;
    for (const LoadedDocument& doc : f.documents)
      if (doc.start.valid() && doc.start.line <= d.start.line) index = doc.index;
    d.document = index;
  }
  return f;
}

}  // namespace catalog_lint
