#!/usr/bin/env python3
"""Times `catalog-lint report --merge` of N generated team reports of M entities each (issue 15).

Usage: bench/team_merge.py [--binary build/catalog-lint] [--reports 1000] [--entities 100]

Each report is one repository's: M entities with their area states and findings, spread over
40 teams in 8 departments (the same groups in every report, as an org catalog gives them).
The merged report has reports x entities entities. Prints the wall time and peak memory of the
merge (from /usr/bin/time when present). Figures: bench/team_merge.md.
"""
import argparse, json, os, random, subprocess, tempfile, time

AREAS = ["backstage", "ownership", "escalation", "golden-paths", "escape-hatches", "change-notice",
         "cost", "references", "data-classification", "declarative"]
LEVELS = [{"name": "bronze", "require": ["backstage", "ownership"]},
          {"name": "silver", "require": ["escalation", "references", "change-notice"]},
          {"name": "gold", "require": ["golden-paths", "escape-hatches", "cost",
                                       "data-classification", "declarative"]}]


def groups():
    out = []
    for d in range(8):
        out.append({"ref": f"group:default/dept-{d}", "name": f"dept-{d}", "type": "department",
                    "parent": None, "children": [f"group:default/team-{d}-{t}" for t in range(5)]})
        for t in range(5):
            out.append({"ref": f"group:default/team-{d}-{t}", "name": f"team-{d}-{t}", "type": "team",
                        "parent": f"group:default/dept-{d}", "children": []})
    return out


def report(i, n, rnd):
    entities = []
    for j in range(n):
        ref = f"component:default/svc-{i}-{j}"
        areas = {a: rnd.choice(["pass", "pass", "pass", "fail", "not-applicable"]) for a in AREAS}
        findings = [{"rule": "missing-golden-path", "severity": "warning", "area": a,
                     "message": f"service 'svc-{i}-{j}' follows no golden path",
                     "file": f"services/svc-{j}.yaml", "line": 3, "column": 3}
                    for a, s in areas.items() if s == "fail"]
        entities.append({
            "ref": ref, "kind": "component", "type": "service", "lifecycle": "production",
            "file": f"services/svc-{j}.yaml", "line": 4,
            "owner": f"group:default/team-{rnd.randrange(8)}-{rnd.randrange(5)}",
            "areas": areas, "golden_path": None if areas["golden-paths"] == "fail" else "node-service",
            "cost_center": "cc-1", "data_classification": None,
            "escape_hatch": None if j % 10 else {"reason": "legacy", "approval": "PLAT-1",
                                                  "approved_by": "group:default/platform-team",
                                                  "expires": "2027-01-31", "monitoring": None},
            "deprecation": None, "findings": findings})
    return {"report_version": 1, "tool": {"name": "catalog-lint", "version": "bench"},
            "today": "2026-12-01", "sources": [f"repo-{i}"], "levels": LEVELS, "areas": AREAS,
            "groups": groups(), "users": [], "entities": entities, "unattributed_findings": [],
            "teams": [], "org": {}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/catalog-lint")
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--entities", type=int, default=100)
    args = ap.parse_args()
    rnd = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(args.reports):
            path = os.path.join(tmp, f"r{i}.json")
            with open(path, "w") as f:
                json.dump(report(i, args.entities, rnd), f)
            files.append(path)
        out = os.path.join(tmp, "merged.json")
        cmd = [os.path.abspath(args.binary), "report", "--merge", *files, "--format", "json", "-o", out]
        timed = ["/usr/bin/time", "-f", "%e s wall, %U s user, %S s sys, %M KiB max RSS"] + cmd if os.path.exists("/usr/bin/time") else cmd
        start = time.monotonic()
        r = subprocess.run(timed, capture_output=True, text=True)
        wall = time.monotonic() - start
        if r.returncode != 0:
            raise SystemExit(f"merge failed ({r.returncode}): {r.stderr}")
        merged = json.load(open(out))
        size = sum(os.path.getsize(f) for f in files)
        print(f"{args.reports} reports x {args.entities} entities ({size / 1e6:.1f} MB of JSON): "
              f"{len(merged['entities'])} entities, {len(merged['teams'])} team rows; "
              f"merge {wall:.2f} s wall {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''}")


if __name__ == "__main__":
    main()
