// Loader fidelity (issue 13) and loader speed (issue 11): where yaml-cpp is more lenient than the
// `yaml` npm package Backstage parses with, the loader reports the document at the cause, in a
// sentence about the cause (no yaml-cpp text), once. Positions and verdicts here were checked
// against the oracle (../shared/oracle); the generated set in testdata/differential/loader covers
// the same ground more widely (tests/test_conformance.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/linter.h"
#include "util.h"

using namespace catalog_lint;
using namespace catalog_lint::test;

namespace doctest {
// Shows a failing comparison's lists instead of {?}.
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string s = "{";
    for (const std::string& e : v) s += "\n  \"" + e + "\"";
    return (s + "}").c_str();
  }
};
}  // namespace doctest

namespace {

const std::string kHead =
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n";
const std::string kSpec = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

// "severity rule line:column message" for every diagnostic of category yaml.
std::vector<std::string> yaml_findings(const std::string& text) {
  std::vector<std::string> out;
  for (const Diagnostic& d : lint_text(text).diagnostics)
    if (d.category == "yaml")
      out.push_back(fmt::format("{} {} {}:{} {}", to_string(d.severity), d.rule, d.start.line,
                                d.start.column, d.message));
  return out;
}

// The help line of the only yaml diagnostic of `text`.
std::string yaml_help(const std::string& text) {
  std::string help;
  int n = 0;
  for (const Diagnostic& d : lint_text(text).diagnostics)
    if (d.category == "yaml") help = d.help, ++n;
  CHECK(n == 1);
  return help;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("loader: '#' right after a flow indicator or a closing quote is no comment") {
  // yaml-cpp read a comment and failed past the end of the file ("end of sequence flow not
  // found" at 10:1); Backstage fails at the '#'.
  CHECK(yaml_findings(kHead + kSpec + "  tags: [#edge]\n") ==
        V{"error yaml-syntax-error 9:10 '#' starts a comment only after a space"});
  CHECK(
      yaml_help(kHead + kSpec + "  tags: [#edge]\n") ==
      "put a space before '#' to start a comment, or quote the text (\"#edge\") if it is a value");
  // Multi-line: yaml-cpp silently dropped the rest of the line, and with it an entry.
  CHECK(yaml_findings(kHead + kSpec + "  tags: [a,#edge\n    b]\n") ==
        V{"error yaml-syntax-error 9:12 '#' starts a comment only after a space"});
  CHECK(yaml_findings(kHead + kSpec + "  tags: [a]#c\n") ==
        V{"error yaml-syntax-error 9:12 '#' starts a comment only after a space"});
  CHECK(yaml_findings(kHead + kSpec + "  x: {a: b,#c\n    d: e}\n") ==
        V{"error yaml-syntax-error 9:12 '#' starts a comment only after a space"});
  CHECK(yaml_findings(kHead + "  description: \"a\"#c\n" + kSpec) ==
        V{"error yaml-syntax-error 5:19 '#' starts a comment only after a space"});
  CHECK(yaml_findings(kHead + kSpec + "  tags:\n    - 'a'#c\n") ==
        V{"error yaml-syntax-error 10:10 '#' starts a comment only after a space"});
  CHECK(yaml_findings(kHead + "  description: |-#c\n    t\n" + kSpec) ==
        V{"error yaml-syntax-error 5:18 '#' starts a comment only after a space"});
  // After white space, or inside a plain value, '#' is what it always was.
  CHECK(yaml_findings(kHead + kSpec + "  tags: [a, b] #c\n  x: [a #c\n    , b#c]\n").empty());
  CHECK(yaml_findings(kHead + "  description: a#b\n" + kSpec).empty());
}

TEST_CASE("loader: flow collections yaml-cpp reads and Backstage rejects") {
  CHECK(yaml_findings(kHead + kSpec + "  x: [,a]\n") ==
        V{"error yaml-syntax-error 9:7 empty entry in a flow collection: ',' with no value "
          "before it"});
  CHECK(yaml_findings(kHead + kSpec + "  x: [a,,b]\n") ==
        V{"error yaml-syntax-error 9:9 empty entry in a flow collection: ',' with no value "
          "before it"});
  CHECK(yaml_findings(kHead + kSpec + "  x: [-]\n") ==
        V{"error yaml-syntax-error 9:7 '-' alone is not an entry of a flow collection"});
  // A line of the collection at the indentation of the key that holds it.
  CHECK(yaml_findings(kHead + kSpec + "  x: [a,\n  b]\n") ==
        V{"error yaml-syntax-error 10:1 the '[' on line 9 is not closed before this line, which "
          "is not indented more than the key that holds it"});
  // ... but the closing bracket may stand there, and deeper lines are fine.
  CHECK(yaml_findings(kHead + kSpec + "  x: [a,\n    b\n  ]\n").empty());
  // A quoted value inside a flow collection continues on a line at the key's indentation.
  CHECK(yaml_findings(kHead + "  annotations: {a: \"x\n  y\"}\n" + kSpec) ==
        V{"error yaml-syntax-error 5:20 the quoted value continues on a line that is not indented "
          "more than the key of its flow collection"});
  // A document marker ends an unclosed collection: yaml-cpp read on into the next document and
  // reported nothing for this one.
  CHECK(yaml_findings(kHead + kSpec + "  x: [a\n---\n" + kHead + "  title: @t\n" + kSpec) ==
        V{"error yaml-syntax-error 10:1 the '[' on line 9 is not closed when the document ends "
          "here",
          "error yaml-syntax-error 15:10 a plain value cannot start with '@' (YAML reserves it)"});
  // A root flow collection ends the document: yaml-cpp dropped everything after it.
  CHECK(yaml_findings("{{ x }}\n" + kHead + kSpec) ==
        V{"error yaml-syntax-error 2:1 the document is the flow collection '{{ x }}', so nothing "
          "may follow it: is this an unrendered template?"});
}

TEST_CASE("loader: quoted continuation lines, directives, tags, explicit keys") {
  // Backstage: "Missing closing quote" at the opening quote; yaml-cpp accepted it.
  CHECK(yaml_findings(kHead + "  description: \"a\n b\"\n" + kSpec) ==
        V{"error yaml-syntax-error 5:16 the quoted value continues on line 6, which is not "
          "indented more than its key"});
  CHECK(yaml_findings(kHead + "  description: \"a\n   b\"\n" + kSpec).empty());
  // A line of only a tab inside it is no empty line for `yaml` (was accepted).
  CHECK(yaml_findings(kHead + "  description: \"a\n\t\n    b\"\n" + kSpec) ==
        V{"error yaml-syntax-error 5:16 the quoted value continues on line 6, which is not "
          "indented more than its key"});
  CHECK(yaml_findings(kHead + "  description: \"a\n    \t\n    b\"\n" + kSpec).empty());
  // `...` ends a document even inside a quoted value: the broken one and the next both fail.
  CHECK(yaml_findings(kHead + "  description: 'a\n...\n  b'\n" + kSpec) ==
        V{"error yaml-syntax-error 6:1 a document marker (`---` or `...`) starts a line inside a "
          "quoted value",
          "error yaml-syntax-error 7:3 'b'' is a line without `key:` inside a mapping"});
  // `... x`: yaml-cpp started a document `x` (linted as a non-mapping root); for Backstage the
  // first document has content after its end.
  CHECK(yaml_findings(kHead + kSpec + "... x\n") ==
        V{"error yaml-syntax-error 9:5 content after the document end marker `...` on the same "
          "line"});
  for (const Diagnostic& d : lint_text(kHead + kSpec + "... x\n").diagnostics)
    CHECK_MESSAGE(d.rule != "non-mapping-document", d.message);
  CHECK(yaml_findings("%YAML 1.2\n" + kHead + kSpec) ==
        V{"error yaml-syntax-error 2:1 the directive on line 1 must be followed by a `---` line "
          "before the document"});
  CHECK(yaml_findings("%YAML 1.1\n%TAG ! tag:x.com,2000:\n---\n" + kHead + kSpec).empty());
  CHECK(yaml_findings(kHead + "  title: !e!x t\n" + kSpec) ==
        V{"error yaml-syntax-error 5:10 tag handle '!e!' is not declared"});
  CHECK(yaml_findings("%TAG !e! tag:e.com,2000:\n---\n" + kHead + "  title: !e!x t\n" + kSpec)
            .empty());
  // An explicit key needs no ':' on its own line (this was a false "has no `:`" error).
  CHECK(yaml_findings(kHead + "  ? description\n  : d\n" + kSpec).empty());
  // CRs before a CRLF are white space at the end of the line, not a bare CR line break.
  CHECK(yaml_findings(kHead + "  description: a\r\r\n" + kSpec).empty());
}

TEST_CASE("loader: a stray line inside a mapping is reported on its own line (issue 2)") {
  // yaml-cpp's error came one line late, at the next key's ':' (6:8).
  CHECK(yaml_findings(kHead + "  ${X}\n  title: y\n" + kSpec) ==
        V{"error yaml-syntax-error 5:3 '${X}' is a line without `key:` inside a mapping: is this "
          "an unrendered template?"});
  CHECK(yaml_findings(kHead + "  description: d\n\n  # c\n  x y\n\n  title: t\n" + kSpec) ==
        V{"error yaml-syntax-error 8:3 'x y' is a line without `key:` inside a mapping"});
  // The last line of a mapping: yaml-cpp failed at the next, less indented key.
  CHECK(yaml_findings(kHead + "  title: t\n  ${{ x }}\n" + kSpec) ==
        V{"error yaml-syntax-error 6:3 '${{ x }}' is a line without `key:` inside a mapping: is "
          "this an unrendered template?"});
  CHECK(yaml_findings(kHead + "  title: t\n  [x]\n" + kSpec) ==
        V{"error yaml-syntax-error 6:3 '[x]' is a line without `key:` inside a mapping"});
  CHECK(yaml_findings(kHead + "  title: &a t\n  *a: x\n" + kSpec) ==
        V{"error yaml-syntax-error 6:3 '*a:' is read as an alias named 'a:' (the name runs to "
          "the next space)"});
}

TEST_CASE("loader: yaml-cpp's errors become sentences about the cause") {
  const std::string key(1030, 'k');
  CHECK(yaml_findings(kHead + "  annotations:\n    " + key + ": v\n" + kSpec) ==
        V{"error yaml-syntax-error 6:1035 a key is longer than 1024 characters (YAML's limit for "
          "implicit keys)"});
  CHECK(yaml_findings(kHead + "  title: %foo\n" + kSpec) ==
        V{"error yaml-syntax-error 5:10 a plain value cannot start with '%': is this an "
          "unrendered template (`{% if %}`)?"});
  CHECK(yaml_findings(kHead + "  title: {% if x %}\n" + kSpec) ==
        V{"error yaml-syntax-error 5:11 '{%' is not YAML: is this an unrendered template (`{% if "
          "%}`)?"});
  CHECK(yaml_findings(kHead + "  title: @foo\n" + kSpec) ==
        V{"error yaml-syntax-error 5:10 a plain value cannot start with '@' (YAML reserves it)"});
  CHECK(yaml_help(kHead + "  title: @foo\n" + kSpec) == "quote the value (\"@foo\")");
  CHECK(yaml_findings(kHead + "  title: a: b\n" + kSpec) ==
        V{"error yaml-syntax-error 5:11 a plain value cannot contain ': ' (it would start a "
          "second mapping on this line)"});
  CHECK(yaml_findings(kHead + "  name2: a\n   title: t\n" + kSpec) ==
        V{"error yaml-syntax-error 6:9 this line is indented more than the key on line 5, so it "
          "would continue that key's value"});
  CHECK(yaml_findings(kHead + "  labels: {{ host }}: x\n" + kSpec) ==
        V{"error yaml-syntax-error 5:21 '{{ host }}' is read as a flow collection followed by "
          "':': is this an unrendered template?"});
  CHECK(yaml_findings(kHead + kSpec + "  x: [a\n") ==
        V{"error yaml-syntax-error 10:1 the '[' on line 9 is never closed with ']'"});
  CHECK(yaml_findings(kHead + "  description: \"a\\qb\"\n" + kSpec) ==
        V{"error yaml-syntax-error 5:18 unknown escape sequence '\\q' in a double-quoted value"});
  CHECK(yaml_findings(kHead + "  description: *a\n" + kSpec) ==
        V{"error yaml-syntax-error 5:16 alias '*a' refers to an anchor that is not defined"});
  CHECK(yaml_findings(kHead + "  description: {{ x }} y\n" + kSpec) ==
        V{"error yaml-syntax-error 5:24 'y' cannot follow the complete value before it on this "
          "line: is this an unrendered template?"});
  CHECK(yaml_findings(kHead + "  description: |x\n    a\n" + kSpec) ==
        V{"error yaml-syntax-error 5:17 a block scalar header ('|' or '>') may only hold '+', '-' "
          "and one digit 1-9"});
}

TEST_CASE("loader: keys that are collections") {
  // At the start of a line of a block mapping `yaml` rejects them ("Map comment with trailing
  // content"); yaml-cpp read a mapping key.
  CHECK(yaml_findings(kHead + "  {{ host }}: x\n" + kSpec) ==
        V{"error yaml-syntax-error 5:3 '{{ host }}' is read as a mapping key: is this an "
          "unrendered template?"});
  // As a mapping's first key `yaml` accepts them.
  CHECK(yaml_findings("metadata:\n  [a]: b\n  name: x\napiVersion: backstage.io/v1alpha1\nkind: "
                      "Component\n" +
                      kSpec)
            .empty());
  // Where they are accepted they print as written, not as ''.
  const LintResult r = lint_text("? [a, b]\n: c\n" + kHead + kSpec);
  std::vector<std::string> root;
  for (const Diagnostic& d : r.diagnostics)
    if (d.rule == "unknown-root-field") root.push_back(d.message);
  CHECK(root == V{"unknown root field '[a, b]'; an entity has only apiVersion, kind, metadata and "
                  "spec"});
}

TEST_CASE("loader: a tab in indentation is reported once, as tab-indentation") {
  // Before: tab-indentation 4:1 and yaml-syntax-error 4:6 ("illegal map value").
  CHECK(yaml_findings("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n\tname: "
                      "svc\n" +
                      kSpec) ==
        V{"error tab-indentation 4:1 tab character in indentation; YAML allows only spaces"});
  // A tab in a flow collection's line: Backstage's "must be sufficiently indented"; once.
  CHECK(yaml_findings(kHead + kSpec + "  tags: [\n\ta]\n") ==
        V{"error tab-indentation 10:1 tab character in indentation; YAML allows only spaces"});
  // A tab at the start of a quoted value's continuation line is text; the cause is the line's
  // indentation (before: also a tab-indentation finding on line 6).
  CHECK(yaml_findings(kHead + "  description: \"a\n\tb\"\n" + kSpec) ==
        V{"error yaml-syntax-error 5:16 the quoted value continues on line 6, which is not "
          "indented more than its key"});
  // A syntax error with another cause is still reported.
  CHECK(yaml_findings(kHead + "  title: @t\n\tdescription: d\n" + kSpec) ==
        V{"error yaml-syntax-error 5:10 a plain value cannot start with '@' (YAML reserves it)",
          "error tab-indentation 6:1 tab character in indentation; YAML allows only spaces"});
  CHECK(yaml_findings(kHead + "\ttitle: t\n" + kSpec + "---\n" + kHead + "  title: @t\n" + kSpec) ==
        V{"error tab-indentation 5:1 tab character in indentation; YAML allows only spaces",
          "error yaml-syntax-error 15:10 a plain value cannot start with '@' (YAML reserves it)"});
}

TEST_CASE("loader: a tab on a line of only white space or a comment is no indentation") {
  // yaml-cpp rejected both ("illegal tab when looking for indentation"); `yaml` accepts them.
  CHECK(yaml_findings(kHead + "\t\n  title: t\n" + kSpec).empty());
  CHECK(yaml_findings(kHead + "  title: t\n\t# c\n  \t # c\n" + kSpec).empty());
  // Inside a block scalar, or before a deeper continuation line, `yaml` rejects it too.
  CHECK(yaml_findings(kHead + "  description: |\n    a\n\t\n    b\n" + kSpec) ==
        V{"error yaml-syntax-error 7:1 tab character in indentation; YAML allows only spaces"});
  CHECK(yaml_findings(kHead + "  description: a\n\t\n    b\n" + kSpec) ==
        V{"error yaml-syntax-error 6:1 tab character in indentation; YAML allows only spaces"});
  // ... and after a block scalar's last line (its trailing empty lines).
  CHECK(yaml_findings(kHead + "  description: |\n    a\n    \t\n    b\n\t\n" + kSpec) ==
        V{"error yaml-syntax-error 9:1 tab character in indentation; YAML allows only spaces"});
  // A tab in a block scalar's text after its indentation is content, and the blank line after
  // the next key is fine.
  CHECK(yaml_findings(kHead + "  description: |\n    a\n    \t\n    b\n  title: t\n\t\n" + kSpec)
            .empty());
}

TEST_CASE("loader: many blank-line separated keys and many CRs in quotes (issue 11)") {
  // Both were quadratic: 50k keys took 5.3 s, 800 KB of quoted CRs 7 s; these sizes took far
  // longer than run_cli's 120 s guard.
  const std::string dir = temp_dir();
  std::string keys = kHead + "  annotations:\n";
  for (int i = 0; i < 300'000; ++i) keys += fmt::format("    k{}: v\n\n", i);
  keys += "\tx: y\n" + kSpec;  // a finding at the end proves every line was checked
  write_file(dir + "/catalog-keys.yaml", keys);
  std::string crs = kHead + "  annotations:\n";
  for (int i = 0; i < 200'000; ++i) crs += fmt::format("    k{}: \"a\rb\"\n", i);
  crs += "  title: t\r  description: d\n" + kSpec;
  write_file(dir + "/catalog-crs.yaml", crs);
  const CliRun run = run_cli({"--format", "json", "-j", "2", "."}, dir);
  CHECK(run.exit_code == 1);
  CHECK(severities_of(run, "tab-indentation") == V{"catalog-keys.yaml error", "files=2"});
  CHECK(severities_of(run, "bare-cr-line-break") == V{"catalog-crs.yaml error", "files=2"});
  CHECK(run.out.find("\"line\": 600006") != std::string::npos);  // the tab line
  CHECK(run.out.find("\"line\": 200006") != std::string::npos);  // the bare CR line
}

TEST_CASE("loader: a bare CR where `yaml` reads other structure than yaml-cpp (issue 13)") {
  const std::string cr =
      " bare carriage return (CR) used as a line break; Backstage's parser does not accept it";
  // Before '#': no white space for `yaml` ("Comments must be separated from other tokens by white
  // space characters"); yaml-cpp read `t<CR>#c` as the value.
  CHECK(yaml_findings(kHead + "  title: t\r#c\n" + kSpec) ==
        V{"error bare-cr-line-break 5:11" + cr});
  CHECK(yaml_findings(kHead + "  title: t \r#c\n" + kSpec) ==
        V{"error bare-cr-line-break 5:12" + cr});
  CHECK(yaml_findings(kHead + "  tags: [a,\r#c\n    b]\n" + kSpec) ==
        V{"error bare-cr-line-break 5:12" + cr});
  // After an anchor or a tag ("Tags and anchors must be separated from the next token by white
  // space"); yaml-cpp silently dropped the value `t` after the anchor.
  CHECK(yaml_findings(kHead + "  title: &a\rt\n" + kSpec) ==
        V{"error bare-cr-line-break 5:12" + cr});
  CHECK(yaml_findings(kHead + "  title: !!str\rt\n" + kSpec) ==
        V{"error bare-cr-line-break 5:15" + cr});
  // `a:<CR>` after a key: a second mapping on the line ("Nested mappings are not allowed in
  // compact mappings").
  CHECK(yaml_findings(kHead + "  title: a:\rb\n" + kSpec) ==
        V{"error bare-cr-line-break 5:12" + cr});
  // After `...` or `---`, also at the end of the file (yaml-cpp read a key `...<CR>`).
  CHECK(yaml_findings(kHead + kSpec + "...\r") == V{"error bare-cr-line-break 9:4" + cr});
  // (`...<CR>---`: yaml-cpp's own errors on that line remain.)
  CHECK(yaml_findings(kHead + kSpec + "...\r---\n" + kHead + kSpec).size() == 3);
  // Content to both parsers: in quotes, in block text, before a space, after `key:` alone.
  CHECK(yaml_findings(kHead + "  title: \"a\r#c\"\n" + kSpec).empty());
  CHECK(yaml_findings(kHead + "  title: >\n    a\r#c\n" + kSpec).empty());
  CHECK(yaml_findings(kHead + "  title: t\r # c\n" + kSpec).empty());
  CHECK(yaml_findings(kHead + "  title: a &b\rc\n" + kSpec).empty());
}

TEST_CASE("loader: `key:<CR>value` is one finding, at the CR (issue 13)") {
  // An error where the value "\rvalue" then fails Backstage's check (a name), a warning where
  // Backstage accepts it (a type, a description): the oracle's verdicts on both.
  // yaml-cpp reads `name:<CR>foo` as one plain scalar: `metadata` was "a string", or the line a
  // key with no ':' (with a missing `spec.type` after it); `yaml` reads the value "\rfoo". The
  // CR is the one finding; the entity is read with the space the author meant.
  const auto all = [](const std::string& text) {
    std::vector<std::string> out;
    for (const Diagnostic& d : lint_text(text).diagnostics)
      if (d.category == "yaml" || d.category == "backstage")  // what Backstage checks
        out.push_back(fmt::format("{} {} {}:{}", to_string(d.severity), d.rule, d.start.line,
                                  d.start.column));
    return out;
  };
  const std::string head = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n";
  CHECK(all(head + "  name:\rfoo\n" + kSpec) == V{"error bare-cr-line-break 4:8"});
  CHECK(all(kHead + "spec:\n  owner: team-a\n  lifecycle: production\n  type:\rservice\n") ==
        V{"warning bare-cr-line-break 8:8"});  // Backstage accepts the type "\rservice"
  CHECK(
      lint_text(head + "  name:\rfoo\n" + kSpec, "bare-cr-line-break").diagnostics.at(0).message ==
      "a bare carriage return (CR) right after `name:`: the value Backstage reads is '\\rfoo', "
      "which starts with the CR");
  // A value that continues on the next line, and a CR that a block scalar holds: once the line
  // before is read as the author meant, the block scalar's CR is content again (not reported).
  CHECK(all(kHead + "  description:\rlong\n    text\n  annotations:\n    a: |\n      x:\ry\n" +
            kSpec) == V{"warning bare-cr-line-break 5:15"});
  CHECK(all(kHead + "  annotations:\n    a: |\n      x:\ry\n" + kSpec).empty());
  CHECK(all(head + "  name:\rfoo\n" + kSpec + "  x: [").size() == 2);  // and a later fault
}

TEST_CASE("loader: `---<CR>` ends a document for yaml-cpp too (issue 13)") {
  // `yaml` reads a second document there (here the string "\r": "Expected object at root");
  // yaml-cpp read a key `---<CR>` of the first document.
  const LintResult end = lint_text(kHead + kSpec + "---\r", "bare-cr-line-break");
  REQUIRE(end.diagnostics.size() == 1);
  CHECK(end.diagnostics[0].rule == "bare-cr-line-break");
  CHECK(end.diagnostics[0].document == 1);
  CHECK(end.diagnostics[0].start.line == 9);
  CHECK(end.diagnostics[0].start.column == 4);
  // Content after it is on the marker's line for `yaml` ("Block collection cannot start on same
  // line with directives-end marker"): the second document is rejected (yaml-cpp reads a scalar
  // document there, then fails in a third).
  const std::string second = kHead + kSpec + "---\r" + kHead + kSpec;
  std::vector<std::string> got;
  for (const Diagnostic& d : lint_text(second).diagnostics)
    if (d.category == "yaml")
      got.push_back(fmt::format("{} {} {}:{}", d.rule, d.document, d.start.line, d.start.column));
  CHECK(got ==
        V{"bare-cr-line-break 2 9:4", "non-mapping-document 1 9:5", "yaml-syntax-error 2 9:15"});
}

TEST_CASE("loader: a comment that runs on past a bare CR over content is a warning (issue 13)") {
  // Both parsers read a comment up to the next LF: `# header<CR>apiVersion: …` hides the line,
  // and a file with only CRs after a first comment is empty to Backstage, without a word.
  const std::string hidden =
      " a bare carriage return (CR) does not end this comment: 'apiVersion: "
      "backstage.io/v1alpha1' after it is part of the comment, and Backstage never reads it";
  std::vector<std::string> got;
  for (const Diagnostic& d : lint_text("# header\r" + kHead + kSpec).diagnostics)
    if (d.category == "yaml" || d.rule == "missing-field")
      got.push_back(fmt::format("{} {} {}:{} {}", to_string(d.severity), d.rule, d.start.line,
                                d.start.column, d.message));
  CHECK(got == V{"warning bare-cr-line-break 1:9" + hidden,
                 "error missing-field 2:1 missing required field `apiVersion`"});
  std::string cr_only = "# header\n" + kHead + kSpec;
  std::replace(cr_only.begin(), cr_only.end(), '\n', '\r');
  const LintResult only = lint_text(cr_only, "bare-cr-line-break");
  REQUIRE(only.diagnostics.size() == 1);
  CHECK(to_string(only.diagnostics[0].severity) == "warning");
  CHECK(only.diagnostics[0].message == hidden.substr(1));
  CHECK(only.diagnostics[0].start.column == 9);
  // The unsafe fix ends every line of the comment's text with the file's line break.
  REQUIRE(only.diagnostics[0].fix);
  CHECK(only.diagnostics[0].fix->safety == FixSafety::unsafe);
  CHECK(only.diagnostics[0].fix->edits.size() == 9);
  // Deeper in the file, after a value's comment; a CR in a comment before plain text is fine.
  CHECK(yaml_findings(kHead + "  description: d # c\r  title: t\n" + kSpec) ==
        V{"warning bare-cr-line-break 5:21 a bare carriage return (CR) does not end this comment: "
          "'title: t' after it is part of the comment, and Backstage never reads it"});
  CHECK(yaml_findings(kHead + "  # c\rx\n" + kSpec).empty());
  // A comment line after a value's line, and a `#` line that is block text (content, no comment).
  CHECK(yaml_findings(kHead + "  title: t\n  # c\r  description: d\n" + kSpec) ==
        V{"warning bare-cr-line-break 6:6 a bare carriage return (CR) does not end this comment: "
          "'description: d' after it is part of the comment, and Backstage never reads it"});
  CHECK(yaml_findings(kHead + "  description: |\n    # c\r    title: t\n" + kSpec).empty());
}

TEST_CASE("loader: %YAML directives Backstage reads and yaml-cpp refused (issue 13)") {
  const std::string doc = "---\n" + kHead + kSpec;
  // An N.M version other than 1.1/1.2: a warning at the version, the document is read.
  CHECK(yaml_findings("%YAML 2.0\n" + doc) ==
        V{"warning yaml-version-directive 1:7 YAML 2.0 is not a version Backstage's parser "
          "supports: it warns and reads the document as YAML 1.2"});
  CHECK(yaml_findings("%YAML 1.3 # c\n" + doc) ==
        V{"warning yaml-version-directive 1:7 YAML 1.3 is not a version Backstage's parser "
          "supports: it warns and reads the document as YAML 1.2"});
  // A second one for the same document, a %TAG and blank and comment lines between.
  CHECK(yaml_findings("%YAML 1.2\n\n# c\n%TAG ! tag:x.com,2000:\n%YAML 1.2\n" + doc) ==
        V{"warning yaml-version-directive 5:7 a second %YAML directive for one document (the "
          "first is on line 1): YAML allows one, and Backstage's parser keeps the last"});
  // One per document is fine, also with a %TAG before the second document's %YAML.
  CHECK(yaml_findings("%YAML 1.2\n" + doc + "...\n%TAG ! tag:x.com,2000:\n%YAML 1.2\n" + doc)
            .size() == 0);
  // Malformed ones stay syntax errors, as for Backstage.
  for (const std::string bad : {"%YAML\n", "%YAML 1.2 x\n", "%YAML 1.2#c\n", "%YAML a.b\n"}) {
    CAPTURE(bad);
    const V got = yaml_findings(bad + doc);
    REQUIRE(got.size() == 1);
    CHECK(got[0].rfind("error yaml-syntax-error 1:", 0) == 0);
  }
  // A line `%YAML 2.0` inside content is content: neither reported nor changed.
  const LintResult text = lint_text(kHead + "  description: |\n    a\n%YAML 2.0\n" + kSpec);
  bool directive = false;
  for (const Diagnostic& d : text.diagnostics) directive |= d.rule == "yaml-version-directive";
  CHECK(!directive);
}

TEST_CASE("loader: the hint for a '?' in a flow collection quotes the whole item (issue 13)") {
  // It proposed ("?b") for `[a?b]`, a value that is not the user's. (Past the 256 '?' per file
  // that are read as Backstage reads them, the item is reported.)
  std::string many = "  x: [";
  for (int i = 0; i < 256; ++i) many += "a?b, ";
  CHECK(yaml_help(kHead + kSpec + many + "y?z\n    , w]\n") == "quote the value (\"y?z\")");
  CHECK(yaml_help(kHead + kSpec + many + "x y?z]\n") == "quote the value (\"x y?z\")");
}

TEST_CASE("loader: flow text that yaml-cpp cannot read as written is read as YAML 1.2 reads it") {
  // Issue 13: Backstage's `yaml` reads these, yaml-cpp refused them (a false yaml-syntax-error):
  // a '?' in a plain scalar over lines or between spaces, empty and collection explicit keys, a
  // flow mapping key over lines, with its ':' on a later line, or of over 1024 characters. The
  // values and positions are the source's (the oracle agrees on each verdict; see
  // testdata/differential/loader, groups qflow, frw and frwm).
  const std::string long_key(1030, 'k');
  const std::string text = kHead + "  tags: [a?b\n    , c ? d, e\n    ?f, java, ?]\n" +
                           "  labels: {team\n    : 7, \"a\n    b\": c, " + long_key +
                           ": v, d # c\n    : 8}\n" +
                           "  annotations: {?[a]: v, q: [?{a: b}], \"x/y\n     z\"}\n" + kSpec +
                           "  x: {k: 1, b?c\n    : 2, ?, e: [?[f]]}\n";
  V found;
  for (const Diagnostic& d : lint_text(text).diagnostics)
    if (d.category == "yaml" || d.category == "backstage")
      found.push_back(fmt::format("{} {}:{} {}", d.rule, d.start.line, d.start.column,
                                  d.message.size() > 300 ? d.message.substr(0, 100) : d.message));
  const std::string tag =
      " is not valid; expected 1-63 characters [a-z0-9:+#] separated by single -";
  const std::string key =
      " is not valid; expected [<dns-subdomain>/]<name> with a name of 1-63 [a-zA-Z0-9] separated "
      "by [-_.]";
  CHECK(found ==
        V{"invalid-tag 5:10 tag 'a?b'" + tag, "invalid-tag 6:7 tag 'c ? d'" + tag,
          "invalid-tag 6:14 tag 'e ?f'" + tag,
          "invalid-field-type 7:15 `metadata.tags[4]` must be a string, found a mapping",
          "invalid-field-type 9:7 `metadata.labels.team` must be a string, found a number '7'",
          "invalid-label 9:10 label key 'a b'" + key,
          "invalid-label 10:12 label key '" + std::string(100 - 11, 'k'),
          "invalid-field-type 11:7 `metadata.labels.d` must be a string, found a number '8'",
          "invalid-annotation 12:18 annotation key '[a]'" + key,
          "invalid-field-type 12:29 `metadata.annotations.q` must be a string, found an array",
          "invalid-annotation 12:40 annotation key 'x/y z'" + key,
          "invalid-field-type 12:40 `metadata.annotations.x/y z` must be a string, found null"});
  // `{a: ?}` and `[a\n : b]` stay errors, as for `yaml`.
  CHECK(yaml_findings(kHead + kSpec + "  x: {a: ?, b: c}\n").size() == 1);
  CHECK(yaml_findings(kHead + kSpec + "  x: [a\n    : b]\n").size() == 1);
}

TEST_CASE("loader: flow text is read as YAML 1.2 reads it as a block item and over CRLF too") {
  // `- [a?b]` was a false yaml-syntax-error (2:7 "'?' inside a flow collection cannot be read
  // here"): yaml-cpp fails before it gives the collection's start, so the re-read found no open
  // collection. Over CRLF, `[a,\r\n ?]` read its '?' as text ("a ?"), and a flow mapping key over
  // lines was refused. The oracle agrees on each
  // verdict (testdata/differential/loader, groups frwb, frwbm, frwroot and frwcrlf); the values
  // are the `yaml` package's (["a?b"], ["a", {"": null}], "b ?c").
  const std::string tail = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
  V found;
  for (const Diagnostic& d :
       lint_text(kHead + "  links:\n    - {url: https://example.com/s?q=1, title: a?b}\n" +
                 "  tags:\n    - [a?b]\n" + tail + "  x:\n  - [a?b]\n  - {a\n     b: c}\n")
           .diagnostics)
    if (d.category == "yaml" || d.category == "backstage")
      found.push_back(fmt::format("{} {}:{} {}", d.rule, d.start.line, d.start.column, d.message));
  CHECK(found == V{"invalid-field-type 8:7 `metadata.tags[0]` must be a string, found an array"});
  std::string crlf;
  for (const char c :
       kHead + "  tags: [a,\n    ?, b\n    ?c]\n  labels: {bad\n    key\n    : v}\n" + tail) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  found.clear();
  for (const Diagnostic& d : lint_text(crlf).diagnostics)
    if (d.category == "yaml" || d.category == "backstage")
      found.push_back(fmt::format("{} {}:{} {}", d.rule, d.start.line, d.start.column, d.message));
  CHECK(found ==
        V{"invalid-field-type 6:5 `metadata.tags[1]` must be a string, found a mapping",
          "invalid-tag 6:8 tag 'b ?c' is not valid; expected 1-63 characters [a-z0-9:+#] "
          "separated by single -",
          "invalid-label 8:12 label key 'bad key' is not valid; expected [<dns-subdomain>/]<name> "
          "with a name of 1-63 [a-zA-Z0-9] separated by [-_.]"});
  // A key over lines that starts with `---` is text, no document marker (it read "a b").
  found.clear();
  for (const Diagnostic& d : lint_text(kHead + "  labels: {--- a\n    b: v}\n" + tail).diagnostics)
    if (d.category == "yaml" || d.category == "backstage")
      found.push_back(fmt::format("{} {}:{} {}", d.rule, d.start.line, d.start.column, d.message));
  CHECK(found == V{"invalid-label 5:12 label key '--- a b' is not valid; expected "
                   "[<dns-subdomain>/]<name> with a name of 1-63 [a-zA-Z0-9] separated by [-_.]"});
}

TEST_CASE("loader: a '?' inside a plain scalar of a flow collection is content (issue 13)") {
  // A URL with a query string in a flow mapping was a false yaml-syntax-error; Backstage reads it.
  CHECK(yaml_findings(kHead + "  links: [{url: https://example.com/search?q=1, title: Search}]\n" +
                      "  annotations: {example.com/x: a?b, a.com/y: y?, a.com/z: ?y}\n" + kSpec)
            .empty());
  // The values are the source text ('?' kept, no stand-in letter).
  const LintResult r = lint_text(kHead + "  tags: [a?b, ?c, d]\n" + kSpec);
  V tags;
  for (const Diagnostic& d : r.diagnostics)
    if (d.rule == "invalid-tag")
      tags.push_back(fmt::format("{}:{} {}", d.start.line, d.start.column, d.message));
  CHECK(
      tags ==
      V{"5:10 tag 'a?b' is not valid; expected 1-63 characters [a-z0-9:+#] separated by single -",
        "5:15 tag '?c' is not valid; expected 1-63 characters [a-z0-9:+#] separated by single -"});
  // `{a: ?}`: for YAML the '?' is an indicator there, and the document is rejected.
  CHECK(yaml_findings(kHead + kSpec + "  x: {a: ?}\n").size() == 1);
  // At most 256 such '?' per file are read again; the next one (item 257, column 8 + 5 * 256)
  // is reported.
  std::string many = "  x: [";
  for (int i = 0; i < 257; ++i) many += i ? ", a?b" : "a?b";
  const V past = yaml_findings(kHead + kSpec + many + "]\n");
  REQUIRE(past.size() == 1);
  CHECK(past[0] ==
        "error yaml-syntax-error 9:1288 '?' inside a flow collection cannot be read here");
}

TEST_CASE("loader: !!timestamp and !!binary are what Backstage stores (issue 13)") {
  // `yaml` knows these YAML 1.1 tags in every schema: a timestamp becomes a Date, stored as its
  // ISO text; binary becomes bytes, an object. Each value checked with the oracle.
  const auto found = [](const std::string& value) {
    V out;
    for (const Diagnostic& d : lint_text(kHead + "  tags: [ " + value + " ]\n" + kSpec).diagnostics)
      if (d.category == "yaml" || d.category == "backstage")
        out.push_back(fmt::format("{} {}:{} {}", d.rule, d.start.line, d.start.column, d.message));
    return out;
  };
  const std::string invalid =
      " is not valid; expected 1-63 characters [a-z0-9:+#] separated by single -";
  CHECK(found("!!timestamp 2001-12-14") ==
        V{"invalid-tag 5:11 tag '2001-12-14T00:00:00.000Z'" + invalid});
  CHECK(found("!!timestamp 2001-12-14t21:59:43.10-05:00") ==
        V{"invalid-tag 5:11 tag '2001-12-15T02:59:43.100Z'" + invalid});
  // Date.UTC: years 0-99 are 1900-1999, months and hours past their range carry; a zone of
  // under 30 is hours (also as h:mm), else minutes.
  CHECK(found("!!timestamp \"0000-01-01 00:00:00 +29\"") ==
        V{"invalid-tag 5:11 tag '1899-12-30T19:00:00.000Z'" + invalid});
  CHECK(found("!!timestamp 9999-99-99T99:99:99-03:30") ==
        V{"invalid-tag 5:11 tag '+010007-06-11T08:10:39.000Z'" + invalid});
  CHECK(found("!!timestamp 2001-12-14 1:2:3 +0:05") ==
        V{"invalid-tag 5:11 tag '2001-12-13T20:02:03.000Z'" + invalid});
  CHECK(found("!!timestamp nope") ==
        V{"yaml-syntax-error 5:11 '!!timestamp' needs a date (yyyy-mm-dd, then an optional time), "
          "found 'nope'"});
  CHECK(found("!!binary aGVsbG8=") ==
        V{"invalid-field-type 5:11 `metadata.tags[0]` must be a string, found a mapping"});
  // As a title (any string), a timestamp is accepted.
  CHECK(yaml_findings(kHead + "  title: !!timestamp 2001-12-14\n" + kSpec).empty());
}

TEST_CASE("loader: an empty explicit key in a flow collection (issue 13)") {
  // yaml-cpp read `{? : c}` as `{{null: c}: null}` (a label key ': c}'); YAML reads {null: c}.
  V found;
  for (const Diagnostic& d : lint_text(kHead + "  labels: {? : c}\n" + kSpec).diagnostics)
    if (d.category == "backstage")
      found.push_back(fmt::format("{} {}:{} {}", d.rule, d.start.line, d.start.column, d.message));
  CHECK(found ==
        V{"invalid-label 5:12 label key '' is not valid; expected [<dns-subdomain>/]<name> "
          "with a name of 1-63 [a-zA-Z0-9] separated by [-_.]"});
  // `yaml` refuses a ',' after an empty explicit key that ended its line; yaml-cpp read it.
  CHECK(yaml_findings(kHead + "  tags: [ ? # c\n    , a]\n" + kSpec) ==
        V{"error yaml-syntax-error 6:5 ',' cannot follow an empty explicit key '?' on an earlier "
          "line"});
  CHECK(yaml_findings(kHead + "  tags: [? , a]\n" + kSpec).empty());
}

TEST_CASE("loader: an explicit core tag on text it does not match leaves a string (issue 13)") {
  // `yaml` resolves `!!float 5` with the float patterns only: no match, so the string "5"
  // (Backstage accepts it as a title); `!!int "7"` is the number 7. Checked with the oracle.
  const auto title = [](const std::string& value) {
    V out;
    for (const Diagnostic& d : lint_text(kHead + "  title: " + value + "\n" + kSpec).diagnostics)
      if (d.category == "yaml" || d.category == "backstage")
        out.push_back(d.rule + " " + d.message);
    return out;
  };
  for (const std::string ok : {"!!float 5", "!!bool yes", "!!int 1_000", "!!null x", "!!str 5"}) {
    CAPTURE(ok);
    CHECK(title(ok) == V{});
  }
  CHECK(title("!!int \"7\"") ==
        V{"invalid-field-type `metadata.title` must be a string, found a number '7'"});
  CHECK(title("!!float 1e3") ==
        V{"invalid-field-type `metadata.title` must be a string, found a number '1e3'"});
  CHECK(title("!!bool \"true\"") ==
        V{"invalid-field-type `metadata.title` must be a string, found a boolean 'true'"});
  CHECK(title("!!null ~") == V{"invalid-field-type `metadata.title` must be a string, found null"});
}
