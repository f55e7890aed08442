// Snapshots of the org catalog (issue 14 item 2, docs/snapshot.md): `catalog-lint snapshot` from
// entity YAML, from Backstage API exports and from a live server (--from-url, against
// testdata/api/server.py on 127.0.0.1), and read_json_catalog() of snapshots, exports and hostile
// files. The API fixtures of testdata/api/ were made with Backstage's own packages
// (testdata/api/make-fixtures.js).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/snapshot.h"
#include "util.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

const std::vector<std::string> kRefs = {"api:default/payments",
                                        "component:default/payments-api",
                                        "component:shop/checkout-web",
                                        "domain:default/commerce",
                                        "group:default/payments",
                                        "group:default/platform-team",
                                        "resource:default/payments-db",
                                        "system:default/checkout",
                                        "template:default/java-service",
                                        "user:default/jane",
                                        "user:default/omar"};

std::string ref_of(const json& e) {
  std::string ns = e["metadata"].value("namespace", "default");
  std::string s =
      e["kind"].get<std::string>() + ":" + ns + "/" + e["metadata"]["name"].get<std::string>();
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> refs_of(const json& snapshot) {
  std::vector<std::string> out;
  for (const json& e : snapshot["entities"]) out.push_back(ref_of(e));
  return out;
}

// The entity `ref` of a snapshot, without the `ref` key that leads it (version 2), which must be
// its ref.
json entity(const json& snapshot, const std::string& ref) {
  for (const json& e : snapshot["entities"])
    if (ref_of(e) == ref) {
      json copy = e;
      CHECK(copy["ref"] == ref);
      copy.erase("ref");
      return copy;
    }
  FAIL("no entity " << ref);
  return json();
}

std::string source_of(const json& e) {
  return e["source"]["file"].get<std::string>() + ":" +
         std::to_string(e["source"]["line"].get<int>());
}

std::string api_dir() {
  return source_dir() + "/testdata/api";
}

bool have(const char* program) {
  return std::system(("command -v " + std::string(program) + " >/dev/null 2>&1").c_str()) == 0;
}

// The stand-in Backstage (testdata/api/server.py) in a child process, stopped on destruction.
struct Server {
  pid_t pid = -1;
  int port = 0;
  std::string log;
  Server() {
    const std::string dir = temp_dir();
    const std::string port_file = dir + "/port";
    log = dir + "/requests.log";
    write_file(log, "");
    pid = fork();
    if (pid == 0) {
      const std::string script = api_dir() + "/server.py";
      const std::string fixtures = api_dir();
      execlp("python3", "python3", script.c_str(), port_file.c_str(), fixtures.c_str(), log.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    // A hang guard, not a timed assertion: the server writes its port at once.
    for (int i = 0; i < 600 && port == 0; ++i) {
      std::error_code ec;
      if (fs::exists(port_file, ec))
        port = std::stoi(read_file(port_file));
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      int status = 0;
      if (port == 0 && waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        break;
      }
    }
  }
  ~Server() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
    }
  }
  std::string url(const std::string& prefix) const {
    return "http://127.0.0.1:" + std::to_string(port) + "/" + prefix;
  }
  std::vector<std::string> requests() const {
    std::vector<std::string> out;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
};

// Runs `catalog-lint snapshot ARGS` from the repository root with the token variable set or not
// (and no proxy for 127.0.0.1).
CliRun snapshot(std::vector<std::string> args, const std::string& token = "") {
  args.insert(args.begin(), "snapshot");
  RunOptions o;
  o.cwd = source_dir();
  o.env = {{"NO_PROXY", "127.0.0.1"}, {"no_proxy", "127.0.0.1"}, {"BACKSTAGE_TOKEN", token}};
  return run_with(args, o);
}

Limits small_limits() {
  Limits l;
  l.max_file_bytes = 1000;  // catalog files: 32,000 bytes
  l.max_nodes = 100;        // catalog files: 400 values
  return l;
}

JsonCatalog read_text(const std::string& text, const Limits& limits = {}) {
  const std::string path = temp_dir() + "/catalog.json";
  write_file(path, text);
  return read_json_catalog(path, limits);
}

}  // namespace

TEST_CASE("snapshot: from entity YAML, every entity reduced, sorted by ref, with its file:line") {
  const CliRun run = snapshot({"testdata/api/org"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.err == "");
  const json s = json::parse(run.out);
  CHECK(s["format"] == "catalog-lint-snapshot");
  CHECK(s["version"] == 2);
  CHECK(s["count"] == 11);
  CHECK(s["generated"].get<std::string>().size() == 20);
  CHECK(s["sources"] ==
        json::parse(R"([{"type":"yaml","location":"testdata/api/org","entities":11}])"));
  CHECK(refs_of(s) == kRefs);
  CHECK(source_of(entity(s, "component:default/payments-api")) ==
        "testdata/api/org/services.yaml:1");
  CHECK(source_of(entity(s, "component:shop/checkout-web")) == "testdata/api/org/services.yaml:20");
  CHECK(source_of(entity(s, "resource:default/payments-db")) ==
        "testdata/api/org/services.yaml:47");
  CHECK(source_of(entity(s, "user:default/omar")) == "testdata/api/org/users.yaml:11");
  // Only the policy's annotations, the escalation ones and the template/location ones stay.
  CHECK(entity(s, "component:default/payments-api") == json::parse(R"({
    "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
    "metadata": {"name": "payments-api", "tags": ["java", "payments"], "annotations": {
      "platform/escalation-contact": "#payments-oncall", "opsgenie.com/team": "payments",
      "backstage.io/source-template": "template:default/java-service"}},
    "spec": {"type": "service", "lifecycle": "production", "owner": "group:payments",
             "system": "checkout", "providesApis": ["payments"],
             "dependsOn": ["resource:payments-db"]},
    "source": {"file": "testdata/api/org/services.yaml", "line": 1}})"));
  CHECK(entity(s, "group:default/platform-team") == json::parse(R"({
    "apiVersion": "backstage.io/v1alpha1", "kind": "Group",
    "metadata": {"name": "platform-team", "annotations": {
      "platform/escalation-contact": "#platform-oncall", "pagerduty.com/service-id": "PXYZ123"}},
    "spec": {"type": "team", "profile": {"email": "platform@example.com"},
             "children": ["payments"]},
    "source": {"file": "testdata/api/org/groups.yaml", "line": 1}})"));
  // Template: tags and owner stay, the steps go; an API's definition goes.
  CHECK(entity(s, "template:default/java-service")["spec"] ==
        json::parse(R"({"type": "service", "owner": "group:platform-team"})"));
  CHECK(entity(s, "template:default/java-service")["metadata"]["tags"] ==
        json::parse(R"(["golden-path", "java"])"));
  CHECK_FALSE(entity(s, "api:default/payments")["spec"].contains("definition"));
  // Compact and deterministic: the header line, one line per entity led by its ref, the closing
  // line; the same bytes twice but for the time.
  CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 14);
  CHECK(run.out.find(",\"count\":11,\"index\":[\n[\"api:default/payments\",") != std::string::npos);
  CHECK(run.out.find("],\"entities\":[\n{\"ref\":\"api:default/payments\",") != std::string::npos);
  CHECK(s["index"].size() == 11);
  CHECK(s["index"][0][0] == "api:default/payments");
  CHECK(run.out.ends_with("}\n]}\n"));
  json again = json::parse(snapshot({"testdata/api/org"}).out);
  again["generated"] = s["generated"];
  CHECK(again == s);
}

TEST_CASE("snapshot: from Backstage API exports (an array, one page, concatenated pages)") {
  const CliRun run = snapshot({"testdata/api/entities.json"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const json s = json::parse(run.out);
  CHECK(refs_of(s) == kRefs);
  const json& web = entity(s, "component:shop/checkout-web");
  // Where it came from: the managed-by-location target; the line is unknown.
  CHECK(source_of(web) == "https://github.com/acme/org/blob/main/org/services.yaml:0");
  CHECK(web["metadata"]["uid"] == "cefcbddf-c9a2-4edb-9d0c-0ca3e46c6db9");
  CHECK(web["metadata"]["etag"].get<std::string>().size() == 40);
  CHECK(web["metadata"]["annotations"] == json::parse(R"({
    "backstage.io/managed-by-location": "url:https://github.com/acme/org/blob/main/org/services.yaml",
    "backstage.io/managed-by-origin-location": "url:https://github.com/acme/org/blob/main/org/services.yaml"})"));
  CHECK(web["relations"] == json::parse(R"([
    {"type": "consumesApi", "targetRef": "api:default/payments"},
    {"type": "ownedBy", "targetRef": "group:default/payments"},
    {"type": "partOf", "targetRef": "component:default/payments-api"},
    {"type": "partOf", "targetRef": "system:default/checkout"}])"));
  CHECK(s["sources"] ==
        json::parse(R"([{"type":"json","location":"testdata/api/entities.json","entities":11}])"));

  const CliRun pages = snapshot({"testdata/api/pages.json"});
  REQUIRE_MESSAGE(pages.exit_code == 0, pages.err);
  CHECK(json::parse(pages.out)["entities"] == s["entities"]);
  const CliRun page1 = snapshot({"testdata/api/page1.json"});
  REQUIRE_MESSAGE(page1.exit_code == 0, page1.err);
  CHECK(refs_of(json::parse(page1.out)) ==
        std::vector<std::string>(kRefs.begin(), kRefs.begin() + 6));
}

TEST_CASE("snapshot: read_json_catalog gives back the entities with file, line and typed nodes") {
  const std::string out = temp_dir() + "/org.snapshot.json";
  const CliRun run = snapshot({"testdata/api/org", "-o", out});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out == "");
  CHECK(run.err == "catalog-lint: wrote 11 entities to '" + out + "'\n");
  // One entity is "1 entity".
  const std::string one = temp_dir();
  write_file(one + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: t\n"
             "spec:\n  type: team\n  children: []\n");
  const CliRun single = run_with({"snapshot", ".", "-o", "s.json"}, RunOptions{.cwd = one});
  CHECK(single.exit_code == 0);
  CHECK(single.err == "catalog-lint: wrote 1 entity to 's.json'\n");
  const JsonCatalog c = read_json_catalog(out, Limits{});
  REQUIRE(c.error == "");
  REQUIRE(c.entities.size() == 11);
  const JsonCatalog::Item& web = c.entities[2];
  CHECK(web.file == "testdata/api/org/services.yaml");
  CHECK(web.line == 20);
  CHECK(web.root->get("source") == nullptr);  // ours, not the entity's
  const Node* ns = web.root->get("metadata")->get("namespace");
  REQUIRE(ns != nullptr);
  CHECK(ns->type == NodeType::string);
  CHECK(ns->text == "shop");
  CHECK(ns->plain == false);
  CHECK(ns->key->text == "namespace");
  CHECK(ns->pos.line == 20);
  CHECK(ns->pos.column == 1);
  const Node* consumes = web.root->get("spec")->get("consumesApis");
  REQUIRE(consumes != nullptr);
  REQUIRE(consumes->is_seq());
  CHECK(consumes->items.at(0)->text == "default/payments");
  CHECK(consumes->items.at(0)->pos.line == 20);

  // An API export: files from managed-by-location, relations as Backstage gives them.
  const JsonCatalog api = read_json_catalog(api_dir() + "/entities.json", Limits{});
  REQUIRE(api.error == "");
  REQUIRE(api.entities.size() == 11);
  CHECK(api.entities[0].file == "https://github.com/acme/org/blob/main/org/services.yaml");
  CHECK(api.entities[0].line == 0);
  CHECK(api.entities[0].root->get("relations")->items.size() == 4);
  CHECK(api.next_cursor == "");
  const JsonCatalog page1 = read_json_catalog(api_dir() + "/page1.json", Limits{});
  CHECK(page1.entities.size() == 6);
  CHECK(page1.next_cursor.size() > 20);

  // Scalars: typed as the YAML loader types them, text as written.
  const JsonCatalog typed = read_text(
      R"([{"kind":"Component","metadata":{"name":"a","n":12,"f":1.50,"b":true,"z":null}}])");
  REQUIRE(typed.error == "");
  REQUIRE(typed.entities.size() == 1);
  const Node* m = typed.entities[0].root->get("metadata");
  CHECK(m->get("n")->type == NodeType::integer);
  CHECK(m->get("n")->text == "12");
  CHECK(m->get("f")->type == NodeType::floating);
  CHECK(m->get("f")->text == "1.50");
  CHECK(m->get("b")->type == NodeType::boolean);
  CHECK(m->get("z")->type == NodeType::null);
  CHECK(typed.entities[0].file.ends_with("/catalog.json"));  // no location: the file itself
  CHECK(typed.entities[0].line == 0);
}

TEST_CASE("snapshot: which catalog sources are JSON") {
  CHECK(is_catalog_json_path("org/snapshot.json"));
  CHECK(is_catalog_json_path("EXPORT.JSON"));
  CHECK_FALSE(is_catalog_json_path("org/"));
  CHECK_FALSE(is_catalog_json_path("catalog-info.yaml"));
  CHECK_FALSE(is_catalog_json_path("json"));
}

TEST_CASE("snapshot: hostile catalog files are clear errors, never crashes") {
  const Limits small = small_limits();
  auto error_of = [](const JsonCatalog& c) {
    CHECK(c.entities.empty());
    std::string e = c.error;
    const std::size_t at = e.find("catalog.json'");
    return at == std::string::npos ? e : "'…/" + e.substr(at);
  };
  CHECK(error_of(read_text("apiVersion: backstage.io/v1alpha1\n")) ==
        "'…/catalog.json' is not valid JSON: parse error at line 1, column 1: syntax error while "
        "parsing value - invalid literal; last read: 'a'");
  CHECK(error_of(read_text("")) ==
        "'…/catalog.json' is not valid JSON: parse error at line 1, column 1: syntax error while "
        "parsing value - unexpected end of input; expected '[', '{', or a literal");
  // nlohmann would stop at the NUL and take `[]` for the whole file.
  CHECK(error_of(read_text(std::string("[]\0{\"garbage", 11))) ==
        "'…/catalog.json' is not valid JSON: a NUL byte at offset 2");
  CHECK(error_of(read_text(R"({"format":"catalog-lint-snapshot","version":3,"entities":[]})")) ==
        "'…/catalog.json': unsupported snapshot version '3' (this catalog-lint reads versions 1 "
        "and 2); write it again with `catalog-lint snapshot`");
  CHECK(error_of(read_text(R"({"format":"other-tool","version":1})")) ==
        "'…/catalog.json': \"format\" is 'other-tool', not 'catalog-lint-snapshot'");
  CHECK(error_of(read_text(R"({"a":1})")) ==
        "'…/catalog.json' is neither a catalog-lint snapshot nor a Backstage API export (expected "
        "{\"format\": \"catalog-lint-snapshot\", …}, an array of entities, or {\"items\": [...]} "
        "pages)");
  CHECK(error_of(read_text(R"({"items":[1]})")) ==
        "'…/catalog.json': an item of an API page is a JSON number, not an entity object");
  // Depth: 100,000 nested arrays stop at the depth limit (200).
  CHECK(error_of(read_text(std::string(100000, '['))) ==
        "'…/catalog.json' is not valid JSON: JSON nested deeper than 200 levels (limit `depth`)");
  // Size: over 32 × file-bytes.
  CHECK(error_of(read_text("[" + std::string(40000, ' ') + "]", small)) ==
        "'…/catalog.json' is 40002 bytes, over the catalog file limit of 32000 bytes (32 × "
        "`--limit file-bytes`)");
  // Values: over 4 × nodes.
  std::string many = "[0";
  for (int i = 0; i < 500; ++i) many += ",0";
  CHECK(error_of(read_text(many + "]", small)) ==
        "'…/catalog.json' is not valid JSON: more than 400 JSON values (limit `nodes` × 4)");
  // A directory and a FIFO are refused without blocking.
  CHECK(read_json_catalog(temp_dir(), Limits{}).error.find("Is a directory") != std::string::npos);
  const std::string fifo = temp_dir() + "/fifo.json";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(read_json_catalog(fifo, Limits{}).error ==
        "cannot read '" + fifo + "': not a regular file (a FIFO, socket or device)");

  // The command: exit 2 with the message.
  const std::string bad = temp_dir() + "/bad.json";
  write_file(bad, "{");
  const CliRun run = snapshot({bad});
  CHECK(run.exit_code == 2);
  CHECK(run.out == "");
  CHECK(run.err ==
        "catalog-lint: error: '" + bad +
            "' is not valid JSON: parse error at line 1, column 2: syntax error while parsing "
            "object key - unexpected end of input; expected string literal\n");
  const std::string empty_dir = temp_dir();
  const std::string empty_out = empty_dir + "/out.json";
  const CliRun empty = snapshot({empty_dir, "-o", empty_out});
  CHECK(empty.exit_code == 2);
  CHECK(empty.err == "catalog-lint: error: the inputs hold no entities; nothing was written\n");
  CHECK_FALSE(fs::exists(empty_out));
  const CliRun none = snapshot({});
  CHECK(none.exit_code == 2);
  CHECK(none.err ==
        "catalog-lint: error: snapshot needs input: entity YAML files or folders, *.json API "
        "exports, or --from-url\n");
}

namespace {

// A SnapshotIndex over `text`, whose summaries are the ref, file and kind (no policy).
std::shared_ptr<SnapshotIndex> open_index(const std::string& text, std::string& error,
                                          const Limits& limits = {}) {
  return SnapshotIndex::open(
      text, "org.json", limits,
      [](const Entity& e, const std::string& ref, const std::string& file) {
        EntitySummary s;
        s.ref = ref;
        s.file = file;
        s.kind = std::string(e.kind());
        s.name = std::string(e.name());
        s.document = e.document;
        s.name_pos = e.metadata()->get("name")->pos;
        return s;
      },
      error);
}

// A version-2 snapshot of `lines` (entity lines without their commas), as the writer lays it out;
// `count` for the header when not their number.
std::string v2(const std::vector<std::string>& lines, int count = -1) {
  std::string out = fmt::format(
      "{{\"format\":\"catalog-lint-snapshot\",\"version\":2,\"generated\":\"2026-12-01T00:00:00Z\","
      "\"sources\":[],\"count\":{},\"index\":[\n",
      count < 0 ? lines.size() : static_cast<std::size_t>(count));
  std::string body;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = lines[i] + (i + 1 < lines.size() ? "," : "");
    const std::size_t quote = line.find('"', 8);
    out += fmt::format("{}[{},{}]", i ? "," : "", line.substr(7, quote - 6), line.size());
    body += line + "\n";
  }
  return out + "],\"entities\":[\n" + body + "]}\n";
}

std::string group_line(const std::string& name, int line, const std::string& extra = "") {
  return fmt::format(
      "{{\"ref\":\"group:default/{}\",\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"Group\","
      "\"metadata\":{{\"name\":\"{}\"{}}},\"source\":{{\"file\":\"org/groups.yaml\",\"line\":{}}},"
      "\"spec\":{{\"type\":\"team\"}}}}",
      name, name, extra, line);
}

}  // namespace

TEST_CASE("snapshot: version 2 is read on demand, by the ref that leads each line") {
  const std::string out = temp_dir() + "/org.snapshot.json";
  const CliRun run = snapshot({"testdata/api/org", "-o", out});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(is_snapshot_v2_layout(read_file(out)));
  std::string error;
  const auto index = open_index(read_file(out), error);
  REQUIRE_MESSAGE(index != nullptr, error);
  CHECK(index->size() == 11);
  const EntitySummary* web = index->find("component:shop/checkout-web");
  REQUIRE(web != nullptr);
  CHECK(web->ref == "component:shop/checkout-web");
  CHECK(web->file == "testdata/api/org/services.yaml");
  CHECK(web->kind == "Component");
  CHECK(web->document == 2);
  CHECK(web->name_pos.line == 20);
  CHECK(web->name_pos.column == 1);
  CHECK(index->find("component:shop/checkout-web") == web);  // summarized once, then kept
  CHECK(index->find("component:shop/checkout") == nullptr);
  CHECK(index->find("") == nullptr);
  CHECK(index->keys("group:") ==
        std::vector<std::string>{"group:default/payments", "group:default/platform-team"});
  CHECK(index->keys("user:default/") ==
        std::vector<std::string>{"user:default/jane", "user:default/omar"});
  CHECK(index->keys("zzz").empty());
  const auto templates = index->entities("template:");
  REQUIRE(templates.size() == 1);
  CHECK(templates[0]->name == "java-service");
  CHECK(index->all().size() == 11);
  CHECK(index->error() == "");

  // Duplicates: the first line wins, every one is listed; a file not sorted is sorted on open.
  const auto dup = open_index(
      v2({group_line("b", 3), group_line("a", 1), group_line("b", 9, ",\"title\":\"B2\"")}), error);
  REQUIRE_MESSAGE(dup != nullptr, error);
  REQUIRE(dup->find("group:default/b") != nullptr);
  CHECK(dup->find("group:default/b")->name_pos.line == 3);
  CHECK(dup->find("group:default/a")->document == 1);
  CHECK(dup->keys("group:") == std::vector<std::string>{"group:default/a", "group:default/b"});
  CHECK(dup->entities("group:default/b").size() == 2);
  // An escaped ref is decoded.
  const auto escaped =
      open_index(v2({"{\"ref\":\"group:default/"
                     "\\u0061b\",\"kind\":\"Group\",\"metadata\":{\"name\":\"ab\"}}"}),
                 error);
  REQUIRE_MESSAGE(escaped != nullptr, error);
  CHECK(escaped->keys("") == std::vector<std::string>{"group:default/ab"});
  CHECK(escaped->find("group:default/ab") != nullptr);
  // A version-2 file laid out otherwise (re-indented by a tool) is read whole, as version 1.
  const JsonCatalog pretty = read_text(json::parse(read_file(out)).dump(2));
  CHECK(pretty.error == "");
  CHECK(pretty.entities.size() == 11);
  CHECK(pretty.entities[0].root->get("ref") == nullptr);  // ours, not the entity's
}

TEST_CASE("snapshot: hostile version-2 files are clear errors, on open or on lookup") {
  std::string error;
  auto open_error = [&](const std::string& text, const Limits& limits = {}) {
    error.clear();
    CHECK(open_index(text, error, limits) == nullptr);
    return error;
  };
  const std::string good = v2({group_line("a", 1), group_line("b", 2)});
  const std::string again = "; write it again with `catalog-lint snapshot`";
  const std::size_t index_at = good.find('\n') + 1;
  const std::size_t body_at = good.find('\n', index_at) + 1;
  // Truncated anywhere: at a line end, inside a line, inside the index, inside the header.
  CHECK(open_error(good.substr(0, good.size() - 1)) ==
        "'org.json': it is truncated: it does not end with its closing line `]}`" + again);
  CHECK(open_error(good.substr(0, good.size() - 40)) ==
        "'org.json': it is truncated: its index reaches past the end of the file" + again);
  CHECK(open_error(good.substr(0, body_at)) ==
        "'org.json': it is truncated: its index reaches past the end of the file" + again);
  CHECK(open_error(good.substr(0, index_at + 10)) ==
        "'org.json': it is truncated, or its second line (the index) does not end with "
        "`],\"entities\":[`" +
            again);
  CHECK(open_error(good.substr(0, 60)) ==
        "'org.json': the first line of a version-2 snapshot must end with `\"index\":[`" + again);
  CHECK(open_error(good + "{}\n") ==
        "'org.json': its size is not the one its index gives (the closing line `]}` is not where "
        "the index ends)" +
            again);
  // The count, the index entries, their refs.
  CHECK(open_error(v2({group_line("a", 1)}, 2)) ==
        "'org.json': its header says 2 entities, its index lists 1" + again);
  auto with_index = [&](const std::string& index) {
    return good.substr(0, index_at) + index + "],\"entities\":[\n" + good.substr(body_at);
  };
  CHECK(open_error(with_index("[\"group:default/a\",12")) ==
        "'org.json': its index is broken after 0 entries (`[\"<ref>\",<length>]`, …)" + again);
  CHECK(open_error(with_index("[\"group:default/a\",-3]")) ==
        "'org.json': its index is broken after 0 entries (`[\"<ref>\",<length>]`, …)" + again);
  CHECK(open_error(with_index("[\"group:\xff/a\",12]")) ==
        "'org.json': the ref of index entry 1 is not a valid JSON string" + again);
  CHECK(open_error(with_index("[\"group:\ta\",12]")) ==
        "'org.json': the ref of index entry 1 has a control character" + again);
  // Refs that would never be found, and an empty snapshot (a hostile trial: each made every
  // owner "unknown" with exit 1 instead of an unreadable snapshot).
  CHECK(open_error(with_index("[\"Group:default/a\",12]")) ==
        "'org.json': the ref of index entry 1 is not lower case, as snapshot refs are" + again);
  CHECK(open_error(with_index("[\"group:default/\\u0041\",12]")) ==
        "'org.json': the ref of index entry 1 is not lower case, as snapshot refs are" + again);
  CHECK(open_error(v2({})) == "'org.json': it lists no entity" + again);
  CHECK(open_error(with_index("[\"group:default/a\",99999999999999999999]")) ==
        "'org.json': its index is broken after 0 entries (`[\"<ref>\",<length>]`, …)" + again);
  // The header: JSON, this format, version 2, a count.
  std::string negative = good;
  negative.replace(negative.find("\"count\":2"), 9, "\"count\":-1");
  CHECK(open_error(negative) ==
        "'org.json': its header line is not a version-2 snapshot's (format, version 2, count)" +
            again);
  std::string bad_header = good;
  bad_header.replace(bad_header.find("\"sources\":[]"), 12, "\"sources\":[}");
  CHECK(open_error(bad_header).starts_with("'org.json': its header line is not valid JSON: "));

  // An entity line is only read when looked up: then a bad one is the file's error, and nothing
  // more is found in it.
  auto lookup_error = [&](const std::string& line, const Limits& limits = {}) {
    const auto index = open_index(v2({group_line("a", 1), line}), error, limits);
    REQUIRE_MESSAGE(index != nullptr, error);
    CHECK(index->find("group:default/a") != nullptr);
    CHECK(index->error() == "");
    CHECK(index->find("group:default/b") == nullptr);
    CHECK(index->find("group:default/a") == nullptr);  // the file is unreadable from now on
    CHECK(index->keys("group:").empty());
    CHECK(index->all().empty());
    return index->error();
  };
  CHECK(lookup_error(
            "{\"ref\":\"group:default/b\",\"kind\":\"Group\",\"metadata\":{\"name\":\"b\"}") ==
        "'org.json': entity 2 of the snapshot (line 4) is not valid JSON: parse error at line 1, "
        "column 64: syntax error while parsing object - unexpected end of input; expected '}'");
  CHECK(lookup_error(
            "{\"ref\":\"group:default/b\",\"kind\":\"Group\",\"metadata\":{\"name\":\"\xc3\"}}")
            .starts_with("'org.json': entity 2 of the snapshot (line 4) is not valid JSON: parse "
                         "error at line 1, column 62: syntax error while parsing value - invalid "
                         "string: ill-formed UTF-8 byte"));
  CHECK(lookup_error(
            "{\"ref\":\"group:default/b\",\"kind\":\"Group\",\"metadata\":{\"name\":\"c\"}}") ==
        "'org.json': entity 2 of the snapshot (line 4) is 'group:default/c', not the ref that "
        "leads its line, 'group:default/b'");
  CHECK(lookup_error("{\"ref\":\"group:default/b\",\"kind\":\"Group\",\"x\":" +
                     std::string(300, '[') + std::string(300, ']') + "}") ==
        "'org.json': entity 2 of the snapshot (line 4) is not valid JSON: JSON nested deeper than "
        "200 levels (limit `depth`)");
  std::string many = "{\"ref\":\"group:default/b\",\"kind\":\"Group\",\"x\":[0";
  for (int i = 0; i < 500; ++i) many += ",0";
  CHECK(lookup_error(many + "]}", small_limits()) ==
        "'org.json': entity 2 of the snapshot (line 4) is not valid JSON: more than 400 JSON "
        "values (limit `nodes` × 4)");
  // A line whose leading ref is not the index's, or whose length is not the index's.
  std::string swapped = v2({group_line("a", 1), group_line("b", 2)});
  swapped.replace(swapped.rfind("{\"ref\":\"group:default/b\""), 24,
                  "{\"ref\":\"group:default/x\"");
  auto index = open_index(swapped, error);
  REQUIRE_MESSAGE(index != nullptr, error);
  CHECK(index->find("group:default/b") == nullptr);
  CHECK(index->error() ==
        "'org.json': entity 2 of the snapshot (line 4) is not led by the ref the index gives it, "
        "'group:default/b'");
  // The first line one byte longer than indexed, and the file as long as before (the newline of
  // the last line gone).
  const std::size_t last_newline = good.size() - 4;
  const std::string shifted = good.substr(0, body_at + 1) + " " +
                              good.substr(body_at + 1, last_newline - body_at - 1) + "]}\n";
  index = open_index(shifted, error);
  REQUIRE_MESSAGE(index != nullptr, error);
  CHECK(index->find("group:default/a") == nullptr);
  CHECK(index->error().starts_with("'org.json': entity 1 of the snapshot (line 3) is not the "));
  // A huge string is bytes like any other: bounded by the file's size limit on read.
  const std::string path = temp_dir() + "/huge.json";
  write_file(path, v2({group_line("a", 1, ",\"title\":\"" + std::string(40000, 'x') + "\"")}));
  std::string read_error;
  CHECK(read_catalog_file(path, small_limits(), read_error).bytes.empty());
  CHECK(read_error.find("over the catalog file limit of 32000 bytes") != std::string::npos);
  bool other = false;
  CHECK(SnapshotIndex::open_file(path, small_limits(), nullptr, read_error, other) == nullptr);
  CHECK(other);  // left to read_json_catalog, which says it is too big
}

TEST_CASE("snapshot: a version-2 file is opened from disk reading only its header and index") {
  const std::string dir = temp_dir();
  const std::string out = dir + "/org.json";
  REQUIRE(snapshot({"testdata/api/org", "-o", out}).exit_code == 0);
  std::string error;
  bool other = true;
  auto summarize = [](const Entity& e, const std::string& ref, const std::string& file) {
    EntitySummary s;
    s.ref = ref;
    s.file = file;
    s.kind = std::string(e.kind());
    return s;
  };
  const auto index = SnapshotIndex::open_file(out, Limits{}, summarize, error, other);
  REQUIRE_MESSAGE(index != nullptr, error);
  CHECK_FALSE(other);
  CHECK(index->size() == 11);
  REQUIRE(index->find("user:default/omar") != nullptr);
  CHECK(index->find("user:default/omar")->file == "testdata/api/org/users.yaml");
  CHECK(index->all().size() == 11);
  // Not a version-2 file (version 1, an API export, a directory, a FIFO): left to
  // read_json_catalog.
  write_file(dir + "/v1.json", R"({"format":"catalog-lint-snapshot","version":1,"entities":[]})");
  for (const std::string& path :
       {dir + "/v1.json", api_dir() + "/entities.json", dir, dir + "/missing.json"}) {
    CHECK(SnapshotIndex::open_file(path, Limits{}, summarize, error, other) == nullptr);
    CHECK(other);
  }
  const std::string fifo = dir + "/fifo.json";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(SnapshotIndex::open_file(fifo, Limits{}, summarize, error, other) == nullptr);
  CHECK(other);
  // Truncated on disk: an error, not another layout.
  const std::string text = read_file(out);
  write_file(out, text.substr(0, text.size() - 100));
  CHECK(SnapshotIndex::open_file(out, Limits{}, summarize, error, other) == nullptr);
  CHECK_FALSE(other);
  CHECK(error == "'" + out +
                     "': it is truncated: its index reaches past the end of the file; write it "
                     "again with `catalog-lint snapshot`");
}

TEST_CASE("snapshot: -o never replaces an input, and writes through a temporary file") {
  const std::string dir = temp_dir();
  const std::string input = dir + "/export.json";
  fs::copy_file(api_dir() + "/entities.json", input);
  const std::string before = read_file(input);
  const CliRun run = snapshot({input, "-o", input});
  CHECK(run.exit_code == 2);
  CHECK(run.err == "catalog-lint: error: refusing to write '" + input +
                       "': it is the input file '" + input + "'\n");
  CHECK(read_file(input) == before);
  const std::string yaml = dir + "/catalog-info.yaml";
  fs::copy_file(api_dir() + "/org/users.yaml", yaml);
  const CliRun yaml_run = snapshot({dir, "-o", yaml});
  CHECK(yaml_run.exit_code == 2);
  CHECK(yaml_run.err == "catalog-lint: error: refusing to write '" + yaml +
                            "': it is the input file '" + yaml + "'\n");
  // A snapshot is itself an input: snapshot → snapshot keeps files and lines.
  const std::string first = dir + "/first.json", second = dir + "/second.json";
  REQUIRE(snapshot({"testdata/api/org", "-o", first}).exit_code == 0);
  REQUIRE(snapshot({first, "-o", second}).exit_code == 0);
  json a = json::parse(read_file(first)), b = json::parse(read_file(second));
  CHECK(b["entities"] == a["entities"]);
  for (const auto& p : fs::directory_iterator(dir))
    CHECK(p.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("snapshot --from-url: libcurl is loaded when a fetch runs, not linked into every run") {
  // Linked, it loaded ~30 shared libraries at each start: 3 ms of a 7 ms one-file lint.
  const auto [status, out] =
      sh(source_dir(), std::string("readelf -d '") + CATALOG_LINT_BINARY + "'");
  REQUIRE(status == 0);
  CHECK(out.find("(NEEDED)") != std::string::npos);
  CHECK(out.find("libcurl") == std::string::npos);
  CHECK(out.find("libyaml-cpp") != std::string::npos);
}

TEST_CASE("snapshot --from-url: an empty URL, a bad variable name, a libcurl that is not one") {
  const CliRun empty = run_cli({"snapshot", "--from-url", "", "testdata/api/org"}, source_dir());
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.starts_with(
      "catalog-lint: error: --from-url: an empty URL; give the Backstage base URL, e.g. "
      "https://backstage.example.com\n"));
  const CliRun name =
      run_cli({"snapshot", "--from-url", "http://127.0.0.1:1", "--token-env", "X=Y"}, source_dir());
  CHECK(name.exit_code == 2);
  CHECK(
      name.err.starts_with("catalog-lint: error: --token-env: not an environment variable name "
                           "([A-Za-z_][A-Za-z0-9_]*)\n"));
  // Files by those names that are not libcurl: each one's reason is said, none is used.
  const std::string dir = temp_dir();
  write_file(dir + "/libcurl.so.4", "");
  write_file(dir + "/libcurl-gnutls.so.4", "");
  RunOptions o;
  o.cwd = source_dir();
  o.env = {{"LD_LIBRARY_PATH", dir}};
  const CliRun fake = run_with({"snapshot", "--from-url", "http://127.0.0.1:1"}, o);
  CHECK(fake.exit_code == 2);
  CHECK(
      fake.err.starts_with("catalog-lint: error: --from-url needs libcurl 7.85 or later "
                           "(libcurl.so.4: apt-get install libcurl4); " +
                           dir + "/libcurl.so.4: "));
  CHECK(fake.err.find("; " + dir + "/libcurl-gnutls.so.4: ") != std::string::npos);
  CHECK(fake.out.empty());
}

TEST_CASE("snapshot --from-url: cursor paging, auth, 500, bad JSON, redirects, size, timeout") {
  if (!have("python3")) {
    skip("python3 is not installed: the stand-in Backstage server cannot run");
    return;
  }
  const Server server;
  REQUIRE_MESSAGE(server.port > 0, "testdata/api/server.py did not start");
  const std::string cursor =
      json::parse(read_file(api_dir() + "/page1.json"))["pageInfo"]["nextCursor"];

  SUBCASE("two pages through the cursor") {
    const CliRun run = snapshot({"--from-url", server.url("ok"), "--page-size", "6"});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    const json s = json::parse(run.out);
    CHECK(refs_of(s) == kRefs);
    CHECK(s["sources"] ==
          json::array({json{{"type", "url"},
                            {"location", server.url("ok") + "/api/catalog/entities/by-query"},
                            {"entities", 11}}}));
    CHECK(source_of(entity(s, "user:default/jane")) ==
          "https://github.com/acme/org/blob/main/org/users.yaml:0");
    std::string escaped;
    for (char c : cursor)
      escaped += c == '='   ? std::string("%3D")
                 : c == '+' ? "%2B"
                 : c == '/' ? "%2F"
                            : std::string(1, c);
    CHECK(server.requests() ==
          std::vector<std::string>{
              "/ok/api/catalog/entities/by-query?limit=6 auth=no",
              "/ok/api/catalog/entities/by-query?limit=6&cursor=" + escaped + " auth=no"});
    // The same entities as the export file.
    const json file = json::parse(snapshot({"testdata/api/entities.json"}).out);
    CHECK(s["entities"] == file["entities"]);
  }
  SUBCASE("the full by-query URL with a filter keeps the filter on the first page") {
    const CliRun run = snapshot(
        {"--from-url", server.url("ok") + "/api/catalog/entities/by-query?filter=kind=group"});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    CHECK(server.requests().at(0) ==
          "/ok/api/catalog/entities/by-query?filter=kind=group&limit=500 auth=no");
  }
  SUBCASE("401 without the token, 200 with it; the token is never printed") {
    const CliRun no = snapshot({"--from-url", server.url("auth")});
    CHECK(no.exit_code == 2);
    CHECK(no.out == "");
    CHECK(no.err == "catalog-lint: error: '" + server.url("auth") +
                        "/api/catalog/entities/by-query' answered HTTP 401 (unauthorized): no "
                        "token was sent; put a Backstage token in $BACKSTAGE_TOKEN (or name "
                        "another variable with --token-env)\n");
    const CliRun wrong = snapshot({"--from-url", server.url("auth")}, "wrong-token");
    CHECK(wrong.exit_code == 2);
    CHECK(wrong.err == "catalog-lint: error: '" + server.url("auth") +
                           "/api/catalog/entities/by-query' answered HTTP 401 (unauthorized): "
                           "the token in $BACKSTAGE_TOKEN was refused\n");
    CHECK(wrong.err.find("wrong-token") == std::string::npos);
    const CliRun yes = snapshot({"--from-url", server.url("auth")}, "s3cret");
    REQUIRE_MESSAGE(yes.exit_code == 0, yes.err);
    CHECK(refs_of(json::parse(yes.out)) == kRefs);
    CHECK(yes.out.find("s3cret") == std::string::npos);
    CHECK(yes.err.find("s3cret") == std::string::npos);
    // --token-env names another variable.
    RunOptions o;
    o.cwd = source_dir();
    o.env = {{"NO_PROXY", "127.0.0.1"}, {"MY_TOKEN", "s3cret"}, {"BACKSTAGE_TOKEN", ""}};
    CHECK(run_with({"snapshot", "--from-url", server.url("auth"), "--token-env", "MY_TOKEN"}, o)
              .exit_code == 0);
  }
  SUBCASE("server error, not JSON, redirect, oversized, looping cursor") {
    const std::string q = "/api/catalog/entities/by-query";
    const CliRun fail = snapshot({"--from-url", server.url("fail")});
    CHECK(fail.exit_code == 2);
    CHECK(fail.err == "catalog-lint: error: '" + server.url("fail") + q +
                          "' answered HTTP 500 (server error) at page 1; try again later\n");
    const CliRun bad = snapshot({"--from-url", server.url("bad")});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "catalog-lint: error: '" + server.url("bad") + q +
                         "' is not valid JSON: parse error at line 1, column 1: syntax error "
                         "while parsing value - invalid literal; last read: '<'\n");
    const CliRun redirect = snapshot({"--from-url", server.url("redirect")});
    CHECK(redirect.exit_code == 2);
    CHECK(redirect.err == "catalog-lint: error: '" + server.url("redirect") + q +
                              "' answered HTTP 302 (redirect to '" + server.url("ok") + q +
                              "'); give that URL: redirects are not followed, so that the token "
                              "goes only where you say\n");
    const CliRun big = snapshot({"--from-url", server.url("big"), "--limit", "file-bytes=65536"});
    CHECK(big.exit_code == 2);
    CHECK(big.err == "catalog-lint: error: '" + server.url("big") + q +
                         "': the catalog is over 2097152 bytes (32 × `--limit file-bytes`); "
                         "raise the limit\n");
    const CliRun loop = snapshot({"--from-url", server.url("loop")});
    CHECK(loop.exit_code == 2);
    CHECK(loop.err == "catalog-lint: error: '" + server.url("loop") + q +
                          "': page 2 repeats an earlier cursor; the server's paging loops\n");
    const CliRun missing = snapshot({"--from-url", server.url("ok") + "/nothing/here"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err == "catalog-lint: error: '" + server.url("ok") + "/nothing/here" + q +
                             "' answered HTTP 404; give the base URL of a Backstage backend (its "
                             "catalog answers at " +
                             q + ")\n");
  }
  SUBCASE("a server that does not answer in time") {
    const CliRun slow = snapshot({"--from-url", server.url("slow"), "--timeout", "1"});
    CHECK(slow.exit_code == 2);
    CHECK(slow.err == "catalog-lint: error: '" + server.url("slow") +
                          "/api/catalog/entities/by-query': timed out at page 1 "
                          "(--connect-timeout 10 s, --timeout 1 s for the whole fetch)\n");
  }
  SUBCASE("not a URL, another scheme") {
    const CliRun file = snapshot({"--from-url", "file:///etc/passwd"});
    CHECK(file.exit_code == 2);
    CHECK(file.err ==
          "catalog-lint: error: --from-url 'file:///etc/passwd': only http and https "
          "URLs are fetched\n");
  }
}

TEST_CASE("snapshot: what the writer wrote opens, a name with a control character included") {
  // An API export may hold such a name; the writer escapes it, and the reader must not refuse its
  // own output (a check of decoded refs once did: "write it again" could never succeed).
  const std::string dir = git_repo();
  write_file(dir + "/export.json",
             "[{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"Group\",\"metadata\":{\"name\":"
             "\"a\\u0001b\"},\"spec\":{\"type\":\"team\",\"children\":[]}},{\"apiVersion\":"
             "\"backstage.io/v1alpha1\",\"kind\":\"Group\",\"metadata\":{\"name\":\"ok\"},"
             "\"spec\":{\"type\":\"team\",\"children\":[]}}]");
  REQUIRE(run_cli({"snapshot", "export.json", "-o", "snap.json"}, dir).exit_code == 0);
  write_file(dir + "/c.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n"
             "  type: service\n  lifecycle: production\n  owner: ok\n");
  const CliRun run = run_cli(
      {"--catalog", "snap.json", "--format", "json", "--rule", "unknown-owner=error", "c.yaml"},
      dir);
  CHECK(run.out.find("unreadable-file") == std::string::npos);
  CHECK(run.out.find("unknown-owner") == std::string::npos);  // `ok` is found
  CHECK(run.exit_code == 1);  // the policy's other findings (cost centre, golden path)
}
