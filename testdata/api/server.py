#!/usr/bin/env python3
"""A stand-in Backstage catalog on 127.0.0.1 for tests/test_snapshot.cpp (standard library only).

usage: server.py PORT_FILE FIXTURE_DIR LOG_FILE

Binds an ephemeral port on 127.0.0.1, writes it to PORT_FILE, and serves
GET <prefix>/api/catalog/entities/by-query from FIXTURE_DIR's page1.json / page2.json:
without `cursor` page 1 (whose pageInfo.nextCursor names page 2), with that cursor page 2.
Each request is logged to LOG_FILE as one line "PATH?QUERY auth=yes|no".

Prefixes: /ok (no auth needed), /auth (needs "Authorization: Bearer s3cret", else 401),
/fail (500), /slow (answers after 30 s), /bad (200 with a body that is not JSON),
/redirect (302 to /ok), /big (200 with 4 MiB of JSON), /loop (every page names the same cursor).
"""

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PORT_FILE, FIXTURES, LOG = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
PAGE1 = (FIXTURES / "page1.json").read_bytes()
PAGE2 = (FIXTURES / "page2.json").read_bytes()
CURSOR = json.loads(PAGE1)["pageInfo"]["nextCursor"]
BY_QUERY = "/api/catalog/entities/by-query"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        auth = self.headers.get("Authorization")
        with open(LOG, "a") as log:
            log.write(f"{url.path}?{url.query} auth={'yes' if auth else 'no'}\n")
        prefix, _, rest = url.path[1:].partition("/")
        if "/" + rest != BY_QUERY:
            return self.send(404, b'{"error":{"name":"NotFoundError","message":"Not found"}}')
        cursor = parse_qs(url.query).get("cursor", [None])[0]
        if prefix == "auth" and auth != "Bearer s3cret":
            return self.send(
                401, b'{"error":{"name":"AuthenticationError","message":"Missing credentials"}}'
            )
        if prefix == "fail":
            return self.send(500, b'{"error":{"name":"Error","message":"boom"}}')
        if prefix == "slow":
            time.sleep(30)
        if prefix == "bad":
            return self.send(200, b"<html>not json</html>", "text/html")
        if prefix == "redirect":
            return self.send(302, b"", headers=[("Location", "/ok" + BY_QUERY)])
        if prefix == "big":
            return self.send(200, b'{"items":[' + b'"x",' * (1 << 20) + b'"x"]}')
        if prefix == "loop":
            return self.send(200, PAGE1)
        if cursor is None:
            return self.send(200, PAGE1)
        if cursor == CURSOR:
            return self.send(200, PAGE2)
        return self.send(400, b'{"error":{"name":"InputError","message":"Malformed cursor"}}')


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that stops reading (the size-limit test) is expected


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
Path(PORT_FILE + ".tmp").write_text(str(server.server_address[1]))
Path(PORT_FILE + ".tmp").rename(PORT_FILE)
server.serve_forever()
