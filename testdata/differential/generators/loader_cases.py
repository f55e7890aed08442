#!/usr/bin/env python3
"""Generates the loader-level differential set (testdata/differential/loader/).

Each case is one small Component entity with one YAML-level oddity placed in it: flow
collections, comments, ':' '#' '%' '@' '`' in plain scalars, keys around YAML's 1024-character
limit for implicit keys, template markers ({{ }}, {% %}, ${{ }}, ${X}), tabs, CRs, directives and
anchors. Run from the repository root; the output is deterministic (names are a running number
and a short label). Then make the verdicts with the oracle (see ../README.md).
"""
import os
import shutil
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'loader')

HEAD = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n"
SPEC = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"

cases = []


def meta(label, lines):
    """`lines` go under metadata (indented by the caller's text), before spec."""
    cases.append((label, HEAD + lines + SPEC))


def spec(label, lines):
    """`lines` go at the end of spec."""
    cases.append((label, HEAD + SPEC + lines))


def whole(label, text):
    cases.append((label, text))


# --- '#' next to other tokens -------------------------------------------------------------
for i, v in enumerate([
        "[#edge]", "[a,#b]", "[a, #b]", "[a #b]", "[a#b]", "[a]#c", "[a] #c", '["a"#c]',
        "['a',#c]", '["a",#c, b]', "[a, b]#c", "{#a: b}", "{a: #b}", "{a:#b}", "{a: b}#c",
        "{a: b,#c}", '{"a":#b}', "[[a]#c]", "[{a: b}#c]", "[a,\n    #b\n    c]",
        "[a,#b\n    c]", "[\n    a,\n    b #c\n    ]", "[\n    a #c\n    , b]", "[a, b,\n    #c\n    ]",
        "[ #c\n    a]", "[#c\n    a]", "{a: b, #c\n    d: e}", "{a: b,#c\n    d: e}"]):
    spec(f"hash-flow{i:02d}", f"  tags: {v}\n")
for i, v in enumerate([
        '"a"#c', "'a'#c", '"a" #c', "'a' #c", "a#c", "a #c", "a\t#c", "|#c\n    t",
        "| #c\n    t", ">#c\n    t", "|-#c\n    t", "|2#c\n      t", "&an#c v", "&an #c v",
        "!!str#c v", "!!str #c v", '"a"\t#c', "#c", " #c"]):
    meta(f"hash-value{i:02d}", f"  description: {v}\n")
for i, v in enumerate([
        '- "a"#c', "- 'a'#c", "- a#c", "-#c", "- #c\n    - a", '- ["a"]#c', "- [a]#c"]):
    spec(f"hash-item{i:02d}", f"  tags:\n    {v}\n")
for i, t in enumerate([
        HEAD + SPEC + "---#c\n", HEAD + SPEC + "--- #c\n" + HEAD + SPEC,
        HEAD + SPEC + "...#c\n", HEAD + SPEC + "... #c\n",
        "#c\n" + HEAD + SPEC, "  #c\n" + HEAD + SPEC, HEAD + "  #c\n" + SPEC,
        HEAD + "  description: x\n#c\n" + SPEC, '"apiVersion"#c: x\n' + HEAD + SPEC,
        HEAD + '  "title": x\n  "description"#c: y\n' + SPEC]):
    whole(f"hash-doc{i:02d}", t)

# --- ':' '%' '@' '`' '?' '-' in plain scalars ---------------------------------------------
PLAIN = [
    "a:b", "a: b", "a :b", ":a", "::", "a:", "http://x/y", "-a", "- a", "?a", "? a", "a?b",
    "a,b", "a]b", "a}b", "a[b", "a{b", "%a", "a%b", "50%", "@a", "a@b", "`a", "a`b", "a `b`",
    "!a", "&a", "*a", "|a", ">a", "'a", '"a', "a'b", 'a"b', "a # b", "a#b", "a -b", "-", "--",
    "---a", "...", "a...", "~", "a~b", ",a", "]a", "}a", "[a", "{a", "a\tb", ":", "? ", "-\ta",
]
for i, v in enumerate(PLAIN):
    meta(f"plain-value{i:02d}", f"  description: {v}\n")
for i, v in enumerate(PLAIN):
    spec(f"plain-flow{i:02d}", f"  tags: [{v}]\n")
for i, v in enumerate(PLAIN):
    spec(f"plain-item{i:02d}", f"  tags:\n    - {v}\n")
for i, k in enumerate(["%a", "@a", "`a", "a:b", "a%b", "a@b", "?a", "-a", "a#b", "a`b", "!a",
                       "&a", "*a", ":a"]):
    meta(f"plain-key{i:02d}", f"  labels:\n    {k}: v\n")
for i, k in enumerate(["%a", "@a", "`a", "a:b", "a%b"]):
    spec(f"plain-flowkey{i:02d}", f"  x: {{{k}: v}}\n")

# --- implicit keys around 1024 characters ------------------------------------------------
for n in [1022, 1023, 1024, 1025, 1026, 1100]:
    meta(f"longkey-block{n}", f"  annotations:\n    {'k' * n}: v\n")
    meta(f"longkey-dq{n}", f"  annotations:\n    \"{'k' * (n - 2)}\": v\n")
    spec(f"longkey-flow{n}", f"  x: {{{'k' * n}: v}}\n")
    spec(f"longkey-seqflow{n}", f"  x: [{'k' * n}: v]\n")
    meta(f"longkey-explicit{n}", f"  annotations:\n    ? {'k' * n}\n    : v\n")
    meta(f"longkey-spaced{n}", f"  annotations:\n    {'k' * (n - 1)} : v\n")
for n in [340, 341, 342, 512, 513]:
    meta(f"longkey-utf8-{n}", f"  annotations:\n    {'é' * n}x: v\n")
    meta(f"longkey-emoji-{n}", f"  annotations:\n    {'😀' * (n // 2)}: v\n")
meta("longkey-value-long", f"  description: {'v' * 3000}\n")

# --- template markers ------------------------------------------------------------------
TEMPLATES = [
    "{{ x }}", "${{ x }}", "{% if x %}", "{%- if x -%}", "${X}", "$X", "{{x}}", "x {{ y }}",
    "x {% y %}", "x ${{ y }}", '"{{ x }}"', "'{% x %}'", "{{ x }} y", "{% x %} y", "${{ x }} y",
    "{{ x | default('a') }}", "{{ 'a' }}", "{{ a: b }}", "{ {x} }", "{{}}", "{%x%}",
    "{{ x }}: y", "<%= x %>", "#{x}", "$(x)", "@{x}", "{{ x }}#c", "{{ x }} #c",
]
for i, v in enumerate(TEMPLATES):
    meta(f"tmpl-value{i:02d}", f"  description: {v}\n")
for i, v in enumerate(TEMPLATES):
    spec(f"tmpl-item{i:02d}", f"  tags:\n    - {v}\n")
for i, v in enumerate(["{{ x }}", "${{ x }}", "{% if x %}", "${X}", "{%- endif %}", "{{ x }}: y",
                       "{% for a in b %}", "$X", "{{ host }}: x", "{{ host }}:", "${{ x }}: y",
                       "${X}: y", "${X} y", "x", "x y", "'x'", '"x"', "[x]", "{x: y}"]):
    meta(f"tmpl-line{i:02d}", f"  description: d\n  {v}\n  title: t\n")
    meta(f"tmpl-linefirst{i:02d}", f"  {v}\n  title: t\n")
    meta(f"tmpl-linelast{i:02d}", f"  title: t\n  {v}\n")
    whole(f"tmpl-linecol0-{i:02d}", HEAD + f"{v}\n" + SPEC)
    meta(f"tmpl-lineblank{i:02d}", f"  description: d\n\n  {v}\n\n  title: t\n")
    meta(f"tmpl-linedeeper{i:02d}", f"  description: d\n    {v}\n  title: t\n")
    meta(f"tmpl-linecomment{i:02d}", f"  description: d\n  # c\n  {v}\n  title: t\n")
for i, v in enumerate(["{% if x %}", "{{ x }}", "${X}"]):
    whole(f"tmpl-block{i:02d}", f"{v}\n" + HEAD + SPEC)
    whole(f"tmpl-between{i:02d}", HEAD + SPEC + f"{v}\n" + "---\n" + HEAD + SPEC)

# --- tabs ------------------------------------------------------------------------------
TABS = [
    "\tdescription: d\n", "  \tdescription: d\n", "\t  description: d\n", "  description:\td\n",
    "  description: d\t\n", "  description: d\t#c\n", "  description:\n\t  d\n",
    "  description: |\n\t  d\n", "  description: |\n    \td\n", "  description: \"a\n\tb\"\n",
    "  tags: [a,\tb]\n", "  tags: [\n\ta]\n", "  tags:\n\t- a\n", "  tags:\n  -\ta\n",
    "  tags:\n  - \ta\n", "\t# c\n", "  # c\n\t\n", "\t\n", "  description: a\n\t b\n",
    "  description: a\n    \tb\n", "  labels:\n    a:\tb\n", "  labels: {a:\tb}\n",
    "  labels:\n    \ta: b\n", "  description: >\n\tx\n", "  title:\t\"t\"\n",
]
for i, v in enumerate(TABS):
    meta(f"tab-{i:02d}", v)
whole("tab-doc", HEAD + SPEC.replace("  owner", "\towner"))
whole("tab-twice", HEAD + "\ttitle: t\n\tdescription: d\n" + SPEC)

# --- carriage returns -------------------------------------------------------------------
CRS = [
    "  description: a\rb\n", "  description: \"a\rb\"\n", "  description: 'a\r\rb'\n",
    "  description: a\r\n", "  title: t\r  description: d\n", "  # c\rx\n",
    "  tags: [a,\rb]\n", "  description: |\n    a\rb\n", "  description: \"a\r\r\r\rb\"\r\n",
    "  description: a #c\rd: e\n", "  description: \"a\"\r", "  description: a\r\r\n",
]
for i, v in enumerate(CRS):
    meta(f"cr-{i:02d}", v)
whole("cr-crlf", (HEAD + SPEC).replace("\n", "\r\n"))
whole("cr-only", (HEAD + SPEC).replace("\n", "\r"))
whole("cr-mixed", HEAD.replace("\n", "\r\n") + SPEC)
# Bare CRs next to comments, indicators and document markers: where a CR changes what yaml-cpp
# reads compared with `yaml` (a comment runs on past a CR in both; a CR is no white space before
# '#' for `yaml`; a CR after `---`/`...` or `:` is).
CRS_MORE = [
    "  title:\rt\n", "  title: &a\rt\n", "  title: !!str\rt\n", "  title: \"t\"\r#c\n",
    "  title: 't'\r#c\n", "  title: \"t\"\r  description: d\n", "  tags: [a,\r]\n",
    "  labels: {a: b,\rc: d}\n", "  labels: {a: b\r, c: d}\n", "  tags: [a\r, b]\n",
    "  tags: [a,\r#c\n    b]\n", "  tags: [a, \r#c\n    b]\n", "  tags:\n  -\ra\n",
    "  tags:\n  - a\r#c\n", "  title: t\r#c\n", "  title: t \r#c\n", "  title: t\r\r#c\n",
    "  title:\r\n    t\n", "  title: >\n    a\r#c\n", "  description: |\n    a\n  \r\n",
    "  title: t\r\n\r", "  title: a:\rb\n", "  title: \"a\r#c\"\n", "  title: [a]\r#c\n",
    "  labels: {a: b}\r#c\n", "  title: t\r # c\n", "  title: t\r\t#c\n", "  # c\r  title: t\n",
    "  description: d # c\r  title: t\n", "  # c\r\r  title: t\n", "  tags: [a, # c\r b]\n",
    "  labels: {a: b, # c\r c: d}\n",
]
for i, v in enumerate(CRS_MORE):
    meta(f"crx-{i:02d}", v)
whole("crx-comment-first", "# header\r" + HEAD + SPEC)
whole("crx-comment-cronly", ("# c\n" + HEAD + SPEC).replace("\n", "\r"))
whole("crx-comment-cronly-crlf", ("# c\r" + HEAD + SPEC).replace("\n", "\r") + "\r\n")
whole("crx-docstart-end", HEAD + SPEC + "---\r")
whole("crx-docstart-next", HEAD + SPEC + "---\r" + HEAD.replace("x\n", "y\n") + SPEC)
whole("crx-docstart-first", "---\r" + HEAD + SPEC)
whole("crx-docstart-comment", "--- # c\r" + HEAD + SPEC)
whole("crx-docstart-space", "--- \r" + HEAD + SPEC)
whole("crx-docend", HEAD + SPEC + "...\r")
whole("crx-docend-next", HEAD + SPEC + "...\r---\n" + HEAD.replace("x\n", "y\n") + SPEC)
whole("crx-dir-comment", "%YAML 1.2 # c\r---\n" + HEAD + SPEC)
whole("crx-dir-crlf", "%YAML 1.2\r\n---\n" + HEAD + SPEC)
whole("crx-root-key", "apiVersion: backstage.io/v1alpha1\rkind: Component\n" +
      HEAD[HEAD.index("metadata"):] + SPEC)

# --- '?' in flow collections (URLs with a query string) ---------------------------------------
for i, v in enumerate([
        "[a?b]", "[?a]", "[? a]", "[?]", "[a ?]", "[a ? b]", "[a, ?b, c?]", "{a?: b}", "{?a: b}",
        "{? a: b}", "{a: ?}", "{a: b?}", "[a?b, {c?d: e?f}]", "[a?b\n    , c]", "[a\n    b?c]",
        "[x, 'a?b', \"c?d\"]", "[a?#b]", "[a? #b]", "[?,a]", "[a?,b]", "[??]", "[a??b]", "[-?a]",
        "[:?a]", "[a:?b]", "{a:?b}", "[?-a]", "[?:a]", "[?[a]]", "[?{a: b}]",
        "[https://x.com/s?q=1&r=2]", "[a?:b]", "{url: https://x.com/s?q=1, title: S}",
        "{a: ?y}", "{a: y ?z}"]):
    spec(f"qflow-{i:02d}", f"  x: {v}\n")

# --- flow text that yaml reads and yaml-cpp cannot as written (load_yaml reads a same-length
# copy): '?' over lines, empty and collection explicit keys, ':' on a later line, long keys ----
LONG = 'k' * 1030
for i, v in enumerate([
        "{?}", "{?, a: b}", "[a, ?]", "[a,\n    ?]", "{a, ?}", "[?[a]: v]", "{?[a]: v}",
        "{?{a: b}}", "[ ?[a] ]", "[?[a] , b]", "[a\n    ?b]", "[a\n    ? b]", "{a\n\n    : b}",
        "{a # c\n    : b}", "{a\n    : b, c\n    : d}", '{"a"\n    : b}', "{'a'\n    : b}",
        "[a\n    : b]", "[a ? b ? c]", "{a ? b: c}", "[a\n    ?]", "{a\n    :b}",
        "{a: ?, b: c}", "[?[a]:]", "{?[a\n    ]}", f'{{"{LONG}": v}}', f"{{'{LONG}': v}}",
        f'{{"{LONG}\\n": v}}', f"{{{LONG} : v}}", f"{{a: b, {LONG}: v}}",
        f"{{{LONG}: v, {LONG}x: w}}", f"{{{LONG}\n    : v}}", f"[{{{LONG}: v}}]",
        f"{{{LONG}: {{{LONG}: v}}}}", f"{{{LONG}}}", f"{{{LONG}, a: b}}", "{? : c}", "[? : c]",
        "{?\n    : c}", "{? # c\n    : c}", "[ ?\n    , a]", "{ ?\n    , a}", "[a, ?\n    , b]",
        "[ ?\n    ]", "[ ?\n    a, b]", "{?  : c, d: e}", "[? # c\n    , a]", "[?\n\n    , a]"]):
    spec(f"frw-{i:02d}", f"  x: {v}\n")
for i, v in enumerate([
        "  tags: [a?b\n    , c]\n", "  tags: [java, ?]\n", "  tags: [a ? b]\n",
        "  tags: [java\n    , ?[a]]\n", "  labels: {team\n    : payments}\n",
        "  labels: {team\n    : 7}\n", f"  labels: {{{LONG}: v}}\n",
        f"  annotations: {{{LONG}: v}}\n", f'  annotations: {{"{LONG}": v}}\n',
        "  annotations: {a/b\n    : \"1\"}\n", "  annotations: {?[a]: v}\n",
        "  title: [?]\n", "  title: {?}\n", "  tags: [a\n    b?c]\n",
        "  links: [{url: https://x.com/s?q=1, title: S}]\n", f"  {LONG[:60]}: {{?}}\n",
        "  labels: {?}\n", "  labels: {a: b, ?}\n", "  labels: {true\n    : b}\n",
        "  labels: {? : c}\n", "  tags: [? : c]\n", "  labels: {a: b, ?\n    : 7}\n"]):
    meta(f"frwm-{i:02d}", v)

# --- YAML 1.1 tags that `yaml` knows in every schema: !!timestamp (a Date, stored as its ISO
# text) and !!binary (bytes, an object in the entity's JSON) -----------------------------------
for i, v in enumerate([
        "!!timestamp 2001-12-14", "!!timestamp 2001-12-14t21:59:43.10-05:00", "!!timestamp nope",
        "!!timestamp 2001-13-40 25:61:61.1234 +5", '!!timestamp "0000-01-01 00:00:00 +29"',
        "!!timestamp 9999-99-99T99:99:99-03:30", "!!timestamp 2001-00-01", "!!timestamp 1-2-3",
        "!!timestamp 2001-12-14 21:59:43", "!!timestamp 2001-12-14T21:59:43Z",
        "!!timestamp 2001-12-14 1:2:3 -0:30", "!!binary aGVsbG8=", "!!binary", '!!binary "x"',
        "!<tag:yaml.org,2002:timestamp> 2020-02-29", "!!timestamp 2001-12-14 1:2:3 +0:05"]):
    meta(f"ytag-title-{i:02d}", f"  title: {v}\n")
    meta(f"ytag-tag-{i:02d}", f"  tags: [ {v} ]\n")

# --- directives ------------------------------------------------------------------------
DIRS = [
    "%YAML 1.2\n---\n", "%YAML 1.1\n---\n", "%YAML 1.3\n---\n", "%YAML 2.0\n---\n",
    "%YAML 1.2\n%YAML 1.2\n---\n", "%TAG ! tag:x.com,2000:\n---\n", "%FOO bar\n---\n",
    "%YAML 1.2\n", "%YAML 1.2 #c\n---\n", "%YAML 1.2#c\n---\n", "%YAML\n---\n",
    "%YAML 1.2 x\n---\n", "%TAG !e! tag:e.com,2000:\n---\n", "%\n---\n", "%TAG !\n---\n",
    "%YAML 1.2\n---\n", " %YAML 1.2\n---\n", "%YAML 1.1\n%TAG ! x\n---\n",
]
for i, d in enumerate(DIRS):
    whole(f"dir-{i:02d}", d + HEAD + SPEC)
whole("dir-after", HEAD + SPEC + "%YAML 1.2\n---\n" + HEAD + SPEC)
whole("dir-after-end", HEAD + SPEC + "...\n%YAML 1.2\n---\n" + HEAD + SPEC)
whole("dir-tag-use", "%TAG !e! tag:e.com,2000:\n---\n" + HEAD + "  title: !e!x t\n" + SPEC)
whole("dir-tag-undef", HEAD + "  title: !e!x t\n" + SPEC)

# --- anchors and aliases ---------------------------------------------------------------
ANCH = [
    "  title: &a t\n  description: *a\n", "  description: *a\n", "  title: &a &b t\n",
    "  title: &a\n", "  title: &a #c\n", "  &a title: t\n  description: *a\n",
    "  title: &a t\n  *a : x\n", "  title: &a t\n  *a: x\n", "  title: &a:b t\n",
    "  title: &a#b t\n  description: *a#b\n", "  title: &\n", "  title: *\n",
    "  title: & a\n", "  title: &a [t]\n  tags2: *a\n", "  title: &a t\n  description: *a #c\n",
    "  title: &a t\n  description: [*a]\n", "  title: &a t\n  description: [*a, b]\n",
    "  title: &a t\n  description: {*a : b}\n", "  title: &a t\n  description: *a, b\n",
    "  title: &a t\n  description: *a b\n", "  title: !!str &a t\n", "  title: &a !!str t\n",
    "  title: &a\n    t\n", "  title: *a\n  description: &a t\n",
]
for i, v in enumerate(ANCH):
    meta(f"anchor-{i:02d}", v)

# --- flow collection structure ---------------------------------------------------------
FLOW = [
    "[a, b,]", "[,a]", "[a,,b]", "[a b]", "[a\n    b]", "[a,\n  b]", "[a,\nb]", "{a: b, c}",
    "{a, b}", "[a: b]", "[? a : b]", '["a":b]', '{"a":b}', "{a:b}", "{a :b}", "[a]]", "[[a]",
    "{a: b}}", "{a: [b}", "[a, {b: c]", "{a\n    : b}", "{a: b\n  }", "[a, b\n  ]", "[a, b\n]",
    "[\n  a]", "{? a}", "{? a: b}", "[a, b] x", "{a: b} x", "[]", "{}", "[ ]", "{ }", "[-a]",
    "[- a]", "[a, - b]", "{a: - b}", "[a\tb]", "[\"a\"b]", "['a'b]", "[\"a\" b]",
    "{\"a\" : b}", "[a:\n    b]", "{a:\n    b}", "[a,\n    b: c]", "{a: b: c}", "[!!str a]",
    "[&x a, *x]", "[*x]", "[a, *x]",
]
for i, v in enumerate(FLOW):
    spec(f"flow-{i:02d}", f"  x: {v}\n")

# --- block structure odds and ends -------------------------------------------------------
BLOCK = [
    "  description: a\n  b\n", "  description: a\n   b\n", "  description: a: b\n",
    "  description: a\n  b: c\n", "  description:\n  - a\n", "  description: - a\n",
    "  - a\n", "  description: 'a'\n  b\n", "  description: \"a\" b\n", "  description: 'a' b\n",
    "  description: [a] b\n", "  description: a\n    - b\n", "  description:\n    a\n  b\n",
    "  description: |\n  a\n", "  description: >-\n    a\n   b\n", "  description: |0\n    a\n",
    "  description: |10\n    a\n", "  description: |+-\n    a\n", "  description: |x\n    a\n",
    "  ? description\n  : d\n", "  ? description\n", "  : d\n", "  description: d\n :x\n",
    "  description: \"a\\qb\"\n", "  description: \"a\\x4\"\n", "  description: \"\\u12\"\n",
    "  description: 'a''b'\n", "  description: \"a\\\"b\"\n", "  description: a\n  ...\n",
    "  description: a\n---\n", "  description: \"a\n---\n  b\"\n", "  description: 'a\n...\n  b'\n",
    "  description: !<tag:yaml.org,2002:str> d\n", "  description: !<x\n", "  description: !!\n",
    "  description: ! d\n", "  description: !x!y d\n", "  title: t\n   description: d\n",
    "  title: t\n description: d\n",
]
for i, v in enumerate(BLOCK):
    meta(f"block-{i:02d}", v)

# --- collection keys and continuation lines in nested blocks ---------------------------------
whole("ckey-root-first", "[a]: b\n" + HEAD + SPEC)
whole("ckey-first", "metadata:\n  [a]: b\n  name: x\napiVersion: backstage.io/v1alpha1\n"
      "kind: Component\n" + SPEC)
whole("ckey-first-tmpl", "metadata:\n  {{ a }}: b\n  name: x\napiVersion: backstage.io/v1alpha1\n"
      "kind: Component\n" + SPEC)
meta("ckey-second", "  [a]: b\n")
meta("ckey-compact", "  tags:\n    - [a]: b\n")
meta("ckey-flow", "  labels: {[a]: b}\n")
NESTED = [
    "  tags:\n  - \"a\n  b\"\n", "  tags:\n  - \"a\n   b\"\n", "  tags:\n    - x: \"a\n    b\"\n",
    "  tags:\n    - x: \"a\n     b\"\n", "  tags:\n    - x: \"a\n       b\"\n",
    "  tags:\n  - [a,\n  b]\n", "  tags:\n  - [a,\n   b]\n", "  tags:\n    - x: [a,\n      b]\n",
    "  tags:\n    - x: [a,\n       b]\n", "  description: a\n    b #c\n    d\n",
    "  description: a\n    #c\n    d\n", "  description: a\n  #c\n",
    "  description: --- |#c\n", "  description: \"a\" # c\n", "  description: 'a'\n  # c\n",
    "  description: >-\n    a\n\n    b\n", "  annotations:\n    a: \"x\n     y\"\n",
    "  annotations:\n    a: \"x\n    y\"\n", "  annotations: {a: \"x\n  y\"}\n",
]
for i, v in enumerate(NESTED):
    meta(f"nested-{i:02d}", v)
for i, v in enumerate(["  description: |\n    a\n\t\n    b\n", "  description: |\n    a\n  \t\n    b\n",
                       "  description: |\n    a\n    \t\n    b\n", "  description: a\n\t\n    b\n",
                       "  description: \"a\n\t\n    b\"\n", "  description: \"a\n    \t\n    b\"\n",
                       "  tags:\n  \t\n    - a\n", "  description: |\n    a\n    b\n\t\n",
                       "  description: a\n\t\n", "  title: t\n\t# c\n  \t # c\n",
                       "  description: |\n    a\n  title: t\n\t\n", "\t\n  title: t\n"]):
    meta(f"tabline-{i:02d}", v)
for i, v in enumerate(["  x: [a\n", "  x: [\"a\n", "  x: {a: b\n", "  x: [a,\n    b\n"]):
    whole(f"flowdoc-{i:02d}", HEAD + SPEC + v + "---\n" + HEAD + SPEC)
    whole(f"flowdocend-{i:02d}", HEAD + SPEC + v + "...\n" + HEAD + SPEC)
whole("docend-content", HEAD + SPEC + "... x\n")
whole("docend-content-next", HEAD + SPEC + "... x\n---\n" + HEAD + SPEC)
whole("docend-flow", HEAD + SPEC + "... [a]\n")
whole("docend-tab-comment", HEAD + SPEC + "...\t# c\n" + HEAD + SPEC)
whole("nested-doc-header", "--- |#c\n  a\n")
whole("nested-root-quote", "\"a\nb\"\n")

# --- `key:<CR>value`: `yaml` reads the value "\rvalue"; accepted where Backstage's checks take it
# (a title, a description, a type), refused where they do not (a name, a kind, a namespace); a
# '- ' after a CR that follows a plain value is text ("x\r- y").
whole("crv-name", HEAD.replace("  name: x", "  name:\rx") + SPEC)
whole("crv-kind", HEAD.replace("kind: Component", "kind:\rComponent") + SPEC)
whole("crv-type", HEAD + SPEC.replace("type: service", "type:\rservice"))
whole("crv-owner", HEAD + SPEC.replace("owner: team-a", "owner:\rteam-a"))
whole("crv-lifecycle", HEAD + SPEC.replace("lifecycle: production", "lifecycle:\rproduction"))
for i, v in enumerate(["  namespace:\rdefault\n", "  description:\rlong\n    text\n",
                       "  title: x \r- y\n", "  title: x\r- y\n", "  title: a b\r-\n",
                       "  labels:\r  a: b\n", "  title: x\r- y: z\n", "  tags:\r- a\n"]):
    meta(f"crv-{i:02d}", v)

# --- the flow texts above where yaml-cpp fails before it gives the collection's start: a flow
# collection as a block sequence item, or at the root (the scanner looks for a ':' after it) ---
for i, v in enumerate([
        "- [a?b]\n", "- [a ? b]\n", "- [?]\n", "- [a, ?]\n", "- {a\n   b: c}\n",
        "- {?[a]: v}\n", "- [b, [a?b]]\n", "- {k: [a?b]}\n", "- [{a\n   b: c}]\n",
        "- - [a?b]\n", "- \"[\" \n- [a?b]\n", "- [a?b, {c\n   d: e}]\n"]):
    spec(f"frwb-{i:02d}", "  x:\n" + "".join("  " + line for line in v.splitlines(True)))
for i, v in enumerate(["  tags:\n    - [a?b]\n", "  tags:\n    - [?]\n",
                       "  labels:\n    - {team\n       : payments}\n"]):
    meta(f"frwbm-{i:02d}", v)
for i, v in enumerate(["[a?b]\n", "{a\n b: c}\n", "[?]\n", "[a?b]: c\n"]):
    whole(f"frwroot-{i:02d}", v)
# The same over CRLF line breaks.
for i, v in enumerate(["[a,\r\n    ?]", "[a\r\n    ?b]", "[ ?\r\n    , a]", "{a\r\n    : b}"]):
    spec(f"frwcrlf-{i:02d}", f"  x: {v}\n")
# A key over lines that starts like a document marker is text.
for i, v in enumerate(["{--- a\n    b: v}", "{... c\n    d: w}", "{\"--- a\n    b\": v}"]):
    spec(f"frwdash-{i:02d}", f"  x: {v}\n")
# A tab before an explicit key.
for i, v in enumerate(["[\t?]", "[a,\t?, b]", "{\t?}", "[\t?[a]]"]):
    spec(f"frwtab-{i:02d}", f"  x: {v}\n")


def main():
    if os.path.isdir(OUT):
        for f in os.listdir(OUT):
            if f.endswith('.yaml'):
                os.remove(os.path.join(OUT, f))
    os.makedirs(OUT, exist_ok=True)
    seen = set()
    for n, (label, text) in enumerate(cases):
        assert label not in seen, label
        seen.add(label)
        with open(os.path.join(OUT, f"{label}.yaml"), 'w', newline='') as f:
            f.write(text)
    print(f"{len(cases)} cases in {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == '__main__':
    main()
