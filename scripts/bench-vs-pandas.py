#!/usr/bin/env python3
"""Side by side: our `budget load` + `budget export` against a pandas + XlsxWriter script doing the
same work on the same generated workbook folder, in one run, with the ratio.

The peer reads the folder's CSV files (codes as text, amounts in 元 to integer 分), rolls the lines
up the code trees the tables print (function 类/款/项 by basic/project, the general budget and the
government fund by function, economic 类/款 of the basic expenditure by personnel/public, units,
projects, revenue) and writes one sheet per table with XlsxWriter, in 万元. It checks nothing: no
code lists, no limits, no reconciliation; ours also validates every line, writes the SQLite
workspace and lays the tables out from their templates. So the ratio is, if anything, kind to pandas.

A benchmark, not a test. pandas and xlsxwriter come from PyPI (`pip install pandas xlsxwriter`).

    python3 scripts/bench-vs-pandas.py [--lines 1000000] [--binary .build/release/budget] [--runs 3]

It prints each run's wall time and peak resident memory (GNU time) and the median ratio.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PEER = r'''
import sys
import pandas as pd

folder, out = sys.argv[1], sys.argv[2]
str_cols = {c: str for c in ("unit", "function", "economic", "project", "gov_economic", "code", "memo", "basis", "amount")}
items = pd.read_csv(f"{folder}/items.csv", dtype=str_cols, keep_default_na=False)
units = pd.read_csv(f"{folder}/units.csv", dtype=str, keep_default_na=False)
projects = pd.read_csv(f"{folder}/projects.csv", dtype=str, keep_default_na=False)
revenue = pd.read_csv(f"{folder}/revenue.csv", dtype=str, keep_default_na=False)
# Amounts are 元 with two decimals: to integer 分 exactly (no float on the way).
def fen(col):
    if len(col) == 0:
        return pd.Series([], dtype="int64", index=col.index)
    parts = col.str.partition(".")
    return parts[0].astype("int64") * 100 + parts[2].str.ljust(2, "0").str[:2].replace("", "0").astype("int64")
items["fen"] = fen(items["amount"])
revenue["fen"] = fen(revenue["amount"])
items["basic"] = (items["kind"] == "基本支出") * items["fen"]
items["proj"] = (items["kind"] == "项目支出") * items["fen"]
personnel = items["economic"].str[:3].isin(["301", "303"])
items["personnel"] = personnel * items["basic"]
items["public"] = (~personnel) * items["basic"]

def tree(frame, key, lengths, cols):
    out = []
    for n in lengths:
        g = frame.groupby(frame[key].str[:n])[cols].sum()
        g.index.name = "code"
        out.append(g)
    return pd.concat(out).sort_index()

tables = {}
tables["1 收支总表"] = pd.DataFrame({"fen": [items["fen"].sum(), revenue["fen"].sum()]}, index=["支出", "收入"])
tables["2 收入总表"] = revenue.groupby(["source", "code"])[["fen"]].sum()
tables["3 支出总表"] = tree(items, "function", (3, 5, 7), ["fen", "basic", "proj"])
tables["4 财政拨款收支总表"] = items.groupby("source")[["fen", "basic", "proj"]].sum()
general = items[items["source"] == "一般公共预算"]
tables["5 一般公共预算支出表"] = tree(general, "function", (3, 5, 7), ["fen", "basic", "proj"])
basic_general = general[general["kind"] == "基本支出"]
tables["6 一般公共预算基本支出表"] = tree(basic_general, "economic", (3, 5), ["fen", "personnel", "public"])
tables["7 三公经费"] = general[general["economic"].isin(["30211", "30217", "30231", "30213"])].groupby("economic")[["fen"]].sum()
fund = items[items["source"] == "政府性基金预算"]
tables["8 政府性基金预算支出表"] = tree(fund, "function", (3, 5, 7), ["fen", "basic", "proj"])
capital = items[items["source"] == "国有资本经营预算"]
tables["9 国有资本经营预算支出表"] = tree(capital, "function", (3, 5, 7), ["fen", "basic", "proj"])
proj = items[items["kind"] == "项目支出"].groupby(["unit", "project"])[["fen"]].sum()
tables["10 项目支出表"] = proj.join(projects.set_index(["unit", "code"])[["name"]].rename_axis(["unit", "project"]))
tables["11 单位收支总表"] = items.groupby("unit")[["fen", "basic", "proj"]].sum().join(units.set_index("code")[["name"]])
tables["12 单位支出表"] = tree(items.assign(uf=items["unit"] + ":" + items["function"]), "uf",
                             tuple(len(items["unit"].iloc[0]) + 1 + n for n in (3, 5, 7)), ["fen", "basic", "proj"]) if len(items) else pd.DataFrame()
tables["13 政府经济分类支出表"] = tree(basic_general.assign(ge=basic_general["gov_economic"].where(basic_general["gov_economic"] != "", basic_general["economic"])),
                                 "ge", (3, 5), ["fen"])

with pd.ExcelWriter(out, engine="xlsxwriter") as w:
    for name, t in tables.items():
        t = t.copy()
        for c in t.columns:
            if c != "name":
                # 分 → 万元, rounded half up once (integer arithmetic, then the printed figure).
                t[c] = ((t[c] + 50) // 100) / 100
        t.to_excel(w, sheet_name=name[:31])
'''


def run(cmd):
    """Runs a child, returns (wall seconds, its peak resident memory in MB, from GNU time)."""
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return wall, int(r.stderr.strip().splitlines()[-1]) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--binary", default=".build/release/budget")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="keep the generated folder here")
    a = ap.parse_args()
    budget = os.path.abspath(a.binary)
    work = tempfile.mkdtemp(prefix="bench-vs-pandas-")
    try:
        ws0, folder = f"{work}/gen.budget", a.keep or f"{work}/folder"
        subprocess.run([budget, "synthetic-workspace", str(a.lines), ws0], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([budget, "save", ws0, "--to", folder], check=True, stdout=subprocess.DEVNULL)
        size = os.path.getsize(f"{folder}/items.csv") / 1e6
        peer = f"{work}/peer.py"
        with open(peer, "w") as f:
            f.write(PEER)
        print(f"{a.lines} lines, items.csv {size:.1f} MB, {os.cpu_count()} cores, {a.runs} runs each, interleaved")
        ours, theirs = [], []
        for i in range(a.runs):
            ws = f"{work}/ws{i}.budget"
            l, lm = run([budget, "load", folder, "--into", ws])
            e, em = run([budget, "export", ws, "--out", f"{work}/ours{i}.xlsx"])
            p, pm = run([sys.executable, peer, folder, f"{work}/peer{i}.xlsx"])
            ours.append(l + e)
            theirs.append(p)
            print(f"run {i + 1}: ours load {l:.2f} s ({lm:.0f} MB) + export {e:.2f} s ({em:.0f} MB) = {l + e:.2f} s"
                  f" · pandas + XlsxWriter {p:.2f} s ({pm:.0f} MB)")
            for f in (ws, ws + "-wal", ws + "-shm"):
                if os.path.exists(f):
                    os.remove(f)
        mo, mp = statistics.median(ours), statistics.median(theirs)
        print(f"median: ours {mo:.2f} s, pandas {mp:.2f} s: ours is {mp / mo:.2f}× as fast")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
