// Hostile and broken input (issue 6): every kind of bad input has a defined outcome — exact
// diagnostics and exit code — and no input makes the tool crash, hang, or write output that is
// not valid UTF-8 / valid JSON.
//
// Fixtures live in testdata/parse/ (and testdata/parse/fuzz-regressions/, inputs found by the
// fuzzers in fuzz/). Each `NAME` has a sidecar `NAME.expected`:
//
//   exit 1
//   error yaml-syntax-error 4:9
//
// the exit code, then one line per diagnostic in report order: severity, rule, line:column.
// Inputs that are too large to commit (100k documents, 50 MB, 100k nesting levels) and file-system
// oddities (FIFOs, devices, symlink loops, directories named like catalog files) are made at test
// time below.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/linter.h"
#include "core/source.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// run_cli kills a run after 120 s (SIGALRM), so a hang fails the test instead of blocking
// the suite; a killed run has exit_code 128 + SIGALRM.
CliRun run(const std::vector<std::string>& args, const std::string& cwd = "") {
  return run_cli(args, cwd);
}

// One finding per line, for readable test failures.
std::string lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& l : v) s += l + "\n";
  return s;
}

bool valid_utf8(const std::string& s) {
  return find_invalid_utf8(s) == std::string::npos;
}

// Parses JSON output, failing the test when it is not valid UTF-8 or not valid JSON.
nlohmann::json parse_json(const std::string& text) {
  CHECK_MESSAGE(valid_utf8(text), "output is not valid UTF-8");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    FAIL_CHECK("output is not valid JSON: " << e.what());
  }
  return j;
}

// "severity rule line:column" for each diagnostic of a JSON report, in report order.
std::vector<std::string> findings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (!j.contains("diagnostics")) return out;
  for (const auto& d : j["diagnostics"])
    out.push_back(fmt::format("{} {} {}:{}", d["severity"].get<std::string>(),
                              d["rule"].get<std::string>(), d["line"].get<int>(),
                              d["column"].get<int>()));
  return out;
}

struct Expected {
  int exit_code = -1;
  std::vector<std::string> findings;
};

Expected read_expected(const std::string& path) {
  Expected e;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("exit ", 0) == 0)
      e.exit_code = std::stoi(line.substr(5));
    else
      e.findings.push_back(line);
  }
  return e;
}

// Runs the binary on `args` in every output format and checks each output is valid UTF-8 (and
// valid JSON for JSON and SARIF) and that every format agrees on the exit code. Returns the
// JSON run's findings and exit code.
Expected lint_all_formats(const std::vector<std::string>& args, const std::string& cwd = "") {
  auto with = [&](std::initializer_list<std::string> extra) {
    std::vector<std::string> a(extra);
    a.insert(a.end(), args.begin(), args.end());
    return run(a, cwd);
  };
  const CliRun json = with({"--format", "json"});
  const CliRun human = with({"--color", "never"});
  CHECK_MESSAGE(valid_utf8(human.out), "human output is not valid UTF-8");
  CHECK_MESSAGE(valid_utf8(human.err), "stderr is not valid UTF-8");
  CHECK(human.exit_code == json.exit_code);
  // SARIF, when this build has it (another format may be missing while it is being written).
  const CliRun sarif = with({"--format", "sarif"});
  if (!(sarif.exit_code == 2 && sarif.out.empty())) {
    const nlohmann::json log = parse_json(sarif.out);
    CHECK(log["version"] == "2.1.0");
    CHECK(sarif.exit_code == json.exit_code);
  }
  Expected got;
  got.exit_code = json.exit_code;
  got.findings = findings(parse_json(json.out));
  return got;
}

std::vector<fs::path> fixtures() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(source_dir()) / "testdata/parse"))
    if (e.is_regular_file() && e.path().extension() != ".expected") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// A file of `n` null documents (`---` lines), the cheapest kind of document.
std::string many_documents(std::size_t n) {
  std::string s;
  s.reserve(n * 4);
  for (std::size_t i = 0; i < n; ++i) s += "---\n";
  return s;
}

// A temporary directory that is a git work tree: directory walks run `git check-ignore` there.
std::string git_dir() {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q " + dir).c_str()) == 0);
  return dir;
}

const std::string kEntity =
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
    "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

}  // namespace

TEST_CASE("hostile: each fixture in testdata/parse has its exact diagnostics and exit code") {
  const std::vector<fs::path> files = fixtures();
  REQUIRE(files.size() >= 30);
  for (const fs::path& f : files) {
    const std::string rel = fs::relative(f, source_dir()).string();
    CAPTURE(rel);
    REQUIRE_MESSAGE(fs::exists(f.string() + ".expected"), "no " << rel << ".expected");
    const Expected want = read_expected(f.string() + ".expected");
    const Expected got = lint_all_formats({rel}, source_dir());
    CHECK(got.exit_code == want.exit_code);
    CHECK(lines(got.findings) == lines(want.findings));
  }
}

TEST_CASE("hostile: fixtures through lint_bytes give the binary's findings and never throw") {
  // The in-process path the fuzzers exercise, checked against the same expectations.
  for (const fs::path& f : fixtures()) {
    const std::string rel = fs::relative(f, source_dir()).string();
    CAPTURE(rel);
    const Expected want = read_expected(f.string() + ".expected");
    LintOptions options;
    std::vector<FileResult> results;
    REQUIRE_NOTHROW(results.push_back(lint_bytes(rel, read_file(f.string()), options)));
    const LintResult r = finish(std::move(results), options);
    std::vector<std::string> got;
    for (const Diagnostic& d : r.diagnostics)
      got.push_back(
          fmt::format("{} {} {}:{}", to_string(d.severity), d.rule, d.start.line, d.start.column));
    // The in-process defaults may enable more (policy) rules than the binary's configuration:
    // every finding of the binary must be here too, in the same order.
    std::vector<std::string> common;
    for (const std::string& g : got)
      if (std::find(want.findings.begin(), want.findings.end(), g) != want.findings.end())
        common.push_back(g);
    CHECK(lines(common) == lines(want.findings));
  }
}

TEST_CASE("hostile: 100k documents stop at limits.max_documents with one diagnostic") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", many_documents(100'000));
  const Expected got = lint_all_formats({"catalog-info.yaml"}, dir);
  CHECK(got.exit_code == 1);
  // Document 10001 starts on line 10001: it is the first one not linted.
  CHECK(got.findings == std::vector<std::string>{"error limit-exceeded 10001:1"});

  // With the limit raised, all 100k are read (null documents are skipped silently).
  LintOptions options;
  options.limits.max_documents = 200'000;
  const FileResult r = lint_bytes("x.yaml", many_documents(100'000), options);
  CHECK(r.diagnostics.empty());
}

TEST_CASE("hostile: a 50 MB file is not read, is reported once, and is not quoted") {
  const std::string dir = temp_dir();
  {
    std::ofstream out(dir + "/catalog-big.yaml", std::ios::binary);
    const std::string line(1023, 'a');
    for (int i = 0; i < 50 * 1024; ++i) out << line << '\n';
  }
  const CliRun r = run({"--format", "json", "catalog-big.yaml"}, dir);
  CHECK(r.exit_code == 1);
  const nlohmann::json j = parse_json(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["rule"] == "limit-exceeded");
  CHECK(j["diagnostics"][0]["message"] ==
        "file is 52428800 bytes, over the limit of 10485760 bytes; it is not linted");
  CHECK(j["diagnostics"][0]["line"] == 1);
  CHECK(j["diagnostics"][0]["column"] == 1);
  const CliRun human = run({"--color", "never", "catalog-big.yaml"}, dir);
  CHECK(human.exit_code == 1);
  CHECK(human.out.size() < 1000);  // no 1 KB (or 10 MB) source line

  // In memory (lint_bytes), the same limit applies and the bytes are not quoted either.
  const FileResult mem = lint_bytes("x.yaml", std::string(11u << 20, 'a'), LintOptions{});
  REQUIRE(mem.diagnostics.size() == 1);
  CHECK(mem.diagnostics[0].rule == "limit-exceeded");
  CHECK((!mem.diagnostics[0].source_line || mem.diagnostics[0].source_line->empty()));
}

TEST_CASE("hostile: 100k nesting levels hit limits.max_depth, without stack overflow") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", std::string(100'000, '[') + "\n");
  write_file(dir + "/catalog-block.yaml", [] {
    std::string s;
    for (int i = 0; i < 2000; ++i) s += std::string(i, ' ') + "- \n";
    return s;
  }());
  const Expected flow = lint_all_formats({"catalog-info.yaml"}, dir);
  CHECK(flow.exit_code == 1);
  REQUIRE(flow.findings.size() == 1);
  CHECK(flow.findings[0].rfind("error limit-exceeded 1:", 0) == 0);

  // Raising our limit must not let the parser recurse without bound.
  LintOptions options;
  options.limits.max_depth = 1'000'000;
  const FileResult r = lint_bytes("x.yaml", std::string(100'000, '['), options);
  REQUIRE(!r.diagnostics.empty());
  for (const Diagnostic& d : r.diagnostics) CHECK(d.severity == Severity::error);
}

TEST_CASE("hostile: FIFOs and devices are not read (no hang), the others are still linted") {
  const std::string dir = git_dir();
  REQUIRE(mkfifo((dir + "/catalog-fifo.yaml").c_str(), 0644) == 0);
  write_file(dir + "/catalog-bad.yaml", "kind: [\n");
  const CliRun r =
      run({"--format", "json", "catalog-fifo.yaml", "/dev/zero", "catalog-bad.yaml"}, dir);
  CHECK(r.exit_code == 2);
  const nlohmann::json j = parse_json(r.out);
  std::vector<std::string> got;
  for (const auto& d : j["diagnostics"])
    got.push_back(fmt::format("{}: {} {}", d["file"].get<std::string>(),
                              d["rule"].get<std::string>(), d["message"].get<std::string>()));
  CHECK(got ==
        std::vector<std::string>{
            "/dev/zero: unreadable-file cannot read file: not a regular file (a FIFO, socket or "
            "device)",
            "catalog-bad.yaml: yaml-syntax-error the '[' on line 1 is never closed with ']'",
            "catalog-fifo.yaml: unreadable-file cannot read file: not a regular file (a FIFO, "
            "socket or device)"});
  // A FIFO found while walking a directory is reported as unreadable (exit 2), never read.
  const CliRun walk = run({"--color", "never", "."}, dir);
  CHECK(walk.exit_code == 2);
  CHECK(walk.out.find("catalog-fifo.yaml:1:1: error: cannot read file: not a regular file (a "
                      "FIFO, socket or device) [unreadable-file]") != std::string::npos);
}

TEST_CASE("hostile: unreadable files: dangling symlink, symlink loop, directory, permissions") {
  const std::string dir = temp_dir();
  fs::create_symlink(dir + "/nowhere.yaml", dir + "/catalog-dangling.yaml");
  fs::create_symlink("catalog-loop2.yaml", dir + "/catalog-loop.yaml");
  fs::create_symlink("catalog-loop.yaml", dir + "/catalog-loop2.yaml");
  fs::create_directories(dir + "/catalog-dir.yaml");
  std::vector<std::pair<std::string, std::string>> cases = {
      {"catalog-dangling.yaml", "cannot read file: No such file or directory"},
      {"catalog-loop.yaml", "cannot read file: Too many levels of symbolic links"},
      {dir + "/catalog-dir.yaml", "cannot read file: Is a directory"},
  };
  if (geteuid() != 0) {  // root reads a mode-000 file anyway
    write_file(dir + "/catalog-secret.yaml", kEntity);
    fs::permissions(dir + "/catalog-secret.yaml", fs::perms::none);
    cases.emplace_back(dir + "/catalog-secret.yaml", "cannot read file: Permission denied");
  }
  for (const auto& [path, message] : cases) {
    CAPTURE(path);
    // lint_file directly (a directory given on the command line is walked instead).
    const FileResult r = lint_file(path[0] == '/' ? path : dir + "/" + path, LintOptions{});
    CHECK(r.unreadable);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].rule == "unreadable-file");
    CHECK(r.diagnostics[0].message == message);
    CHECK(r.diagnostics[0].severity == Severity::error);
  }
  const CliRun r = run({"--format", "json", "catalog-dangling.yaml", "catalog-loop.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(findings(parse_json(r.out)) ==
        std::vector<std::string>{"error unreadable-file 1:1", "error unreadable-file 1:1"});
}

TEST_CASE("hostile: a directory named catalog-info.yaml is walked, not read") {
  const std::string dir = git_dir();
  write_file(dir + "/catalog-info.yaml/catalog-info.yaml", kEntity);
  const CliRun r = run({"--color", "never", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no problems in 1 file\n");
  const CliRun walk = run({"--color", "never", "."}, dir);
  CHECK(walk.exit_code == 0);
  CHECK(walk.out == "no problems in 1 file\n");
}

TEST_CASE("hostile: symlink loops while walking a directory terminate") {
  const std::string dir = git_dir();
  write_file(dir + "/a/catalog-info.yaml", kEntity);
  fs::create_directory_symlink("..", dir + "/a/up");  // a → a/up → a …
  fs::create_directory_symlink(dir + "/a", dir + "/a/self");
  fs::create_symlink("catalog-x.yaml", dir + "/a/catalog-x.yaml");  // a file symlink to itself
  const CliRun r = run({"--color", "never", "."}, dir);
  // The directory loops are not followed; the looping file symlink is reported, not skipped.
  CHECK(r.exit_code == 2);
  CHECK(r.out ==
        "a/catalog-x.yaml:1:1: error: cannot read file: Too many levels of symbolic links "
        "[unreadable-file]\n"
        "  = help: check that the path exists, is a regular file and is readable\n"
        "1 error, 0 warnings in 1 of 2 files\n");
}

TEST_CASE("hostile: paths with spaces, non-ASCII and invalid UTF-8 names") {
  const std::string dir = git_dir();
  const std::string bad = kEntity.substr(0, kEntity.find("spec:"));  // no spec
  write_file(dir + "/my services/catalog-café ✓.yaml", bad);
  write_file(dir + "/my services/catalog-\xFF\xFE.yaml",
             std::string(bad).replace(bad.find("svc"), 3, "other"));
  const CliRun r = run({"--format", "json", "."}, dir);
  CHECK(r.exit_code == 1);
  const nlohmann::json j = parse_json(r.out);
  std::vector<std::string> files;
  for (const auto& d : j["diagnostics"]) files.push_back(d["file"].get<std::string>());
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<std::string>{"my services/catalog-café ✓.yaml",
                                          "my services/catalog-\xEF\xBF\xBD\xEF\xBF\xBD.yaml"});
  const Expected all = lint_all_formats({"."}, dir);
  CHECK(all.exit_code == 1);
  CHECK(all.findings.size() == 2);
}

TEST_CASE("hostile: one bad file never drops the findings of the others") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-a.yaml", "kind: [\n");
  write_file(dir + "/catalog-b.yaml", std::string("\xFF\xFE", 2) + "x");
  write_file(dir + "/catalog-c.yaml", std::string(100'000, '['));
  write_file(dir + "/catalog-d.yaml", kEntity + kEntity);  // duplicate key at the root
  fs::create_symlink("nowhere", dir + "/catalog-e.yaml");
  const CliRun r = run({"--format", "json", "catalog-a.yaml", "catalog-b.yaml", "catalog-c.yaml",
                        "catalog-d.yaml", "catalog-e.yaml"},
                       dir);
  CHECK(r.exit_code == 2);
  const nlohmann::json j = parse_json(r.out);
  std::set<std::string> files;
  for (const auto& d : j["diagnostics"]) files.insert(d["file"].get<std::string>());
  CHECK(files.size() == 5);
}
