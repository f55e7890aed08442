// placeholder-target-not-found (issue 13): the files `$text`, `$json` and `$yaml` placeholders
// name are read inside the repository only, and reported where Backstage could not read or parse
// them.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

const std::string kRule = "placeholder-target-not-found";

// "line:col severity message" of each finding.
std::vector<std::string> findings(const LintResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics)
    out.push_back(fmt::format("{} {}:{} {} {}", d.rule, d.start.line, d.start.column,
                              to_string(d.severity), d.message));
  return out;
}

const char* const kTemplate =
    "apiVersion: scaffolder.backstage.io/v1beta3\n"
    "kind: Template\n"
    "metadata:\n"
    "  name: t\n"
    "  description:\n"
    "    $text: ./missing.md\n"
    "spec:\n"
    "  a:\n"
    "    $text: ./openapi.yaml\n"
    "  b:\n"
    "    $json: ./schema.json\n"
    "  c:\n"
    "    $json: ./bad.json\n"
    "  d:\n"
    "    $yaml: ./params.yaml\n"
    "  e:\n"
    "    $yaml: ./two.yaml\n"
    "  f:\n"
    "    $yaml: ./broken.yaml\n"
    "  g:\n"
    "    $text: ./docs\n"
    "  h:\n"
    "    $text: ./fifo\n"
    "  i:\n"
    "    $text: ../../../../../../etc/passwd\n"
    "  j:\n"
    "    $text: ./link-out\n"
    "  k:\n"
    "    $text: https://example.com/x\n"
    "  l:\n"
    "    - $yaml: /params.yaml\n"
    "    - $text: ./sub/../openapi.yaml\n"
    "    - $text: ./dir-link/hostname\n";

}  // namespace

TEST_CASE("placeholder targets: missing, unparsable and escaping targets are reported") {
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml", kTemplate);
  write_file(dir + "/openapi.yaml", "openapi: 3.0.0\n");
  write_file(dir + "/schema.json", "{\"type\": \"object\"}\n");
  write_file(dir + "/bad.json", "{type: 1}\n");
  write_file(dir + "/params.yaml", "title: x\n");
  write_file(dir + "/two.yaml", "a: 1\n---\nb: 2\n");
  write_file(dir + "/broken.yaml", "a: [1\n");
  fs::create_directory(dir + "/docs");
  REQUIRE(mkfifo((dir + "/fifo").c_str(), 0644) == 0);
  fs::create_symlink("/etc/hostname", dir + "/link-out");
  fs::create_directory_symlink("/etc", dir + "/dir-link");
  const std::string file = dir + "/catalog-info.yaml";
  const LintResult r = lint_text(read_file(file), kRule, file);
  CHECK(findings(r) ==
        std::vector<std::string>{
            kRule + " 6:12 error placeholder $text target './missing.md' does not exist; Backstage "
                    "cannot read it and rejects the entity",
            kRule + " 13:12 error placeholder $json target './bad.json' is not valid JSON: parse "
                    "error at line 1, column 3: syntax error while parsing object key - invalid "
                    "literal; expected string literal",
            kRule + " 17:12 error placeholder $yaml target './two.yaml' holds 2 YAML documents; "
                    "Backstage expects exactly one",
            kRule + " 19:12 error placeholder $yaml target './broken.yaml' is not valid YAML at "
                    "line 2, column 1: the '[' on line 1 is never closed with ']'",
            kRule + " 21:12 error placeholder $text target './docs' is a directory, not a file; "
                    "Backstage cannot read it",
            kRule +
                " 23:12 error placeholder $text target './fifo' is a FIFO, socket or device, not "
                "a file; Backstage cannot read it",
            kRule + " 25:12 error placeholder $text target '../../../../../../etc/passwd' points "
                    "outside the repository; it is not read",
            kRule + " 27:12 error placeholder $text target './link-out' leads outside the "
                    "repository through a symbolic link; it is not read",
            kRule + " 33:14 error placeholder $text target './dir-link/hostname' leads outside the "
                    "repository through a symbolic link; it is not read",
        });
  CHECK(r.diagnostics.at(0).path == "/metadata/description/$text");
  CHECK(r.diagnostics.at(0).help ==
        "fix the path (it is relative to this file; a leading '/' starts at the repository "
        "root), or add the file");
}

TEST_CASE("placeholder targets: outside git the file's own folder is the boundary") {
  const std::string dir = temp_dir();
  fs::create_directories(dir + "/a");
  write_file(dir + "/openapi.yaml", "openapi: 3.0.0\n");
  const std::string text =
      "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: p\nspec:\n"
      "  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n"
      "    $text: ../openapi.yaml\n";
  write_file(dir + "/a/catalog-info.yaml", text);
  const LintResult r = lint_text(text, kRule, dir + "/a/catalog-info.yaml");
  CHECK(findings(r) == std::vector<std::string>{
                           kRule + " 10:12 error placeholder $text target '../openapi.yaml' points "
                                   "outside the repository; it is not read"});
  // The same text from standard input has no folder: not checked.
  CHECK(lint_text(text, kRule, "-").diagnostics.empty());
}

TEST_CASE("cli: a missing placeholder target fails the run with Backstage's reason") {
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: payments-api\n"
             "spec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n"
             "    $text: ./openapi.yaml\n");
  const CliRun r = run_cli({"catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("catalog-info.yaml:10:12: error: placeholder $text target './openapi.yaml' "
                   "does not exist; Backstage cannot read it and rejects the entity "
                   "[placeholder-target-not-found]") != std::string::npos);
  write_file(dir + "/openapi.yaml", "openapi: 3.0.0\n");
  const CliRun fixed = run_cli({"catalog-info.yaml"}, dir);
  CHECK(fixed.exit_code == 0);
  CHECK(fixed.out == "no problems in 1 file\n");
}

TEST_CASE("placeholder targets: the file actually opened is judged, not the path checked before") {
  // A link swapped in between the check of the path and its open (a hostile helper's race: a
  // target flipped between an inside file and /tmp/secret was read and quoted) is caught on the
  // open descriptor: whatever the path led to, a file outside `within` is not read.
  const std::string repo = git_repo();
  write_file(repo + "/inside.json", "{}");
  const FileBytes in = read_regular_file(repo + "/inside.json", 1 << 20, repo);
  CHECK(in.error == "");
  CHECK(in.bytes == "{}");
  const std::string outside = temp_dir() + "/secret.json";
  write_file(outside, "TOPSECRET");
  const FileBytes out = read_regular_file(outside, 1 << 20, repo);
  CHECK(out.bytes == "");
  CHECK(out.error == fmt::format("it leads to '{}', outside the repository '{}'; files outside "
                                 "the repository are never read",
                                 std::filesystem::canonical(outside).string(), repo));
  // A folder whose name only starts like the repository's is outside it too.
  std::filesystem::create_directories(repo + "-other");
  write_file(repo + "-other/x.json", "{}");
  CHECK(read_regular_file(repo + "-other/x.json", 1 << 20, repo).error != "");
}

TEST_CASE("placeholder targets: decoded as Backstage decodes them (a BOM, invalid UTF-8)") {
  // Backstage reads a target as UTF-8 text: invalid bytes become U+FFFD (no error), and a BOM
  // stays, which JSON.parse rejects ("Unexpected token '\uFEFF'"). Checked with the oracle.
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: foo\n"
             "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
             "  a:\n    $json: ./bom.json\n  b:\n    $json: ./bad.json\n"
             "  c:\n    $yaml: ./bad.yaml\n  d:\n    $yaml: ./bom.yaml\n");
  write_file(dir + "/bom.json", "\xEF\xBB\xBF{\"a\":1}");
  write_file(dir + "/bad.json", "{\"a\":\"\xFF\"}");
  write_file(dir + "/bad.yaml", "a: \"\xFF\"\n");
  write_file(dir + "/bom.yaml",
             "\xEF\xBB\xBF"
             "a: 1\n");
  const std::string file = dir + "/catalog-info.yaml";
  const LintResult r = lint_text(read_file(file), kRule, file);
  CHECK(findings(r) ==
        std::vector<std::string>{
            kRule + " 10:12 error placeholder $json target './bom.json' is not valid JSON: it "
                    "starts with a byte order mark (BOM), which JSON.parse rejects"});
}
