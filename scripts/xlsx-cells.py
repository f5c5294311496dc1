#!/usr/bin/env python3
"""Dumps the cells of one sheet of an XLSX file (inline strings and numbers, as `budget template`
writes them) as lines `scripts/xlsxwriter-replay.c` replays through libxlsxwriter: the floor under
`budget template` for exactly its cells. One line per row (`R row height`) and per cell
(`S row col style text` or `N row col style number`), tab-separated; a text holding a tab or a
newline is refused (the replay reads lines).

    python3 scripts/xlsx-cells.py input.xlsx 支出明细 > cells.tsv

A benchmark aid, not a test; Python standard library only.
"""
import re
import sys
import xml.parsers.expat
import zipfile


def sheet_part(z, name):
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet name="%s" sheetId="\d+" r:id="(rId\d+)"' % re.escape(name), wb).group(1)
    target = re.search(r'Id="%s" Type="[^"]+" Target="([^"]+)"' % rid, rels).group(1)
    return "xl/" + target.lstrip("/").removeprefix("xl/")


def main():
    path, name = sys.argv[1], sys.argv[2]
    out = sys.stdout
    with zipfile.ZipFile(path) as z, z.open(sheet_part(z, name)) as f:
        state = {"cell": None, "text": [], "in": False}

        def col(ref):
            letters = re.match(r"[A-Z]+", ref).group(0)
            n = 0
            for ch in letters:
                n = n * 26 + ord(ch) - 64
            return n - 1, int(ref[len(letters):]) - 1

        def start(tag, a):
            if tag == "row":
                out.write("R\t%d\t%s\n" % (int(a["r"]) - 1, a.get("ht", "")))
            elif tag == "c":
                c, r = col(a["r"])
                state["cell"] = (r, c, a.get("s", "0"), a.get("t", "n"))
                state["text"] = []
            elif tag in ("t", "v"):
                state["in"] = True

        def end(tag):
            if tag in ("t", "v"):
                state["in"] = False
            elif tag == "c" and state["cell"]:
                r, c, s, t = state["cell"]
                text = "".join(state["text"])
                if "\t" in text or "\n" in text:
                    sys.exit("a text with a tab or a newline: the replay reads lines")
                out.write("%s\t%d\t%d\t%s\t%s\n" % ("N" if t == "n" else "S", r, c, s, text))
                state["cell"] = None

        def chars(d):
            if state["in"]:
                state["text"].append(d)

        p = xml.parsers.expat.ParserCreate()
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
        p.ParseFile(f)


if __name__ == "__main__":
    main()
