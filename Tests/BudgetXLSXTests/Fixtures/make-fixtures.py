#!/usr/bin/env python3
"""Writes the foreign-writer fixtures of BudgetXLSXTests (EmptyCellTests).

Each workbook holds the same small table, with empty strings beside texts, so a reader that
carries one cell's text into the next empty cell is caught. Run from anywhere:

    python3 Tests/BudgetXLSXTests/Fixtures/make-fixtures.py

Needs openpyxl, pandas and xlsxwriter (pip) and LibreOffice (`soffice`). The files are committed;
rerun only to refresh them (timestamps differ from run to run, cell XML does not).
"""
import csv
import datetime
import os
import shutil
import subprocess
import tempfile

import openpyxl
import openpyxl.styles
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
WHEN = datetime.datetime(2025, 1, 1)

# "" is an empty string written as a string; None is no value at all. Column A is text (codes).
HEADER = ["预算单位", "项目", "项目类别", "金额", "备注"]
ROWS = [
    ["080001", "基本支出", "", 1200.5, ""],
    ["080001", "", "其他运转类", 0, "说明"],
    ["", "项目甲", "特定目标类", 3, ""],
    ["080002", "", "", None, "末尾"],
]


def openpyxl_fixture():
    wb = openpyxl.Workbook()
    wb.properties.created = WHEN
    wb.properties.modified = WHEN
    ws = wb.active
    ws.title = "数据"
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    # A cell with only a style (a bordered input cell): <c r="F3" s="1"/>.
    ws["F3"].font = openpyxl.styles.Font(bold=True)
    wb.save(os.path.join(HERE, "openpyxl-empty-strings.xlsx"))


def pandas_fixture(engine):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    path = os.path.join(HERE, f"pandas-{engine}-empty-strings.xlsx")
    with pd.ExcelWriter(path, engine=engine) as writer:
        frame.to_excel(writer, sheet_name="数据", index=False)


def libreoffice_fixture():
    work = tempfile.mkdtemp()
    try:
        source = os.path.join(work, "libreoffice-empty-strings.csv")
        with open(source, "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(HEADER)
            for row in ROWS:
                out.writerow(["" if v is None else v for v in row])
        subprocess.run(["soffice", "--headless", "--infilter=CSV:44,34,76,1,1/2/2/2/3/2/4/1/5/2", "--convert-to", "xlsx",
                        "--outdir", work, source], check=True, capture_output=True,
                       env={**os.environ, "HOME": work})
        shutil.copy(os.path.join(work, "libreoffice-empty-strings.xlsx"), HERE)
        shutil.copy(source, HERE)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    openpyxl_fixture()
    pandas_fixture("openpyxl")
    pandas_fixture("xlsxwriter")
    libreoffice_fixture()
