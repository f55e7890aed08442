// Conformance: catalog-lint's accept/reject verdict per YAML document equals Backstage's own
// (../shared/corpus/real/EXPECTED.jsonl, made with @backstage/catalog-model 1.10.x).
// A document is rejected exactly when catalog-lint reports an error of category backstage or yaml
// for it (or for the whole file, document -1). Known differences live in
// tests/conformance-known.txt ("<file> <doc_index> <reason>") and must still differ.
// For the loader-level set (testdata/differential/loader) the error line is compared too: when
// Backstage rejects a document at its YAML stage ("... at line L, column C"), catalog-lint's first
// yaml-category error of that document must be on line L-1, L or L+1. Its known differences are in
// the set's KNOWN.txt ("<file> <doc_index> verdict|line <reason>") and must still differ.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util.h"

using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// Reads "<file> <doc_index> [kind] <reason>" lines (# comments); kind is kept when `with_kind`.
std::set<std::tuple<std::string, int, std::string>> read_known(const std::string& path,
                                                               bool with_kind) {
  std::set<std::tuple<std::string, int, std::string>> known;
  std::ifstream k(path);
  for (std::string line; std::getline(k, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string file, kind = "verdict";
    int doc = 0;
    ls >> file >> doc;
    if (with_kind) ls >> kind;
    known.emplace(file, doc, kind);
  }
  return known;
}

// Lints every file named in `corpus`/EXPECTED.jsonl and compares verdicts (and, with
// `check_lines`, the error lines of YAML-stage rejections); `minimum` guards against an
// accidentally empty expectation file.
void check_corpus(const std::string& corpus, std::size_t minimum, bool check_lines = false) {
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

  const auto known = check_lines ? read_known(corpus + "KNOWN.txt", true)
                                 : read_known(source_dir() + "/tests/conformance-known.txt", false);

  LintOptions options;
  std::map<std::string, std::set<int>> rejected;         // file -> documents (-1: whole file)
  std::map<std::pair<std::string, int>, int> yaml_line;  // (file, document) -> first yaml error
  for (const std::string& file : files) {
    std::vector<FileResult> one;
    one.push_back(lint_bytes(file, read_file(corpus + file), options));
    const LintResult r = finish(std::move(one), options);  // stamped
    for (const Diagnostic& d : r.diagnostics) {
      if (d.severity != Severity::error) continue;
      if (d.category == "backstage" || d.category == "yaml") rejected[file].insert(d.document);
      if (d.category == "yaml") {
        auto [it, inserted] = yaml_line.emplace(std::make_pair(file, d.document), d.start.line);
        if (!inserted) it->second = std::min(it->second, d.start.line);
      }
    }
  }

  static const RE2 at_line(R"(at line (\d+), column (\d+))");
  int agree = 0, compared = 0, lines = 0, lines_agree = 0;
  for (const auto& e : expected) {
    const std::string verdict = e["verdict"];
    if (verdict == "unknown") continue;
    const std::string file = e["file"];
    const int doc = e["doc_index"];
    const auto& docs = rejected[file];
    const bool ours = docs.count(doc) || docs.count(-1);
    const bool theirs = verdict == "error";
    ++compared;
    const bool listed = known.count({file, doc, "verdict"}) > 0;
    if (ours == theirs) {
      ++agree;
      CHECK_MESSAGE(!listed, "listed as a known difference but agrees now: " << file << " " << doc);
    } else {
      CHECK_MESSAGE(listed, file << " document " << doc << ": Backstage says " << verdict
                                 << ", catalog-lint says " << std::string(ours ? "error" : "ok"));
    }
    int line = 0, column = 0;
    const std::string message = e["messages"].empty() ? "" : e["messages"][0].get<std::string>();
    if (!check_lines || !theirs || e["stage"] != "yaml" ||
        !RE2::PartialMatch(message, at_line, &line, &column))
      continue;
    ++lines;
    int our_line = 0;
    for (const int d : {doc, -1})
      if (auto it = yaml_line.find({file, d}); it != yaml_line.end())
        our_line = our_line == 0 ? it->second : std::min(our_line, it->second);
    const bool near = our_line > 0 && std::abs(our_line - line) <= 1;
    const bool line_listed = known.count({file, doc, "line"}) > 0;
    if (near) {
      ++lines_agree;
      CHECK_MESSAGE(!line_listed,
                    "listed as a known line difference but agrees now: " << file << " " << doc);
    } else {
      CHECK_MESSAGE(line_listed, file << " document " << doc
                                      << ": Backstage's YAML error is on line " << line
                                      << ", catalog-lint's first yaml error on line " << our_line);
    }
  }
  MESSAGE("conformance on " << corpus << ": " << agree << " of " << compared << " documents agree");
  if (check_lines)
    MESSAGE("error lines on " << corpus << ": " << lines_agree << " of " << lines
                              << " YAML-stage rejections within one line of Backstage's");
  CHECK(static_cast<std::size_t>(compared) >= minimum - 2);
}

}  // namespace

TEST_CASE("conformance with Backstage's validator on the real corpus") {
  check_corpus(source_dir() + "/../shared/corpus/real/", 300);
}

TEST_CASE("conformance with Backstage's validator on the differential mutation set") {
  check_corpus(source_dir() + "/testdata/differential/cases/", 1100);
}

TEST_CASE("conformance with Backstage's parser on the loader-level set: verdicts and error lines") {
  check_corpus(source_dir() + "/testdata/differential/loader/", 650, /*check_lines=*/true);
}
