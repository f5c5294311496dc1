#!/usr/bin/env python3
"""The basis of calculation in the browser (issue 12): `=…` typed in an amount cell, the formula bar,
and the 参数 / 标准 / 人员 sheets, on the sample workbook Workbooks/shifan-agriculture-2026.

Every wait is on a condition (the page's state or the server's answer), never on a sleep.
Screenshots (basis-*) go to $BUDGET_SHOTS at 1366 × 768 and 1920 × 1080.
"""
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from test_workbench import REPO, Page, Server, budget_bin, fen_of, make_driver, shot

AMOUNT = 8  # the grid's 金额 column


class BasisTest(unittest.TestCase):
    """示范县农业农村局 2026: a roster of 40 rows, the county's standards, computed lines."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="budget-basis-")
        cls.ws = os.path.join(cls.tmp, "sample.budget")
        subprocess.run([budget_bin(), "load", os.path.join(REPO, "Workbooks", "shifan-agriculture-2026"), "--into", cls.ws],
                       check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, BUDGET_HOME=REPO))
        cls.server = Server(cls.ws)
        cls.driver = make_driver(width=1366, height=768)
        cls.page = Page(cls.driver, cls.server.url)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def lines(self):
        return self.server.api("/api/items?limit=500")["items"]

    def row_of(self, unit, economic):
        """The grid row (all lines, id order) and the line of a unit's economic code."""
        for r, it in enumerate(self.lines()):
            if it["unit"] == unit and it["economic"] == economic:
                return r, it
        self.fail(f"no line {unit} {economic}")

    def server_total(self):
        return self.server.api("/api/tree?view=function")["total"]["values"][0]

    def page_total(self):
        return self.page.js("return window.__budget.tree && window.__budget.tree.total.values[0]")

    def text(self, selector):
        """An element's text read in one script (the sheet is redrawn after every edit)."""
        return self.page.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null", selector)

    def settled(self):
        """The sheet was drawn again from the server's answer (no cell still waiting for it)."""
        return self.page.js("return !document.querySelector('table.sheet td.pending, table.sheet td.edit input')")

    def show_all(self):
        p = self.page
        p.js("""const t = document.getElementById('sheets-pane'); if (!t.hidden) document.getElementById('sheets-close').click();
                document.getElementById('toast').hidden = true;""")
        p.d.find_element(By.ID, "clear-filter").click()
        p.wait(lambda d: d.execute_script("return window.__budget.pages.has(0) && !window.__budget.edit"))

    def test_a_an_expression_typed_in_the_amount_cell_computes_it_and_moves_its_dependents(self):
        p = self.page
        self.show_all()
        r, wage = self.row_of("121001", "30101")
        ri, insurance = self.row_of("121001", "30108")
        self.assertTrue(wage["basis"])
        # The computed cell is marked, its basis the tooltip; the formula bar shows the basis.
        cell = p.cell(r, AMOUNT)
        self.assertIn("computed", cell.get_attribute("class"))
        self.assertEqual(cell.get_attribute("title"), "测算依据：=" + wage["basis"])
        p.click_cell(r, AMOUNT)
        p.wait(lambda d: d.find_element(By.ID, "fx-input").get_attribute("value") == "=" + wage["basis"])
        before = self.server_total()

        p.keys("=(1000+500)*12", Keys.ENTER)
        p.wait(lambda d: self.server.api(f"/api/items?ids={wage['id']}")["items"][0]["amount"] == 1800000)
        moved = self.server.api(f"/api/items?ids={insurance['id']}")["items"][0]
        self.assertNotEqual(moved["amount"], insurance["amount"])
        # On screen at once: the line, the line that moved with it (tinted), the subtotals.
        p.wait(lambda d: fen_of(p.cell_text(r, AMOUNT)) == 1800000)
        p.wait(lambda d: fen_of(p.cell_text(ri, AMOUNT)) == moved["amount"])
        self.assertIn("moved", p.cell(ri, AMOUNT).get_attribute("class"))
        after = self.server_total()
        self.assertNotEqual(after, before)
        p.wait(lambda d: self.page_total() == after)
        self.assertIn("随之重算", p.d.find_element(By.ID, "status-text").text)
        # The status bar's sum of all lines follows too.
        p.wait(lambda d: fen_of(d.find_element(By.ID, "status-figures").text.split("金额合计")[-1].replace("元", "")) == after)
        p.click_cell(r, AMOUNT)
        p.wait(lambda d: d.find_element(By.ID, "fx-input").get_attribute("value") == "=(1000+500)*12")
        for w, h in [(1366, 768), (1920, 1080)]:
            p.d.set_window_size(w, h)
            p.wait(lambda d: d.execute_script("return window.innerWidth") > 0)
            p.click_cell(r, AMOUNT)
            p.wait(lambda d: d.find_element(By.ID, "fx-input").get_attribute("value") == "=(1000+500)*12")
            shot(p.d, f"basis-formula-bar-{w}")
        p.d.set_window_size(1366, 768)

        # A bad expression typed in the formula bar is refused with the engine's words; nothing changes.
        fx = p.d.find_element(By.ID, "fx-input")
        fx.click()
        fx.send_keys(Keys.CONTROL, "a")
        fx.send_keys("=在职人数 × 月工资", Keys.ENTER)
        p.wait(lambda d: d.find_element(By.ID, "toast").is_displayed() and "测算依据" in d.find_element(By.ID, "toast").text)
        self.assertIn(f"明细 #{wage['id']}", p.d.find_element(By.ID, "toast").text)
        shot(p.d, "basis-refused-1366")
        now = self.server.api(f"/api/items?ids={wage['id']}")["items"][0]
        self.assertEqual((now["amount"], now["basis"]), (1800000, "(1000+500)*12"))
        self.assertEqual(self.server_total(), after)
        p.wait(lambda d: fen_of(p.cell_text(r, AMOUNT)) == 1800000)

    def test_b_a_standard_change_recomputes_its_lines_and_the_roster_is_a_sheet(self):
        p = self.page
        self.show_all()
        lines = [it for it in self.lines() if it["economic"] == "30108"]
        self.assertEqual(len(lines), 2)
        rows = {it["id"]: r for r, it in enumerate(self.lines())}
        p.d.find_element(By.ID, "btn-sheets").click()
        p.d.find_element(By.CSS_SELECTOR, '#sheet-tabs button[data-sheet="standards"]').click()
        cell = p.wait(lambda d: d.find_element(By.CSS_SELECTOR, 'table.sheet[data-sheet="standards"] tr[data-key="养老保险单位缴费比例"] td.edit'))
        self.assertEqual(cell.text, "16%")
        cell.click()
        box = p.wait(lambda d: d.find_element(By.CSS_SELECTOR, 'tr[data-key="养老保险单位缴费比例"] td.edit input'))
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys("20%", Keys.ENTER)
        # 16% → 20%: each pension line × 1.25, on the server and in the grid below the sheet.
        for it in lines:
            want = it["amount"] // 4 * 5
            p.wait(lambda d: self.server.api(f"/api/items?ids={it['id']}")["items"][0]["amount"] == want)
            p.wait(lambda d: fen_of(p.cell_text(rows[it["id"]], AMOUNT)) == want)
        p.wait(lambda d: self.page_total() == self.server_total())
        p.wait(lambda d: self.text('tr[data-key="养老保险单位缴费比例"] td.edit') == "20%" and self.settled())
        self.assertIn("随之重算的 2 行", p.d.find_element(By.ID, "sheet-moved").text)

        # The roster: 40 rows with their amount fields; a head count edited moves the wage line.
        p.d.find_element(By.CSS_SELECTOR, '#sheet-tabs button[data-sheet="staff"]').click()
        p.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, 'table.sheet[data-sheet="staff"] tr[data-id]')) == 40)
        staff = self.server.api("/api/staff")
        row = next(s for s in staff["rows"] if s["unit"] == "121002" and s["category"] == "在职")
        _, wage = self.row_of("121002", "30101")
        count = p.wait(lambda d: d.find_element(By.CSS_SELECTOR, f'tr[data-id="{row["id"]}"] td[data-field="count"]'))
        count.click()
        box = p.wait(lambda d: d.find_element(By.CSS_SELECTOR, f'tr[data-id="{row["id"]}"] td[data-field="count"] input'))
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(str(row["count"] + 1), Keys.ENTER)
        p.wait(lambda d: self.server.api(f"/api/items?ids={wage['id']}")["items"][0]["amount"] != wage["amount"])
        p.wait(lambda d: self.text(f'tr[data-id="{row["id"]}"] td[data-field="count"]') == str(row["count"] + 1) and self.settled())
        p.wait(lambda d: self.page_total() == self.server_total())
        for w, h in [(1366, 768), (1920, 1080)]:
            p.d.set_window_size(w, h)
            p.wait(lambda d: d.execute_script("return window.innerWidth") > 0)
            shot(p.d, f"basis-roster-{w}")
        p.d.set_window_size(1366, 768)


if __name__ == "__main__":
    unittest.main()
