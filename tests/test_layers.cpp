// The include graph of the tree keeps its layers (issue 12): every `#include "..."` of src/ and
// rules/ points at the same layer or a lower one, and no header circle exists. Read from the
// source text, so a new file is covered without editing this test.
//
// Layers, top to bottom:
//   4 cli     src/*.cpp, src/*.h (main, subcommands), src/lsp/
//   3 report  src/report/ (formats findings for people and machines)
//   2 engine  src/core/linter.*, baseline.*, fix.* (run rules over files and the catalog, apply
//             a baseline to the result, apply fixes and lint again)
//   1 rules   rules/ (checkers and their registry)
//   0 model   the rest of src/core/ (loader, entities, configuration, file I/O, processes)
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <re2/re2.h>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = CATALOG_LINT_SOURCE_DIR;

/// The layer of a repository-relative source path (see the table above); -1 outside src/, rules/.
int layer_of(const std::string& path) {
  if (path.starts_with("rules/")) return 1;
  if (path.starts_with("src/report/")) return 3;
  if (path.starts_with("src/lsp/")) return 4;
  for (const char* engine : {"src/core/linter.", "src/core/baseline.", "src/core/fix."})
    if (path.starts_with(engine)) return 2;
  if (path.starts_with("src/core/")) return 0;
  if (path.starts_with("src/") && path.find('/', 4) == std::string::npos) return 4;
  return -1;
}

const char* const kLayerNames[] = {"model", "rules", "engine", "report", "cli"};

/// Every source file of src/ and rules/ (repository-relative, sorted) → the quoted includes it
/// names, resolved against the include roots the build uses (src/, the repository, its own dir).
std::map<std::string, std::vector<std::string>> include_graph() {
  std::map<std::string, std::vector<std::string>> graph;
  static const RE2 kInclude(R"re(^\s*#\s*include\s*"([^"]+)")re");
  for (const char* top : {"src", "rules"})
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / top)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".h" && ext != ".def")) continue;
      const std::string self = fs::relative(entry.path(), kRoot).generic_string();
      std::vector<std::string>& out = graph[self];
      std::ifstream in(entry.path());
      std::string line, target;
      while (std::getline(in, line)) {
        if (!RE2::PartialMatch(line, kInclude, &target)) continue;
        for (const fs::path& base : {entry.path().parent_path(), kRoot / "src", kRoot}) {
          if (fs::exists(base / target)) {
            out.push_back(
                fs::relative(fs::weakly_canonical(base / target), kRoot).generic_string());
            break;
          }
        }
      }
    }
  return graph;
}

/// The unit of a file: its path without the extension (x.h and x.cpp are one unit); a `.def`
/// table is a unit of its own.
std::string unit_of(const std::string& path) {
  if (path.ends_with(".def")) return path;
  return fs::path(path).replace_extension().string();
}

}  // namespace

TEST_CASE("layers: no include points from a lower layer to a higher one") {
  const auto graph = include_graph();
  REQUIRE(graph.size() > 50);  // the walk found the tree
  std::string wrong;
  for (const auto& [file, includes] : graph)
    for (const std::string& target : includes) {
      // The rule registry is an X-macro table with no includes of its own: the model reads its
      // ids (core/rule_id.h makes the RuleId enum of it), the rules their factories.
      if (target == "rules/registry.def") continue;
      const int from = layer_of(file), to = layer_of(target);
      if (from >= 0 && to > from)
        wrong += file + " (" + kLayerNames[from] + ") includes " + target + " (" + kLayerNames[to] +
                 ")\n";
    }
  CHECK(wrong == "");
}

TEST_CASE("layers: no circle of units (a .h with its .cpp) through includes") {
  const auto graph = include_graph();
  std::map<std::string, std::set<std::string>> units;
  for (const auto& [file, includes] : graph)
    for (const std::string& target : includes)
      if (unit_of(target) != unit_of(file)) units[unit_of(file)].insert(unit_of(target));
  // Depth-first search with colours: a grey unit met again closes a circle.
  std::map<std::string, int> colour;  // 0 white, 1 grey (on the path), 2 black (done)
  std::vector<std::string> path;
  std::string circles;
  auto visit = [&](auto&& self, const std::string& u) -> void {
    colour[u] = 1;
    path.push_back(u);
    for (const std::string& v : units[u]) {
      if (colour[v] == 1) {
        auto at = std::find(path.begin(), path.end(), v);
        for (; at != path.end(); ++at) circles += *at + " -> ";
        circles += v + "\n";
      } else if (colour[v] == 0) {
        self(self, v);
      }
    }
    path.pop_back();
    colour[u] = 2;
  };
  for (const auto& [u, _] : units)
    if (colour[u] == 0) visit(visit, u);
  CHECK(circles == "");
}

TEST_CASE("layers: the classification knows every folder that holds sources") {
  CHECK(layer_of("src/main.cpp") == 4);
  CHECK(layer_of("src/snapshot_cmd.h") == 4);
  CHECK(layer_of("src/report/sarif.cpp") == 3);
  CHECK(layer_of("src/core/linter.cpp") == 2);
  CHECK(layer_of("src/core/baseline.h") == 2);
  CHECK(layer_of("src/core/fix.cpp") == 2);
  CHECK(layer_of("src/lsp/server.cpp") == 4);
  CHECK(layer_of("src/report_cmd.cpp") == 4);
  CHECK(layer_of("rules/references.cpp") == 1);
  CHECK(layer_of("src/core/loader.cpp") == 0);
  std::string unknown;
  for (const auto& [file, _] : include_graph())
    if (layer_of(file) < 0) unknown += file + "\n";
  CHECK(unknown == "");
}
