// Conformance: catalog-lint's accept/reject verdict per YAML document equals Backstage's own
// (../shared/corpus/real/EXPECTED.jsonl, made with @backstage/catalog-model 1.10.x).
// A document is rejected exactly when catalog-lint reports an error of category backstage or yaml
// for it (or for the whole file, document -1). Known differences live in
// tests/conformance-known.txt ("<file> <doc_index> <reason>") and must still differ.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util.h"

using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// Lints every file named in `corpus`/EXPECTED.jsonl and compares verdicts; `minimum` guards
// against an accidentally empty expectation file.
void check_corpus(const std::string& corpus, std::size_t minimum) {
  std::ifstream in(corpus + "EXPECTED.jsonl");
  REQUIRE_MESSAGE(in.good(), "missing " << corpus << "EXPECTED.jsonl (shared/ beside the repo)");
  std::vector<nlohmann::json> expected;
  std::set<std::string> files;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    expected.push_back(nlohmann::json::parse(line));
    files.insert(expected.back()["file"].get<std::string>());
  }
  REQUIRE(expected.size() >= minimum);

  std::set<std::pair<std::string, int>> known;
  {
    std::ifstream k(source_dir() + "/tests/conformance-known.txt");
    for (std::string line; std::getline(k, line);) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ls(line);
      std::string file;
      int doc = 0;
      ls >> file >> doc;
      known.emplace(file, doc);
    }
  }

  LintOptions options;
  std::map<std::string, std::set<int>> rejected;  // file -> documents (-1: whole file)
  for (const std::string& file : files) {
    std::vector<FileResult> one;
    one.push_back(lint_bytes(file, read_file(corpus + file), options));
    const LintResult r = finish(std::move(one), options);  // stamped
    for (const Diagnostic& d : r.diagnostics)
      if (d.severity == Severity::error && (d.category == "backstage" || d.category == "yaml"))
        rejected[file].insert(d.document);
  }

  int agree = 0, compared = 0;
  for (const auto& e : expected) {
    const std::string verdict = e["verdict"];
    if (verdict == "unknown") continue;
    const std::string file = e["file"];
    const int doc = e["doc_index"];
    const auto& docs = rejected[file];
    const bool ours = docs.count(doc) || docs.count(-1);
    const bool theirs = verdict == "error";
    ++compared;
    const bool listed = known.count({file, doc}) > 0;
    if (ours == theirs) {
      ++agree;
      CHECK_MESSAGE(!listed, "listed as a known difference but agrees now: " << file << " " << doc);
    } else {
      CHECK_MESSAGE(listed, file << " document " << doc << ": Backstage says " << verdict
                                 << ", catalog-lint says " << (ours ? "error" : "ok"));
    }
  }
  MESSAGE("conformance on " << corpus << ": " << agree << " of " << compared << " documents agree");
  CHECK(static_cast<std::size_t>(compared) >= minimum - 2);
}

}  // namespace

TEST_CASE("conformance with Backstage's validator on the real corpus") {
  check_corpus(source_dir() + "/../shared/corpus/real/", 300);
}

TEST_CASE("conformance with Backstage's validator on the differential mutation set") {
  check_corpus(source_dir() + "/testdata/differential/cases/", 1100);
}
