#!/usr/bin/env python3
"""The floor under reading an input workbook: how long inflating its biggest sheet (zlib, through
Python's zipfile) and tokenizing that XML with expat (C, no callbacks) take, before a single cell
is converted or checked. `budget import`'s read does both and more; this says how near it is.

    python3 scripts/xlsx-read-floor.py FILE.xlsx [--runs 3]

A benchmark, not a test; Python standard library only.
"""
import argparse
import time
import xml.parsers.expat
import zipfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    with zipfile.ZipFile(a.file) as z:
        sheets = [i for i in z.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
        biggest = max(sheets, key=lambda i: i.file_size)
        for run in range(1, a.runs + 1):
            t0 = time.perf_counter()
            data = z.read(biggest.filename)
            t1 = time.perf_counter()
            p = xml.parsers.expat.ParserCreate()
            p.Parse(data, True)
            t2 = time.perf_counter()
            print(f"run {run}: {biggest.filename} {len(data) / 1e6:.1f} MB of XML: inflate {t1 - t0:.2f} s, "
                  f"expat tokenizing {t2 - t1:.2f} s, together {t2 - t0:.2f} s")


if __name__ == "__main__":
    main()
