#!/usr/bin/env python3
"""Fuzzes the workbench's HTTP surface (`budget serve`) over raw sockets to 127.0.0.1.

Starts `budget serve` with a token on a fresh demo workspace and sends mutated requests: spellings of every
route (empty, dot and escaped segments, case, trailing slashes, absolute-form, overlong), methods, HTTP
versions, Host / Origin / Sec-Fetch-Site / token headers, bodies (valid edits, bad JSON, bad UTF-8, NUL,
deep nesting, oversize, wrong or missing lengths, chunked, both framings) and pipelines of several requests.

It checks, for every case:
  - a request that does not carry the token never gets a 2xx except GET/HEAD of the page's own files
    (`/`, `/index.html`, the page's modules and `/app.css`), and such a 2xx is the page file, not budget data;
  - a connection whose requests do not carry the token leaves the workspace unchanged (its lines, versions,
    amounts and change log are read back with sqlite3 after every case);
  - the server process is alive after every case and answers `GET /` every 50 cases and at the end.

Bounded: --cases (default 3000) and --seconds (default 600) cap the run; every socket read times out;
it stops the server it started and removes its temporary folder. Standard library only.

    python3 scripts/fuzz-http.py [--budget .build/debug/budget] [--cases 3000] [--seed 1]

Exit status 0 when no check failed, 1 otherwise (the failing cases are printed).
"""
import argparse
import hashlib
import json
import os
import random
import re
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter

PUBLIC = {"/", "/index.html", "/app.css", "/main.js", "/state.js", "/server.js", "/tree.js", "/grid.js", "/panels.js", "/tables.js", "/ui.js"}
PAGE_TYPES = ("text/html", "text/css", "text/javascript")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- the server and the workspace

def start_server(budget, workspace, token):
    log = open(os.path.join(os.path.dirname(workspace), "serve.log"), "wb")
    proc = subprocess.Popen([budget, "serve", workspace, "--token", token, "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=log)
    deadline = time.time() + 60
    text = b""
    while time.time() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            text += chunk
            m = re.search(rb"http://[^:/\s]+:(\d+)/", text)
            if m:
                return proc, int(m.group(1))
        if proc.poll() is not None:
            break
    proc.kill()
    sys.exit("budget serve did not start: " + text.decode("utf-8", "replace"))


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Workspace:
    """Reads the workspace file back (read-only) to see whether anything changed."""

    def __init__(self, path):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)

    TABLES = ("item", "change_log", "unit", "project", "revenue", "meta")

    def digest(self, since_log_id):
        """One hash a table (so a change can be named) and the change-log rows after `since_log_id`, read in one
        transaction so that a line and its log entry are seen together."""
        out = []
        self.db.execute("BEGIN")
        try:
            for table in self.TABLES:
                h = hashlib.sha256()
                for row in self.db.execute(f"SELECT * FROM {table} ORDER BY 1"):
                    h.update(repr(row).encode())
                out.append(h.hexdigest()[:16])
            log = self.db.execute("SELECT id, author, action, item_id FROM change_log WHERE id > ? ORDER BY id",
                                  (since_log_id,)).fetchall()
        finally:
            self.db.execute("COMMIT")
        return tuple(out), log

    def last_log_id(self):
        return self.db.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0]

    def changed(self, before, after):
        return [t for t, a, b in zip(self.TABLES, before, after) if a != b]

    def lines(self, n):
        rows = self.db.execute("SELECT id, unit, function, economic, source, carryover, kind, project, version "
                               "FROM item ORDER BY id LIMIT ?", (n,)).fetchall()
        return rows

    def version(self, item_id):
        row = self.db.execute("SELECT version FROM item WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else 1


SOURCES = ["一般公共预算", "政府性基金", "国有资本经营预算", "财政专户管理资金", "单位资金"]


def line_json(row, version, author, amount="12.34", memo="fuzz"):
    item_id, unit, function, economic, source, carryover, kind, project, _ = row
    return {"unit": unit, "function": function, "economic": economic, "source": SOURCES[source],
            "carryover": "上年结转" if carryover else "当年", "kind": "项目支出" if kind else "基本支出",
            "project": project, "amount": amount, "memo": memo, "version": version, "author": author}


# ---------------------------------------------------------------- raw HTTP

def exchange(port, data, timeout, methods=None):
    """Sends bytes as they are and reads until the server closes, or `timeout` seconds pass without data, or
    (given the requests' methods) every request has a complete answer and nothing more comes for 0.2 s."""
    received = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            try:
                s.sendall(data)
            except OSError:
                pass
            answered = False
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    return received, "answered" if answered else "timeout"
                except OSError:
                    return received, "reset"
                if not chunk:
                    return received, "closed"
                received += chunk
                if len(received) > 64 << 20:
                    return received, "too much"
                if methods and not answered and len(parse_responses(received, methods)) >= len(methods):
                    answered = True
                    s.settimeout(0.2)
    except OSError as e:
        return received, f"connect: {e}"


def parse_responses(data, methods):
    """Splits the bytes a server sent into (status, headers, body) in order; HEAD answers have no body."""
    out = []
    i = 0
    while i < len(data):
        end = data.find(b"\r\n\r\n", i)
        if end < 0:
            break
        head = data[i:end].decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/\d\.\d (\d{3})", head[0])
        if not m:
            break
        headers = {}
        for h in head[1:]:
            k, _, v = h.partition(":")
            headers[k.strip().lower()] = v.strip()
        i = end + 4
        body = b""
        is_head = len(out) < len(methods) and methods[len(out)] == "HEAD"
        if not is_head:
            if "content-length" in headers:
                n = int(headers["content-length"])
                if len(data) < i + n:
                    break                                                   # not all there yet
                body, i = data[i:i + n], i + n
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                while True:
                    line_end = data.find(b"\r\n", i)
                    if line_end < 0:
                        i = len(data)
                        break
                    size = int(data[i:line_end].split(b";")[0] or b"0", 16)
                    i = line_end + 2
                    body += data[i:i + size]
                    i += size + 2
                    if size == 0:
                        break
        out.append((int(m.group(1)), headers, body))
    return out


# ---------------------------------------------------------------- mutations

def mutate_path(rng, path, port):
    """0–3 mutations of a path (the query is kept apart and put back)."""
    path, sep, query = path.partition("?")
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
        slashes = [i for i, c in enumerate(path) if c == "/"] or [0]
        at = rng.choice(slashes)
        kind = rng.randrange(22)
        if kind == 0:
            path = path[:at] + "/" + path[at:]                     # a doubled slash
        elif kind == 1:
            path = "/" * rng.randint(2, 4) + path.lstrip("/")       # leading slashes
        elif kind == 2:
            path = path + "/" * rng.randint(1, 2)                   # trailing slash
        elif kind == 3:
            path = path[:at] + "/." + path[at:]                     # /./
        elif kind == 4:
            path = path[:at] + "/x/.." + path[at:]                  # /x/../
        elif kind == 5 and at > 0:
            path = path[:at] + rng.choice(["%2f", "%2F", "%5c", "%5C", "\\"]) + path[at + 1:]
        elif kind == 6 and len(path) > 1:
            j = rng.randrange(1, len(path))
            if path[j] != "/":                                       # one character escaped
                escaped = ("%%%02X" if rng.random() < 0.5 else "%%%02x") % ord(path[j])
                path = path[:j] + escaped + path[j + 1:]
        elif kind == 7:
            path = path.upper() if rng.random() < 0.5 else path.replace("api", "Api")
        elif kind == 8:
            path = path + rng.choice([";x", "#frag", "%00", "%", "%zz", " ", "\t", "é", "／", "..", "/."])
        elif kind == 9:
            path = path.lstrip("/")                                 # no leading slash
        elif kind == 10:
            path = rng.choice(["http://evil.example", f"http://127.0.0.1:{port}", "https://127.0.0.1",
                               "HTTP://localhost", "//evil.example"]) + path
        elif kind == 11:
            path = "/api/" + "a/" * rng.choice([600, 5000, 50000]) + "meta"   # overlong
        elif kind == 12:
            path = path[:at] + "/.." + path[at:]
        elif kind == 13:
            path = path[:at] + "/%2e" + path[at:]
        elif kind == 14:
            path = path[:at] + "/%2e%2e" + path[at:]
        elif kind == 15:
            path = rng.choice(["*", "", "127.0.0.1:%d" % port, "/api", "/api/", "/api/items/", "/api/items/0",
                               "/api/items/-1", "/api/items/99999999999999999999", "/api/items/1e3", "/API/META"])
        elif kind == 16:
            path = path.replace("/", "//")
        elif kind == 17:
            path = path + "?" + rng.choice(["", "token=", "token=%00", "a=" + "b" * 3000, "&&&", "=", "view=../x"])
        elif kind == 18:
            path = path[:at] + "/" + "\x00" + path[at:]
        elif kind == 19:
            path = path[:at] + "/\udcff" + path[at:]                 # a raw 0xFF byte
        elif kind == 20:
            path = path.replace("/api", "/api/.", 1)
        else:
            path = path[:at] + "/;" + path[at:]
    return path + (sep + query if sep else "")


TOKEN_HEADER_SPELLINGS = ["X-Budget-Token", "x-budget-token", "X-BUDGET-TOKEN", "X-Budget-token"]


def token_variant(rng, token):
    """How this request carries the token: (where, value, knows_token)."""
    r = rng.random()
    if r < 0.55:
        return None, None, False
    if r < 0.65:
        return "header", token, True
    if r < 0.70:
        return "query", token, True
    if r < 0.72:
        return "query", "".join("%%%02X" % b for b in token.encode()), True   # the same token, escaped
    wrong = rng.choice([token[:-1], token.upper(), token[1:], token + "x", "", " ", token[::-1], "\x00" + token,
                        token.replace("-", "_"), "A" * 5000])
    return rng.choice(["header", "query"]), wrong, False


def make_body(rng, lines, ws, target, carries_token, author):
    """A body for the route: usually a valid edit (so that a request the guard let through would change the
    workspace), often broken. Returns bytes or None."""
    row = rng.choice(lines)
    valid = line_json(row, ws.version(row[0]), author)
    kind = rng.randrange(16)
    if kind < 6:
        obj = valid
        if "batch" in target:
            obj = {"items": [valid] * rng.randint(1, 3), "author": author}
        return json.dumps(obj, ensure_ascii=rng.random() < 0.5).encode()
    if kind == 6:
        return json.dumps(valid).encode()[: rng.randrange(1, 60)]                    # cut short
    if kind == 7:
        return json.dumps(valid, ensure_ascii=False).encode().replace("fuzz".encode(), b"\xff\xfe\xc3")  # bad UTF-8
    if kind == 8:
        return json.dumps({**valid, "memo": "a\x00b"}).encode()
    if kind == 9:
        return b"[" * rng.choice([1000, 100000]) + b"]" * rng.choice([0, 1000])     # deep nesting
    if kind == 10:
        return b"{" + b'"a":1,' * ((2 << 20) // 6 + 10) + b'"b":2}'                 # over the 2 MiB limit
    if kind == 11:
        bad = dict(valid)
        key = rng.choice([k for k in bad if k != "author"])
        bad[key] = rng.choice([None, 5, [], {}, "", "x" * 300, True, -1, "١٢٣", "１２３"])
        return json.dumps(bad).encode()
    if kind == 12:
        amount = rng.choice(["-1", "1.234", "1e5", "0x10", "NaN", "", " 1", "1,000", "99999999.99"])
        if not carries_token:
            amount = rng.choice([amount, "92233720368547758.08", "1" * 40])
        return json.dumps({**valid, "amount": amount}).encode()
    if kind == 13:
        return rng.choice([b"", b"null", b"{}", b"[]", b"\"x\"", b"1", b"{\"items\":[]}", b"\xef\xbb\xbf{}"])
    if kind == 14:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    return json.dumps({**valid, "version": rng.choice([0, -1, 2 ** 63, "1", None])}).encode()


def build_request(rng, port, token, lines, ws, last_in_connection, author):
    """One mutated request: (bytes, method, knows_token, description). Its edits are signed `author`, so that a
    change in the log can be traced to the request that made it."""
    row = rng.choice(lines)
    item_id, version = row[0], ws.version(row[0])
    routes = [("GET", p) for p in ["/", "/index.html", "/main.js", "/app.css", "/api/meta", "/api/tree?view=function",
                                   "/api/tree?view=unit", "/api/items?limit=3", f"/api/items/{item_id}",
                                   f"/api/items/{item_id}/history", "/api/changes?since=0",
                                   "/api/codes?set=function&q=220", "/api/checks", "/api/export", "/api/narrative"]]
    routes += [("PUT", f"/api/items/{item_id}")] * 4 + [("POST", "/api/items")] * 3 + [("POST", "/api/items/batch")] * 2
    routes += [("DELETE", f"/api/items/{item_id}?version={version}&author={author}")] * 3
    method, target = rng.choice(routes)
    if rng.random() < 0.15:
        method = rng.choice(["GET", "HEAD", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "get",
                             "FOO", "PROPFIND", "M-SEARCH"])
    if rng.random() < 0.6:
        target = mutate_path(rng, target, port)
    where, value, knows = token_variant(rng, token)
    if where == "query":
        target += ("&" if "?" in target else "?") + "token=" + value
    version_text = "HTTP/1.1"
    if rng.random() < 0.08:
        version_text = rng.choice(["HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/1.2", "HTTP/1.1 x", "", "http/1.1"])
    headers = []
    host = f"127.0.0.1:{port}"
    r = rng.random()
    if r < 0.80:
        headers.append(("Host", host))
    elif r < 0.84:
        pass                                                                  # no Host
    elif r < 0.87:
        headers.append(("Host", ""))
    elif r < 0.90:
        headers += [("Host", host), ("Host", rng.choice(["evil.example", host]))]
    else:
        headers.append(("Host", rng.choice(["evil.example", "localhost", f"LOCALHOST:{port}", f"[::1]:{port}",
                                            f"127.0.0.1:{port}, evil.example", "127.0.0.1.evil.example",
                                            f"127.0.0.1:{port}x", "a b", "\xff"])))
    r = rng.random()
    if r < 0.5:
        headers.append(("Origin", f"http://127.0.0.1:{port}"))
    elif r < 0.7:
        headers.append(("Origin", rng.choice([f"https://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}",
                                              "http://evil.example", "null", "", f"http://localhost:{port}"])))
    if rng.random() < 0.15:
        headers.append(("Sec-Fetch-Site", rng.choice(["same-origin", "same-site", "cross-site", "none", "x"])))
    if where == "header":
        headers.append((rng.choice(TOKEN_HEADER_SPELLINGS), value))
    if rng.random() < 0.05:
        headers.append(("X-Budget-Token", token[:-1]))                       # a second, wrong token
        knows = False if where != "header" else knows
    body = None
    if method in ("PUT", "POST", "PATCH", "DELETE") and (method != "DELETE" or rng.random() < 0.2):
        body = make_body(rng, lines, ws, target, knows, author)
    framing = rng.random()
    if body is not None:
        headers.append(("Content-Type", rng.choice(["application/json", "text/plain", "application/json; charset=utf-8"])))
    if rng.random() < 0.03:
        headers.append(("X-Pad", "p" * rng.choice([1000, 90000])))              # over NIO's 80 KiB header limit
    if rng.random() < 0.03:
        headers.append(("Bad Header", "x"))
    if not last_in_connection:
        pass
    elif rng.random() < 0.95:
        headers.append(("Connection", "close"))
    payload = b""
    if body is not None:
        if framing < 0.80:
            headers.append(("Content-Length", str(len(body))))
            payload = body
        elif framing < 0.88:
            headers.append(("Transfer-Encoding", "chunked"))
            step = max(1, len(body) // 3)
            for i in range(0, len(body), step):
                part = body[i:i + step]
                payload += b"%x\r\n" % len(part) + part + b"\r\n"
            payload += b"0\r\n\r\n"
        elif framing < 0.92:
            headers += [("Content-Length", str(len(body))), ("Transfer-Encoding", "chunked")]
            payload = body
        elif framing < 0.95:
            headers.append(("Content-Length", rng.choice(["-1", "abc", str(len(body) + 5), "99999999999999999999"])))
            payload = body
        else:
            payload = body                                                     # no length at all
    head = f"{method} {target} {version_text}".rstrip() + "\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    data = head.encode("utf-8", "surrogateescape") + payload
    return data, method, knows, f"{method} {target[:120]!r} {version_text} token={where}:{knows}"


def is_public_answer(method, status, headers):
    """A 2xx that a request without the token may get: one of the page's files."""
    return method in ("GET", "HEAD") and headers.get("content-type", "").startswith(PAGE_TYPES)


# ---------------------------------------------------------------- the run

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--budget", default=None, help="the budget binary (default .build/debug/budget, else release)")
    ap.add_argument("--cases", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--verbose", action="store_true", help="print every case")
    args = ap.parse_args()
    budget = args.budget or next((p for p in (os.path.join(REPO, ".build/debug/budget"), os.path.join(REPO, ".build/release/budget"))
                                  if os.path.exists(p)), None)
    if not budget:
        sys.exit("no budget binary: run `swift build` first or pass --budget")
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="fuzz-http-")
    proc = None
    try:
        subprocess.run([budget, "demo", "--dir", tmp], cwd=REPO, check=True, stdout=subprocess.DEVNULL, timeout=300)
        workspace = os.path.join(tmp, "zezhou-2025.budget")
        token = "fuzz-" + "".join(rng.choice("0123456789abcdef") for _ in range(24))
        proc, port = start_server(budget, workspace, token)
        ws = Workspace(workspace)
        lines = ws.lines(40)
        log_id = ws.last_log_id()
        digest, _ = ws.digest(log_id)
        signed_with_token = set()
        started = time.time()
        rss_start = rss_max = rss_kib(proc.pid)
        failures = []
        statuses = Counter()
        outcomes = Counter()
        requests = tokened = tokened_changes = 0
        cases = 0
        previous = None
        while cases < args.cases and time.time() - started < args.seconds:
            cases += 1
            count = 1 if rng.random() < 0.85 else rng.randint(2, 4)            # sometimes a pipeline
            parts, methods, knows_any, descriptions = [], [], False, []
            knows_each = []
            for k in range(count):
                author = f"fuzz-{cases}-{k}"
                data, method, knows, description = build_request(rng, port, token, lines, ws, k == count - 1, author)
                if knows or token.encode() in data:
                    signed_with_token.add(author)
                parts.append(data)
                methods.append(method)
                knows_each.append(knows)
                knows_any |= knows or token.encode() in data
                descriptions.append(description)
            requests += count
            tokened += sum(knows_each)
            received, how = exchange(port, b"".join(parts), timeout=rng.choice([2, 3]), methods=methods)
            outcomes[how] += 1
            responses = parse_responses(received, methods)
            if not responses:
                statuses["no answer"] += 1
            for n, (status, headers, body) in enumerate(responses):
                statuses[status] += 1
                method = methods[n] if n < len(methods) else "?"
                if 200 <= status < 300 and not knows_any and not is_public_answer(method, status, headers):
                    failures.append(f"case {cases}: {status} without the token for {descriptions[min(n, count - 1)]}: "
                                    f"{headers.get('content-type')} {body[:80]!r}")
            # Every change must be logged and signed by a request that carried the token (it may be an earlier
            # case's, when that request outlived its read timeout).
            now, log = ws.digest(log_id)
            changed = ws.changed(digest, now)
            for entry_id, author, action, item_id in log:
                if author in signed_with_token:
                    tokened_changes += 1
                else:
                    failures.append(f"case {cases}: {action} of line {item_id} by {author!r}, a request without the token: "
                                    f"{descriptions} (the case before: {previous})")
                log_id = entry_id
            if [t for t in changed if t != "change_log" and not (t == "item" and log)]:
                failures.append(f"case {cases}: {', '.join(changed)} changed without a logged edit: {descriptions}")
            digest = now
            previous = (descriptions, how, [r[0] for r in responses])
            if args.verbose:
                print(cases, previous, flush=True)
            if proc.poll() is not None:
                failures.append(f"case {cases}: the server exited ({proc.returncode}) after {descriptions}")
                break
            if cases % 50 == 0:
                rss_max = max(rss_max, rss_kib(proc.pid))
                alive = parse_responses(exchange(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                                                       f"Connection: close\r\n\r\n".encode(), 10)[0], ["GET"])
                if not alive or alive[0][0] != 200:
                    failures.append(f"case {cases}: the server no longer answers GET /")
        elapsed = time.time() - started
        final = parse_responses(exchange(port, f"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Budget-Token: {token}\r\n"
                                               f"Connection: close\r\n\r\n".encode(), 10)[0], ["GET"])
        if not final or final[0][0] != 200:
            failures.append("at the end: GET /api/meta with the token does not answer 200")
        rss_end = rss_kib(proc.pid)
        rss_max = max(rss_max, rss_end)
        print(f"fuzz-http: {cases} cases, {requests} requests ({tokened} carrying the token), seed {args.seed}, "
              f"{elapsed:.1f} s")
        print("  statuses: " + ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))))
        print("  connections: " + ", ".join(f"{k}×{v}" for k, v in sorted(outcomes.items())))
        print(f"  logged edits, each by a request carrying the token: {tokened_changes}")
        print(f"  server memory (RSS): {rss_start // 1024} MiB at start, {rss_max // 1024} MiB at most, {rss_end // 1024} MiB at the end")
        print(f"  failures: {len(failures)}")
        for f in failures[:40]:
            print("   - " + f)
        return 1 if failures else 0
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
