// The floor under `budget template`: libxlsxwriter alone writing N rows of the 支出明细 sheet
// (the cells of a template row, texts like ours, constant-memory mode, bordered formats, some row
// heights), then closing the workbook (the zip deflate). A benchmark, not part of the build:
//   gcc -O2 -o /tmp/xlsx-floor scripts/xlsxwriter-floor.c -lxlsxwriter && /usr/bin/time /tmp/xlsx-floor 1000000 /tmp/floor.xlsx
#include <xlsxwriter.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000000;
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argc > 2 ? argv[2] : "/tmp/floor.xlsx", &o);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "支出明细");
    lxw_format *wrap = workbook_add_format(wb); format_set_text_wrap(wrap); format_set_border(wrap, LXW_BORDER_THIN);
    lxw_format *money = workbook_add_format(wb); format_set_num_format(money, "#,##0.00"); format_set_border(money, LXW_BORDER_THIN);
    const char *units[] = {"101001 某某县某某局机关", "101002 某某县某某事业中心"};
    const char *funcs[] = {"2080501 行政单位离退休", "2010301 行政运行", "2130101 行政运行"};
    const char *econs[] = {"30101 基本工资", "30201 办公费", "30302 退休费"};
    char memo[64];
    for (int r = 1; r <= n; r++) {
        if (r % 7 == 0) worksheet_set_row(ws, r, 30, NULL);
        worksheet_write_string(ws, r, 0, units[r % 2], wrap);
        worksheet_write_string(ws, r, 1, funcs[r % 3], wrap);
        worksheet_write_string(ws, r, 2, econs[r % 3], wrap);
        worksheet_write_string(ws, r, 3, "一般公共预算", wrap);
        worksheet_write_string(ws, r, 4, "当年", wrap);
        worksheet_write_string(ws, r, 5, r % 3 ? "基本支出" : "项目支出", wrap);
        if (r % 3 == 0) worksheet_write_string(ws, r, 6, "P001 某某项目经费", wrap);
        worksheet_write_number(ws, r, 7, (double)(r * 137 % 10000000) / 100, money);
        if (r % 5 < 3) { snprintf(memo, sizeof memo, "备注 %d", r); worksheet_write_string(ws, r, 9, memo, wrap); }
    }
    lxw_error e = workbook_close(wb);
    return e == LXW_NO_ERROR ? 0 : 1;
}
