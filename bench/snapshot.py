#!/usr/bin/env python3
"""Snapshot benchmark (issue 14, "Performance"): `catalog-lint snapshot` of a 20,000-entity org
from entity YAML and from a Backstage API export; target < 1 s each.

usage: bench/snapshot.py [--binary build/catalog-lint] [--runs 5] [--entities 20000]
                         [--work bench/trees/snapshot] [--write bench/RESULTS.md]

Inputs, made once into --work (reused while their parameters match):
  yaml/        bench/gen_tree.py's tree (seed 42, no planted faults), with enough files for
               --entities entities (about 1.66 documents per file), its own git work tree
  export.json  a GET /api/catalog/entities array of --entities entities in the shape Backstage
               returns them (testdata/api/entities.json cloned and renamed: processed entities with
               relations, metadata.uid, metadata.etag, location annotations)

Times each command --runs times after one warm-up (medians of wall time, peak RSS from wait4),
interleaved, output to /dev/null; prints a Markdown section and with --write replaces the
"## Snapshots" section of that file. Standard library only.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import gen_tree  # noqa: E402

VERSION = 1  # bump when the inputs change


def make_export(path: Path, entities: int) -> int:
    base = json.loads((ROOT / "testdata/api/entities.json").read_text())
    out = []
    i = 0
    while len(out) < entities:
        for e in base:
            if len(out) >= entities:
                break
            c = copy.deepcopy(e)
            suffix = f"-{i}"
            c["metadata"]["name"] += suffix
            h = hashlib.sha1(f"{c['kind']}:{c['metadata']['name']}".encode()).hexdigest()
            c["metadata"]["uid"] = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"
            c["metadata"]["etag"] = hashlib.sha1(h.encode()).hexdigest()
            for r in c.get("relations", []):
                r["targetRef"] += suffix
            spec = c.get("spec", {})
            for k, v in list(spec.items()):
                if isinstance(v, str) and k in ("owner", "system", "domain", "parent", "subcomponentOf"):
                    spec[k] = v + suffix
                elif isinstance(v, list) and all(isinstance(x, str) for x in v):
                    spec[k] = [x + suffix for x in v]
            out.append(c)
        i += 1
    path.write_text(json.dumps(out, indent=2) + "\n")
    return len(out)


def prepare(work: Path, entities: int) -> dict:
    manifest_path = work / "MANIFEST.json"
    want = {"version": VERSION, "entities": entities}
    if manifest_path.exists():
        m = json.loads(manifest_path.read_text())
        if all(m.get(k) == v for k, v in want.items()):
            return m
    if work.exists():
        subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    files = round(entities / 1.6634)
    tree = gen_tree.generate(work / "yaml", files, 42, 0.0)
    subprocess.run(["git", "init", "-q", str(work / "yaml")], check=True)
    n = make_export(work / "export.json", entities)
    m = dict(want, files=tree["files"], documents=tree["documents"], export_entities=n,
             export_bytes=(work / "export.json").stat().st_size)
    manifest_path.write_text(json.dumps(m, indent=1) + "\n")
    return m


def timed(cmd: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MB and exit code of one run,
    output to /dev/null."""
    start = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0),
    ])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=str(ROOT / "build/catalog-lint"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--entities", type=int, default=20000)
    ap.add_argument("--work", default=str(HERE / "trees/snapshot"))
    ap.add_argument("--write", help="replace the '## Snapshots' section of this Markdown file")
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    work = Path(args.work)
    m = prepare(work, args.entities)
    binary = str(Path(args.binary).resolve())
    commands = {
        "snapshot from YAML": [binary, "snapshot", str(work / "yaml"), "-o", str(work / "from-yaml.json")],
        "snapshot from an API export": [binary, "snapshot", str(work / "export.json"), "-o",
                                        str(work / "from-export.json")],
        # For scale: a lint run parses the same YAML (yaml-cpp is most of both).
        "lint of the same YAML (reference)": [binary, "--format", "json", "-o", "/dev/null",
                                              str(work / "yaml")],
    }
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {k: [] for k in commands}
    rss: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for round_ in range(args.runs + 1):
        for name, cmd in commands.items():
            wall, cpu, peak, code = timed(cmd)
            if code not in (0, 1):  # the lint reference may report findings
                print(f"{name}: exit code {code}", file=sys.stderr)
                return 1
            if round_ > 0:
                times[name].append(wall)
                rss[name].append(peak)
                cpus[name].append(cpu)
    yaml_entities = len(json.loads((work / "from-yaml.json").read_text())["entities"])
    export_entities = len(json.loads((work / "from-export.json").read_text())["entities"])
    counts = {"snapshot from YAML": f"{m['files']:,} files, {yaml_entities:,} entities",
              "snapshot from an API export": f"{m['export_bytes'] / 1e6:.1f} MB, {export_entities:,} entities",
              "lint of the same YAML (reference)": f"{m['files']:,} files"}
    out_size = {"snapshot from YAML": (work / "from-yaml.json").stat().st_size,
                "snapshot from an API export": (work / "from-export.json").stat().st_size,
                "lint of the same YAML (reference)": 0}
    lines = [
        "## Snapshots",
        "",
        f"Written by `bench/snapshot.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"medians of {args.runs} interleaved runs after one warm-up; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
        f"nproc {os.cpu_count()}; `-j` default (all cores); Python "
        f"{platform.python_version()}. Target (issue 14): each < 1 s.",
        "",
        "| command | input | wall s (median) | min | max | CPU s (median) | peak RSS MB | snapshot MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in commands:
        t = times[name]
        lines.append(
            f"| {name} | {counts[name]} | {statistics.median(t):.3f} | {min(t):.3f} | {max(t):.3f} "
            f"| {statistics.median(cpus[name]):.3f} | {statistics.median(rss[name]):.0f} "
            f"| {f'{out_size[name] / 1e6:.1f}' if out_size[name] else '—'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        path = Path(args.write)
        old = path.read_text() if path.exists() else ""
        start = old.find("\n## Snapshots\n")
        if start == -1:
            new = old.rstrip("\n") + "\n\n" + text
        else:
            end = old.find("\n## ", start + 1)
            new = old[: start + 1] + text + (old[end:] if end != -1 else "")
        path.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
