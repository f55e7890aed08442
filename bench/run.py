#!/usr/bin/env python3
"""catalog-lint benchmark runner (issue 7). Standard library only.

    bench/run.sh                  # 1k and 10k trees, 5 runs each, writes bench/RESULTS.md
    bench/run.sh --large          # also the 100k tree (lint and baseline only; takes minutes)
    bench/run.sh --profile        # also callgrind over the 10k tree (a few minutes)
    bench/run.sh --quick          # 1k tree and the large-entity files, 3 runs: a smoke test
    bench/run.sh --shapes         # also the shapes guard (issue 11; bench/shapes.py)
    bench/run.sh --shapes-only    # only the shapes guard: updates the Shapes section of RESULTS.md

Steps: generate the trees (cached under bench/trees/), configure and build catalog-lint and the
baseline in build-bench/ (or --build-dir), install the Node comparison script into a scratch folder
when node and npm exist, then time every command interleaved (round-robin, one discarded warm-up
round), take medians, peak RSS from wait4(2), and write the table into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import shapes  # bench/shapes.py, next to this file

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SEED = 42
FAULT_RATE = 0.05
NODE_DIR = Path(os.environ.get("CATALOG_LINT_BENCH_NODE_DIR", "/tmp/catalog-lint-bench-node"))
POLICY = BENCH / "policy.yaml"  # the generated org's platform-ownership policy
POLICY_TODAY = "2026-12-01"  # fixed, so date rules (sunset, escape-hatch expiry) never drift
POLICY_LABEL = "catalog-lint --config policy.yaml"
PROFILE_BEGIN = "<!-- profile:begin -->"
PROFILE_END = "<!-- profile:end -->"


def log(msg: str) -> None:
    """Progress on stderr."""
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- setup


def tree(n: int) -> Path:
    """Returns the cached tree of n files, generating it when missing or stale."""
    out = BENCH / "trees" / f"t{n}"
    manifest = out / "MANIFEST.json"
    gen = BENCH / "gen_tree.py"
    if manifest.exists() and (out / ".git").exists():
        m = json.loads(manifest.read_text())
        src = open(gen).read()
        version = int(re.search(r"GENERATOR_VERSION = (\d+)", src).group(1))
        if (m["files"], m["seed"], m["fault_rate"], m["generator_version"]) == (n, SEED, FAULT_RATE, version):
            return out
    log(f"generating {n}-file tree in {out}")
    subprocess.run(
        [sys.executable, str(gen), "--files", str(n), "--seed", str(SEED), "--fault-rate", str(FAULT_RATE),
         "--out", str(out), "--force", "--git-init"],
        check=True,
    )
    return out


LARGE_SIZES = (20000, 200000)  # fields in one entity: 10x apart, for the linearity check


def large_entities() -> dict[tuple[str, int], Path]:
    """One-entity files with very many kept fields, each field on its own line: a Template with N
    `pagerduty.com/*` annotations, and a Component with N golden-path tags (block sequence). The
    catalog phase keeps every one of those fields, so work that is not linear in the fields of
    one entity shows up here (it did: a linear search per field made 200k fields take 6 s)."""
    out = {}
    for n in LARGE_SIZES:
        ann = "".join(f'    pagerduty.com/k{i}: "v"\n' for i in range(n))
        tags = "".join(f"    - golden-path:t{i}\n" for i in range(n))
        files = {
            "annotations": "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n"
            f"  name: svc\n  annotations:\n{ann}spec:\n  type: service\n  owner: group:default/team-a\n"
            "  steps: []\n",
            "tags": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
            f"  tags:\n{tags}spec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n",
        }
        for what, text in files.items():
            path = BENCH / "trees" / "large" / f"{what}-{n}" / "catalog-info.yaml"
            if not path.exists() or path.read_text() != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            out[(what, n)] = path
    return out


def build(build_dir: Path) -> tuple[Path, Path]:
    """Configures (when needed) and builds catalog-lint and the baseline; returns their paths."""
    if not (build_dir / "CMakeCache.txt").exists():
        log(f"configuring {build_dir}")
        subprocess.run(
            ["cmake", "-S", str(ROOT), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
             "-DCATALOG_LINT_TESTS=OFF", "-DCATALOG_LINT_BENCH=ON"],
            check=True, stdout=subprocess.DEVNULL,
        )
    log(f"building in {build_dir}")
    # The project includes bench/ through add_subdirectory(bench); without that line the baseline
    # is built on its own (bench/CMakeLists.txt is also a standalone project).
    included = "add_subdirectory(bench)" in (ROOT / "CMakeLists.txt").read_text()
    targets = ["catalog-lint"] + (["catalog-lint-baseline"] if included else [])
    r = subprocess.run(["cmake", "--build", str(build_dir), "-j2", "--target"] + targets,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lint, baseline = build_dir / "catalog-lint", build_dir / "bench" / "catalog-lint-baseline"
    if not included and r.returncode == 0:
        alone = build_dir / "bench-standalone"
        r = subprocess.run(["cmake", "-S", str(BENCH), "-B", str(alone), "-DCMAKE_BUILD_TYPE=Release"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode == 0:
            r = subprocess.run(["cmake", "--build", str(alone), "-j2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        baseline = alone / "catalog-lint-baseline"
    if r.returncode != 0:
        if not (lint.exists() and baseline.exists()):
            sys.exit(f"[bench] build failed:\n{r.stderr[-4000:]}")
        log(f"build failed; timing the binaries of the last good build:\n{r.stderr[-1500:]}")
    return lint, baseline


def setup_node() -> Path | None:
    """Installs the Node comparison script into NODE_DIR; None when node/npm are missing."""
    if not shutil.which("node") or not shutil.which("npm"):
        log("node or npm not found: the Node.js comparison is skipped")
        return None
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    pkg = (BENCH / "node" / "package.json").read_bytes()
    stamp = NODE_DIR / "package.json"
    if not (NODE_DIR / "node_modules" / "@backstage" / "catalog-model").exists() or (
        not stamp.exists() or stamp.read_bytes() != pkg
    ):
        log(f"npm install into {NODE_DIR}")
        stamp.write_bytes(pkg)
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            log(f"npm install failed, Node.js comparison skipped:\n{r.stderr[-2000:]}")
            return None
    shutil.copy(BENCH / "node" / "validate.mjs", NODE_DIR / "validate.mjs")
    return NODE_DIR / "validate.mjs"


# --------------------------------------------------------------------------- timing


@dataclass
class Cmd:
    """One benchmarked command and its samples."""

    label: str
    argv: list[str]
    jobs: int
    group: str  # "lint", "baseline", "node", "ref"
    runs: int
    times: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)

    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.times)

    def cpu_median(self) -> float:
        """Median CPU time (user + system, all threads) in seconds."""
        return statistics.median(self.cpu)

    def peak_mib(self) -> float:
        """Largest peak RSS seen over the runs, MiB."""
        return max(self.rss_kib) / 1024.0


def run_once(argv: list[str]) -> tuple[float, int, int, float]:
    """Runs argv with output to /dev/null; returns (wall s, peak RSS KiB, exit code, CPU s)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_maxrss, p.returncode, ru.ru_utime + ru.ru_stime


def measure(cmds: list[Cmd], warmup: bool = True) -> None:
    """Times cmds interleaved: round r runs every command that still wants a sample."""
    if warmup:
        for c in cmds:
            run_once(c.argv)
    rounds = max(c.runs for c in cmds)
    for r in range(rounds):
        for c in cmds:
            if r < c.runs:
                wall, rss, code, cpu = run_once(c.argv)
                c.times.append(wall)
                c.cpu.append(cpu)
                c.rss_kib.append(rss)
                c.codes.add(code)


# --------------------------------------------------------------------------- machine info


def sh(argv: list[str]) -> str:
    """Output of a command, or '' when it fails."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine(build_dir: Path, lint: Path, node_script: Path | None) -> dict[str, str]:
    """Machine and version facts for RESULTS.md."""
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    cache = (build_dir / "CMakeCache.txt").read_text(errors="replace")
    cxx = re.search(r"CMAKE_CXX_COMPILER:\w+=(.*)", cache)
    cxx_version = sh([cxx.group(1), "--version"]).splitlines()[0] if cxx else ""
    build_type = re.search(r"CMAKE_BUILD_TYPE:\w+=(.*)", cache)
    info = {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "catalog-lint": sh([str(lint), "--version"]) + f" ({sh(['git', '-C', str(ROOT), 'rev-parse', '--short', 'HEAD'])})",
        "compiler": cxx_version + (f", {build_type.group(1)}" if build_type else ""),
        "yaml-cpp": sh(["pkg-config", "--modversion", "yaml-cpp"]),
        "python": platform.python_version(),
    }
    if node_script:
        info["node"] = sh(["node", "--version"])
        for pkg in ("@backstage/catalog-model", "@backstage/plugin-scaffolder-common", "yaml"):
            try:
                v = json.loads((NODE_DIR / "node_modules" / pkg / "package.json").read_text())["version"]
                info[pkg] = v
            except (OSError, ValueError, KeyError):
                pass
    return info


# --------------------------------------------------------------------------- report


def fmt_s(s: float) -> str:
    """Seconds with sensible precision."""
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def table(size: int, cmds: list[Cmd], base: dict[int, Cmd]) -> list[str]:
    """Markdown table of one tree size."""
    rows = [
        f"### {size:,} files",
        "",
        "| command | jobs | runs | median | min–max | files/s | vs baseline | CPU | CPU vs baseline | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cmds:
        med = c.median()
        b = base.get(c.jobs)
        ratio = f"{b.median() / med:.2f}×" if b and c.group != "ref" else "—"
        cpu_ratio = f"{b.cpu_median() / c.cpu_median():.2f}×" if b and c.group != "ref" else "—"
        rows.append(
            f"| `{c.label}` | {c.jobs} | {len(c.times)} | {fmt_s(med)} | {fmt_s(min(c.times))}–{fmt_s(max(c.times))} "
            f"| {size / med:,.0f} | {ratio} | {fmt_s(c.cpu_median())} | {cpu_ratio} | {c.peak_mib():.0f} MiB |"
        )
    rows.append("")
    return rows


def check(name: str, ok: bool | None, detail: str) -> str:
    """One line of the targets list."""
    mark = "n/a" if ok is None else ("**holds**" if ok else "**does not hold**")
    return f"| {name} | {mark} | {detail} |"


def main(argv: list[str]) -> int:
    """Entry point; see the module docstring."""
    ap = argparse.ArgumentParser(prog="bench/run.sh", description="catalog-lint benchmark runner")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    ap.add_argument("--latency-runs", type=int, default=30, help="runs for the one-file latency (default 30)")
    ap.add_argument("--large", action="store_true", help="also the 100k-file tree")
    ap.add_argument("--profile", action="store_true", help="also profile catalog-lint with callgrind on the 10k tree")
    ap.add_argument("--quick", action="store_true", help="1k tree only, 3 runs (smoke test)")
    ap.add_argument("--shapes", action="store_true", help="also the shapes guard (bench/shapes.py; a few minutes)")
    ap.add_argument("--shapes-only", action="store_true",
                    help="only build and run the shapes guard, updating the Shapes section of --out")
    ap.add_argument("--shapes-timeout", type=float, default=60.0, help="seconds per shapes run (default 60)")
    ap.add_argument("--shapes-scale", type=float, default=0.5,
                    help="shapes sizes times this; 1 makes their 4x the sizes of issue 11 (default 0.5)")
    ap.add_argument("--no-node", action="store_true", help="skip the Node.js comparison")
    ap.add_argument("--build-dir", default=str(ROOT / "build-bench"), help="build folder (default build-bench/)")
    ap.add_argument("--out", default=str(BENCH / "RESULTS.md"), help="where to write the results (default bench/RESULTS.md)")
    ap.add_argument("--old", metavar="BINARY",
                    help="an earlier catalog-lint build: its human and policy-on rows and its one-file run are timed "
                         "in the same interleaved rounds, as `old: ...` rows (issue 12: old and new side by side)")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs = min(args.runs, 3)
        args.latency_runs = min(args.latency_runs, 10)

    build_dir = Path(args.build_dir).resolve()
    lint, baseline = build(build_dir)
    if args.shapes_only:
        body, _ = shapes.run_guard(lint, args.shapes_timeout, scale=args.shapes_scale)
        shapes.replace_section(Path(args.out), body)
        log(f"wrote the Shapes section of {args.out}")
        return 0
    node_script = None if args.no_node else setup_node()
    help_text = sh([str(lint), "--help"])
    has_sarif = "sarif" in help_text
    sizes = [1000] if args.quick else [1000, 10000] + ([100000] if args.large else [])
    trees = {n: tree(n) for n in sizes}

    loads = [os.getloadavg()[0]]
    results: dict[int, list[Cmd]] = {}
    baselines: dict[int, dict[int, Cmd]] = {}
    for n in sizes:
        t = str(trees[n])
        runs = args.runs if n < 100000 else max(1, min(args.runs, 3))
        cmds = [
            Cmd("baseline --mode load", [str(baseline), "--jobs", "1", t], 1, "baseline", runs),
            Cmd("baseline --mode load", [str(baseline), "--jobs", "2", t], 2, "baseline", runs),
            Cmd("baseline --mode events", [str(baseline), "--mode", "events", "--jobs", "1", t], 1, "ref", runs),
            Cmd("baseline --mode events", [str(baseline), "--mode", "events", "--jobs", "2", t], 2, "ref", runs),
            Cmd("catalog-lint (human)", [str(lint), "--color", "never", "-j", "1", t], 1, "lint", runs),
            Cmd("catalog-lint (human)", [str(lint), "--color", "never", "-j", "2", t], 2, "lint", runs),
            Cmd("catalog-lint --format json", [str(lint), "--format", "json", "-j", "1", t], 1, "lint", runs),
            Cmd("catalog-lint --format json", [str(lint), "--format", "json", "-j", "2", t], 2, "lint", runs),
        ]
        # Policy on: the platform-ownership rules too, as a repository with a config runs them
        # (the generated org follows bench/policy.yaml except in its planted policy faults).
        policy = [str(lint), "--color", "never", "--config", str(POLICY), "--today", POLICY_TODAY]
        cmds += [
            Cmd(POLICY_LABEL, policy + ["-j", "1", t], 1, "lint", runs),
            Cmd(POLICY_LABEL, policy + ["-j", "2", t], 2, "lint", runs),
        ]
        if n >= 100000:  # the large tree: the rows the targets need, without warm-up
            cmds = [c for c in cmds if c.group == "baseline" or c.label == "catalog-lint (human)"
                    or (c.label == POLICY_LABEL and c.jobs == 2)]
        if args.old:  # the same lint commands with the earlier build, in the same rounds
            cmds += [Cmd("old: " + c.label, [args.old] + c.argv[1:], c.jobs, "old", c.runs)
                     for c in list(cmds) if c.label in ("catalog-lint (human)", POLICY_LABEL)]
        if has_sarif and n < 100000:
            cmds += [
                Cmd("catalog-lint --format sarif", [str(lint), "--format", "sarif", "-j", "1", t], 1, "lint", runs),
                Cmd("catalog-lint --format sarif", [str(lint), "--format", "sarif", "-j", "2", t], 2, "lint", runs),
            ]
        if node_script and n <= 10000:
            cmds.append(Cmd("node validate.mjs", ["node", str(node_script), t], 1, "node", max(1, min(runs, 3))))
        log(f"timing {n} files: {len(cmds)} commands, {runs} runs each, interleaved")
        measure(cmds, warmup=n < 100000)
        for c in cmds:
            log(f"  {c.label:30} -j{c.jobs}  median {fmt_s(c.median()):>10}  {n / c.median():>9,.0f} files/s  {c.peak_mib():6.0f} MiB  exit {sorted(c.codes)}")
        results[n] = cmds
        loads.append(os.getloadavg()[0])
        baselines[n] = {c.jobs: c for c in cmds if c.group == "baseline"}

    # One-file latency: process start to exit, a typical catalog-info.yaml.
    t1k = trees[1000]
    faulty = {f["file"] for f in json.loads((t1k / "MANIFEST.json").read_text())["faults"]}
    one = next(
        p for p in sorted((t1k / "services").rglob("catalog-info.yaml"))
        if str(p.relative_to(t1k)) not in faulty and p.read_text().count("\n---\n") == 1
    )
    lat = [
        Cmd("/bin/true (spawn cost)", ["/bin/true"], 1, "ref", args.latency_runs),
        Cmd("baseline --mode load", [str(baseline), str(one)], 1, "baseline", args.latency_runs),
        Cmd("catalog-lint (human)", [str(lint), "--color", "never", str(one)], 1, "lint", args.latency_runs),
        Cmd("catalog-lint -j 1 (human)", [str(lint), "--color", "never", "-j", "1", str(one)], 1, "lint", args.latency_runs),
    ]
    if args.old:
        lat.append(Cmd("old: catalog-lint (human)", [args.old, "--color", "never", str(one)], 1, "old",
                       args.latency_runs))
    if node_script:
        lat.append(Cmd("node validate.mjs", ["node", str(node_script), str(one)], 1, "node", min(args.latency_runs, 10)))
    log(f"one-file latency on {one.relative_to(ROOT)}")
    measure(lat, warmup=True)

    # Large entities: one entity with very many fields, policy on (the catalog phase keeps them).
    large = []
    for (what, n), path in large_entities().items():
        large.append(Cmd(f"baseline --mode load: {what} {n:,}", [str(baseline), str(path)], 1, "baseline", 3))
        large.append(Cmd(f"{POLICY_LABEL}: {what} {n:,}",
                         [str(lint), "--config", str(POLICY), "--today", POLICY_TODAY, str(path)], 1, "lint", 3))
    log("one-entity files with 20k and 200k fields")
    measure(large, warmup=False)

    # Profile (optional).
    profile_md = None
    if args.profile:
        profile_md = callgrind(lint, baseline, trees.get(10000) or tree(10000), trees[1000], one)

    shapes_md = shapes.run_guard(lint, args.shapes_timeout, scale=args.shapes_scale)[0] if args.shapes else None

    info = machine(build_dir, lint, node_script)
    if args.old:
        info["old catalog-lint (`old:` rows)"] = f"{args.old}: " + sh([args.old, "--version"]).strip()
    info["load average (1 min) during timing"] = " → ".join(f"{x:.1f}" for x in loads)
    if max(loads) > (os.cpu_count() or 1):
        info["warning"] = (
            f"the machine was busy with other work (load above {os.cpu_count()} cores): wall times and "
            "the -j 2 speed-up are unreliable; trust the CPU columns and the instruction counts"
        )
    write_results(Path(args.out), args, info, trees, results, baselines, lat, one, has_sarif, profile_md, large,
                  shapes_md)
    log(f"wrote {args.out}")
    return 0


def callgrind_run(name: str, argv: list[str]) -> tuple[int, str, str]:
    """Runs argv under callgrind; returns (total Ir, exclusive report, inclusive report)."""
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    cg = out / f"callgrind.{name}.out"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}"] + argv,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    excl = sh(["callgrind_annotate", "--threshold=100", str(cg)])
    incl = sh(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(cg)])
    (out / f"callgrind.{name}.exclusive.txt").write_text(excl + "\n")
    (out / f"callgrind.{name}.inclusive.txt").write_text(incl + "\n")
    m = re.search(r"^\s*([\d,]+).*PROGRAM TOTALS", excl, re.M)
    return (int(m.group(1).replace(",", "")) if m else 0), excl, incl


def top_functions(text: str, n: int) -> list[tuple[int, str]]:
    """The n costliest function lines of a callgrind_annotate report."""
    rows = []
    for line in text.splitlines():
        mm = re.match(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$", line) or re.match(r"^\s*([\d,]+)\s+(\S.*)$", line)
        if not mm or "PROGRAM TOTALS" in line or ":" not in mm.group(2):
            continue
        rows.append((int(mm.group(1).replace(",", "")), mm.group(2)))
    rows.sort(key=lambda r: -r[0])
    return rows[:n]


def by_object(text: str) -> list[tuple[int, str]]:
    """Exclusive cost summed per object file (executable or shared library), largest first."""
    sums: dict[str, int] = {}
    for line in text.splitlines():
        mm = re.match(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+.*\[([^\]]+)\]\s*$", line)
        if mm and "PROGRAM TOTALS" not in line:
            obj = Path(mm.group(2)).name
            sums[obj] = sums.get(obj, 0) + int(mm.group(1).replace(",", ""))
    return sorted(((v, k) for k, v in sums.items()), reverse=True)


def short_name(name: str) -> str:
    """A readable function name for the tables: no object file, std::string spelled short."""
    name = re.sub(r"\s*\[[^\]]*\]\s*$", "", name)
    file, _, fn = name.partition(":")
    fn = fn.replace("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string")
    fn = fn if len(fn) < 140 else fn[:137] + "..."
    fn = fn.replace("|", "\\|")
    return f"`{fn}` ({Path(file).name})" if file and file != "???" else f"`{fn}`"


def callgrind(lint: Path, baseline: Path, t10k: Path, t1k: Path, one: Path) -> str:
    """Profiles with callgrind (instruction counts); returns the Profile section (markdown)."""
    if not shutil.which("valgrind"):
        log("valgrind not found: no profile")
        return "valgrind was not installed; no profile.\n"
    lint_args = [str(lint), "--color", "never", "-j", "1"]
    log("callgrind: instruction counts on the 1k tree and on one file")
    ir = {
        "baseline --mode load, 1k": callgrind_run("baseline-load-1k", [str(baseline), "--jobs", "1", str(t1k)])[0],
        "baseline --mode events, 1k": callgrind_run("baseline-events-1k", [str(baseline), "--mode", "events", "--jobs", "1", str(t1k)])[0],
        "catalog-lint, 1k": callgrind_run("lint-1k", lint_args + [str(t1k)])[0],
    }
    one_base = callgrind_run("baseline-one", [str(baseline), str(one)])[0]
    one_lint, _, one_incl = callgrind_run("lint-one", lint_args + [str(one)])
    log(f"callgrind over {t10k} (catalog-lint -j 1; takes a few minutes)")
    total, excl, incl = callgrind_run("lint-10k", lint_args + [str(t10k)])

    lines = [
        "Instruction counts (callgrind, `-j 1`) do not depend on the load of the machine, so they give the",
        "cost ratios that wall-clock times on a shared 2-core machine blur.",
        "",
        "| run | instructions | per file | vs `baseline --mode load` |",
        "|---|---:|---:|---:|",
    ]
    b = ir["baseline --mode load, 1k"]
    for k, v in ir.items():
        lines.append(f"| {k} | {v:,} | {v / 1000:,.0f} | {b / v:.2f}× |" if v else f"| {k} | ? | ? | ? |")
    lines += [
        f"| baseline, one file (`{one.name}`) | {one_base:,} | | |",
        f"| catalog-lint, one file | {one_lint:,} | | |",
        f"| catalog-lint over the 10,000-file tree | {total:,} | {total / 10000:,.0f} | |",
        "",
        "Raw reports: `bench/out/callgrind.*.{exclusive,inclusive}.txt` (git-ignored).",
        "",
        "### catalog-lint over the 10,000-file tree: exclusive (self) cost, top 25",
        "",
        "| Ir | % | function |",
        "|---:|---:|---|",
    ]
    for irs, name in top_functions(excl, 25):
        lines.append(f"| {irs:,} | {100 * irs / total:.1f} | {short_name(name)} |")
    lines += ["", "### Exclusive cost by object file", "", "| Ir | % | object |", "|---:|---:|---|"]
    for irs, obj in by_object(excl)[:8]:
        lines.append(f"| {irs:,} | {100 * irs / total:.1f} | `{obj}` |")
    lines += ["", "### Inclusive cost (self + callees), top 40", "", "| Ir | % | function |", "|---:|---:|---|"]
    for irs, name in top_functions(incl, 40):
        lines.append(f"| {irs:,} | {100 * irs / total:.1f} | {short_name(name)} |")
    lines += ["", "### One file: inclusive cost, top 20 (start-up)", "", "| Ir | % | function |", "|---:|---:|---|"]
    for irs, name in top_functions(one_incl, 20):
        lines.append(f"| {irs:,} | {100 * irs / max(one_lint, 1):.1f} | {short_name(name)} |")
    return "\n".join(lines) + "\n"


def write_results(out: Path, args, info, trees, results, baselines, lat, one, has_sarif, profile_md, large,
                  shapes_md=None) -> None:
    """Writes RESULTS.md; keeps the previous Profile and Shapes sections when they were not rerun."""
    md = [
        "# catalog-lint benchmark results",
        "",
        f"Written by `bench/run.sh{' --large' if args.large else ''}{' --quick' if args.quick else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}. Medians of {args.runs} interleaved runs (one warm-up round "
        "discarded; page cache warm); output to /dev/null. See `bench/README.md` for what each column means.",
        "",
        "## Machine and versions",
        "",
        "| | |",
        "|---|---|",
    ]
    md += [f"| {k} | {v} |" for k, v in info.items()]
    md += ["", "## Trees", "",
           "| tree | entity files | documents | MB | faulty files | other YAML files | MB | mix of the other files |",
           "|---|---:|---:|---:|---:|---:|---:|---|"]
    for n, t in trees.items():
        m = json.loads((t / "MANIFEST.json").read_text())
        mix = ", ".join(f"{k} {v:,}" for k, v in m.get("other_mix", {}).items())
        md.append(f"| `bench/trees/{t.name}` | {m['files']:,} | {m['documents']:,} | {m['bytes'] / 1e6:.1f} | {len(m['faults']):,} "
                  f"| {m.get('other_files', 0):,} | {m.get('other_bytes', 0) / 1e6:.1f} | {mix} |")
    md += ["", f"Generated by `bench/gen_tree.py --seed {SEED} --fault-rate {FAULT_RATE}`. The other YAML files "
           "(mkdocs.yml, Kubernetes manifests, CI workflows, OpenAPI, docker-compose, Helm charts) declare no "
           "Backstage apiVersion: catalog-lint sniffs and skips them, and so does the baseline, which parses "
           "exactly the entity files. files/s counts entity files.", "", "## Throughput", ""]
    for n, cmds in results.items():
        md += table(n, cmds, baselines[n])
    md += [
        "## One-file latency",
        "",
        f"Process start to exit on `{one.relative_to(trees[1000])}` (a clean Component), median of the runs.",
        "",
        "| command | runs | median | min | p90 | peak RSS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in lat:
        s = sorted(c.times)
        p90 = s[min(len(s) - 1, int(0.9 * len(s)))]
        md.append(f"| `{c.label}` | {len(s)} | {fmt_s(c.median())} | {fmt_s(s[0])} | {fmt_s(p90)} | {c.peak_mib():.0f} MiB |")
    md += [
        "",
        "## Large entities",
        "",
        "One entity per file with N fields the catalog phase keeps, each on its own line (`bench/trees/large/`): "
        "a Template with N `pagerduty.com/*` annotations, a Component with N golden-path tags. Policy on.",
        "",
        "| command | runs | median | peak RSS |",
        "|---|---:|---:|---:|",
    ]
    for c in large:
        md.append(f"| `{c.label}` | {len(c.times)} | {fmt_s(c.median())} | {c.peak_mib():.0f} MiB |")
    md += ["", "## Targets (issue 7)", "", "| target | verdict | figures |", "|---|---|---|"]

    def find(n: int, label: str, jobs: int) -> Cmd | None:
        return next((c for c in results.get(n, []) if c.label == label and c.jobs == jobs), None)

    big = 10000 if 10000 in results else 1000
    for fmt_label in ["catalog-lint (human)", "catalog-lint --format json"] + (["catalog-lint --format sarif"] if has_sarif else []) + [POLICY_LABEL]:
        for j in (1, 2):
            c, b = find(big, fmt_label, j), baselines[big].get(j)
            if c and b:
                r = b.median() / c.median()
                md.append(check(f"{fmt_label} ≥ 0.9× baseline throughput, {big:,} files, -j {j}", r >= 0.9,
                                f"{big / c.median():,.0f} vs {big / b.median():,.0f} files/s = {r:.2f}×"))
    for label in ["catalog-lint (human)", "baseline --mode load"]:
        c1, c2 = find(big, label, 1), find(big, label, 2)
        if c1 and c2:
            s = c1.median() / c2.median()
            md.append(check(f"`{label}` -j 2 ≥ 1.7× -j 1 ({big:,} files)", s >= 1.7 if label.startswith("catalog") else None,
                            f"{fmt_s(c1.median())} → {fmt_s(c2.median())} = {s:.2f}×"))
    lc = next(c for c in lat if c.label == "catalog-lint (human)")
    md.append(check("one-file run ≤ 3 ms median", lc.median() <= 0.003,
                    f"{fmt_s(lc.median())} (spawn of /bin/true from the runner: {fmt_s(lat[0].median())})"))
    if 100000 in results:
        peak = max(c.peak_mib() for c in results[100000] if c.group == "lint")
        md.append(check("100k files under 500 MiB peak RSS", peak < 500, f"largest catalog-lint peak: {peak:.0f} MiB"))
    else:
        md.append(check("100k files under 500 MiB peak RSS", None, "not measured in this run (`--large`)"))
    if 1000 in results and 10000 in results:
        for j in (1, 2):
            a, b = find(1000, "catalog-lint (human)", j), find(10000, "catalog-lint (human)", j)
            r = b.median() / a.median()
            md.append(check(f"linear: 10× files ≤ 11× time (-j {j}, 1k → 10k)", r <= 11, f"{fmt_s(a.median())} → {fmt_s(b.median())} = {r:.1f}×"))
    if 100000 in results:
        a, b = find(10000, "catalog-lint (human)", 2), find(100000, "catalog-lint (human)", 2)
        if a and b:
            r = b.median() / a.median()
            md.append(check("linear: 10× files ≤ 11× time (-j 2, 10k → 100k)", r <= 11, f"{fmt_s(a.median())} → {fmt_s(b.median())} = {r:.1f}×"))
    # Not a target of the issue, a guard against its kind of regression: 10x the fields of one
    # entity may cost what 10x costs the parser (cache effects included), plus at most half again.
    lo, hi = LARGE_SIZES
    for what in ("annotations", "tags"):
        a, b = (next(c for c in large if c.label == f"{POLICY_LABEL}: {what} {n:,}") for n in (lo, hi))
        ba, bb = (next(c for c in large if c.label == f"baseline --mode load: {what} {n:,}") for n in (lo, hi))
        r, br = b.median() / a.median(), bb.median() / ba.median()
        md.append(check(f"one entity, 10× {what}: time grows ≤ 1.5× as much as the parser's", r <= 1.5 * br,
                        f"{fmt_s(a.median())} → {fmt_s(b.median())} = {r:.1f}× (baseline {br:.1f}×)"))
    node = [c for c in results.get(big, []) if c.group == "node"]
    if node:
        c2 = find(big, "catalog-lint (human)", 2)
        c1 = find(big, "catalog-lint (human)", 1)
        nl = next((c for c in lat if c.group == "node"), None)
        md += [
            "",
            f"Against the Node.js script ({big:,} files): catalog-lint -j 1 is {node[0].median() / c1.median():.0f}× faster, "
            f"-j 2 {node[0].median() / c2.median():.0f}× faster"
            + (f"; one file: {fmt_s(nl.median())} vs {fmt_s(lc.median())} ({nl.median() / lc.median():.0f}×)." if nl else "."),
        ]
    md.append("")

    # Issue 12: time (not throughput) against the baseline that parses exactly the entity files,
    # on trees with the non-entity YAML of real repositories; and the earlier build beside it.
    md += ["## Targets (issue 12)", "", "| target | verdict | figures |", "|---|---|---|"]
    for label, limit in (("catalog-lint (human)", 1.10), (POLICY_LABEL, 1.15)):
        c, b = find(big, label, 2), baselines[big].get(2)
        if c and b:
            r = c.median() / b.median()
            md.append(check(f"`{label}` ≤ {limit:.2f}× the baseline's time, {big:,} files, -j 2", r <= limit,
                            f"{fmt_s(c.median())} vs {fmt_s(b.median())} = {r:.2f}× (CPU "
                            f"{c.cpu_median() / b.cpu_median():.2f}×)"))
        o = find(big, "old: " + label, 2)
        if c and o:
            md.append(check(f"`{label}` against the earlier build (`--old`), {big:,} files, -j 2", None,
                            f"{fmt_s(c.median())} now vs {fmt_s(o.median())} before = {c.median() / o.median():.2f}× "
                            f"(CPU {c.cpu_median() / o.cpu_median():.2f}×; peak RSS {c.peak_mib():.0f} vs "
                            f"{o.peak_mib():.0f} MiB)"))
    lb = next(c for c in lat if c.label == "baseline --mode load")
    md.append(check("one file, start to exit, ≤ 1.5× the one-file baseline", lc.median() <= 1.5 * lb.median(),
                    f"{fmt_s(lc.median())} vs {fmt_s(lb.median())} = {lc.median() / lb.median():.2f}×"))
    lo_ = next((c for c in lat if c.label == "old: catalog-lint (human)"), None)
    if lo_:
        md.append(check("one file against the earlier build (`--old`)", None,
                        f"{fmt_s(lc.median())} now vs {fmt_s(lo_.median())} before"))
    md.append("")

    old = out.read_text() if out.exists() else ""
    if profile_md is None and PROFILE_BEGIN in old and PROFILE_END in old:
        profile_md = old.split(PROFILE_BEGIN, 1)[1].split(PROFILE_END, 1)[0].strip("\n") + "\n"
        note = "(from an earlier `--profile` run; rerun with `--profile` to refresh)"
    else:
        note = ""
    md += ["## Profile", ""]
    if note:
        md += [note, ""]
    md += [PROFILE_BEGIN, profile_md or "No profile yet: run `bench/run.sh --profile`.\n", PROFILE_END, ""]
    if shapes_md is None and shapes.SHAPES_BEGIN in old and shapes.SHAPES_END in old:
        shapes_md = old.split(shapes.SHAPES_BEGIN, 1)[1].split(shapes.SHAPES_END, 1)[0].strip("\n") + "\n"
        note = "(from an earlier shapes run; rerun with `--shapes` or `--shapes-only` to refresh)"
    else:
        note = ""
    md += ["## Shapes (issue 11)", "",
           "Hostile input shapes at 1x, 2x and 4x size (`bench/shapes.py`): the time and memory growth per "
           "doubling, so that work quadratic in one input shows as a factor near 4× instead of a hang.", ""]
    if note:
        md += [note, ""]
    md += [shapes.SHAPES_BEGIN, shapes_md or "No shapes run yet: run `bench/run.sh --shapes-only`.\n", shapes.SHAPES_END]
    # What follows the Shapes section (sections written by the other bench scripts and by hand:
    # snapshots, the org catalog, the language server, the team report) is kept as it is.
    tail = old.split(shapes.SHAPES_END, 1)[1] if shapes.SHAPES_END in old else "\n"
    out.write_text("\n".join(md) + tail)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
