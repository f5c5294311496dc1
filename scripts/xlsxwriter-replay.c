// The floor under `budget template` for exactly its cells: libxlsxwriter alone writing the cells
// `scripts/xlsx-cells.py` dumped from the template's 支出明细 sheet (the same texts, numbers, row
// heights and the template's three cell formats: text, wrapped text, 0.00; constant-memory mode, ZIP64),
// then closing the workbook (the zip deflate). Reading the dump comes on top and is timed apart.
// A benchmark, not part of the build:
//   python3 scripts/xlsx-cells.py input.xlsx 支出明细 > /tmp/cells.tsv
//   gcc -O2 -o /tmp/xlsx-replay scripts/xlsxwriter-replay.c -lxlsxwriter && /usr/bin/time /tmp/xlsx-replay /tmp/cells.tsv /tmp/replay.xlsx
#include <xlsxwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: xlsx-replay cells.tsv out.xlsx\n"); return 2; }
    // The dump in memory first: the replay times libxlsxwriter, not reading the dump.
    double t0 = now();
    FILE *in = fopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 1; }
    fseek(in, 0, SEEK_END); long n = ftell(in); fseek(in, 0, SEEK_SET);
    char *buf = malloc(n + 1);
    if (!buf || fread(buf, 1, n, in) != (size_t)n) { fprintf(stderr, "read failed\n"); return 1; }
    buf[n] = 0; fclose(in);
    double t1 = now();
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &o);
    if (!wb) { fprintf(stderr, "workbook_new_opt failed\n"); return 1; }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "支出明细");
    lxw_format *f[8] = {0};
    // The template's styles 2 (text), 3 (wrapped text) and 4 (0.00), as its styles.xml has them.
    f[2] = workbook_add_format(wb); format_set_num_format(f[2], "@"); format_set_align(f[2], LXW_ALIGN_VERTICAL_TOP);
    f[3] = workbook_add_format(wb); format_set_num_format(f[3], "@"); format_set_align(f[3], LXW_ALIGN_VERTICAL_TOP); format_set_text_wrap(f[3]);
    f[4] = workbook_add_format(wb); format_set_num_format(f[4], "0.00"); format_set_align(f[4], LXW_ALIGN_VERTICAL_TOP);
    f[1] = workbook_add_format(wb); format_set_bold(f[1]); format_set_border(f[1], LXW_BORDER_THIN); format_set_text_wrap(f[1]);
    long cells = 0;
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        char *field[5] = {0}; int k = 0;
        for (char *p = line; k < 5; k++) { field[k] = p; p = strchr(p, '\t'); if (!p) { k++; break; } *p++ = 0; if (k == 3) { field[4] = p; k = 5; break; } }
        if (line[0] == 'R') {
            if (field[2] && *field[2]) worksheet_set_row(ws, (lxw_row_t)atol(field[1]), atof(field[2]), NULL);
            continue;
        }
        lxw_row_t r = (lxw_row_t)atol(field[1]); lxw_col_t c = (lxw_col_t)atoi(field[2]);
        int s = atoi(field[3]); lxw_format *fmt = (s >= 0 && s < 8) ? f[s] : NULL;
        lxw_error e = line[0] == 'N' ? worksheet_write_number(ws, r, c, atof(field[4]), fmt)
                                     : worksheet_write_string(ws, r, c, field[4], fmt);
        if (e != LXW_NO_ERROR) { fprintf(stderr, "write failed at %u,%u: %s\n", r, c, lxw_strerror(e)); return 1; }
        cells++;
    }
    double t2 = now();
    lxw_error e = workbook_close(wb);
    double t3 = now();
    if (e != LXW_NO_ERROR) { fprintf(stderr, "close failed: %s\n", lxw_strerror(e)); return 1; }
    printf("%ld cells: reading the dump %.2f s, writing the cells %.2f s, closing (deflate) %.2f s; libxlsxwriter %.2f s\n",
           cells, t1 - t0, t2 - t1, t3 - t2, t3 - t1);
    return 0;
}
