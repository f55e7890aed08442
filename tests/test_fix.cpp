// Fixes (issue 16): the edits findings carry, --fix / --diff / --unsafe-fixes, and the property
// that a fix removes its finding, keeps the file parsing, adds no finding and, where it removes
// the last fault, makes Backstage (the oracle in ../shared/oracle) accept the document.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/fix.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// The text after rounds of fixes of lint_text (all rules), as --fix runs them.
std::string fixed(std::string text, bool unsafe = false, const std::string& name = "test.yaml") {
  for (int round = 0; round < kMaxFixRounds; ++round) {
    const LintResult r = lint_text(text, "", name);
    const std::vector<TextEdit> edits =
        round_edits(r.diagnostics, name, unsafe_in_round(unsafe, round));
    if (edits.empty()) break;
    text = apply_edits(text, edits);
  }
  return text;
}

// The fix of the first finding of `rule` in `text`, or nullptr.
std::optional<Fix> fix_of(const std::string& text, const std::string& rule) {
  for (const Diagnostic& d : lint_text(text, rule).diagnostics)
    if (d.rule == rule) return d.fix;
  return std::nullopt;
}

const std::string kHead =
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n";
const std::string kSpec = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

std::string mode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return fmt::format("{:o}", st.st_mode & 07777);
}

}  // namespace

TEST_CASE("apply_edits: edits in any order, overlapping ones left for the next round") {
  std::size_t n = 0;
  CHECK(apply_edits("abcdef", {{4, 5, "E"}, {0, 1, "A"}}, &n) == "AbcdEf");
  CHECK(n == 2);
  CHECK(apply_edits("abcdef", {{1, 4, "X"}, {2, 3, "Y"}}, &n) == "aXef");
  CHECK(n == 1);
  CHECK(apply_edits("abc", {{1, 1, "x"}, {1, 1, "y"}}, &n) == "axbc");  // one insertion per spot
  CHECK(n == 1);
  CHECK(apply_edits("abc", {{1, 2, ""}, {2, 2, "+"}}, &n) == "a+c");  // adjacent: both
  CHECK(n == 2);
  CHECK(apply_edits("abc", {{2, 9, "x"}}, &n) == "abc");  // past the end: never
  CHECK(n == 0);
}

TEST_CASE("replace_scalar: plain and quoted scalars, nothing it cannot write exactly") {
  const SourcePos at{3, 10, 10, 20};
  auto end = [](std::size_t off) { return SourcePos{3, 1, 1, off}; };
  auto e = replace_scalar(at, end(26), "team-b", "team-a");
  REQUIRE(e);
  CHECK((e->begin == 20 && e->end == 26 && e->text == "team-a"));
  e = replace_scalar(at, end(28), "team-b", "team-a");  // "team-b": between the quotes
  REQUIRE(e);
  CHECK((e->begin == 21 && e->end == 27 && e->text == "team-a"));
  CHECK(!replace_scalar(at, end(30), "team-b", "team-a"));      // escapes inside the quotes
  CHECK(!replace_scalar(at, SourcePos{}, "team-b", "team-a"));  // multi-line: no end
  CHECK(!replace_scalar(at, end(26), "team-b", "a b"));         // not plain-safe
  CHECK(!replace_scalar(at, end(28), "team-b", "it's"));        // a quote inside quotes
}

TEST_CASE("diff_file_name: quoted as git quotes a name with control characters, '\"' or '\\'") {
  CHECK(diff_file_name("a/", "svc/catalog-info.yaml") == "a/svc/catalog-info.yaml");
  CHECK(diff_file_name("a/", "caf\xC3\xA9 x.yaml") == "a/caf\xC3\xA9 x.yaml");
  CHECK(diff_file_name("b/", "a\tb\r\n\"q\"\\\x01\x7F") ==
        "\"b/a\\tb\\r\\n\\\"q\\\"\\\\\\001\\177\"");
}

TEST_CASE("unified_diff: GNU diff -u format") {
  CHECK(unified_diff("a\nb\n", "a\nb\n", "f.yaml").empty());
  CHECK(unified_diff("a\nb\nc\n", "a\nB\nc\n", "f.yaml") ==
        "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  // Two changes far apart: two hunks with three lines of context each.
  std::string before, after;
  for (int i = 1; i <= 20; ++i) {
    before += fmt::format("l{}\n", i);
    after += i == 2 ? "L2\n" : i == 18 ? "L18\n" : fmt::format("l{}\n", i);
  }
  CHECK(unified_diff(before, after, "x") ==
        "--- a/x\n+++ b/x\n"
        "@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n l4\n l5\n"
        "@@ -15,6 +15,6 @@\n l15\n l16\n l17\n-l18\n+L18\n l19\n l20\n");
  CHECK(unified_diff("a", "b", "f") ==
        "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n"
        "\\ No newline at end of file\n");
  CHECK(unified_diff("", "x\n", "f") == "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n");
  CHECK(unified_diff("a\r\nb\r\n", "a\r\nc\r\n", "f") ==
        "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n");
}

namespace {
// Applies a unified diff of unified_diff() to `before` (no "\ No newline" lines in these tests).
std::string patch(const std::string& before, const std::string& diff) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < before.size();) {
    const std::size_t nl = before.find('\n', i);
    lines.push_back(before.substr(i, nl - i + 1));
    i = nl + 1;
  }
  std::string out;
  std::size_t at = 0;  // next line of `before` not yet copied
  std::istringstream in(diff);
  std::string l;
  std::getline(in, l), std::getline(in, l);  // --- and +++
  while (std::getline(in, l)) {
    if (l.rfind("@@ -", 0) == 0) {
      std::size_t start = std::stoul(l.substr(4));
      const std::size_t comma = l.find(','), space = l.find(' ', 4);
      const bool empty = comma < space && std::stoul(l.substr(comma + 1)) == 0;
      const std::size_t first = empty ? start : start - 1;
      while (at < first) out += lines[at++];
    } else if (l[0] == ' ') {
      out += lines[at++];
    } else if (l[0] == '-') {
      ++at;
    } else if (l[0] == '+') {
      out += l.substr(1) + "\n";
    }
  }
  while (at < lines.size()) out += lines[at++];
  return out;
}
}  // namespace

TEST_CASE("unified_diff: patching the old text with the diff gives the new one") {
  unsigned seed = 7;
  auto rnd = [&] { return (seed = seed * 1103515245u + 12345u) >> 16; };
  for (int round = 0; round < 200; ++round) {
    std::string a, b;
    const unsigned n = rnd() % 40;
    for (unsigned i = 0; i < n; ++i) {
      const std::string line = fmt::format("line {}\n", rnd() % 8);
      const unsigned what = rnd() % 4;  // keep, change, drop, add
      if (what != 3) a += line;
      if (what == 0 || what == 3) b += line;
      if (what == 1) b += fmt::format("new {}\n", rnd() % 8);
    }
    CAPTURE(a);
    CAPTURE(b);
    const std::string d = unified_diff(a, b, "f");
    CHECK(d.empty() == (a == b));
    if (!d.empty()) CHECK(patch(a, d) == b);
  }
  // Past 1000 differing lines: one hunk between the common first and last lines.
  std::string a = "head\n", b = "head\n";
  for (int i = 0; i < 1500; ++i) a += fmt::format("a{}\n", i), b += fmt::format("b{}\n", i);
  a += "tail\n", b += "tail\n";
  const std::string d = unified_diff(a, b, "f");
  CHECK(d.find("@@ -1,1502 +1,1502 @@\n head\n-a0\n") != std::string::npos);
  CHECK(patch(a, d) == b);
}

TEST_CASE("fix: quote a number or boolean where a string is required (safe)") {
  const std::string text = kHead + "  labels:\n    tier: 1  # keep\n    critical: false\n" + kSpec;
  const auto fix = fix_of(text, "invalid-field-type");
  REQUIRE(fix);
  CHECK(fix->safety == FixSafety::safe);
  CHECK(fix->description == "quote '1' as a string");
  REQUIRE(fix->edits.size() == 1);
  CHECK(text.substr(fix->edits[0].begin, fix->edits[0].end - fix->edits[0].begin) == "1");
  CHECK(fix->edits[0].text == "\"1\"");
  CHECK(fixed(text) ==
        kHead + "  labels:\n    tier: \"1\"  # keep\n    critical: \"false\"\n" + kSpec);
  // A name that YAML reads as a number, in a flow mapping, and a float.
  CHECK(fixed("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: 123, "
              "description: 1.5}\n" +
              kSpec) ==
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: "
        "\"123\", description: \"1.5\"}\n" +
            kSpec);
  // apiVersion: no quoting makes `1` a valid apiVersion, so there is no fix.
  CHECK(!fix_of("apiVersion: 1\nkind: Component\nmetadata:\n  name: a\n" + kSpec,
                "invalid-field-type"));
}

TEST_CASE("fix: tab indentation becomes the file's indentation step (safe)") {
  const std::string text =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n\tname: payments\n"
      "\ttags:\n\t\t- java\nspec:\n    type: service\n    lifecycle: production\n"
      "    owner: team-a\n";
  const auto fix = fix_of(text, "tab-indentation");
  REQUIRE(fix);
  CHECK(fix->safety == FixSafety::safe);
  CHECK(fixed(text) ==
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n    name: payments\n"
        "    tags:\n        - java\nspec:\n    type: service\n    lifecycle: production\n"
        "    owner: team-a\n");
  // Without a space-indented line the step is 2 spaces.
  CHECK(fixed("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n\tname: p\nspec:\n"
              "\ttype: service\n\tlifecycle: production\n\towner: team-a\n") ==
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: p\nspec:\n"
        "  type: service\n  lifecycle: production\n  owner: team-a\n");
  // Spaces then a tab: which level was meant is unclear, so no fix.
  CHECK(!fix_of(kHead + "spec:\n  type: service\n  lifecycle: production\n  \towner: team-a\n",
                "tab-indentation"));
}

TEST_CASE("fix: bare CR line breaks become the file's line break (safe)") {
  const std::string cr =
      "apiVersion: backstage.io/v1alpha1\rkind: Component\rmetadata:\r  name: "
      "payments\rspec:\r  type: service\r  lifecycle: production\r  owner: "
      "team-a\r";
  std::string lf = cr;
  std::replace(lf.begin(), lf.end(), '\r', '\n');
  const auto fix = fix_of(cr, "bare-cr-line-break");
  REQUIRE(fix);
  CHECK(fix->description == "end lines with LF");
  CHECK(fix->edits.size() == 8);
  CHECK(fixed(cr) == lf);
  // One bare CR in a CRLF file becomes CRLF; a CR inside a quoted value stays.
  const std::string crlf =
      "apiVersion: backstage.io/v1alpha1\r\nkind: Component\r\nmetadata:\r\n  name: payments\r\n"
      "  description: \"a\rb\"\r\nspec:\r\n  type: service\r  lifecycle: production\r\n"
      "  owner: team-a\r\n";
  std::string want = crlf;
  want.replace(want.find("service\r") + 7, 1, "\r\n");
  CHECK(fixed(crlf) == want);
}

TEST_CASE("fix: a comment that hides content past a bare CR ends at it (unsafe)") {
  // A file with CR line endings after a first comment is one comment line to Backstage.
  const std::string lf = "# header\n" + kHead + kSpec;
  std::string cr = lf;
  std::replace(cr.begin(), cr.end(), '\n', '\r');
  CHECK(fixed(cr) == cr);  // not applied by --fix: what Backstage ingests changes
  CHECK(fixed(cr, true) == lf);
  // A hidden line inside a file with LF line endings.
  const std::string one = kHead + "  # owner: see wiki\r  title: t\n" + kSpec;
  CHECK(fixed(one, true) == kHead + "  # owner: see wiki\n  title: t\n" + kSpec);
}

TEST_CASE("fix: an unsafe fix never acts on text an earlier fix revealed") {
  // The CR fix reveals a hidden `kind: Group` line, a duplicate key; the duplicate-key fix
  // (unsafe too) used to delete it in the next round: text lost that nobody had reviewed.
  const std::string hidden =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\n# note\rkind: "
      "Group\nmetadata:\n  name: a\n" +
      kSpec;
  CHECK(fixed(hidden, true) ==
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n# note\nkind: Group\nmetadata:\n  "
        "name: a\n" +
            kSpec);
  // A duplicate key whose line hides text behind a bare CR (a comment's `<CR>  system: x`) has
  // no fix: removing the line would delete the hidden text with it; the CR fix still applies.
  const std::string cr_line = kHead +
                              "spec:\n  type: service\n  owner: team-a\n  lifecycle: production\n"
                              "  lifecycle: experimental # old\r  system: payments\n";
  CHECK(fixed(cr_line, true) ==
        kHead +
            "spec:\n  type: service\n  owner: team-a\n  lifecycle: production\n"
            "  lifecycle: experimental # old\n  system: payments\n");
  // A duplicate key as written is still removed with --unsafe-fixes (the first round).
  const std::string dup =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nkind: Group\nmetadata:\n  name: a\n" +
      kSpec;
  CHECK(fixed(dup, true) ==
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n" + kSpec);
}

TEST_CASE("fix: kind and namespace swapped in a reference, the kind lower-cased (safe)") {
  const std::string text = kHead +
                           "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
                           "  dependsOn:\n    - Resource/default:payments-db\n"
                           "    - 'Resource/default:cache'\n";
  const auto fix = fix_of(text, "invalid-entity-ref");
  REQUIRE(fix);
  CHECK(fix->safety == FixSafety::safe);
  CHECK(fix->description == "write 'resource:default/payments-db'");
  CHECK(fixed(text) == kHead +
                           "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
                           "  dependsOn:\n    - resource:default/payments-db\n"
                           "    - 'resource:default/cache'\n");
}

TEST_CASE("fix: a built-in kind in the wrong case; an owner with kind and namespace swapped") {
  const std::string spec = "spec:\n  type: service\n  lifecycle: production\n";
  CHECK(fixed("apiVersion: backstage.io/v1alpha1\nkind: component\nmetadata:\n  name: a\n" + spec +
              "  owner: team-a\n") ==
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n" + spec +
            "  owner: team-a\n");
  // `template` under backstage.io/v1alpha1: Template needs another apiVersion, so no fix.
  CHECK(!fix_of("apiVersion: backstage.io/v1alpha1\nkind: template\nmetadata:\n  name: a\n" + spec,
                "unknown-kind"));
  const std::string swapped =
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
      "  name: a\n" +
      spec + "  owner: Group/default:team-a\n";
  const auto fix = fix_of(swapped, "unknown-owner");
  REQUIRE(fix);
  CHECK(fix->safety == FixSafety::safe);
  CHECK(fix->description == "write 'group:default/team-a'");
}

TEST_CASE("fix: everything outside the edits is kept: BOM, CRLF, comments, quoting, order") {
  const std::string text =
      "\xEF\xBB\xBF# owned by payments\r\napiVersion: backstage.io/v1alpha1\r\nkind: Component\r\n"
      "metadata:\r\n  name: 123   # a number\r\n\r\n  title: 'Payments'\r\nspec:\r\n  type: "
      "service\r\n  lifecycle: production\r\n  owner: team-a\r\n";
  std::string want = text;
  want.replace(want.find("123"), 3, "\"123\"");
  CHECK(fixed(text) == want);
}

TEST_CASE("fix: a file that does not parse is not fixed; fixing twice changes nothing") {
  const std::string text = kHead + "  labels:\n    tier: 1\n" + kSpec;
  const std::string once = fixed(text);
  CHECK(once != text);
  CHECK(fixed(once) == once);
  const LintResult r = lint_text(once);
  for (const Diagnostic& d : r.diagnostics) CHECK_MESSAGE(!d.fix, d.rule << " " << d.message);
}

TEST_CASE("unsafe fixes: applied only with unsafe, exact bytes") {
  const std::string dir = source_dir() + "/testdata/rules/";
  // unknown-owner: the did-you-mean owner, written as short as the original.
  std::string text = read_file(dir + "unknown-owner/bad-typo.yaml");
  CHECK(fixed(text) == text);
  std::string want = text;
  want.replace(want.find("owner: payment-team"), 19, "owner: payments-team");
  CHECK(fixed(text, true) == want);
  // unknown-golden-path: the approved template's tag.
  text = read_file(dir + "unknown-golden-path/bad-typo.yaml");
  CHECK(fixed(text) == text);
  want = text;
  want.replace(want.find("golden-path:spring-servce"), 25, "golden-path:spring-service");
  CHECK(fixed(text, true) == want);
  // invalid-tag: lower-cased when that makes it valid; `a--b` has no fix.
  text = kHead.substr(0, kHead.size() - 1) + "\n  tags: [Go, a--b, 'Java']\n" + kSpec;
  CHECK(fixed(text) == text);
  CHECK(fixed(text, true) == kHead + "  tags: [go, a--b, 'java']\n" + kSpec);
  const auto tag = fix_of(text, "invalid-tag");
  REQUIRE(tag);
  CHECK(tag->safety == FixSafety::unsafe);
  CHECK(tag->description == "lower-case 'Go'");
  // duplicate-key: the second entry's line goes (CRLF included), the first stays.
  text =
      "apiVersion: backstage.io/v1alpha1\r\nkind: Component\r\nmetadata:\r\n  name: a\r\n"
      "  name: b  # again\r\nspec:\r\n  type: service\r\n  lifecycle: production\r\n"
      "  owner: team-a\r\n";
  const auto dup = fix_of(text, "duplicate-key");
  REQUIRE(dup);
  CHECK(dup->safety == FixSafety::unsafe);
  CHECK(dup->description == "remove this 'name' entry (the first one stays)");
  CHECK(fixed(text, true) ==
        "apiVersion: backstage.io/v1alpha1\r\nkind: Component\r\nmetadata:\r\n  name: a\r\n"
        "spec:\r\n  type: service\r\n  lifecycle: production\r\n  owner: team-a\r\n");
  // A duplicate whose value spans lines, or one in a flow mapping, has no fix.
  CHECK(!fix_of(kHead + "  labels:\n    a: b\n  labels:\n    c: d\n" + kSpec, "duplicate-key"));
  CHECK(!fix_of(kHead + "  labels: {a: b, a: c}\n" + kSpec, "duplicate-key"));
}

// --- the command line ---------------------------------------------------------------------

TEST_CASE("cli --fix: writes the safe fixes, keeps the mode, reports what is left") {
  const std::string dir = temp_dir();
  const std::string file = dir + "/catalog-info.yaml";
  const std::string text = kHead + "  labels:\n    tier: 1\n" + kSpec;
  write_file(file, text);
  ::chmod(file.c_str(), 0640);
  CliRun r = run_cli({"--fix", "--color", "never", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.err == "catalog-lint: fixed 1 finding in catalog-info.yaml\n");
  CHECK(r.out == "no problems in 1 file\n");
  CHECK(read_file(file) == kHead + "  labels:\n    tier: \"1\"\n" + kSpec);
  CHECK(mode_of(file) == "640");
  // No temporary file is left next to it.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.is_regular_file();
  CHECK(entries == 1);
  // A second run changes nothing and says nothing about fixes.
  r = run_cli({"--fix", "--color", "never", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(read_file(file) == kHead + "  labels:\n    tier: \"1\"\n" + kSpec);
}

TEST_CASE("cli --fix: a file the run could not write in place is not replaced") {
  // The rename needs only a writable folder: a read-only file was replaced (and then owned by
  // whoever ran the fix). Root may write any file, so for root it is written, mode kept.
  const std::string dir = temp_dir();
  const std::string file = dir + "/catalog-info.yaml";
  const std::string text = kHead + "  labels:\n    tier: 1\n" + kSpec;
  write_file(file, text);
  ::chmod(file.c_str(), 0444);
  const CliRun r = run_cli({"--fix", "--color", "never", "catalog-info.yaml"}, dir);
  if (::geteuid() == 0) {
    CHECK(r.exit_code == 0);
    CHECK(read_file(file) == kHead + "  labels:\n    tier: \"1\"\n" + kSpec);
  } else {
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("cannot fix catalog-info.yaml: Permission denied") != std::string::npos);
    CHECK(read_file(file) == text);
  }
  CHECK(mode_of(file) == "444");
}

TEST_CASE("cli --fix: the exit code reflects the findings left") {
  const std::string dir = temp_dir();
  // tier: 1 is fixable; the bad tag is not.
  write_file(dir + "/catalog-info.yaml",
             kHead + "  tags: [a--b]\n  labels:\n    tier: 1\n" + kSpec);
  const CliRun r = run_cli({"--fix", "--format", "json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "catalog-lint: fixed 1 finding in catalog-info.yaml\n");
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["rule"] == "invalid-tag");
  CHECK(read_file(dir + "/catalog-info.yaml") ==
        kHead + "  tags: [a--b]\n  labels:\n    tier: \"1\"\n" + kSpec);
}

TEST_CASE("cli --diff: prints a unified diff, writes nothing, exit 1 when there is a fix") {
  const std::string dir = temp_dir();
  const std::string text = kHead + "  labels:\n    tier: 1\n" + kSpec;
  write_file(dir + "/catalog-info.yaml", text);
  CliRun r = run_cli({"--diff", "."}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "--- a/catalog-info.yaml\n+++ b/catalog-info.yaml\n@@ -3,7 +3,7 @@\n metadata:\n   name: "
        "payments\n   labels:\n-    tier: 1\n+    tier: \"1\"\n spec:\n   type: service\n   "
        "lifecycle: production\n");
  CHECK(read_file(dir + "/catalog-info.yaml") == text);
  // --fix --diff: the diff wins, nothing is written.
  r = run_cli({"--fix", "--diff", "."}, dir);
  CHECK(r.exit_code == 1);
  CHECK(read_file(dir + "/catalog-info.yaml") == text);
  // Nothing to fix: no output, exit 0.
  write_file(dir + "/catalog-info.yaml", kHead + kSpec);
  r = run_cli({"--diff", "."}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
}

TEST_CASE("cli --stdin --fix prints the fixed text; --stdin --diff the diff") {
  const std::string text = kHead + "  labels:\n    tier: 1\n" + kSpec;
  CliRun r =
      run_cli({"--stdin", "--stdin-filename", "catalog-info.yaml", "--fix"}, temp_dir(), text);
  CHECK(r.exit_code == 0);
  CHECK(r.out == kHead + "  labels:\n    tier: \"1\"\n" + kSpec);
  r = run_cli({"--stdin", "--diff"}, temp_dir(), text);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("--- a/<stdin>\n+++ b/<stdin>\n") == 0);
  CHECK(r.out.find("+    tier: \"1\"\n") != std::string::npos);
}

TEST_CASE("cli --fix refuses: a file that does not parse, a skeleton, a link out of the repo") {
  const std::string repo = git_repo();
  // A syntax error in the second document: the file is not written, though doc 1 has a fix.
  const std::string broken = kHead + "  labels:\n    tier: 1\n" + kSpec + "---\nkey: [unclosed\n";
  write_file(repo + "/catalog-info.yaml", broken);
  // A named scaffolder skeleton.
  const std::string skeleton =
      kHead + "  description: ${{ values.description }}\n  labels:\n    tier: 1\n" + kSpec;
  write_file(repo + "/skeleton.yaml", skeleton);
  // A link to a file outside the repository.
  const std::string outside = temp_dir() + "/outside.yaml";
  const std::string fixable = kHead + "  labels:\n    tier: 1\n" + kSpec;
  write_file(outside, fixable);
  fs::create_symlink(outside, repo + "/catalog-link.yaml");
  CliRun r = run_cli({"--fix", "catalog-info.yaml", "skeleton.yaml", "catalog-link.yaml"}, repo);
  CHECK(r.exit_code == 2);  // the link is not read (unreadable-file) and the syntax error stays
  CHECK(read_file(repo + "/catalog-info.yaml") == broken);
  CHECK(read_file(repo + "/skeleton.yaml") == skeleton);
  CHECK(read_file(outside) == fixable);
  CHECK(fs::is_symlink(repo + "/catalog-link.yaml"));
  CHECK(r.err.find("fixed") == std::string::npos);
  // Standard input that does not parse is printed as it came.
  r = run_cli({"--stdin", "--fix"}, repo, broken);
  CHECK(r.exit_code == 1);
  CHECK(r.out == broken);
  // A report that would overwrite an input: refused before anything is fixed.
  const std::string fixable_here = kHead + "  labels:\n    tier: 1\n" + kSpec;
  write_file(repo + "/catalog-fix.yaml", fixable_here);
  r = run_cli({"--fix", "--format", "json=catalog-fix.yaml", "catalog-fix.yaml"}, repo);
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "catalog-lint: error: refusing to write 'catalog-fix.yaml': it is the linted file "
        "'catalog-fix.yaml'\n");
  CHECK(read_file(repo + "/catalog-fix.yaml") == fixable_here);
  // Usage errors.
  r = run_cli({"--unsafe-fixes", "."}, repo);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "catalog-lint: error: --unsafe-fixes needs --fix or --diff\n");
}

TEST_CASE("cli --fix: a Location target is linted, not written; the walk's file is") {
  const std::string repo = git_repo();
  const std::string fixable = kHead + "  labels:\n    tier: 1\n" + kSpec;
  write_file(repo + "/other.yaml", fixable);
  const std::string location =
      "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\n  labels:\n"
      "    tier: 2\nspec:\n  targets: [./other.yaml]\n";
  write_file(repo + "/catalog-info.yaml", location);
  const CliRun r = run_cli({"--fix", "--format", "json", "catalog-info.yaml"}, repo);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "catalog-lint: fixed 1 finding in catalog-info.yaml\n");
  CHECK(read_file(repo + "/other.yaml") == fixable);
  std::string want = location;
  want.replace(want.find("tier: 2"), 7, "tier: \"2\"");
  CHECK(read_file(repo + "/catalog-info.yaml") == want);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["file"] == "other.yaml");
  CHECK(j["diagnostics"][0]["rule"] == "invalid-field-type");
}

TEST_CASE("cli --diff and --fix: a newline in a file name cannot forge diff or report lines") {
  // An attack: a file named "x\n-  name: injected\n.yaml" printed a forged `-` line in the diff.
  const std::string repo = git_repo();
  const std::string name = "x\n-  name: injected\n.yaml";
  write_file(repo + "/" + name, kHead + "  labels:\n    tier: 1\n" + kSpec);
  const CliRun diff = run_cli({"--diff", name}, repo);
  CHECK(diff.exit_code == 1);
  // Quoted as git quotes such names, so that `git apply` takes the diff and finds the file.
  CHECK(
      diff.out.starts_with("--- \"a/x\\n-  name: injected\\n.yaml\"\n"
                           "+++ \"b/x\\n-  name: injected\\n.yaml\"\n"));
  CHECK(diff.out.find("\n-  name: injected\n") == std::string::npos);
  write_file(repo + "/fix.patch", diff.out);
  CHECK(sh(repo, "git apply fix.patch").first == 0);
  CHECK(read_file(repo + "/" + name) == kHead + "  labels:\n    tier: \"1\"\n" + kSpec);
  write_file(repo + "/" + name, kHead + "  labels:\n    tier: 1\n" + kSpec);
  const CliRun fix = run_cli({"--fix", "--format", "json", name}, repo);
  CHECK(fix.err ==
        "catalog-lint: fixed 1 finding in x\xE2\x90\x8A-  name: injected\xE2\x90\x8A.yaml\n");
}

TEST_CASE("docs: every rule doc has a Fixes section; docs/fixes.md shows today's --diff") {
  for (const Rule& r : Registry::instance().rules())
    CHECK_MESSAGE(r.info.doc.find("## Fixes\n\n") != std::string::npos, r.info.id);
  const std::string doc = read_file(source_dir() + "/docs/fixes.md");
  const CliRun safe = run_cli({"--diff", "examples"}, source_dir());
  CHECK(safe.exit_code == 1);
  CHECK(doc.find("```diff\n" + safe.out + "```") != std::string::npos);
  const CliRun unsafe = run_cli({"--diff", "--unsafe-fixes", "examples"}, source_dir());
  CHECK(unsafe.exit_code == 1);
  CHECK(doc.find("```diff\n" + unsafe.out + "```") != std::string::npos);
}

TEST_CASE("cli --fix: a link inside the repository is written through, the link stays") {
  const std::string repo = git_repo();
  const std::string text = kHead + "  labels:\n    tier: 1\n" + kSpec;
  write_file(repo + "/real/catalog-info.yaml", text);
  fs::create_symlink("real/catalog-info.yaml", repo + "/catalog-info.yaml");
  const CliRun r = run_cli({"--fix", "catalog-info.yaml"}, repo);
  CHECK(r.exit_code == 0);
  CHECK(fs::is_symlink(repo + "/catalog-info.yaml"));
  CHECK(read_file(repo + "/real/catalog-info.yaml") ==
        kHead + "  labels:\n    tier: \"1\"\n" + kSpec);
}

TEST_CASE("cli: JSON and SARIF carry the fix edits") {
  const std::string dir = temp_dir();
  const std::string text = kHead + "  labels:\n    tier: 1\n" + kSpec;
  write_file(dir + "/catalog-info.yaml", text);
  const std::size_t at = text.find("tier: 1") + 6;
  CliRun r = run_cli({"--format", "json", "."}, dir);
  CHECK(r.exit_code == 1);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(
      j["diagnostics"][0]["fix"] ==
      nlohmann::json::parse(fmt::format(
          R"({{"description":"quote '1' as a string","safety":"safe","edits":[{{"begin":{},"end":{},"text":"\"1\""}}]}})",
          at, at + 1)));
  r = run_cli({"--format", "sarif", "."}, dir);
  j = nlohmann::json::parse(r.out);
  const auto& result = j["runs"][0]["results"][0];
  CHECK(
      result["fixes"] ==
      nlohmann::json::parse(fmt::format(
          R"([{{"description":{{"text":"quote '1' as a string"}},"artifactChanges":[{{"artifactLocation":{},"replacements":[{{"deletedRegion":{{"byteOffset":{},"byteLength":1}},"insertedContent":{{"text":"\"1\""}}}}]}}],"properties":{{"safety":"safe"}}}}])",
          result["locations"][0]["physicalLocation"]["artifactLocation"].dump(), at)));
}

TEST_CASE("cli: SARIF with fixes of every kind passes the shared SARIF validators") {
  const std::string dir = temp_dir();
  const std::string out = dir + "/fixes.sarif";
  const CliRun r =
      run_cli({"--format", "sarif=" + out, "testdata/rules/bare-cr-line-break",
               "testdata/rules/tab-indentation", "testdata/rules/duplicate-key",
               "testdata/rules/invalid-field-type", "testdata/rules/invalid-tag", "examples"},
              source_dir());
  CHECK(r.exit_code == 1);
  const auto log = nlohmann::json::parse(read_file(out));
  std::set<std::string> with_fixes;
  for (const auto& res : log["runs"][0]["results"])
    if (res.contains("fixes")) with_fixes.insert(res["ruleId"].get<std::string>());
  CHECK(with_fixes == std::set<std::string>{"bare-cr-line-break", "duplicate-key",
                                            "invalid-field-type", "invalid-tag",
                                            "tab-indentation"});
  if (!have("node") || !have("npm")) {
    skip("node and npm are not installed: validate-sarif.sh cannot run");
    return;
  }
  std::string deps =
      (fs::path(CATALOG_LINT_BINARY).parent_path() / "sarif-validator-deps").string();
  if (const char* env = std::getenv("SARIF_VALIDATOR_DEPS"); env && *env) deps = env;
  const auto [rc, text] =
      sh(source_dir(),
         fmt::format("bash ../shared/sarif/validate-sarif.sh --deps '{}' '{}' 2>&1", deps, out));
  CHECK_MESSAGE(rc == 0, text);
}

// --- the property over every fixture --------------------------------------------------------

namespace {

// Rules whose findings a fix may legitimately make possible: a reference that did not parse is
// judged once it does, and the fixture alone defines no entity it could name.
const std::set<std::string> kJudgedOnceParsed = {"unresolved-reference", "wrong-reference-kind",
                                                 "unknown-owner", "owner-is-user"};
// Categories a fix is judged by: what the file is (yaml, input) and what Backstage checks
// (backstage, references, catalog). The policy categories judge content no fix touches, and run
// only once a document parses: a fixed tab lets them see a document they could not read before.
const std::set<std::string> kJudgedCategories = {"yaml",       "input",   "backstage",
                                                 "references", "catalog", "suppression"};

std::map<std::string, int> count_by_rule(const LintResult& r) {
  std::map<std::string, int> out;
  for (const Diagnostic& d : r.diagnostics)
    if (kJudgedCategories.count(d.category)) ++out[d.rule];
  return out;
}

bool oracle_installed(const std::string& d) {
  return fs::exists(d + "/node_modules/yaml") && fs::exists(d + "/oracle.js");
}

// Where the oracle is installed (its node_modules), or "": $CATALOG_LINT_ORACLE, an installed
// copy (../shared/oracle itself, /tmp/oracle as its README suggests), else a copy installed
// here with `npm ci` into the build directory (once; CI has node and npm, so it runs there).
std::string oracle_dir() {
  if (const char* env = std::getenv("CATALOG_LINT_ORACLE"); env && *env) return env;
  const std::string shared = source_dir() + "/../shared/oracle";
  for (const std::string& d : {shared, std::string("/tmp/oracle")})
    if (oracle_installed(d)) return d;
  const std::string mine = (fs::path(CATALOG_LINT_BINARY).parent_path() / "oracle-deps").string();
  if (oracle_installed(mine)) return mine;
  if (!fs::exists(shared + "/package-lock.json") || !have("npm")) return "";
  fs::create_directories(mine);
  for (const char* f : {"oracle.js", "package.json", "package-lock.json"})
    fs::copy_file(shared + "/" + f, mine + "/" + f, fs::copy_options::overwrite_existing);
  const auto [rc, out] = sh(mine, "npm ci --no-audit --no-fund --loglevel=error 2>&1");
  if (rc != 0) MESSAGE("npm ci for the oracle failed: " << out);
  return oracle_installed(mine) ? mine : "";
}

}  // namespace

TEST_CASE("property: every fixable fixture fixes cleanly, and Backstage accepts the result") {
  const fs::path root = fs::path(source_dir()) / "testdata" / "rules";
  const std::string out_dir = temp_dir();
  std::vector<std::string> backstage_clean;  // fixed files whose only faults were fixable
  int fixable = 0;
  for (bool unsafe : {false, true}) {
    for (const auto& rule_dir : fs::directory_iterator(root)) {
      if (!rule_dir.is_directory()) continue;
      for (const auto& e : fs::directory_iterator(rule_dir.path())) {
        const std::string name = e.path().filename().string();
        const std::string ext = e.path().extension().string();
        if (name.rfind("bad-", 0) != 0 || (ext != ".yaml" && ext != ".yml")) continue;
        const std::string text = read_file(e.path().string());
        const LintResult before = lint_text(text, "", name);
        bool any = false, all_fixable = true, cr_fix = false;
        for (const Diagnostic& d : before.diagnostics)
          cr_fix = cr_fix || (d.rule == "bare-cr-line-break" && d.fix);
        for (const Diagnostic& d : before.diagnostics) {
          // A bare CR is what makes yaml-cpp fail: the syntax error is the CR's.
          const bool has =
              (d.fix && fix_allowed(*d.fix, unsafe)) || (cr_fix && d.rule == "yaml-syntax-error");
          any = any || has;
          if (!has && (d.category == "yaml" || d.category == "backstage" || d.category == "input"))
            all_fixable = false;
        }
        if (!any) continue;
        ++fixable;
        const std::string label = rule_dir.path().filename().string() + "/" + name;
        CAPTURE(label);
        CAPTURE(unsafe);
        const std::string after_text = fixed(text, unsafe, name);
        CHECK(after_text != text);
        const LintResult after = lint_text(after_text, "", name);
        // It parses.
        for (const Diagnostic& d : after.diagnostics)
          CHECK_MESSAGE(d.rule != "yaml-syntax-error", d.message);
        // The fixed findings are gone: nothing left carries an applicable fix...
        for (const Diagnostic& d : after.diagnostics)
          CHECK_MESSAGE(!(d.fix && fix_allowed(*d.fix, unsafe)),
                        "still fixable: " << d.rule << " " << d.message);
        // ...and no rule has more findings than before (but see kJudgedOnceParsed).
        const auto b = count_by_rule(before), a = count_by_rule(after);
        for (const auto& [rule, n] : a) {
          const auto it = b.find(rule);
          const int was = it == b.end() ? 0 : it->second;
          if (kJudgedOnceParsed.count(rule)) continue;
          CHECK_MESSAGE(n <= was, "new finding of " << rule);
        }
        // The command line fixes it the same way (its own rounds, refusals and guard).
        if (!unsafe) {
          const CliRun cli = run_cli({"--stdin", "--stdin-filename", name, "--fix"}, out_dir, text);
          CHECK(cli.out == after_text);
        }
        if (all_fixable && !unsafe) {
          const std::string copy = fmt::format("{}/{}", out_dir, label);
          write_file(copy, after_text);
          backstage_clean.push_back(label);
        }
      }
    }
  }
  CHECK(fixable >= 10);
  CHECK(backstage_clean.size() >= 13);
  // The oracle: every document of each file whose only faults were fixable is accepted now.
  const std::string oracle = oracle_dir();
  if (!have("node") || oracle.empty()) {
    skip(
        "node, or npm to install the oracle's packages, is missing (or set "
        "CATALOG_LINT_ORACLE to an installed copy of ../shared/oracle)");
    return;
  }
  const auto [rc, output] =
      sh(out_dir, fmt::format("node '{}/oracle.js' --base . . 2>/dev/null", oracle));
  REQUIRE(rc == 0);
  std::map<std::string, std::string> verdicts;  // file → first non-ok verdict, or "ok"
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    const auto j = nlohmann::json::parse(line);
    std::string& v = verdicts[j["file"].get<std::string>()];
    if (v.empty() || v == "ok") v = j["verdict"] == "ok" ? "ok" : j["messages"].dump();
  }
  MESSAGE(fmt::format("{} fixable fixture runs; {} fixed files checked by the oracle", fixable,
                      backstage_clean.size()));
  for (const std::string& f : backstage_clean) {
    CAPTURE(f);
    REQUIRE(verdicts.count(f) == 1);
    CHECK(verdicts[f] == "ok");
  }
}

TEST_CASE("cli --diff: a CR inside a line shows as U+240D on a terminal, raw in a pipe") {
  if (!have("script")) {
    skip("script (Debian package bsdutils) is not installed");
    return;
  }
  const std::string dir = temp_dir();
  const std::string text = kHead + "  # note\r  description: hidden\n" + kSpec;
  write_file(dir + "/catalog-info.yaml", text);
  // A raw CR on a terminal moves the cursor back: "-  # note" would be overwritten.
  const auto [code, tty] = sh(dir, std::string("script -qec \"'") + CATALOG_LINT_BINARY +
                                       "' --diff --unsafe-fixes catalog-info.yaml\" /dev/null");
  CHECK(code == 1);
  CHECK(tty.find("-  # note\u240D  description: hidden") != std::string::npos);
  const CliRun piped = run_cli({"--diff", "--unsafe-fixes", "catalog-info.yaml"}, dir);
  CHECK(piped.exit_code == 1);
  CHECK(piped.out.find("-  # note\r  description: hidden\n+  # note\n+  description: hidden\n") !=
        std::string::npos);
  CHECK(read_file(dir + "/catalog-info.yaml") == text);
}
