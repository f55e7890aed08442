#!/usr/bin/env python3
"""Language server benchmark (issue 16): `catalog-lint lsp` on a 300-line catalog file.

Opens a generated 300-line catalog-info.yaml (15 Components of 20 lines, a few findings) in a
temporary git repository with a small org catalog, then sends N full-text didChange
notifications one at a time, each editing one description, and times each from the write of the
notification to the read of the publishDiagnostics of that version (the server lints when its
queue is empty, so one edit is one lint: this is the server's time plus two pipe hops). Reports
the median and the 90th percentile, the server's CPU time per edit (user + system, from
/proc/PID/stat: the server-side cost, less sensitive to a loaded machine), and its RSS (VmRSS of /proc/PID/status) after the
first edit, after 100 and after 1,000 edits.

    bench/lsp.py [--binary build/catalog-lint] [--edits 1000] [--write bench/RESULTS.md]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    def __init__(self, binary, cwd):
        self.proc = subprocess.Popen([binary, "lsp"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def send(self, message):
        self.proc.stdin.write(frame(message))
        self.proc.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def wait(self, match):
        while True:
            m = self.read()
            if match(m):
                return m

    def cpu_ms(self):
        """User + system CPU time of the server so far (/proc/PID/stat fields 14 and 15)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def catalog_file(edit):
    out = []
    for i in range(15):
        tag = "Bad_Tag" if i % 5 == 0 else "fine"
        out += [
            "---" if i else "# a generated catalog file (bench/lsp.py)",
            "apiVersion: backstage.io/v1alpha1",
            "kind: Component",
            "metadata:",
            f"  name: service-{i}",
            f"  description: service {i}, edit {edit}",
            "  annotations:",
            f"    github.com/project-slug: example/service-{i}",
            "    backstage.io/techdocs-ref: dir:.",
            "  tags:",
            f"    - {tag}",
            "    - java",
            "  links:",
            f"    - url: https://example.com/service-{i}",
            "      title: Dashboard",
            "spec:",
            "  type: service",
            "  lifecycle: production",
            f"  owner: {'team-a' if i % 4 else 'team-x'}",
            f"  system: {'payments' if i % 3 else 'paymens'}",
        ]
    assert len(out) == 300, len(out)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default="build/catalog-lint")
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--write", help="append the results to this markdown file")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    root = tempfile.mkdtemp(prefix="lsp-bench-")
    subprocess.run(["git", "init", "-q", root], check=True)
    os.makedirs(f"{root}/org")
    with open(f"{root}/.catalog-lint.yaml", "w") as f:
        f.write("catalog: [org]\n")
    with open(f"{root}/org/org.yaml", "w") as f:
        f.write("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
                "spec:\n  type: team\n  children: []\n---\napiVersion: backstage.io/v1alpha1\n"
                "kind: System\nmetadata:\n  name: payments\nspec:\n  owner: team-a\n")
    uri = f"file://{root}/catalog-info.yaml"
    server = Server(binary, root)
    server.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"processId": None, "rootUri": f"file://{root}", "capabilities": {}}})
    server.wait(lambda m: m.get("id") == 1)
    server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                             "text": catalog_file(0)}}})

    def published(version):
        return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"]["uri"] == uri and m["params"].get("version") == version)

    first = server.wait(published(1))
    findings = len(first["params"]["diagnostics"])
    times, rss = [], {}
    cpu_before = server.cpu_ms()
    for edit in range(1, args.edits + 1):
        version = edit + 1
        message = {"jsonrpc": "2.0", "method": "textDocument/didChange",
                   "params": {"textDocument": {"uri": uri, "version": version},
                              "contentChanges": [{"text": catalog_file(edit)}]}}
        start = time.perf_counter()
        server.send(message)
        server.wait(published(version))
        times.append((time.perf_counter() - start) * 1000)
        if edit in (1, 100, args.edits):
            rss[edit] = server.rss_kib()
    cpu_per_edit = (server.cpu_ms() - cpu_before) / args.edits
    server.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    server.wait(lambda m: m.get("id") == 2)
    server.send({"jsonrpc": "2.0", "method": "exit"})
    code = server.proc.wait(timeout=30)
    times.sort()
    median = statistics.median(times)
    p90 = times[int(len(times) * 0.9) - 1]
    rss_text = ", ".join(f"{rss[k] / 1024:.1f} MiB after {k}" for k in sorted(rss))
    report = (
        f"- {args.edits} full-text didChange of a 300-line file ({findings} findings, 15 entities, "
        f"org catalog of 2): didChange → publishDiagnostics median **{median:.2f} ms**, "
        f"p90 {p90:.2f} ms, min {times[0]:.2f} ms, max {times[-1]:.2f} ms; server CPU "
        f"{cpu_per_edit:.2f} ms per edit\n"
        f"- server RSS: {rss_text}; exit code {code} after shutdown/exit\n")
    print(report, end="")
    if args.write:
        with open(args.write, "a") as f:
            f.write(report)


if __name__ == "__main__":
    sys.exit(main())
