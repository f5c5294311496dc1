#!/usr/bin/env python3
"""The server's edit path at scale: an amount edit's round trip, from the HTTP request to the answer
that carries the committed line and the tree's updated subtotals, against `budget serve` on a
synthetic workspace (10^6 lines by default), with durability as the server has it (WAL, every
step one committed transaction).

    python3 scripts/bench-edit-roundtrip.py [--lines 1000000] [--edits 1000] [--binary .build/release/budget]

It prints the server's start (workspace opened, roll-up ready), then p50, p90, p99 and the worst
round trip over the edits, each edit a `set` intention of one line's amount as the grid sends it,
on one kept-alive connection from this process (so the time includes Python's HTTP client, a few
tens of µs). A benchmark, not a test.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--binary", default=".build/release/budget")
    ap.add_argument("--workspace", help="an existing workspace instead of a generated one (it is edited)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    budget = os.path.abspath(a.binary)
    work = tempfile.mkdtemp(prefix="bench-edit-")
    server = None
    try:
        ws = a.workspace or f"{work}/ws.budget"
        if not a.workspace:
            subprocess.run([budget, "synthetic-workspace", str(a.lines), ws], check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        t0 = time.perf_counter()
        server = subprocess.Popen([budget, "serve", ws, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        conn = None
        while True:
            if server.poll() is not None:
                sys.exit("the server stopped: " + server.stderr.read().decode()[-2000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", "/api/meta")
                r = conn.getresponse()
                meta = json.loads(r.read())
                if r.status == 200:
                    break
            except OSError:
                time.sleep(0.02)
        started = time.perf_counter() - t0
        print(f"{meta.get('itemCount')} lines; server answering after {started:.2f} s")
        conn.request("GET", "/api/items?limit=2000")
        page = json.loads(conn.getresponse().read())
        items = {i["id"]: i["version"] for i in page["items"]}
        ids = list(items)
        rng = random.Random(a.seed)
        origin = f"http://127.0.0.1:{port}"
        times = []
        for k in range(a.edits):
            i = rng.choice(ids)
            body = json.dumps({"op": "set", "session": "bench", "author": "bench", "view": "function", "money": "yuan",
                               "id": i, "version": items[i], "fields": {"amount": f"{rng.randint(1, 10**7)}.{rng.randint(0, 99):02d}"}})
            t = time.perf_counter()
            conn.request("POST", "/api/edit", body, {"Content-Type": "application/json", "Origin": origin})
            r = conn.getresponse()
            out = r.read()
            times.append(time.perf_counter() - t)
            if r.status != 200:
                sys.exit(f"edit {k} refused ({r.status}): {out[:500]!r}")
            answer = json.loads(out)
            for line in answer.get("items", []):
                if line.get("id") in items:
                    items[line["id"]] = line["version"]
            if k == 0:
                keys = sorted(answer)
        times.sort()
        ms = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
        print(f"{a.edits} amount edits, one connection: p50 {ms(0.5):.2f} ms  p90 {ms(0.9):.2f} ms  p99 {ms(0.99):.2f} ms"
              f"  worst {times[-1] * 1000:.2f} ms  (mean {statistics.mean(times) * 1000:.2f} ms)")
        print(f"the answer carries: {', '.join(keys)}")
    finally:
        if server and server.poll() is None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
