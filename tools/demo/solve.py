#!/usr/bin/env python3
"""Produce the demo workbooks (Workbooks/zezhou-natural-resources-2025 and -2024).

2025: the line items of 泽州县自然资源局 are reconstructed from the published 2025
department budget (Tests/Reference/zezhou-natural-resources-2025.txt).  The
tables print 万元 with two decimals, rounded half up ONCE from exact totals, so a
printed figure P constrains the exact amount A (元) to

    P*10000 - 50 <= A <= P*10000 + 49.99      (integer 元: A <= P*10000 + 49)

One such interval per printed figure (tables 1-8, 11-13) is handed to an integer
program (scipy.optimize.milp, integer 元 variables) that keeps every basic line as
close as possible to the printed figure of its own row.  Project amounts are known
exactly from the performance-target sheets and are fixed.

2024: the prior year is derived deterministically from the 2025 solution so that the
seed's narrative comparisons hold (see make_2024 below).

Run:  python3 tools/demo/solve.py      (writes the two workbook folders)
"""
import csv
import json
import os
import sys

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
UNIT = '080001'
UNIT_NAME = '泽州县自然资源局'
GPB, FUND, SOE, SPEC, OWN = '一般公共预算', '政府性基金预算', '国有资本经营预算', '财政专户管理资金', '单位资金'
SOURCES = [GPB, FUND, SOE, SPEC, OWN]
CUR, CARRY = '当年', '上年结转'
BASIC, PROJ = '基本支出', '项目支出'

# ---------------------------------------------------------------- 2025 lines
# (function, economic, gov_economic override, weight, centre in 元 or None)
# A centre of None means "the printed row figure of this line alone".
# Basic lines: 一般公共预算, 当年, 基本支出.
BASIC_2025 = [
    # 2080501 行政单位离退休 <- 退休费 + 医疗费补助
    ('2080501', '30302', '', 1, 1045000),
    ('2080501', '30307', '', 1, 141100),
    ('2080505', '30108', '', 1, 3662100),
    ('2080506', '30109', '', 1, 1831100),
    ('2100799', '30309', '', 1, 19800),
    ('2101101', '30110', '', 1, 1487700),
    ('2101101', '30111', '', 1, 686600),
    ('2101199', '30112', '', 1, 79000),
    ('2210201', '30113', '', 1, 3192300),
    # 2200101 行政运行 (自然资源事务): staff pay and all 公用 lines
    ('2200101', '30101', '', 1, 11794100 - 311200),
    ('2200101', '30102', '', 1, 3016700 - 79600),
    ('2200101', '30103', '', 1, 2440400),
    ('2200101', '30107', '50501', 1, 9257500 - 244200),
    ('2200101', '30201', '', 10, 150000),
    ('2200101', '30205', '', 10, 5000),
    ('2200101', '30206', '', 10, 10000),
    ('2200101', '30208', '', 10, 100000),
    ('2200101', '30211', '', 10, 100000),
    ('2200101', '30227', '', 10, 270000),
    ('2200101', '30228', '', 1, 122100),   # 工会经费 is a formula amount: the slack line
    ('2200101', '30239', '', 10, 93600),
    # 2220101 行政运行 (粮油物资事务) 63.50: the staff share, split like the bureau's
    # pay mix (基本工资 49%, 津贴补贴 12.5%, 绩效工资 38.5%)
    ('2220101', '30101', '', 1, 311200),
    ('2220101', '30102', '', 1, 79600),
    ('2220101', '30107', '50501', 1, 244200),
]

# Projects of unit 080001, codes in the order table 12 prints them.
PROJECTS_2025 = [
    ('P01', '2025年土地收储经费', '特定目标类'),
    ('P02', '补充耕地指标回购资金', '特定目标类'),
    ('P03', '国土实景三维建模工作经费', '特定目标类'),
    ('P04', '遗属补贴', '其他运转类'),
    ('P05', '国土收益业务费', '其他运转类'),
    ('P06', '驻村工作队经费(柳树口镇东南庄村)', '其他运转类'),
    ('P07', '山西省晋城市泽州县地质灾害综合治理项目', '特定目标类'),
]
# (project, function, economic, source, carryover, amount 元, memo)
PROJECT_LINES_2025 = [
    ('P01', '2120899', '31099', FUND, CUR, 75000000, '土地补偿、安置补助、青苗及地上附着物补偿、耕地占用税、勘察评估等收储费用'),
    ('P02', '2200199', '31099', GPB, CUR, 10000000, '回购补充耕地指标约250亩，4万元/亩'),
    ('P03', '2200199', '30227', GPB, CUR, 2440000, '野外航飞100万元，数据产品制作144万元'),
    ('P04', '2200199', '30305', GPB, CUR, 49728, '7名遗属，592元/月×12月'),
    ('P05', '2200199', '30299', GPB, CUR, 3000000, '自收自支人员职业年金、考核奖金、人头经费及基层所办公经费'),
    ('P06', '2200199', '30299', GPB, CUR, 15000, '党建经费5000元，专家讲学6000元，座谈会4000元'),
    ('P07', '2240601', '31005', GPB, CARRY, 4865500, ''),
]
REVENUE_2025 = [(FUND, '1030148', 75000000)]


def line(function, economic, source, carryover, kind, project, amount, gov='', memo=''):
    return dict(unit=UNIT, function=function, economic=economic, source=source, carryover=carryover,
                kind=kind, project=project, amount=amount, gov_economic=gov, memo=memo)


def w(s):
    """printed 万元 string -> 分 of the centre"""
    yuan, _, fen = s.partition('.')
    return int(yuan) * 1000000 + int((fen + '00')[:2]) * 10000


# ---------------------------------------------------------------- figures
# Each figure: (label, predicate over a line, printed 万元).  Printed empty cells are
# zero and hold by construction (no line exists there), so they are not listed.
def is_fiscal(l):
    return l['source'] in (GPB, FUND, SOE)


def figures_2025():
    F = []

    def add(label, pred, printed):
        F.append((label, pred, printed))

    cur = lambda l: l['carryover'] == CUR
    # T3 预算支出总表: 合计 / 基本 / 项目 (all sources, both years)
    t3 = [('', '13487.42', '3950.40', '9537.02'),
          ('208', '667.92', '667.92', ''), ('20805', '667.92', '667.92', ''),
          ('2080501', '118.60', '118.60', ''), ('2080505', '366.21', '366.21', ''),
          ('2080506', '183.11', '183.11', ''),
          ('210', '227.32', '227.32', ''), ('21007', '1.98', '1.98', ''), ('2100799', '1.98', '1.98', ''),
          ('21011', '225.34', '225.34', ''), ('2101101', '217.44', '217.44', ''),
          ('2101199', '7.90', '7.90', ''),
          ('212', '7500.00', '', '7500.00'), ('21208', '7500.00', '', '7500.00'),
          ('2120899', '7500.00', '', '7500.00'),
          ('220', '4222.91', '2672.43', '1550.47'), ('22001', '4222.91', '2672.43', '1550.47'),
          ('2200101', '2672.43', '2672.43', ''), ('2200199', '1550.47', '', '1550.47'),
          ('221', '319.23', '319.23', ''), ('22102', '319.23', '319.23', ''), ('2210201', '319.23', '319.23', ''),
          ('222', '63.50', '63.50', ''), ('22201', '63.50', '63.50', ''), ('2220101', '63.50', '63.50', ''),
          ('224', '486.55', '', '486.55'), ('22406', '486.55', '', '486.55'), ('2240601', '486.55', '', '486.55')]
    for code, tot, bas, pro in t3:
        fp = (lambda c: lambda l: l['function'].startswith(c))(code)
        add('T3 %s 合计' % code, fp, tot)
        if bas:
            add('T3 %s 基本' % code, (lambda f: lambda l: f(l) and l['kind'] == BASIC)(fp), bas)
        if pro:
            add('T3 %s 项目' % code, (lambda f: lambda l: f(l) and l['kind'] == PROJ)(fp), pro)
    # T2 预算收入总表: current by source, 上年结转
    t2 = {'': ('13000.87', '5500.87', '7500.00', '486.55')}
    for code, tot, bas, pro in t3:
        if code == '':
            continue
        if code.startswith('212'):
            t2[code] = (tot, '', tot, '')
        elif code.startswith('224'):
            t2[code] = ('', '', '', tot)
        else:
            t2[code] = (tot, tot, '', '')
    for code, (tot, gpb, fund, carry) in t2.items():
        fp = (lambda c: lambda l: l['function'].startswith(c))(code)
        if tot:
            add('T2 %s 合计' % code, (lambda f: lambda l: f(l) and cur(l))(fp), tot)
        if gpb:
            add('T2 %s 一般' % code, (lambda f: lambda l: f(l) and cur(l) and l['source'] == GPB)(fp), gpb)
        if fund:
            add('T2 %s 基金' % code, (lambda f: lambda l: f(l) and cur(l) and l['source'] == FUND)(fp), fund)
        if carry:
            add('T2 %s 上年结转' % code, (lambda f: lambda l: f(l) and not cur(l))(fp), carry)
    # T5 一般公共预算 current: 合计/基本/项目
    t5 = [('', '5500.87', '3950.40', '1550.47')] + [r for r in t3[1:] if r[0][:3] in ('208', '210', '220', '221', '222')]
    for code, tot, bas, pro in t5:
        fp = (lambda c: lambda l: l['function'].startswith(c) and l['source'] == GPB and l['carryover'] == CUR)(code)
        add('T5 %s 合计' % code, fp, tot)
        if bas:
            add('T5 %s 基本' % code, (lambda f: lambda l: f(l) and l['kind'] == BASIC)(fp), bas)
        if pro:
            add('T5 %s 项目' % code, (lambda f: lambda l: f(l) and l['kind'] == PROJ)(fp), pro)
    # T4 本年支出合计 一般公共预算 column (both years)
    add('T4 一般 合计', lambda l: l['source'] == GPB, '5987.42')
    # T6 基本支出 by economic (一般公共预算, current)
    b6 = lambda l: l['kind'] == BASIC and l['source'] == GPB and l['carryover'] == CUR
    add('T6 合计', b6, '3950.40')
    add('T6 人员经费', lambda l: b6(l) and l['economic'][:3] in ('301', '303'), '3865.32')
    add('T6 公用经费', lambda l: b6(l) and l['economic'][:3] not in ('301', '303'), '85.07')
    for k, v in [('301', '3744.74'), ('302', '85.07'), ('303', '120.58')]:
        add('T6 %s' % k, (lambda c: lambda l: b6(l) and l['economic'].startswith(c))(k), v)
    for k, v in [('30101', '1179.41'), ('30102', '301.67'), ('30103', '244.04'), ('30107', '925.75'),
                 ('30108', '366.21'), ('30109', '183.11'), ('30110', '148.77'), ('30111', '68.66'),
                 ('30112', '7.90'), ('30113', '319.23'), ('30201', '15.00'), ('30205', '0.50'),
                 ('30206', '1.00'), ('30208', '10.00'), ('30211', '10.00'), ('30227', '27.00'),
                 ('30228', '12.21'), ('30239', '9.36'), ('30302', '104.50'), ('30307', '14.11'),
                 ('30309', '1.98')]:
        add('T6 %s' % k, (lambda c: lambda l: b6(l) and l['economic'] == c)(k), v)
    # T11 机关运行经费 (行政 unit): 公用 of basic fiscal current
    add('T11', lambda l: l['kind'] == BASIC and is_fiscal(l) and cur(l) and l['economic'][:3] not in ('301', '303'), '85.07')
    # T12 / T13
    add('T12 单位', lambda l: l['kind'] == PROJ and cur(l), '9050.47')
    add('T12 单位 一般', lambda l: l['kind'] == PROJ and cur(l) and l['source'] == GPB, '1550.47')
    for p, v in [('P01', '7500.00'), ('P02', '1000.00'), ('P03', '244.00'), ('P04', '4.97'),
                 ('P05', '300.00'), ('P06', '1.50')]:
        add('T12 %s' % p, (lambda c: lambda l: l['project'] == c and cur(l))(p), v)
    add('T13 P07', lambda l: l['project'] == 'P07' and not cur(l), '486.55')
    # T1 totals
    add('T1 本年收入合计', cur, '13000.87')
    add('T1 收入总计', lambda l: True, '13487.42')
    add('T1 上年结转', lambda l: not cur(l), '486.55')
    return F


def solve_2025():
    lines = []
    weights, centres, fixed = [], [], []
    for f, e, g, wt, c in BASIC_2025:
        lines.append(line(f, e, GPB, CUR, BASIC, '', None, g))
        weights.append(wt)
        centres.append(c)
        fixed.append(False)
    for p, f, e, s, co, amt, memo in PROJECT_LINES_2025:
        lines.append(line(f, e, s, co, PROJ, p, amt, '', memo))
        weights.append(0)
        centres.append(amt)
        fixed.append(True)
    n = len(lines)
    figs = figures_2025()
    # variables: x_0..x_{n-1} (元), d_0..d_{n-1} (|x - centre|)
    rows, lo, hi = [], [], []
    for label, pred, printed in figs:
        a = np.zeros(2 * n)
        for i, l in enumerate(lines):
            if pred(l):
                a[i] = 1
        if not a.any():
            sys.exit('figure %s selects no line' % label)
        p = w(printed) // 100  # 元
        rows.append(a)
        lo.append(p - 50)
        hi.append(p + 49)
    for i in range(n):
        a = np.zeros(2 * n); a[i] = 1; a[n + i] = -1
        rows.append(a); lo.append(-np.inf); hi.append(centres[i])
        a = np.zeros(2 * n); a[i] = -1; a[n + i] = -1
        rows.append(a); lo.append(-np.inf); hi.append(-centres[i])
    c = np.concatenate([np.zeros(n), np.array(weights, dtype=float)])
    lb = np.array([centres[i] if fixed[i] else 0 for i in range(n)] + [0] * n, dtype=float)
    ub = np.array([centres[i] if fixed[i] else np.inf for i in range(n)] + [np.inf] * n, dtype=float)
    res = milp(c, constraints=LinearConstraint(np.array(rows), lo, hi), integrality=np.ones(2 * n),
               bounds=Bounds(lb, ub), options={'presolve': True})
    if not res.success:
        sys.exit('MILP infeasible: %s' % res.message)
    x = np.round(res.x[:n]).astype(np.int64)
    for i, l in enumerate(lines):
        l['amount'] = int(x[i]) * 100  # 分
    # self-check every interval with exact integers
    for label, pred, printed in figs:
        s = sum(l['amount'] for l in lines if pred(l))
        if not (w(printed) - 5000 <= s < w(printed) + 5000):
            sys.exit('figure %s: %d does not print %s' % (label, s, printed))
    return lines, int(round(res.fun))


# ---------------------------------------------------------------- 2024
PROJECTS_2024 = [
    ('P01', '2024年土地收储经费', '特定目标类'),
    ('P02', '补充耕地指标回购资金', '特定目标类'),
    ('P03', '“两高”沿线可视范围废弃场地生态环境综合治理项目', '特定目标类'),
    ('P04', '高铁东站附近废弃石灰岩矿山地质环境恢复综合治理项目', '特定目标类'),
    ('P05', '泽州县珏槽线、珏侯线、泽侯水线高压线路改迁电力隧道项目', '特定目标类'),
    ('P06', '山西省晋城市泽州县地质灾害综合治理项目', '特定目标类'),
    ('P07', '遗属补贴', '其他运转类'),
    ('P08', '国土收益业务费', '其他运转类'),
    ('P09', '驻村工作队经费(柳树口镇东南庄村)', '其他运转类'),
    ('P10', '2023年土地收储经费', '特定目标类'),
]
PROJECT_LINES_2024 = [
    ('P01', '2120899', '31099', FUND, CUR, 90000000, '土地补偿、安置补助、青苗及地上附着物补偿等收储费用'),
    ('P02', '2200199', '31099', GPB, CUR, 30000000, '回购补充耕地指标750亩，4万元/亩'),
    ('P03', '2200199', '31005', GPB, CUR, 50000000, '18处图斑生态修复工程款'),
    ('P04', '2200199', '31005', GPB, CUR, 30000000, '治理工程及管护'),
    ('P05', '2200199', '31005', GPB, CUR, 35000000, '电力隧道主体工程款'),
    ('P06', '2240601', '31005', GPB, CUR, 10000000, ''),
    ('P07', '2200199', '30305', GPB, CUR, 47040, '7名遗属，560元/月×12月'),
    ('P08', '2200199', '30299', GPB, CUR, 3000000, '自收自支人员职业年金、考核奖金、人头经费及基层所办公经费'),
    ('P09', '2200199', '30299', GPB, CUR, 15000, '驻村党建及政策宣讲'),
    ('P10', '2120899', '31099', FUND, CARRY, 15000000, '2023年收储项目结转'),
]
# 公用 lines 2024 (元); 工会经费 takes the remainder
PUBLIC_2024 = [('30201', 140000), ('30205', 5000), ('30206', 10000), ('30208', 100000),
               ('30211', 100000), ('30227', 250000), ('30239', 93600)]

# Differences the seed's narrative states (元):
D_TOTAL = 167031200      # 收入总计 比上年减少16703.12万元
D_GPB_CUR = 141896700    # 一般公共预算当年支出 比上年减少14189.67万元
D_RUNNING = 30100        # 机关运行经费 较2024年增加3.01万元


def make_2024(lines25):
    def tot(pred, ls):
        return sum(l['amount'] for l in ls if pred(l))
    basic25 = [l for l in lines25 if l['kind'] == BASIC]
    gpb_cur25 = tot(lambda l: l['source'] == GPB and l['carryover'] == CUR, lines25)
    public25 = tot(lambda l: l['economic'][:3] not in ('301', '303'), basic25)
    proj = [line(f, e, s, co, PROJ, p, amt * 100, '', memo) for p, f, e, s, co, amt, memo in PROJECT_LINES_2024]
    proj_gpb_cur = tot(lambda l: l['source'] == GPB and l['carryover'] == CUR, proj)
    basic24_total = gpb_cur25 + D_GPB_CUR * 100 - proj_gpb_cur
    public24 = public25 - D_RUNNING * 100
    personnel24 = basic24_total - public24
    personnel25 = tot(lambda l: l['economic'][:3] in ('301', '303'), basic25)
    lines = []
    # personnel: 2025 structure scaled to the 2024 total, whole 元; the remainder on 2200101/30101
    for l in basic25:
        if l['economic'][:3] in ('301', '303'):
            amt = (l['amount'] * personnel24 + personnel25 // 2) // personnel25
            lines.append(line(l['function'], l['economic'], GPB, CUR, BASIC, '', amt // 100 * 100, l['gov_economic']))
    rem = personnel24 - sum(l['amount'] for l in lines)
    for l in lines:
        if l['function'] == '2200101' and l['economic'] == '30101':
            l['amount'] += rem
    pub = [line('2200101', e, GPB, CUR, BASIC, '', a * 100) for e, a in PUBLIC_2024]
    pub.append(line('2200101', '30228', GPB, CUR, BASIC, '', public24 - sum(l['amount'] for l in pub)))
    lines += pub + proj
    return lines, [(FUND, '1030148', 90000000 * 100)]


# ---------------------------------------------------------------- writing
def fmt(fen):
    return '%d.%02d' % divmod(fen, 100)


def item_key(l):
    return (l['unit'], 0 if l['carryover'] == CUR else 1, 0 if l['kind'] == BASIC else 1, l['project'],
            l['function'], l['economic'], SOURCES.index(l['source']), l['amount'])


def write_csv(path, header, rows):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        wr = csv.writer(f, lineterminator='\n')
        wr.writerow(header)
        wr.writerows(rows)


def write_workbook(folder, year, projects, lines, revenue):
    d = os.path.join(ROOT, 'Workbooks', folder)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'workbook.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps({'department': UNIT_NAME, 'department_code': '080', 'year': year},
                           ensure_ascii=False, indent=2) + '\n')
    write_csv(os.path.join(d, 'units.csv'), ['code', 'name', 'type'], [[UNIT, UNIT_NAME, '行政单位']])
    write_csv(os.path.join(d, 'projects.csv'), ['code', 'unit', 'name', 'category'],
              [[c, UNIT, n, cat] for c, n, cat in sorted(projects)])
    write_csv(os.path.join(d, 'items.csv'),
              ['unit', 'function', 'economic', 'source', 'carryover', 'kind', 'project', 'amount', 'gov_economic', 'memo'],
              [[l['unit'], l['function'], l['economic'], l['source'], l['carryover'], l['kind'], l['project'],
                fmt(l['amount']), l['gov_economic'], l['memo']] for l in sorted(lines, key=item_key)])
    write_csv(os.path.join(d, 'revenue.csv'), ['source', 'code', 'amount'],
              [[s, c, fmt(a)] for s, c, a in sorted(revenue, key=lambda r: (SOURCES.index(r[0]), r[1]))])


def main():
    lines25, obj = solve_2025()
    print('2025: %d lines, objective (weighted 元 off the row centres) %d' % (len(lines25), obj))
    write_workbook('zezhou-natural-resources-2025', 2025, PROJECTS_2025, lines25,
                   [(s, c, a * 100) for s, c, a in REVENUE_2025])
    lines24, rev24 = make_2024(lines25)
    print('2024: %d lines' % len(lines24))
    write_workbook('zezhou-natural-resources-2024', 2024, PROJECTS_2024, lines24, rev24)


if __name__ == '__main__':
    main()
