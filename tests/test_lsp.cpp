// `catalog-lint lsp` (issue 16, docs/editors.md): a scripted JSON-RPC client spawns the server
// and drives it through framing errors, unknown methods, stale versions, a 5 MB document,
// shutdown and exit codes, diagnostics with exact ranges, code actions, hover, definition and
// completion; then Neovim's built-in client (tests/lsp/nvim.lua) does the same as an editor.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "lsp/position.h"
#include "lsp/server.h"
#include "util.h"

namespace cl = catalog_lint;
namespace lsp = catalog_lint::lsp;
namespace test = catalog_lint::test;
using json = nlohmann::json;

namespace {

/// The hang guard of every wait: a server that says nothing for this long fails the test.
constexpr int kTimeoutMs = 120'000;

/// A running `catalog-lint lsp` with pipes to its standard input and output; killed (SIGKILL)
/// when the test ends without it having exited.
class Client {
 public:
  explicit Client(const std::string& cwd = "") {
    int in[2], out[2];
    REQUIRE(::pipe(in) == 0);
    REQUIRE(::pipe(out) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
      ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
      if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
      ::execl(CATALOG_LINT_BINARY, CATALOG_LINT_BINARY, "lsp", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(in[0]), ::close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~Client() {
    if (to_ >= 0) ::close(to_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(from_);
  }

  void raw(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(to_, bytes.data() + done, bytes.size() - done);
      REQUIRE(n > 0);
      done += static_cast<std::size_t>(n);
    }
  }
  static std::string frame(const std::string& body) {
    return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  void send(const json& message) { raw(frame(message.dump())); }
  void request(int id, const std::string& method, json params = json::object()) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  }
  void notify(const std::string& method, json params = json::object()) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  void close_input() {
    ::close(to_);
    to_ = -1;
  }

  /// The next message from the server; fails the test after kTimeoutMs or at end of output.
  json next() {
    while (true) {
      const std::size_t header_end = buf_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        const std::string header = buf_.substr(0, header_end);
        REQUIRE(header.starts_with("Content-Length: "));
        const std::size_t length = std::stoul(header.substr(16));
        if (buf_.size() >= header_end + 4 + length) {
          json message = json::parse(buf_.substr(header_end + 4, length));
          buf_.erase(0, header_end + 4 + length);
          return message;
        }
      }
      pollfd p{from_, POLLIN, 0};
      REQUIRE_MESSAGE(::poll(&p, 1, kTimeoutMs) == 1, "the server said nothing for 120 s");
      char chunk[65536];
      const ssize_t n = ::read(from_, chunk, sizeof chunk);
      REQUIRE_MESSAGE(n > 0, "the server closed its output");
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  /// The next message `match` accepts; the others are kept in `seen`.
  json wait(const std::function<bool(const json&)>& match) {
    while (true) {
      json m = next();
      if (match(m)) return m;
      seen.push_back(std::move(m));
    }
  }
  json response(int id) {
    return wait([&](const json& m) { return m.contains("id") && m["id"] == id; });
  }
  /// The next publishDiagnostics for `uri` (with `version`, when >= 0).
  json diagnostics(const std::string& uri, int version = -1) {
    return wait([&](const json& m) {
      return m.value("method", "") == "textDocument/publishDiagnostics" &&
             m["params"]["uri"] == uri &&
             (version < 0 || m["params"].value("version", -1) == version);
    })["params"];
  }
  /// The exit code of the server once it has exited; fails after kTimeoutMs.
  int exit_code() {
    for (int waited = 0; waited < kTimeoutMs; waited += 10) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      ::usleep(10'000);
    }
    FAIL("the server did not exit within 120 s");
    return -1;
  }
  void initialize(const std::string& root, json encodings = nullptr) {
    json caps = json::object();
    if (!encodings.is_null()) caps["general"] = {{"positionEncodings", encodings}};
    request(1, "initialize",
            {{"processId", nullptr},
             {"rootUri", root.empty() ? json(nullptr) : json(lsp::uri_of_path(root))},
             {"capabilities", caps}});
    init = response(1);
    notify("initialized");
  }
  void open(const std::string& uri, const std::string& text, int version = 1) {
    notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", uri}, {"languageId", "yaml"}, {"version", version}, {"text", text}}}});
  }
  void change(const std::string& uri, int version, const std::string& text) {
    notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", version}}},
                                      {"contentChanges", json::array({{{"text", text}}})}});
  }

  json init;
  std::vector<json> seen;

 private:
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  std::string buf_;
};

/// "rule@line:col" (1-based; col in the session's units + 1) of each published diagnostic, sorted.
std::multiset<std::string> brief_lsp(const json& params) {
  std::multiset<std::string> out;
  for (const json& d : params["diagnostics"])
    out.insert(d["code"].get<std::string>() + "@" +
               std::to_string(d["range"]["start"]["line"].get<int>() + 1) + ":" +
               std::to_string(d["range"]["start"]["character"].get<int>() + 1));
  return out;
}

std::string range_of(const json& d) {
  const json& r = d["range"];
  return std::to_string(r["start"]["line"].get<int>()) + ":" +
         std::to_string(r["start"]["character"].get<int>()) + "-" +
         std::to_string(r["end"]["line"].get<int>()) + ":" +
         std::to_string(r["end"]["character"].get<int>());
}

const json* with_code(const json& params, const std::string& rule) {
  for (const json& d : params["diagnostics"])
    if (d["code"] == rule) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("lsp: positions in UTF-8, UTF-16 and UTF-32, lines split at LF, CRLF and CR") {
  const std::string text = "a: caf\xC3\xA9 \xF0\x9F\x98\x80 x\r\nb\rc\n";
  const lsp::LineIndex index(text);
  CHECK(index.line_count() == 4);
  const std::size_t x = text.find(" x") + 1;
  CHECK(lsp::position_at(text, index, x, lsp::Encoding::utf8) == lsp::Position{0, 14});
  CHECK(lsp::position_at(text, index, x, lsp::Encoding::utf16) == lsp::Position{0, 11});
  CHECK(lsp::position_at(text, index, x, lsp::Encoding::utf32) == lsp::Position{0, 10});
  CHECK(lsp::offset_at(text, index, {0, 11}, lsp::Encoding::utf16) == x);
  CHECK(lsp::offset_at(text, index, {0, 9}, lsp::Encoding::utf16) == x - 5);  // inside the pair
  CHECK(lsp::offset_at(text, index, {0, 99}, lsp::Encoding::utf16) == text.find('\r'));
  CHECK(lsp::position_at(text, index, text.rfind('c'), lsp::Encoding::utf16) ==
        lsp::Position{2, 0});
  CHECK(lsp::offset_at(text, index, {9, 0}, lsp::Encoding::utf16) == text.size());
  CHECK(lsp::path_of_uri("file:///tmp/a%20b/catalog-info.yaml") == "/tmp/a b/catalog-info.yaml");
  CHECK(lsp::path_of_uri("file://localhost/x") == "/x");
  CHECK_FALSE(lsp::path_of_uri("untitled:Untitled-1"));
  CHECK_FALSE(lsp::path_of_uri("file://other-host/x"));
  CHECK_FALSE(lsp::path_of_uri("file:///a%00b"));
  CHECK(lsp::uri_of_path("/tmp/a b/caf\xC3\xA9.yaml") == "file:///tmp/a%20b/caf%C3%A9.yaml");
}

TEST_CASE("lsp: a finding's fix is a quick fix; fix-all takes the safe, non-overlapping ones") {
  const std::string text = "spec:\n  owner: 4711\n  port: 08\n";
  const lsp::LineIndex index(text);
  const lsp::TextView view{text, index, lsp::Encoding::utf16};
  cl::Diagnostic d;
  d.rule = "invalid-field-type";
  d.message = "owner '4711' is a number";
  d.start = cl::SourcePos{2, 10, 10, text.find("4711")};
  d.end = cl::SourcePos{2, 14, 14, text.find("4711") + 4};
  d.fix = cl::Fix{"quote '4711' as a string",
                  cl::FixSafety::safe,
                  {cl::TextEdit{text.find("4711"), text.find("4711") + 4, "\"4711\""}}};
  const json diag = lsp::lsp_diagnostic(d, view, [](const std::string& f) { return f; });
  CHECK(range_of(diag) == "1:9-1:13");
  const json action = lsp::fix_action(d, "file:///x.yaml", view, diag);
  CHECK(action["title"] == "quote '4711' as a string");
  CHECK(action["kind"] == "quickfix");
  CHECK(action["isPreferred"] == true);
  CHECK(
      action["edit"]["changes"]["file:///x.yaml"].dump() ==
      R"([{"newText":"\"4711\"","range":{"end":{"character":13,"line":1},"start":{"character":9,"line":1}}}])");
  cl::Diagnostic unsafe = d;
  unsafe.fix->safety = cl::FixSafety::unsafe;
  unsafe.fix->description = "replace '4711' with 'team-a'";
  CHECK(lsp::fix_action(unsafe, "file:///x.yaml", view, diag)["title"] ==
        "replace '4711' with 'team-a' (unsafe)");
  CHECK(lsp::fix_action(unsafe, "file:///x.yaml", view, diag)["isPreferred"] == false);
  cl::Diagnostic overlapping = d;  // the same span again: left for the next round
  overlapping.fix->edits[0].text = "'4711'";
  cl::Diagnostic port = d;
  port.fix = cl::Fix{"quote '08'",
                     cl::FixSafety::safe,
                     {cl::TextEdit{text.find("08"), text.find("08") + 2, "\"08\""}}};
  const json all = lsp::safe_fix_edits({port, unsafe, d, overlapping}, view);
  REQUIRE(all.size() == 2);
  CHECK(all[0]["newText"] == "\"4711\"");
  CHECK(all[1]["newText"] == "\"08\"");
  CHECK(range_of(all[1]) == "2:8-2:10");
  cl::Diagnostic none = d;
  none.fix.reset();
  CHECK(lsp::fix_action(none, "file:///x.yaml", view, diag).is_null());
  // A suppression goes above the line, at its indentation; Backstage-rejected findings get none.
  cl::Diagnostic reference = d;
  reference.rule = "unresolved-reference";
  const json s = lsp::suppress_action(reference, "file:///x.yaml", view, diag);
  CHECK(s["title"] == "suppress 'unresolved-reference' on this line (with a reason)");
  CHECK(s["edit"]["changes"]["file:///x.yaml"][0]["newText"] ==
        "  # catalog-lint-disable-next-line unresolved-reference -- reason: say why this is "
        "accepted\n");
  CHECK(range_of(s["edit"]["changes"]["file:///x.yaml"][0]) == "1:0-1:0");
  // invalid-field-type is a Backstage rejection: no comment can suppress it.
  CHECK(lsp::suppress_action(d, "file:///x.yaml", view, diag).is_null());
}

TEST_CASE("lsp: bad framing, bad JSON, unknown methods and bad params get JSON-RPC errors") {
  Client c;
  // Before initialize, requests are refused (LSP's ServerNotInitialized).
  c.request(7, "textDocument/hover");
  CHECK(c.response(7)["error"]["code"] == -32002);
  c.initialize("");
  CHECK(c.init["result"]["capabilities"]["positionEncoding"] == "utf-16");
  auto error_of = [&] {
    const json m = c.wait([](const json& m) { return m.contains("error"); });
    return std::to_string(m["error"]["code"].get<int>()) + " " + m["id"].dump() + " " +
           m["error"]["message"].get<std::string>();
  };
  c.raw("Content-Length: abc\r\n\r\n");
  CHECK(error_of() ==
        "-32700 null bad message framing: Content-Length 'abc' is not a number of bytes");
  c.raw("Content-Type: application/json\r\n\r\n");
  CHECK(error_of() == "-32700 null bad message framing: the header has no Content-Length");
  c.raw("garbage\r\n\r\n");
  CHECK(error_of() ==
        "-32700 null bad message framing: a header line has no ':' (expected 'Content-Length: N')");
  // The rest of a body whose length was wrong, before the next header: said, and the next
  // message is read (an attack left the server silent for good after it).
  c.raw("Content-Length: -5\r\n\r\n{}");
  CHECK(error_of() ==
        "-32700 null bad message framing: Content-Length '-5' is not a number of bytes");
  c.request(20, "workspace/symbol");
  CHECK(error_of() ==
        "-32700 null bad message framing: bytes that are not a header came before "
        "'Content-Length'");
  CHECK(error_of() == "-32601 20 unknown method 'workspace/symbol'");
  c.raw("Content-Length: 2\r\nContent-Length: 50\r\n\r\n");
  CHECK(error_of() ==
        "-32700 null bad message framing: two Content-Length headers give different lengths");
  // Nesting deeper than any LSP message: refused before parsing (200,000 levels crashed the
  // reader thread's stack).
  c.raw(Client::frame("{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"x\",\"params\":[" +
                      std::string(200000, '[') + std::string(200000, ']') + "]}"));
  CHECK(error_of() == "-32700 null the message is not JSON: it nests deeper than 64 levels");
  c.raw(Client::frame("{\"jsonrpc\": \"2.0\", \"id\": 3, "));
  CHECK(error_of().starts_with("-32700 null the message is not JSON: "));
  c.raw(Client::frame("[]"));
  CHECK(error_of() == "-32600 null batches are not supported: send one message at a time");
  c.raw(Client::frame("42"));
  CHECK(error_of() == "-32600 null a message must be a JSON object");
  c.raw(Client::frame(R"({"jsonrpc":"2.0","id":4})"));
  CHECK(error_of() == "-32600 4 the message has no 'method'");
  c.raw(Client::frame(R"({"jsonrpc":"1.0","id":5,"method":"shutdown"})"));
  CHECK(error_of() == "-32600 5 'jsonrpc' must be \"2.0\"");
  c.raw(Client::frame(R"({"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"})"));
  CHECK(error_of() == "-32600 null 'id' must be an integer or a string");
  c.raw(Client::frame(R"({"jsonrpc":"2.0","id":6,"method":"x","params":3})"));
  CHECK(error_of() == "-32600 6 'params' must be an object or an array");
  c.request(8, "workspace/symbol");
  CHECK(error_of() == "-32601 8 unknown method 'workspace/symbol'");
  c.request(9, "textDocument/hover", {{"textDocument", {{"uri", 5}}}});
  CHECK(error_of() == "-32602 9 'uri' must be a string");
  c.request(10, "textDocument/hover", {{"textDocument", {{"uri", "file:///nowhere.yaml"}}}});
  CHECK(error_of() == "-32602 10 document 'file:///nowhere.yaml' is not open");
  c.request(11, "initialize", json::object());
  CHECK(error_of() == "-32600 11 the server is already initialized");
  // A cancelled request still queued is answered RequestCancelled, not run.
  c.raw(Client::frame(R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":12}})") +
        Client::frame(R"({"jsonrpc":"2.0","id":12,"method":"workspace/symbol"})"));
  CHECK(error_of() == "-32800 12 the request was cancelled");
  // Unknown notifications are ignored; a message over 64 MiB is refused, its content skipped.
  c.notify("$/unknownNotification");
  c.raw("Content-Length: 67108865\r\n\r\n" + std::string(67108865, ' '));
  CHECK(error_of() ==
        "-32600 null message refused: the message is 67108865 bytes, over the limit of 67108864 "
        "bytes");
  // The session goes on after all of it.
  c.request(13, "shutdown");
  CHECK(c.response(13)["result"].is_null());
  c.request(14, "textDocument/hover");
  CHECK(error_of() == "-32600 14 the server is shut down; only 'exit' is accepted");
  c.notify("exit");
  CHECK(c.exit_code() == 0);
}

TEST_CASE("lsp: exit codes: 0 after shutdown, 1 without, also when standard input closes") {
  {
    Client c;
    c.initialize("");
    c.notify("exit");
    CHECK(c.exit_code() == 1);
  }
  {
    Client c;
    c.initialize("");
    c.close_input();
    CHECK(c.exit_code() == 1);
  }
  {
    Client c;
    c.initialize("");
    c.request(2, "shutdown");
    c.response(2);
    c.close_input();
    CHECK(c.exit_code() == 0);
  }
  {
    Client c;  // a stream that ends inside a message
    c.raw("Content-Length: 100\r\n\r\n{\"jsonrpc\"");
    c.close_input();
    CHECK(c.exit_code() == 1);
  }
}

namespace {

/// The diagnostics of `file` (relative to `dir`) from `catalog-lint --format json` run in `dir`,
/// as "rule@line:col" (code-point columns).
std::multiset<std::string> brief_cli(const std::string& dir, const std::string& file) {
  const test::CliRun run = test::run_cli({"--format", "json", file}, dir);
  INFO(run.out, run.err);
  CHECK(run.exit_code == 1);
  std::multiset<std::string> out;
  const json report = json::parse(run.out);
  for (const json& d : report["diagnostics"])
    out.insert(d["rule"].get<std::string>() + "@" + std::to_string(d["line"].get<int>()) + ":" +
               std::to_string(d["column"].get<int>()));
  return out;
}

}  // namespace

TEST_CASE("lsp: diagnostics of the unsaved text are the command line's, at exact ranges") {
  const std::string dir = test::committed_copy("lsp");
  const std::string file = dir + "/services/catalog-info.yaml";
  const std::string uri = lsp::uri_of_path(file);
  const std::string text = test::read_file(file);
  {
    // UTF-32 columns are the command line's code-point columns.
    Client c(dir);
    c.initialize(dir, json::array({"utf-32", "utf-16"}));
    CHECK(c.init["result"]["capabilities"]["positionEncoding"] == "utf-32");
    c.open(uri, text);
    const json published = c.diagnostics(uri);
    CHECK(published["version"] == 1);
    const auto cli = brief_cli(dir, "services/catalog-info.yaml");
    CHECK(cli.size() >= 2);
    CHECK(brief_lsp(published) == cli);
  }
  // The unsaved text is what is linted, in UTF-16 (the default) and UTF-8 units: 'café' is 4
  // code points, 4 UTF-16 units and 5 bytes before 'Bad_Tag'.
  std::string edited = text;
  edited.replace(edited.find("  tags:\n    - Bad_Tag\n"), 22, "  tags: [caf\xC3\xA9, Bad_Tag]\n");
  for (const auto& [encoding, expected] :
       {std::pair<std::string, std::string>{"utf-16", "5:15-5:22"}, {"utf-8", "5:16-5:23"}}) {
    Client c(dir);
    c.initialize(dir, json::array({encoding}));
    CHECK(c.init["result"]["capabilities"]["positionEncoding"] == encoding);
    c.open(uri, text);
    c.diagnostics(uri, 1);
    c.change(uri, 2, edited);
    const json published = c.diagnostics(uri, 2);
    std::vector<std::string> tags;
    for (const json& d : published["diagnostics"])
      if (d["code"] == "invalid-tag") tags.push_back(range_of(d));
    CHECK(tags == std::vector<std::string>{expected.substr(0, 2) + "9-" + expected.substr(0, 2) +
                                               (encoding == "utf-8" ? "14" : "13"),
                                           expected});
    const json* tag = with_code(published, "invalid-tag");
    REQUIRE(tag != nullptr);
    CHECK((*tag)["severity"] == 1);
    const json* ref = with_code(published, "unresolved-reference");
    REQUIRE(ref != nullptr);
    CHECK(range_of(*ref) == "10:10-10:17");
    CHECK((*ref)["severity"] == 2);
    CHECK((*ref)["source"] == "catalog-lint");
    CHECK((*tag)["severity"] == 1);
  }
}

TEST_CASE("lsp: out-of-order and repeated versions are ignored; a 5 MB document is linted") {
  const std::string dir = test::committed_copy("lsp");
  const std::string file = dir + "/services/catalog-info.yaml";
  const std::string uri = lsp::uri_of_path(file);
  const std::string text = test::read_file(file);
  std::string fixed = text;
  fixed.replace(fixed.find("Bad_Tag"), 7, "good-tag");
  Client c(dir);
  c.initialize(dir);
  c.open(uri, text, 1);
  // Version 3 fixes the tag; a late version 2 (and a repeated 3) would bring it back.
  c.change(uri, 3, fixed);
  c.change(uri, 2, text);
  c.change(uri, 3, text);
  c.request(2, "textDocument/hover",
            {{"textDocument", {{"uri", uri}}}, {"position", {{"line", 6}, {"character", 7}}}});
  c.response(2);
  const json last = c.seen.empty() ? json() : c.seen.back();
  std::vector<int> versions;
  for (const json& m : c.seen)
    if (m.value("method", "") == "textDocument/publishDiagnostics") {
      versions.push_back(m["params"]["version"].get<int>());
      if (m["params"]["version"] == 3) CHECK(with_code(m["params"], "invalid-tag") == nullptr);
    }
  REQUIRE_FALSE(versions.empty());
  CHECK(versions.back() == 3);
  CHECK(std::find(versions.begin(), versions.end(), 2) == versions.end());
  // 5 MB: 80,000 comment lines, then the entity; the finding is found at its exact line.
  std::string big;
  for (int i = 0; i < 80'000; ++i) big += "# " + std::string(62, 'x') + "\n";
  big += text;
  REQUIRE(big.size() > 5'000'000);
  c.change(uri, 4, big);
  const json published = c.diagnostics(uri, 4);
  const json* tag = with_code(published, "invalid-tag");
  REQUIRE(tag != nullptr);
  CHECK(range_of(*tag) == "80006:6-80006:13");
  c.request(3, "shutdown");
  c.response(3);
  c.notify("exit");
  CHECK(c.exit_code() == 0);
}

TEST_CASE("lsp: code actions, hover, definition and completion on the fixture") {
  const std::string dir = test::committed_copy("lsp");
  const std::string file = dir + "/services/catalog-info.yaml";
  const std::string uri = lsp::uri_of_path(file);
  const std::string text = test::read_file(file);
  Client c(dir);
  c.initialize(dir);
  c.open(uri, text);
  c.diagnostics(uri, 1);
  auto at = [&](int line, int character) {
    return json{{"textDocument", {{"uri", uri}}},
                {"position", {{"line", line}, {"character", character}}}};
  };
  // `system: paymens` (line 11): suppressible; the tag (line 7) is a Backstage rejection: not.
  json params = {
      {"textDocument", {{"uri", uri}}},
      {"range",
       {{"start", {{"line", 11}, {"character", 12}}}, {"end", {{"line", 11}, {"character", 12}}}}},
      {"context", {{"diagnostics", json::array()}}}};
  c.request(2, "textDocument/codeAction", params);
  const json actions = c.response(2)["result"];
  std::vector<std::string> titles;
  for (const json& a : actions) titles.push_back(a["title"]);
  CHECK(titles ==
        std::vector<std::string>{"replace 'paymens' with 'payments' (unsafe)",
                                 "suppress 'unresolved-reference' on this line (with a reason)",
                                 "fix all safe catalog-lint findings"});
  REQUIRE(actions.size() == 3);
  CHECK(actions[0]["isPreferred"] == false);
  CHECK(
      actions[0]["edit"]["changes"][uri].dump() ==
      R"([{"newText":"payments","range":{"end":{"character":17,"line":11},"start":{"character":10,"line":11}}}])");
  CHECK(
      actions[1]["edit"]["changes"][uri].dump() ==
      R"([{"newText":"  # catalog-lint-disable-next-line unresolved-reference -- reason: say why this is accepted\n","range":{"end":{"character":0,"line":11},"start":{"character":0,"line":11}}}])");
  // Fix all: only the safe fix (the number quoted), not the did-you-mean.
  CHECK(actions[2]["kind"] == "source.fixAll.catalog-lint");
  CHECK(
      actions[2]["edit"]["changes"][uri].dump() ==
      R"([{"newText":"\"2024\"","range":{"end":{"character":19,"line":4},"start":{"character":15,"line":4}}}])");
  // The number in `description: 2024` (line 5): a safe quick fix, preferred; a Backstage
  // rejection, so no suppression. Asked for quick fixes only.
  params["range"] = {{"start", {{"line", 4}, {"character", 16}}},
                     {"end", {{"line", 4}, {"character", 16}}}};
  params["context"]["only"] = json::array({"quickfix"});
  c.request(3, "textDocument/codeAction", params);
  const json quote = c.response(3)["result"];
  REQUIRE(quote.size() == 1);
  CHECK(quote[0]["title"] == "quote '2024' as a string");
  CHECK(quote[0]["isPreferred"] == true);
  CHECK(quote[0]["diagnostics"][0]["code"] == "invalid-field-type");
  CHECK(quote[0]["edit"] == actions[2]["edit"]);
  // The tag (line 7): no fix ('bad_tag' is no valid tag either), no suppression.
  params["range"] = {{"start", {{"line", 6}, {"character", 6}}},
                     {"end", {{"line", 6}, {"character", 6}}}};
  c.request(30, "textDocument/codeAction", params);
  CHECK(c.response(30)["result"] == json::array());
  // Hover on the tag: invalid-tag's documentation; on the owner: the Group.
  c.request(4, "textDocument/hover", at(6, 8));
  const json rule_hover = c.response(4)["result"];
  CHECK(rule_hover["contents"]["value"].get<std::string>().starts_with(
      "**invalid-tag** (backstage, default severity error)"));
  CHECK(range_of(rule_hover) == "6:6-6:13");
  c.request(5, "textDocument/hover", at(10, 10));
  const json owner_hover = c.response(5)["result"];
  CHECK(owner_hover["contents"]["value"] ==
        "**Group** `group:default/team-a`\n\ntype: `team`\n\nThe payments team\n\ndefined in "
        "`org/groups.yaml` line 4");
  CHECK(range_of(owner_hover) == "10:9-10:15");
  // Definition of the owner: org/groups.yaml, at team-a's metadata.name.
  c.request(6, "textDocument/definition", at(10, 12));
  const json def = c.response(6)["result"];
  CHECK(def["uri"] == lsp::uri_of_path(dir + "/org/groups.yaml"));
  CHECK(range_of(def) == "3:8-3:14");
  c.request(7, "textDocument/definition", at(2, 3));  // `metadata:`: no reference
  CHECK(c.response(7)["result"].is_null());
  // Completion of owners and systems from the org catalog.
  std::string typing = text;
  typing.replace(typing.find("owner: team-a"), 13, "owner: te");
  c.change(uri, 2, typing);
  c.request(8, "textDocument/completion", at(10, 11));
  std::vector<std::string> labels;
  const json owners = c.response(8);
  for (const json& item : owners["result"]["items"]) labels.push_back(item["label"]);
  CHECK(labels ==
        std::vector<std::string>{"architecture-committee", "platform-team", "team-a", "team-b"});
  CHECK(owners["result"]["items"][0]["textEdit"]["range"].dump() ==
        R"({"end":{"character":11,"line":10},"start":{"character":9,"line":10}})");
  c.request(9, "textDocument/completion", at(11, 10));
  labels.clear();
  const json systems = c.response(9);
  for (const json& item : systems["result"]["items"]) labels.push_back(item["label"]);
  CHECK(labels == std::vector<std::string>{"payments"});
  c.request(10, "shutdown");
  c.response(10);
  c.notify("exit");
  CHECK(c.exit_code() == 0);
}

TEST_CASE("lsp: a changed .catalog-lint.yaml or Group file re-lints the open documents") {
  const std::string dir = test::committed_copy("lsp");
  const std::string file = dir + "/services/catalog-info.yaml";
  const std::string uri = lsp::uri_of_path(file);
  Client c(dir);
  c.initialize(dir);
  c.open(uri, test::read_file(file));
  CHECK(with_code(c.diagnostics(uri, 1), "unresolved-reference") != nullptr);
  // The org gains the System the component names: the reference resolves.
  test::write_file(dir + "/org/more.yaml",
                   "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: paymens\n"
                   "spec:\n  owner: team-a\n");
  c.notify("workspace/didChangeWatchedFiles",
           {{"changes",
             json::array({{{"uri", lsp::uri_of_path(dir + "/org/more.yaml")}, {"type", 1}}})}});
  CHECK(with_code(c.diagnostics(uri, 1), "unresolved-reference") == nullptr);
  // The config makes invalid-tag a warning.
  test::write_file(dir + "/.catalog-lint.yaml", "catalog: [org]\nrules:\n  invalid-tag: warning\n");
  c.notify(
      "workspace/didChangeWatchedFiles",
      {{"changes",
        json::array({{{"uri", lsp::uri_of_path(dir + "/.catalog-lint.yaml")}, {"type", 2}}})}});
  const json published = c.diagnostics(uri, 1);
  REQUIRE(with_code(published, "invalid-tag") != nullptr);
  CHECK((*with_code(published, "invalid-tag"))["severity"] == 2);
}

TEST_CASE("lsp: Neovim's built-in client: diagnostics, a suppression, a quick fix, definition") {
  if (!test::have("nvim")) {
    test::skip(
        "nvim is not installed (Debian: apt-get install neovim): the editor test cannot run");
    return;
  }
  const std::string dir = test::committed_copy("lsp");
  const std::string out = test::temp_dir() + "/nvim-results";
  // The hang guard: Neovim and the server it started are killed after 120 s.
  const auto [code, output] =
      test::sh(dir, "CATALOG_LINT_BIN='" CATALOG_LINT_BINARY "' LSP_ROOT='" + dir + "' LSP_OUT='" +
                        out + "' timeout -s KILL 120 nvim --headless --clean -u '" +
                        test::source_dir() + "/tests/lsp/nvim.lua' </dev/null");
  INFO(output);
  CHECK(code == 0);
  REQUIRE(std::filesystem::exists(out));
  const std::string results = test::read_file(out);
  // Ranges as Neovim placed them: 0-based lines, byte columns (the file is ASCII here).
  CHECK(results ==
        "client=true\n"
        "encoding=utf-16\n"
        "diagnostics=invalid-field-type@4:15-4:19,invalid-tag@6:6-6:13,"
        "missing-cost-center@2:0-2:8,missing-escalation-contact@2:0-2:8,"
        "missing-golden-path@2:0-2:8,missing-on-call@2:0-2:8,unresolved-reference@11:10-11:17\n"
        "actions=replace 'paymens' with 'payments' (unsafe)|suppress 'unresolved-reference' on "
        "this line (with a reason)|fix all safe catalog-lint findings\n"
        "line12=  # catalog-lint-disable-next-line unresolved-reference -- reason: say why this "
        "is accepted\n"
        "line13=  system: paymens\n"
        "fixes=quote '2024' as a string\n"
        "line5=  description: \"2024\"\n"
        "after=invalid-tag@6:6-6:13,missing-cost-center@2:0-2:8,"
        "missing-escalation-contact@2:0-2:8,missing-golden-path@2:0-2:8,missing-on-call@2:0-2:8\n"
        "definition=groups.yaml:4:8\n"
        "stopped=true\n");
  // The server wrote nothing: the buffer was edited, the file on disk is as committed.
  CHECK(test::sh(dir, "git status --porcelain").second == "");
}

TEST_CASE("lsp: incremental changes at UTF-16 positions") {
  const std::string dir = test::committed_copy("lsp");
  const std::string file = dir + "/services/catalog-info.yaml";
  const std::string uri = lsp::uri_of_path(file);
  std::string text = test::read_file(file);
  text.replace(text.find("  tags:\n    - Bad_Tag\n"), 22, "  tags: [caf\xC3\xA9, Bad_Tag]\n");
  Client c(dir);
  c.initialize(dir);
  c.open(uri, text);
  c.diagnostics(uri, 1);
  // 'Bad_Tag' is UTF-16 characters 15-22 of line 5 (bytes 16-23).
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", uri}, {"version", 2}}},
            {"contentChanges", json::array({{{"range",
                                              {{"start", {{"line", 5}, {"character", 15}}},
                                               {"end", {{"line", 5}, {"character", 22}}}}},
                                             {"text", "Other_Tag"}},
                                            {{"range",
                                              {{"start", {{"line", 5}, {"character", 9}}},
                                               {"end", {{"line", 5}, {"character", 13}}}}},
                                             {"text", "tea"}}})}});
  const json published = c.diagnostics(uri, 2);
  std::vector<std::string> tags;
  for (const json& d : published["diagnostics"])
    if (d["code"] == "invalid-tag")
      tags.push_back(range_of(d) + " " + d["message"].get<std::string>());
  CHECK(tags == std::vector<std::string>{
                    "5:14-5:23 tag 'Other_Tag' is not valid; expected 1-63 characters [a-z0-9:+#] "
                    "separated by single -\nhelp: use lower-case letters, digits, :, + and #, "
                    "joined by -"});
}

TEST_CASE("lsp: a skeleton buffer is what the command line makes of it") {
  // A skeleton named catalog-info.yaml used to be linted as written in the editor (its
  // `${{ values.name }}` an invalid-entity-name); the command line skips it by default and lints
  // it in skeleton mode with `skeletons: lint`.
  const std::string dir = test::committed_copy("lsp");
  const std::string file = dir + "/skeleton/catalog-info.yaml";
  const std::string uri = lsp::uri_of_path(file);
  const std::string text =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
      "  name: ${{ values.name }}\n  tags: [Bad_Tag]\nspec:\n  type: service\n"
      "  lifecycle: production\n  owner: team-a\n";
  test::write_file(file, text);
  auto codes = [&](const json& published) {
    std::vector<std::string> out;
    for (const json& d : published["diagnostics"])
      out.push_back(d["code"].get<std::string>() + " " + range_of(d));
    return out;
  };
  {
    Client c(dir);
    c.initialize(dir);
    c.open(uri, text);
    CHECK(codes(c.diagnostics(uri, 1)).empty());
  }
  test::write_file(dir + "/skeleton/.catalog-lint.yaml",
                   "extends: ../.catalog-lint.yaml\n"
                   "skeletons: lint\n");
  Client c(dir);
  c.initialize(dir);
  c.open(uri, text);
  const auto got = codes(c.diagnostics(uri, 1));
  INFO(fmt::format("{}", fmt::join(got, "; ")));
  // The tag outside the expressions, and the policy findings of a service with no contacts; none
  // from the templated name.
  CHECK(got == std::vector<std::string>{"missing-cost-center 2:0-2:8",
                                        "missing-escalation-contact 2:0-2:8",
                                        "missing-golden-path 2:0-2:8", "missing-on-call 2:0-2:8",
                                        "invalid-tag 4:9-4:16"});
}

TEST_CASE("lsp: completion of golden-path tags and annotation keys from the policy") {
  const std::string dir = test::committed_copy("lsp");
  test::write_file(dir + "/.catalog-lint.yaml",
                   "catalog: [org]\npolicy:\n  golden_paths: [service-template]\n");
  const std::string file = dir + "/services/catalog-info.yaml";
  const std::string uri = lsp::uri_of_path(file);
  std::string text = test::read_file(file);
  text.replace(text.find("    - Bad_Tag\n"), 14, "    - gold\n  annotations:\n    plat\n");
  Client c(dir);
  c.initialize(dir);
  c.open(uri, text);
  auto labels_at = [&](int id, int line, int character) {
    c.request(id, "textDocument/completion",
              {{"textDocument", {{"uri", uri}}},
               {"position", {{"line", line}, {"character", character}}}});
    const json r = c.response(id);
    std::vector<std::string> labels;
    for (const json& item : r["result"]["items"])
      labels.push_back(item["label"].get<std::string>() + " => " +
                       item["textEdit"]["newText"].get<std::string>() + " @" +
                       range_of(item["textEdit"]));
    return labels;
  };
  CHECK(labels_at(2, 6, 10) ==
        std::vector<std::string>{"golden-path:service-template => golden-path:service-template "
                                 "@6:6-6:10"});
  const std::vector<std::string> keys = labels_at(3, 8, 8);
  CHECK(std::count(keys.begin(), keys.end(),
                   "platform/escape-hatch => platform/escape-hatch:  @8:4-8:8") == 1);
  CHECK(std::count(keys.begin(), keys.end(),
                   "backstage.io/techdocs-ref => backstage.io/techdocs-ref:  @8:4-8:8") == 1);
  std::string all;
  for (const std::string& k : keys) all += k.substr(0, k.find(" =>")) + ",";
  // The policy's own annotations, its declarative rules' (cost centre, data classification) and
  // Backstage's well-known keys.
  CHECK(all ==
        "backstage.io/source-location,backstage.io/source-template,backstage.io/techdocs-ref,"
        "github.com/project-slug,platform/cost-center,platform/data-classification,"
        "platform/deprecated-on,platform/escape-hatch,platform/escape-hatch-approval,"
        "platform/escape-hatch-approved-by,platform/escape-hatch-expires,"
        "platform/escape-hatch-monitoring,platform/sunset-date,");
}
