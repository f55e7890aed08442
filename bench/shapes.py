#!/usr/bin/env python3
"""The shapes guard (issue 11): hostile input shapes at 1x, 2x and 4x size, timed on catalog-lint.

    bench/shapes.py [--lint PATH] [--timeout S] [--scale F] [--only NAME,...] [--write RESULTS.md]
    bench/run.sh --shapes-only      # builds, runs this guard, updates the Shapes section of RESULTS.md

Each shape is generated (deterministically) into bench/trees/shapes/<shape>-<size>/, made its own
git work tree, and linted from inside it with output to /dev/null. Wall time is measured spawn to
exit; CPU time and peak RSS come from wait4(2)'s rusage, as run.py does. Every run has a timeout
(default 60 s): a run that hits it is killed (its process group) and reported as a timeout, and the
larger sizes of that shape are skipped (as after a crash). The growth factor per doubling is
cpu(2x)/cpu(1x) and cpu(4x)/cpu(2x) of the CPU time, which load from elsewhere disturbs less than
wall time (the same for peak RSS); a shape holds when every factor is <= 2.5, no run timed out and
none died of a signal (each run's address space is capped at 4 GiB, so memory that grows out of
bounds fails there). Linear work doubles (2x); quadratic work quadruples (4x). Runs under 1 s of
CPU are the better of two, and a factor between 2.5 and 4 (runs under 10 s) is measured twice more
before it counts, since the machine may be busy.

Shape.sizes are at the issue's scale (the 4x size is the one issue 11 names, where it names one);
they are run at --scale times that (default 0.5, so that the guard takes a few minutes on today's
code, whose slow shapes end at the timeout). Standard library only.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "trees" / "shapes"
LIMIT = 2.5  # largest growth factor per doubling that passes
MEMORY_LIMIT = 4 << 30  # bytes of address space per run (RLIMIT_AS)
RETRIES = 2  # extra runs of both sizes of a doubling that grew a little over LIMIT
SHAPES_BEGIN = "<!-- shapes:begin -->"
SHAPES_END = "<!-- shapes:end -->"


def log(msg: str) -> None:
    """Progress on stderr."""
    print(f"[shapes] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- inputs

HEAD = "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
SPEC = "spec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n"


def component(meta_extra: str = "", spec_extra: str = "", name: str = "svc") -> str:
    """A valid Component with extra lines under metadata and spec (already indented)."""
    return f"{HEAD}metadata:\n  name: {name}\n{meta_extra}{SPEC}{spec_extra}"


def flow_component(meta: str, name: str = "svc") -> str:
    """A Component on one line (flow style), `meta` added to its metadata."""
    return (
        "{apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {name: " + name + meta + "}, "
        "spec: {type: service, lifecycle: production, owner: group:default/team-a}}\n"
    )


def b36(i: int) -> str:
    """i in base 36 (short distinct names)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while True:
        i, r = divmod(i, 36)
        s = digits[r] + s
        if i == 0:
            return s


Files = dict[str, str]  # relative path -> text
SCALE = 0.5  # --scale: every size is the (the 4x column at scale 1) times this


def scaled(n: int, least: int = 2) -> int:
    """n times SCALE, at least `least`."""
    return max(least, round(n * SCALE))


def blank_lines(n: int) -> Files:
    """n `key: value` lines (annotations), each followed by a blank line."""
    ann = "".join(f"    acme.example/k{i}: v\n\n" for i in range(n))
    return {"catalog-info.yaml": component(f"  annotations:\n\n{ann}")}


def carriage_returns(n: int) -> Files:
    """n CRs inside one double-quoted and one single-quoted string."""
    half = n // 2
    return {"catalog-info.yaml": component(
        '  description: "' + "x\r" * half + '"\n  title: \'' + "y\r" * (n - half) + "'\n")}


def bare_crs(n: int) -> Files:
    """A comment, then n bare CRs (no LF): one LF-line of n CRs (a new user's attack: quadratic)."""
    return {"catalog-info.yaml": component() + "# c" + "\r" * n}


def placeholder_targets(n: int) -> Files:
    """n `$json` placeholders naming the same 1 MiB JSON file (each read once per entity)."""
    items = ",".join("{$json: big.json}" for _ in range(n))
    return {"catalog-info.yaml": component("", f"  extra: [{items}]\n"),
            "big.json": '"' + "a" * ((1 << 20) - 3) + '"'}


def one_suppression(n: int) -> Files:
    """One disable-file comment naming n rules (a known id and unknown ones, alternately)."""
    rules = ", ".join("invalid-tag" if i % 2 else f"no-such-rule-{b36(i)}" for i in range(n))
    return {"catalog-info.yaml": f"# catalog-lint-disable-file {rules} -- legacy\n" + component()}


def location_targets(n: int) -> Files:
    """One Location on one line with n targets that do not exist."""
    targets = ", ".join(f"./{b36(i)}" for i in range(n))
    return {"catalog-info.yaml": "{apiVersion: backstage.io/v1alpha1, kind: Location, metadata: {name: big}, "
            "spec: {targets: [" + targets + "]}}\n"}


def invalid_tags(n: int) -> Files:
    """One line holding a Component whose n tags are all invalid: n findings on one line."""
    return {"catalog-info.yaml": flow_component(", tags: [" + ", ".join("A!" for _ in range(n)) + "]")}


def many_suppressions(n: int) -> Files:
    """n disable-next-line comments, each over an invalid tag it suppresses."""
    tags = "".join(f"    # catalog-lint-disable-next-line invalid-tag -- legacy portal\n    - Bad_Tag{i}\n"
                   for i in range(n))
    return {"catalog-info.yaml": component(f"  tags:\n{tags}")}


def glob_tree(n_files: int) -> Files:
    """n_files small Components under pkg/g<j%25>/s<j%10>/svc-<j>/catalog-info.yaml."""
    return {f"pkg/g{j % 25}/s{j % 10}/svc-{j}/catalog-info.yaml": component(name=f"svc-{j}")
            for j in range(n_files)}


def locations_file(n_locations: int) -> str:
    """n_locations Location documents, each with a `**` target over pkg/ (10 distinct patterns)."""
    return "".join(
        f"---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: loc-{i}\n"
        f"spec:\n  targets:\n    - ./pkg/**/s{i % 10}/**/catalog-info.yaml\n"
        for i in range(n_locations)
    )


def glob_locations(n: int) -> Files:
    """n Locations with `**` targets over a tree of 5,000 files (times --scale)."""
    files = glob_tree(scaled(5000))
    files["catalog-locations.yaml"] = locations_file(n)
    return files


def glob_location_files(n: int) -> Files:
    """500 Locations (times --scale) with `**` targets over a tree of n files."""
    files = glob_tree(n)
    files["catalog-locations.yaml"] = locations_file(scaled(500))
    return files


def config_globs(depth: int) -> Files:
    """A .catalog-lint.yaml whose include/exclude/overrides globs have several `**` against
    50 files at the bottom of a directory chain `a/a/.../a` of `depth` segments (every `**/a`
    matches at every level; the pattern then fails at its end)."""
    bad = "**/a/**/a/**/a/**/a/**/b/**/catalog-*.yaml"
    cfg = (
        f'include: ["{bad}", "**/catalog-*.yaml"]\n'
        'exclude: ["**/a/**/a/**/a/**/a/**/z/**"]\n'
        f'overrides:\n  - files: ["{bad}"]\n    rules: {{invalid-tag: off}}\n'
    )
    deep = "a/" * depth
    files = {".catalog-lint.yaml": cfg}
    for i in range(50):
        files[f"{deep}catalog-f{i}.yaml"] = component(name=f"f{i}")
    return files


def extends_diamond(n: int) -> Files:
    """n config files, each extending the next 30 times (the last extends the default preset)."""
    files = {".catalog-lint.yaml": "extends: [" + ", ".join(["./cfg/c0.yaml"] * 30) + "]\n",
             "catalog-info.yaml": component()}
    for i in range(n):
        nxt = "default" if i == n - 1 else f"./c{i + 1}.yaml"
        files[f"cfg/c{i}.yaml"] = "extends: [" + ", ".join([nxt] * 30) + "]\n"
    return files


def flat_mapping(n: int) -> Files:
    """One mapping (annotations) of n valid entries."""
    return {"catalog-info.yaml": component("  annotations:\n" + "".join(f"    acme.example/k{i}: v\n" for i in range(n)))}


def long_sequence(n: int) -> Files:
    """One block sequence (tags) of n valid entries."""
    return {"catalog-info.yaml": component("  tags:\n" + "".join(f"    - t{b36(i)}\n" for i in range(n)))}


def long_line(n: int) -> Files:
    """One plain scalar of n bytes on one line (a description), then an invalid tag after it."""
    return {"catalog-info.yaml": component(f"  description: {'word ' * (n // 5)}\n  tags: [Bad_Tag]\n")}


def many_documents(n: int) -> Files:
    """n small Component documents in one file."""
    return {"catalog-info.yaml": "---\n".join(component(name=f"svc-{i}") for i in range(n))}


def deep_nesting(n: int) -> Files:
    """n spec fields, each a flow sequence nested 150 deep (the loader's limit is 200)."""
    nest = "[" * 150 + "x" + "]" * 150
    return {"catalog-info.yaml": component(spec_extra="".join(f"  x{i}: {nest}\n" for i in range(n)))}


def skeleton_expressions(n: int) -> Files:
    """A skeleton (docs/skeletons.md) with n `${{ }}` expressions on one line, each followed by an
    invalid tag: n findings kept, their messages restored, n dropped marker values."""
    tags = ", ".join(f"${{{{ values.t{i} }}}}, Bad{i}" for i in range(n))
    return {"catalog-info.yaml": component(f"  tags: [{tags}]\n", name="${{ values.name }}")}


def skeleton_unclosed(n: int) -> Files:
    """A skeleton with n unterminated `{{` and `{%` on one line, a `}}` and a `%}` lines later."""
    line = "  description: " + "{{ a {% b " * (n // 2) + "\n  title: '}} %}'\n"
    return {"catalog-info.yaml": component(line, name="${{ values.name }}")}


def skeleton_nested(n: int) -> Files:
    """A skeleton with n nested `{% macro %}` bodies and n nested `{% if %}…{% else %}` chains:
    bodies inside bodies are blanked once each (their union), not once per enclosing body."""
    blocks = "{% macro m %}\n" * n + "{% endmacro %}\n" * n
    blocks += "{% if a %}\n" * n + "{% else %}{% endif %}\n" * n
    return {"catalog-info.yaml": component(blocks, name="${{ values.name }}")}


@dataclass
class Shape:
    """One hostile shape: how to make it at size n, and how catalog-lint is run on it."""

    name: str
    what: str
    sizes: tuple[int, int, int]
    unit: str
    make: Callable[[int], Files]
    args: list[str] = field(default_factory=lambda: ["catalog-info.yaml"])


SHAPES = [
    Shape("blank-lines", "`key: value` lines separated by blank lines", (10500, 21000, 42000), "lines", blank_lines),
    Shape("carriage-returns", "CRs inside quoted strings", (100000, 200000, 400000), "CRs", carriage_returns),
    Shape("bare-crs", "bare CRs after a comment, no LF", (100000, 200000, 400000), "CRs", bare_crs),
    Shape("placeholder-targets", "`$json` placeholders naming one 1 MiB file", (1000, 2000, 4000), "placeholders",
          placeholder_targets),
    Shape("one-suppression", "one suppression comment naming many rules", (5000, 10000, 20000), "rules", one_suppression),
    Shape("location-targets", "one Location line with many targets (none exists)", (12500, 25000, 50000), "targets",
          location_targets),
    Shape("findings-human", "findings on one line (invalid tags), human output", (25000, 50000, 100000), "findings",
          invalid_tags),
    Shape("findings-sarif", "findings on one line (invalid tags), SARIF output", (25000, 50000, 100000), "findings",
          invalid_tags, ["--format", "sarif", "catalog-info.yaml"]),
    Shape("many-suppressions", "disable-next-line comments, each used", (5750, 11500, 23000), "comments",
          many_suppressions),
    Shape("glob-locations", "Locations with `**` targets over a tree of {F} files", (125, 250, 500), "Locations",
          glob_locations, ["catalog-locations.yaml"]),
    Shape("glob-location-files", "{L} Locations with `**` targets over N files", (1250, 2500, 5000), "files",
          glob_location_files, ["catalog-locations.yaml"]),
    Shape("config-globs", "`**` globs in include/exclude/overrides, 50 files that deep", (25, 50, 100), "levels",
          config_globs, ["."]),
    Shape("extends-diamond", "config files each extending the next 30 times", (5, 10, 20), "files", extends_diamond,
          ["."]),
    Shape("flat-mapping", "one mapping (annotations)", (25000, 50000, 100000), "entries", flat_mapping),
    Shape("long-sequence", "one block sequence (tags)", (25000, 50000, 100000), "entries", long_sequence),
    Shape("long-line", "one plain scalar on one line", (200000, 400000, 800000), "bytes", long_line),
    Shape("many-documents", "small Components in one file", (2000, 4000, 8000), "documents", many_documents),
    Shape("deep-nesting", "flow sequences nested 150 deep", (250, 500, 1000), "fields", deep_nesting),
    Shape("skeleton-expressions", "skeleton mode: expressions and invalid tags on one line", (25000, 50000, 100000),
          "expressions", skeleton_expressions, ["--skeletons=lint", "catalog-info.yaml"]),
    Shape("skeleton-nested", "skeleton mode: nested `{{% macro %}}` and `{{% if %}}` bodies", (10000, 20000, 40000),
          "blocks", skeleton_nested, ["--skeletons=lint", "catalog-info.yaml"]),
    Shape("skeleton-unclosed", "skeleton mode: unterminated `{{{{`/`{{%` on one line", (100000, 200000, 400000),
          "expressions", skeleton_unclosed, ["--skeletons=lint", "catalog-info.yaml"]),
]


def describe(shape: Shape) -> str:
    """The shape's description, its fixed counts ({F} files, {L} Locations) at the current SCALE."""
    return shape.what.format(F=f"{scaled(5000):,}", L=f"{scaled(500):,}")


def shape_sizes(shape: Shape) -> list[int]:
    """The three sizes of a shape at the current SCALE."""
    return [scaled(n) for n in shape.sizes]


def write_shape(shape: Shape, n: int) -> tuple[Path, int]:
    """Writes the shape at size n into OUT/<name>-<n> (a fresh git work tree); returns the
    directory and the bytes written."""
    d = OUT / f"{shape.name}-{n}"
    if d.exists():
        subprocess.run(["rm", "-rf", "--", str(d)], check=True)
    d.mkdir(parents=True)
    total = 0
    for rel, text in shape.make(n).items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        p.write_bytes(data)
        total += len(data)
    subprocess.run(["git", "init", "-q", str(d)], check=True)
    return d, total


# --------------------------------------------------------------------------- timing


@dataclass
class Run:
    """One timed run: wall and CPU (user + system) seconds, peak RSS (KiB), exit code (negative:
    signal), timed out. A killed run's CPU is what it used until the kill (a lower bound)."""

    wall: float
    cpu: float
    rss_kib: int
    code: int
    timeout: bool


def limit_memory() -> None:
    """In the child: cap its address space (MEMORY_LIMIT), so that a shape whose memory grows out
    of bounds fails there instead of taking a shared machine's memory."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_once(argv: list[str], cwd: Path, timeout: float) -> Run:
    """Runs argv in cwd with output to /dev/null, killing its process group after `timeout` s."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=limit_memory)
    deadline = t0 + timeout
    timed_out = False
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() >= deadline:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)  # the group of the process this call started
            _, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode, timed_out)


def best(a: Run, b: Run) -> Run:
    """The faster of two runs of the same input (each figure its best; RSS its largest)."""
    if a.timeout or b.timeout:
        return a if a.timeout else b
    return Run(min(a.wall, b.wall), min(a.cpu, b.cpu), max(a.rss_kib, b.rss_kib), max(a.code, b.code), False)


@dataclass
class Result:
    """A shape's runs per size (None: skipped after a timeout) and its input bytes."""

    shape: Shape
    runs: list[Run | None]
    bytes: list[int]
    growth_t: list[float | None]
    growth_m: list[float | None]
    ok: bool
    note: str


def fmt_s(s: float) -> str:
    """Seconds with sensible precision."""
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def measure(shape: Shape, lint: Path, timeout: float) -> Result:
    """Generates and times one shape at its three sizes; re-measures suspicious doublings."""
    runs: list[Run | None] = []
    sizes: list[int] = []
    dirs: list[Path] = []
    argv = [str(lint), "--color", "never", "-j", "1"] + shape.args
    for old in OUT.glob(f"{shape.name}-*"):  # other sizes from earlier runs (another --scale)
        if old.name[len(shape.name) + 1:].isdigit():
            subprocess.run(["rm", "-rf", "--", str(old)], check=True)
    for n in shape_sizes(shape):
        d, b = write_shape(shape, n)
        dirs.append(d)
        sizes.append(b)
        if runs and (runs[-1] is None or runs[-1].timeout or runs[-1].code < 0):
            runs.append(None)  # after a timeout or a crash the larger sizes tell nothing more
            continue
        r = run_once(argv, d, timeout)
        if not r.timeout and r.cpu < 1:  # short runs are the noisiest: the better of two
            r = best(r, run_once(argv, d, timeout))
        runs.append(r)
    # A growth factor just above the limit may be load from elsewhere: twice more (not for a
    # clear failure, above 4x, nor when the runs are slow).
    for i in (1, 2):
        a, b = runs[i - 1], runs[i]
        if a and b and not a.timeout and not b.timeout and LIMIT < b.cpu / a.cpu <= 4 and b.wall < 10:
            for j in (i - 1, i):
                for _ in range(RETRIES):
                    runs[j] = best(runs[j], run_once(argv, dirs[j], timeout))
    growth_t: list[float | None] = []
    growth_m: list[float | None] = []
    notes = []
    ok = True
    for i in (1, 2):
        a, b = runs[i - 1], runs[i]
        if a is None or a.timeout:
            growth_t.append(None)
            growth_m.append(None)
            continue
        if b is None or b.code < 0:  # a crashed run's figures end at the crash
            growth_t.append(None)
            growth_m.append(None)
            continue
        growth_t.append(b.cpu / max(a.cpu, 1e-3))  # a timeout gives a lower bound
        growth_m.append(None if b.timeout else b.rss_kib / a.rss_kib)
    for n, r in zip(shape_sizes(shape), runs):
        if r is None:
            continue
        if r.timeout:
            ok = False
            notes.append(f"timeout at {n:,} {shape.unit} (> {timeout:.0f} s)")
        elif r.code < 0 or r.code not in (0, 1, 2):
            ok = False
            what = f"killed by signal {-r.code}" if r.code < 0 else f"exit {r.code}"
            notes.append(f"{what} at {n:,} {shape.unit} (perhaps the {MEMORY_LIMIT >> 30} GiB address-space limit)")
    worst_t = max((g for g in growth_t if g is not None), default=0.0)
    worst_m = max((g for g in growth_m if g is not None), default=0.0)
    if worst_t > LIMIT:
        ok = False
        notes.insert(0, f"CPU time grows {worst_t:.1f}× per doubling")
    if worst_m > LIMIT:
        ok = False
        notes.insert(0 if worst_t <= LIMIT else 1, f"memory grows {worst_m:.1f}× per doubling")
    return Result(shape, runs, sizes, growth_t, growth_m, ok, "; ".join(notes))


def cell(r: Run | None) -> str:
    """One size's figures."""
    if r is None:
        return "skipped"
    if r.timeout:
        return f"**timeout** (> {fmt_s(r.wall)}; CPU {fmt_s(r.cpu)})"
    return f"{fmt_s(r.wall)} / {fmt_s(r.cpu)}, {r.rss_kib / 1024:.0f} MiB, exit {r.code}"


def gcell(g: float | None, timed_out: bool) -> str:
    """One growth factor."""
    if g is None:
        return "—"
    s = f"≥ {g:.1f}×" if timed_out else f"{g:.2f}×"
    return f"**{s}**" if g > LIMIT else s


def report(results: list[Result], lint: Path, timeout: float, floor: Run, load: list[float]) -> str:
    """The Shapes section (markdown, without its heading)."""
    busy = max(load) > (os.cpu_count() or 1)
    md = [
        f"`bench/shapes.py` on {time.strftime('%Y-%m-%d %H:%M %Z')}, catalog-lint "
        f"{sh([str(lint), '--version'])} ({sh(['git', '-C', str(ROOT), 'rev-parse', '--short', 'HEAD'])}), "
        f"`-j 1`, output to /dev/null, timeout {timeout:.0f} s per run; load average (1 min) "
        + " → ".join(f"{x:.1f}" for x in load)
        + (f" (**busy machine**: above {os.cpu_count()} cores, wall times are inflated and noisy)" if busy else "")
        + f". Sizes: {SCALE:g} × the issue's (`--scale`; at 1 the 4x column is the size issue 11 names)"
        + f". Start-up floor (an empty file): {fmt_s(floor.wall)} / {fmt_s(floor.cpu)}, "
        f"{floor.rss_kib / 1024:.0f} MiB.",
        "",
        "Each cell: wall time / CPU time (user + system), peak RSS, exit code; runs under 1 s of CPU are the "
        "better of two. Growth = 2x/1x and 4x/2x of CPU time (steadier than wall time under load) and of "
        f"peak RSS; a shape holds "
        f"when every factor is ≤ {LIMIT}× (linear work gives 2×, quadratic 4×), no run timed out and none "
        "crashed (each run's address space is capped at "
        f"{MEMORY_LIMIT >> 30} GiB). After a timeout or a crash the larger sizes are skipped; a factor ending in a "
        "timeout is a lower bound (≥).",
        "",
        "| shape | sizes (input) | 1x | 2x | 4x | growth CPU | growth RSS | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for res in results:
        s = res.shape
        sizes = " / ".join(f"{n:,}" for n in shape_sizes(s)) + f" {s.unit} ({' / '.join(f'{b / 1e3:,.0f} KB' for b in res.bytes)})"
        gt = " , ".join(gcell(g, bool(res.runs[i + 1] and res.runs[i + 1].timeout))
                        for i, g in enumerate(res.growth_t))
        gm = " , ".join(gcell(g, False) for g in res.growth_m)
        verdict = "**holds**" if res.ok else "**does not hold**"
        if res.note:
            verdict += f": {res.note}"
        md.append(f"| `{s.name}`: {describe(s)} | {sizes} | {cell(res.runs[0])} | {cell(res.runs[1])} | "
                  f"{cell(res.runs[2])} | {gt} | {gm} | {verdict} |")
    held = sum(r.ok for r in results)
    md += ["", f"{held} of {len(results)} shapes hold."]
    return "\n".join(md) + "\n"


def sh(argv: list[str]) -> str:
    """Output of a command, or '' when it fails."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def run_guard(lint: Path, timeout: float = 60.0, only: list[str] | None = None, scale: float = 0.5) -> tuple[str, bool]:
    """Runs every shape (or those named in `only`) at `scale` times the issue's sizes; returns
    (markdown section body, all hold)."""
    global SCALE
    SCALE = scale
    shapes = [s for s in SHAPES if not only or s.name in only]
    unknown = set(only or []) - {s.name for s in SHAPES}
    if unknown:
        raise SystemExit(f"shapes: unknown shape(s) {', '.join(sorted(unknown))}; known: "
                         + ", ".join(s.name for s in SHAPES))
    OUT.mkdir(parents=True, exist_ok=True)
    empty = OUT / "empty"
    empty.mkdir(exist_ok=True)
    (empty / "catalog-info.yaml").write_text("")
    floor = min((run_once([str(lint), "catalog-info.yaml"], empty, timeout) for _ in range(3)), key=lambda r: r.wall)
    load = [os.getloadavg()[0]]
    results = []
    t0 = time.perf_counter()
    for s in shapes:
        res = measure(s, lint, timeout)
        results.append(res)
        log(f"{s.name:20} " + " | ".join(cell(r) for r in res.runs) + "  growth "
            + ", ".join("—" if g is None else f"{g:.2f}x" for g in res.growth_t)
            + ("  ok" if res.ok else f"  FAILS {res.note}"))
    load.append(os.getloadavg()[0])
    log(f"{len(shapes)} shapes in {time.perf_counter() - t0:.0f} s")
    return report(results, lint, timeout, floor, load), all(r.ok for r in results)


def replace_section(path: Path, body: str) -> None:
    """Puts `body` between the shapes markers of `path` (a Shapes section is appended if none)."""
    text = path.read_text() if path.exists() else ""
    block = f"{SHAPES_BEGIN}\n{body}{SHAPES_END}"
    if SHAPES_BEGIN in text and SHAPES_END in text:
        head, rest = text.split(SHAPES_BEGIN, 1)
        text = head + block + rest.split(SHAPES_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Shapes (issue 11)\n\n" + block + "\n"
    path.write_text(text)


def main(argv: list[str]) -> int:
    """Command line; see the module docstring. Exit 0 when every shape holds, 1 otherwise."""
    ap = argparse.ArgumentParser(prog="bench/shapes.py", description="catalog-lint shapes guard (issue 11)")
    ap.add_argument("--lint", default=str(ROOT / "build-bench" / "catalog-lint"), help="catalog-lint binary")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per run before it is killed (default 60)")
    ap.add_argument("--only", default="", help="comma-separated shape names (default: all)")
    ap.add_argument("--scale", type=float, default=0.5,
                    help="sizes times this; 1 makes the 4x column the size issue 11 names (default 0.5)")
    ap.add_argument("--write", metavar="RESULTS.md", help="also put the table into this file's Shapes section")
    ap.add_argument("--list", action="store_true", help="list the shapes and exit")
    args = ap.parse_args(argv)
    global SCALE
    SCALE = args.scale
    if args.list:
        for s in SHAPES:
            print(f"{s.name:20} {describe(s)} ({' / '.join(f'{n:,}' for n in shape_sizes(s))} {s.unit})")
        return 0
    lint = Path(args.lint)
    if not lint.exists():
        sys.exit(f"shapes: {lint} does not exist (build it, or pass --lint)")
    body, ok = run_guard(lint, args.timeout, [x for x in args.only.split(",") if x], args.scale)
    print(body)
    if args.write:
        replace_section(Path(args.write), body)
        log(f"wrote the Shapes section of {args.write}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
