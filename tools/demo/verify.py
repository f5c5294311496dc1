#!/usr/bin/env python3
"""Independent check of the demo workbooks against the published 2025 budget.

Recomputes, from the workbook CSVs and the default code sets alone, every figure row
of the seed's tables 1-13 (as printed: 万元, two decimals, rounded half up once from
exact 分 amounts, zero printed empty) and compares them with the rows parsed from the
seed text (Tests/Reference/zezhou-natural-resources-2025.txt): row order, codes,
names and every number.  It also checks the narrative (第三部分) sentences that compare
2025 with 2024 against the 2024 workbook, and the file format of everything it reads.

Prints one line per mismatch and exits 1 if there is any.
Usage: python3 tools/demo/verify.py [path/to/seed.txt]
"""
import csv
import io
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SEED_CANDIDATES = [os.path.join(ROOT, 'Tests', 'Reference', 'zezhou-natural-resources-2025.txt')]
WB25 = os.path.join(ROOT, 'Workbooks', 'zezhou-natural-resources-2025')
WB24 = os.path.join(ROOT, 'Workbooks', 'zezhou-natural-resources-2024')
CODES = os.path.join(ROOT, 'Templates', 'codes')

SOURCES = ['一般公共预算', '政府性基金预算', '国有资本经营预算', '财政专户管理资金', '单位资金']
FISCAL = SOURCES[:3]
UNIT_TYPES = ['行政单位', '参公事业单位', '事业单位']
NUM = re.compile(r'^\d+\.\d{2}$')
CN_NUM = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六',
          '十七', '十八', '十九', '二十', '二十一', '二十二', '二十三', '二十四', '二十五', '二十六', '二十七',
          '二十八', '二十九', '三十']

mismatches = []
checked = [0]


def bad(msg):
    mismatches.append(msg)
    print('MISMATCH', msg)


def same(what, got, want):
    checked[0] += 1
    if got != want:
        bad('%s: computed %r, seed %r' % (what, got, want))


# ------------------------------------------------------------------ reading files
def read_text(path):
    raw = open(path, 'rb').read()
    if raw.startswith(b'\xef\xbb\xbf'):
        bad('%s: has a BOM' % path)
    if b'\r' in raw:
        bad('%s: has CR characters (want LF)' % path)
    if not raw.endswith(b'\n'):
        bad('%s: no final newline' % path)
    return raw.decode('utf-8')


def read_csv(path, header):
    text = read_text(path)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0] != header:
        bad('%s: header %r, want %r' % (path, rows[0] if rows else None, header))
    # RFC 4180 minimal quoting: re-serialising must give the same bytes
    out = io.StringIO()
    csv.writer(out, lineterminator='\n').writerows(rows)
    if out.getvalue() != text:
        bad('%s: not minimal RFC 4180 quoting' % path)
    return [dict(zip(header, r)) for r in rows[1:]]


def load_codes():
    c = {}
    for name in ['function', 'economic', 'government-economic', 'revenue']:
        rows = read_csv(os.path.join(CODES, name + '.csv'), ['code', 'name'])
        codes = [r['code'] for r in rows]
        if codes != sorted(codes) or len(set(codes)) != len(codes):
            bad('%s.csv: not sorted by code / duplicates' % name)
        lens = (3, 5) if 'economic' in name else (3, 5, 7)
        for r in rows:
            if not r['code'].isdigit() or len(r['code']) not in lens:
                bad('%s.csv: bad code %r' % (name, r['code']))
            elif len(r['code']) > 3 and r['code'][:len(r['code']) - 2] not in codes:
                bad('%s.csv: %s has no parent' % (name, r['code']))
        c[name] = {r['code']: r['name'] for r in rows}
    mp = read_csv(os.path.join(CODES, 'economic-map.csv'), ['economic', 'government_admin', 'government_institution'])
    c['map'] = {r['economic']: (r['government_admin'], r['government_institution']) for r in mp}
    if [r['economic'] for r in mp] != sorted(r['economic'] for r in mp):
        bad('economic-map.csv: not sorted')
    for code in c['economic']:
        if len(code) == 5 and code not in c['map']:
            bad('economic-map.csv: no row for %s' % code)
    for e, (a, i) in c['map'].items():
        if e not in c['economic'] or a not in c['government-economic'] or i not in c['government-economic']:
            bad('economic-map.csv: unknown code in row %s' % e)
    return c


def parse_amount(s, where):
    if not NUM.match(s):
        bad('%s: amount %r is not 元 with two decimals' % (where, s))
        return 0
    y, f = s.split('.')
    return int(y) * 100 + int(f)


def load_workbook(folder, codes):
    wb = {}
    raw = read_text(os.path.join(folder, 'workbook.json'))
    meta = json.loads(raw)
    want = json.dumps({'department': meta.get('department'), 'department_code': meta.get('department_code'),
                       'year': meta.get('year')}, ensure_ascii=False, indent=2) + '\n'
    if raw != want:
        bad('%s/workbook.json: not the canonical form' % folder)
    wb['meta'] = meta
    units = read_csv(os.path.join(folder, 'units.csv'), ['code', 'name', 'type'])
    for u in units:
        if u['type'] not in UNIT_TYPES:
            bad('%s units.csv: bad type %r' % (folder, u['type']))
    if [u['code'] for u in units] != sorted(u['code'] for u in units):
        bad('%s units.csv: not sorted' % folder)
    wb['units'] = {u['code']: u for u in units}
    wb['unit_order'] = [u['code'] for u in units]
    projects = read_csv(os.path.join(folder, 'projects.csv'), ['code', 'unit', 'name', 'category'])
    if [(p['unit'], p['code']) for p in projects] != sorted((p['unit'], p['code']) for p in projects):
        bad('%s projects.csv: not sorted by (unit, code)' % folder)
    for p in projects:
        if p['unit'] not in wb['units']:
            bad('%s projects.csv: %s has unknown unit' % (folder, p['code']))
        if p['category'] not in ('', '其他运转类', '特定目标类'):
            bad('%s projects.csv: %s bad category' % (folder, p['code']))
    wb['projects'] = {(p['unit'], p['code']): p for p in projects}
    hdr = ['unit', 'function', 'economic', 'source', 'carryover', 'kind', 'project', 'amount', 'gov_economic', 'memo']
    items = read_csv(os.path.join(folder, 'items.csv'), hdr)
    for n, it in enumerate(items, 2):
        where = '%s items.csv line %d' % (os.path.basename(folder), n)
        it['fen'] = parse_amount(it['amount'], where)
        if it['unit'] not in wb['units']:
            bad('%s: unknown unit' % where)
        if len(it['function']) != 7 or it['function'] not in codes['function']:
            bad('%s: unknown function code %s' % (where, it['function']))
        if len(it['economic']) != 5 or it['economic'] not in codes['economic']:
            bad('%s: unknown economic code %s' % (where, it['economic']))
        if it['gov_economic'] and (len(it['gov_economic']) != 5 or it['gov_economic'] not in codes['government-economic']):
            bad('%s: unknown government economic code %s' % (where, it['gov_economic']))
        if it['source'] not in SOURCES or it['carryover'] not in ('当年', '上年结转') or it['kind'] not in ('基本支出', '项目支出'):
            bad('%s: bad source/carryover/kind' % where)
        if it['kind'] == '基本支出' and it['project']:
            bad('%s: basic line names a project' % where)
        if it['kind'] == '项目支出' and (it['unit'], it['project']) not in wb['projects']:
            bad('%s: project %r is not a project of unit %s' % (where, it['project'], it['unit']))
        u = wb['units'].get(it['unit'])
        mapped = codes['map'].get(it['economic'], ('', ''))
        it['gov'] = it['gov_economic'] or (mapped[1] if u and u['type'] == '事业单位' else mapped[0])
    key = lambda it: (it['unit'], it['carryover'] != '当年', it['kind'] != '基本支出', it['project'], it['function'],
                      it['economic'], SOURCES.index(it['source']) if it['source'] in SOURCES else 9, it['fen'])
    if [key(i) for i in items] != sorted(key(i) for i in items):
        bad('%s items.csv: not in canonical order' % folder)
    wb['items'] = items
    rev = read_csv(os.path.join(folder, 'revenue.csv'), ['source', 'code', 'amount'])
    for r in rev:
        r['fen'] = parse_amount(r['amount'], folder + ' revenue.csv')
        if r['source'] not in ('政府性基金预算', '国有资本经营预算'):
            bad('%s revenue.csv: bad source %r' % (folder, r['source']))
        if len(r['code']) != 7 or r['code'] not in codes['revenue']:
            bad('%s revenue.csv: unknown revenue code %s' % (folder, r['code']))
    if [(SOURCES.index(r['source']), r['code']) for r in rev] != sorted((SOURCES.index(r['source']), r['code']) for r in rev):
        bad('%s revenue.csv: not sorted' % folder)
    wb['revenue'] = rev
    return wb


# ------------------------------------------------------------------ figures
def wan(fen):
    """exact 分 -> printed 万元 (half up, once); zero prints empty"""
    if fen == 0:
        return ''
    h = (fen + 5000) // 10000
    return '%d.%02d' % divmod(h, 100)


def total(items, pred=lambda i: True):
    return sum(i['fen'] for i in items if pred(i))


cur = lambda i: i['carryover'] == '当年'
carry = lambda i: i['carryover'] == '上年结转'
basic = lambda i: i['kind'] == '基本支出'
proj = lambda i: i['kind'] == '项目支出'
src = lambda s: (lambda i: i['source'] == s)
fiscal = lambda i: i['source'] in FISCAL
personnel = lambda i: i['economic'][:3] in ('301', '303')
both = lambda *ps: (lambda i: all(p(i) for p in ps))


def function_tree(items, columns, codes):
    """rows [code, name, col...] for every 类/款/项 with a non-zero figure, after 合计"""
    prefixes = set()
    for i in items:
        for n in (3, 5, 7):
            prefixes.add(i['function'][:n])
    rows = [['合计', ''] + [wan(total(items, c)) for c in columns]]
    for code in sorted(prefixes):
        vals = [wan(total(items, both(c, lambda i, code=code: i['function'].startswith(code)))) for c in columns]
        if any(vals):
            rows.append([code, codes['function'].get(code, '?')] + vals)
    return rows


# ------------------------------------------------------------------ seed parsing
TITLES = {1: '2025年预算收支总表', 2: '2025年预算收入总表', 3: '2025年预算支出总表', 4: '2025年财政拨款收支总表',
          5: '2025年一般公共预算支出预算表（不含上年结转）', 6: '2025年一般公共预算安排基本支出分经济科目表（不含上年结转）',
          7: '2025年政府性基金预算收入表（不含上年结转）', 8: '2025年政府性基金预算支出表（不含上年结转）',
          9: '2025年国有资本经营预算收支预算表（不含上年结转）', 10: '2025年财政拨款安排“三公”经费支出预算表',
          11: '2025年财政拨款安排机关运行经费预算表', 12: '2025年项目支出预算表（本年预算）',
          13: '2025年项目支出预算表（上年结转）'}


def seed_blocks(text):
    lines = text.split('\n')
    idx = {}
    for n, t in TITLES.items():
        hits = [k for k, l in enumerate(lines) if l.strip() == t]
        if len(hits) != 1:
            bad('seed: title %s found %d times' % (t, len(hits)))
            continue
        idx[n] = hits[0]
    end = next(k for k, l in enumerate(lines) if l.startswith('第三部分') and k > max(idx.values()))
    blocks = {}
    order = sorted(idx, key=idx.get)
    for k, n in enumerate(order):
        stop = idx[order[k + 1]] if k + 1 < len(order) else end
        blocks[n] = lines[idx[n] + 1:stop]
    return blocks


def is_num_or_empty(s):
    return s == '' or bool(NUM.match(s))


def data_rows(block, vstart, ncols, keep_empty=False):
    """rows whose cells from vstart on are all numbers or empty, with a label before"""
    out = []
    for l in block:
        if '\t' not in l:
            continue
        cells = l.split('\t')
        if len(cells) <= vstart - 1 or not any(c.strip() for c in cells[:vstart]):
            continue
        vals = cells[vstart:]
        if len(vals) > ncols and not any(vals[ncols:]):
            vals = vals[:ncols]
        if len(vals) > ncols or not all(is_num_or_empty(v) for v in vals):
            continue
        if not keep_empty and not any(vals):
            continue
        if l.startswith('部门名称') or l.startswith('单位：'):
            continue
        out.append([c.strip() for c in cells[:vstart]] + vals + [''] * (ncols - len(vals)))
    return out


def compare_rows(table, got, want):
    checked[0] += 1
    if len(got) != len(want):
        bad('%s: %d rows computed, %d printed' % (table, len(got), len(want)))
    for k in range(max(len(got), len(want))):
        g = got[k] if k < len(got) else None
        w = want[k] if k < len(want) else None
        if g != w:
            bad('%s row %d: computed %s, seed %s' % (table, k + 1, g, w))
        else:
            checked[0] += len(g)


def two_sided(block, ncols_right):
    """T1/T4: (left label, left value) and (right label, right values) per printed line"""
    left, right = [], []
    for l in block:
        if '\t' not in l:
            continue
        cells = l.split('\t') + [''] * (3 + ncols_right)
        lab_l, val_l, lab_r, vals_r = cells[0].strip(), cells[1], cells[2].replace(' ', '').strip(), cells[3:3 + ncols_right]
        if any(cells[3 + ncols_right:]) or not is_num_or_empty(val_l) or not all(is_num_or_empty(v) for v in vals_r):
            continue
        if lab_l and lab_l not in ('收入', '项目'):
            left.append((lab_l, val_l))
        if lab_r and lab_r not in ('支出', '项目'):
            right.append([lab_r] + vals_r)
    return left, right


# ------------------------------------------------------------------ the tables
def check_tables(wb, codes, text):
    items = wb['items']
    blocks = seed_blocks(text)
    dept = wb['meta']['department']
    classes = sorted(c for c in codes['function'] if len(c) == 3)
    if len(classes) != 30:
        bad('function.csv: %d 类, want 30' % len(classes))
    for n, b in blocks.items():
        head = '\n'.join(b[:8])
        if '部门名称：' + dept not in head or '单位：万元' not in head:
            bad('T%d: department/unit line not found in seed block' % n)

    def class_rows(columns):
        rows = []
        for k, c in enumerate(classes):
            vals = [wan(total(items, both(col, lambda i, c=c: i['function'].startswith(c)))) for col in columns]
            rows.append(['%s、%s' % (CN_NUM[k], codes['function'][c])] + vals)
        return rows

    # T1 预算收支总表
    left, right = two_sided(blocks[1], 3)
    want_left = [('一、一般公共预算', wan(total(items, both(cur, src(SOURCES[0]))))),
                 ('二、政府性基金预算', wan(total(items, both(cur, src(SOURCES[1]))))),
                 ('三、国有资本经营预算', wan(total(items, both(cur, src(SOURCES[2]))))),
                 ('四、财政专户管理资金', wan(total(items, both(cur, src(SOURCES[3]))))),
                 ('五、单位资金', wan(total(items, both(cur, src(SOURCES[4]))))),
                 ('本年收入合计', wan(total(items, cur))),
                 ('上年结转', wan(total(items, carry))),
                 ('收入总计', wan(total(items)))]
    compare_rows('T1 收入', [list(x) for x in want_left], [list(x) for x in left])
    cols = [lambda i: True, cur, carry]
    all3 = [wan(total(items, c)) for c in cols]
    compare_rows('T1 支出', class_rows(cols) + [['本年支出合计'] + all3, ['年终结转', '', '', ''], ['支出总计'] + all3], right)

    # T2 预算收入总表
    cols = [cur] + [both(cur, src(s)) for s in SOURCES] + [carry]
    compare_rows('T2', function_tree(items, cols, codes), data_rows(blocks[2], 2, 7))
    # T3 预算支出总表
    cols = [lambda i: True, basic, proj]
    t3 = function_tree(items, cols, codes)
    compare_rows('T3', t3, data_rows(blocks[3], 2, 3))
    # T4 财政拨款收支总表
    left, right = two_sided(blocks[4], 4)
    want_left = [('一、一般公共预算', wan(total(items, both(cur, src(SOURCES[0]))))),
                 ('二、政府性基金预算', wan(total(items, both(cur, src(SOURCES[1]))))),
                 ('三、国有资本经营预算', wan(total(items, both(cur, src(SOURCES[2]))))),
                 ('本年收入合计', wan(total(items, both(cur, fiscal)))),
                 ('上年财政拨款结转', wan(total(items, both(carry, fiscal)))),
                 ('一、一般公共预算', wan(total(items, both(carry, src(SOURCES[0]))))),
                 ('二、政府性基金预算', wan(total(items, both(carry, src(SOURCES[1]))))),
                 ('三、国有资本经营预算', wan(total(items, both(carry, src(SOURCES[2]))))),
                 ('收入总计', wan(total(items, fiscal)))]
    compare_rows('T4 收入', [list(x) for x in want_left], [list(x) for x in left])
    cols = [fiscal, src(SOURCES[0]), src(SOURCES[1]), src(SOURCES[2])]
    all4 = [wan(total(items, c)) for c in cols]
    compare_rows('T4 支出', class_rows(cols) + [['本年支出合计'] + all4, ['年终结转', '', '', '', ''], ['支出总计'] + all4], right)
    # T5 一般公共预算支出（不含上年结转）
    g = [i for i in items if cur(i) and i['source'] == SOURCES[0]]
    compare_rows('T5', function_tree(g, [lambda i: True, basic, proj], codes), data_rows(blocks[5], 2, 3))
    # T6 基本支出分经济科目
    b = [i for i in g if basic(i)]
    rows = [['合计', '', wan(total(b)), wan(total(b, personnel)), wan(total(b, lambda i: not personnel(i)))]]
    for cls in sorted({i['economic'][:3] for i in b}):
        bc = [i for i in b if i['economic'].startswith(cls)]
        rows.append([codes['economic'][cls], '', wan(total(bc)), wan(total(bc, personnel)),
                     wan(total(bc, lambda i: not personnel(i)))])
        for e, gv in sorted({(i['economic'], i['gov']) for i in bc}):
            bp = [i for i in bc if i['economic'] == e and i['gov'] == gv]
            rows.append([codes['economic'][e], codes['government-economic'].get(gv, '?'), wan(total(bp)),
                         wan(total(bp, personnel)), wan(total(bp, lambda i: not personnel(i)))])
    compare_rows('T6', rows, data_rows(blocks[6], 2, 3))
    # T7 政府性基金预算收入
    rev = [r for r in wb['revenue'] if r['source'] == '政府性基金预算']
    rows = [['合计', '', wan(sum(r['fen'] for r in rev))]]
    for code in sorted({r['code'][:n] for r in rev for n in (3, 5, 7)}):
        v = wan(sum(r['fen'] for r in rev if r['code'].startswith(code)))
        if v:
            rows.append([code, codes['revenue'].get(code, '?'), v])
    compare_rows('T7', rows, data_rows(blocks[7], 2, 1))
    # T8 政府性基金预算支出
    f = [i for i in items if cur(i) and i['source'] == SOURCES[1]]
    seed8 = data_rows(blocks[8], 2, 3)
    for r in seed8:
        if r[0] == '' and r[1] == '合计':
            r[0], r[1] = '合计', ''
    compare_rows('T8', function_tree(f, [lambda i: True, basic, proj], codes), seed8)
    same('T7 合计 = T8 合计', wan(sum(r['fen'] for r in rev)), wan(total(f)))
    # T9 国有资本经营预算: no data
    soe_rev = [r for r in wb['revenue'] if r['source'] == '国有资本经营预算']
    soe = [i for i in items if cur(i) and i['source'] == SOURCES[2]]
    same('T9 国有资本经营 收入+支出 (printed 本表无数据)', wan(sum(r['fen'] for r in soe_rev) + total(soe)),
         '' if '注：本表无数据' in '\n'.join(blocks[9]) else 'has data')
    # T10 三公
    sg = lambda codes_: (lambda i: cur(i) and fiscal(i) and i['economic'] in codes_)
    cols = [lambda i: True] + [src(s) for s in FISCAL]
    defs = [('因公出国（境）费', ('30212',)), ('公务接待费', ('30217',)), ('公务用车购置及运行费', ('31013', '30231')),
            ('①公务用车购置费', ('31013',)), ('②公务用车运行维护费', ('30231',)),
            ('合计', ('30212', '30217', '31013', '30231'))]
    rows = [[lab] + [wan(total(items, both(sg(cs), c))) for c in cols] for lab, cs in defs]
    compare_rows('T10', rows, data_rows(blocks[10], 1, 4, keep_empty=True))
    if '注：本表无数据' not in '\n'.join(blocks[10]):
        bad('T10: seed note missing')
    # T11 机关运行经费
    run = lambda i: basic(i) and cur(i) and fiscal(i) and not personnel(i) and \
        wb['units'][i['unit']]['type'] in ('行政单位', '参公事业单位')
    rows = [['部门合计'] + [wan(total(items, both(run, c))) for c in cols]]
    for u in wb['unit_order']:
        if wb['units'][u]['type'] in ('行政单位', '参公事业单位'):
            rows.append([wb['units'][u]['name']] + [wan(total(items, both(run, c, lambda i, u=u: i['unit'] == u))) for c in cols])
    compare_rows('T11', rows, data_rows(blocks[11], 1, 4))
    # T12 / T13 项目支出
    for n, when, srcs in [(12, cur, SOURCES), (13, carry, FISCAL)]:
        cols = [lambda i: True] + [src(s) for s in srcs]
        p = [i for i in items if proj(i) and when(i)]
        rows = [[dept] + [wan(total(p, c)) for c in cols]]
        for u in wb['unit_order']:
            pu = [i for i in p if i['unit'] == u]
            if not total(pu):
                continue
            rows.append([wb['units'][u]['name']] + [wan(total(pu, c)) for c in cols])
            for (uu, code), pr in sorted(wb['projects'].items()):
                if uu == u and total(pu, lambda i: i['project'] == code):
                    rows.append([pr['name']] + [wan(total(pu, both(c, lambda i: i['project'] == code))) for c in cols])
        compare_rows('T%d' % n, rows, data_rows(blocks[n], 1, len(cols)))
    return t3


# ------------------------------------------------------------------ narrative
def pct(part, whole):
    """percentage with two decimals, half up, from exact amounts"""
    q = (abs(part) * 20000 + whole) // (2 * whole)  # 0.01 % units, half up
    return '%d.%02d' % divmod(q, 100)


def thousands(s):
    whole, _, frac = s.partition('.')
    return '{:,}'.format(int(whole)) + '.' + frac


def check_narrative(w25, w24, text):
    i25, i24 = w25['items'], w24['items']

    def claim(sentence, got):
        checked[0] += 1
        if sentence not in text:
            bad('narrative: sentence not in seed: %s' % sentence)
        elif got not in sentence:
            bad('narrative: %s -> computed %s' % (sentence, got))

    def running(items, wb):
        return total(items, lambda i: basic(i) and cur(i) and fiscal(i) and not personnel(i)
                     and wb['units'][i['unit']]['type'] in ('行政单位', '参公事业单位'))

    t25, t24 = total(i25), total(i24)
    d = t24 - t25
    claim('比上年减少16703.12万元，下降55.33%，主要原因是2025年预算安排项目减少；',
          '比上年减少%s万元，下降%s%%' % (wan(d), pct(d, t24)))
    same('2024 收入总计', wan(t24), '30190.54')
    g25 = total(i25, both(cur, src(SOURCES[0])))
    g24 = total(i24, both(cur, src(SOURCES[0])))
    same('2024 一般公共预算当年支出', wan(g24), '19690.54')
    claim('一般公共预算当年支出5,500.87万元，比上年减少14189.67万元，下降72.06%。',
          '比上年减少%s万元，下降%s%%' % (wan(g24 - g25), pct(g24 - g25, g24)))
    r25, r24 = running(i25, w25), running(i24, w24)
    same('2024 机关运行经费', wan(r24), '82.06')
    claim('本单位机关运行经费财政拨款85.07万元,较2024年预算安排增加3.01万元,增长3.67%,',
          '财政拨款%s万元,较2024年预算安排增加%s万元,增长%s%%' % (wan(r25), wan(r25 - r24), pct(r25 - r24, r24)))
    # shares of 2025
    claim('一般公共预算拨款收入5,500.87万元，占40.79%', '占%s%%' % pct(g25, t25))
    claim('政府性基金预算拨款收入7,500.00万元，占55.61%', '占%s%%' % pct(total(i25, both(cur, src(SOURCES[1]))), t25))
    claim('上年结转486.55万元，占3.61%', '占%s%%' % pct(total(i25, carry), t25))
    claim('基本支出3950.4万元，占29.29%；项目支出9537.02万元，占70.71%',
          '占%s%%；项目支出%s万元，占%s%%' % (pct(total(i25, basic), t25), wan(total(i25, proj)), pct(total(i25, proj), t25)))
    for name, code, share in [('社会保障和就业支出667.92万元,占12.14%', '208', None),
                              ('卫生健康支出227.32万元,占4.13%', '210', None),
                              ('自然资源海洋气象等支出4,222.91万元,占76.77%', '220', None),
                              ('住房保障支出319.23万元,占5.80%', '221', None),
                              ('粮油物资储备支出63.50万元,占1.15%', '222', None)]:
        v = total(i25, both(cur, src(SOURCES[0]), lambda i, c=code: i['function'].startswith(c)))
        claim(name, '占%s%%' % pct(v, g25))
    b6 = [i for i in i25 if basic(i) and cur(i) and i['source'] == SOURCES[0]]
    claim('人员经费3,865.32万元', thousands(wan(total(b6, personnel))))
    claim('公用经费85.07万元', wan(total(b6, lambda i: not personnel(i))))
    # 三公: none in either year
    for y, items in (('2025', i25), ('2024', i24)):
        same('%s 三公经费' % y, wan(total(items, lambda i: i['economic'] in ('30212', '30217', '31013', '30231'))), '')
    # 2024 fund revenue funds fund expenditure
    f24 = total(i24, both(cur, src(SOURCES[1])))
    same('2024 政府性基金收入 = 当年基金支出', wan(sum(r['fen'] for r in w24['revenue'] if r['source'] == '政府性基金预算')), wan(f24))
    same('2024 basic below 2025', total(i24, basic) < total(i25, basic), True)


def main():
    seed = sys.argv[1] if len(sys.argv) > 1 else next((p for p in SEED_CANDIDATES if os.path.exists(p)), None)
    if not seed:
        sys.exit('seed text not found')
    text = open(seed, encoding='utf-8').read()
    codes = load_codes()
    w25 = load_workbook(WB25, codes)
    w24 = load_workbook(WB24, codes)
    same('2025 workbook.json', w25['meta'], {'department': '泽州县自然资源局', 'department_code': '080', 'year': 2025})
    same('2024 workbook.json', w24['meta'], {'department': '泽州县自然资源局', 'department_code': '080', 'year': 2024})
    same('遗属补贴 (performance sheet 49,728元)', total(w25['items'], lambda i: i['project'] == 'P04'), 4972800)
    check_tables(w25, codes, text)
    check_narrative(w25, w24, text)
    print('checked %d figures/rows; %d mismatches' % (checked[0], len(mismatches)))
    sys.exit(1 if mismatches else 0)


if __name__ == '__main__':
    main()
