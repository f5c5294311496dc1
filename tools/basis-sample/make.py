#!/usr/bin/env python3
"""Writes Workbooks/shifan-agriculture-2026: a county department drafted from its basis of
calculation (测算依据, docs/basis.md). The department, its people and amounts are made up; the
rates are the kind a county publishes (养老保险 16%, 职业年金 8%, 住房公积金 12%, the county's
own 职工医疗保险 rate). It leaves the computed amounts empty; the checked-in folder is its canonical
form, with the amounts `budget load` computes:

    python3 tools/basis-sample/make.py
    budget load Workbooks/shifan-agriculture-2026 --into /tmp/s.budget
    budget save /tmp/s.budget --to Workbooks/shifan-agriculture-2026
"""
import csv, json, os

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Workbooks", "shifan-agriculture-2026")
ADMIN, INST = "121001", "121002"

def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "workbook.json"), "w", encoding="utf-8") as f:
    f.write(json.dumps({"department": "示范县农业农村局", "department_code": "121", "year": 2026}, ensure_ascii=False, indent=2) + "\n")
write("units.csv", ["code", "name", "type"], [[ADMIN, "示范县农业农村局", "行政单位"], [INST, "示范县农业技术推广中心", "事业单位"]])
write("projects.csv", ["code", "unit", "name", "category"], [
    ["P01", ADMIN, "高标准农田建设项目监管", "特定目标类"],
    ["P02", INST, "基层农技推广体系建设", "特定目标类"],
])

FIELDS = ["岗位工资", "薪级工资", "津贴补贴", "绩效工资", "退休费", "生活补助"]
# (unit, name, category, count, 岗位工资, 薪级工资, 津贴补贴, 绩效工资, 退休费, 生活补助): monthly 元.
staff = [
    (ADMIN, "局长", "在职", 1, 3520, 2860, 4300, 0, 0, 0),
    (ADMIN, "副局长", "在职", 3, 3150, 2540, 4050, 0, 0, 0),
    (ADMIN, "一级主任科员", "在职", 2, 2780, 2310, 3800, 0, 0, 0),
    (ADMIN, "二级主任科员", "在职", 3, 2450, 2090, 3620, 0, 0, 0),
    (ADMIN, "三级主任科员", "在职", 2, 2210, 1880, 3460, 0, 0, 0),
    (ADMIN, "四级主任科员", "在职", 3, 2010, 1720, 3310, 0, 0, 0),
    (ADMIN, "一级科员", "在职", 4, 1780, 1460, 3150, 0, 0, 0),
    (ADMIN, "二级科员", "在职", 2, 1630, 1290, 3020, 0, 0, 0),
    (ADMIN, "办事员", "在职", 1, 1520, 1180, 2900, 0, 0, 0),
    (ADMIN, "机关工勤（技师）", "在职", 1, 1680, 1350, 2760, 0, 0, 0),
    (ADMIN, "机关工勤（高级工）", "在职", 2, 1540, 1210, 2650, 0, 0, 0),
    (ADMIN, "原副局长", "退休", 2, 0, 0, 0, 0, 5860, 0),
    (ADMIN, "原主任科员", "退休", 3, 0, 0, 0, 0, 5140, 0),
    (ADMIN, "原科员", "退休", 4, 0, 0, 0, 0, 4520, 0),
    (ADMIN, "原机关工勤", "退休", 2, 0, 0, 0, 0, 3980, 0),
    (ADMIN, "王秀英（遗属）", "遗属", 1, 0, 0, 0, 0, 0, 1260),
    (ADMIN, "李桂兰（遗属）", "遗属", 1, 0, 0, 0, 0, 0, 1260),
    (INST, "主任（专技七级）", "在职", 1, 2140, 1560, 1280, 3350, 0, 0),
    (INST, "副主任（专技八级）", "在职", 2, 1890, 1380, 1190, 3100, 0, 0),
    (INST, "推广研究员（专技四级）", "在职", 1, 3020, 1840, 1420, 3900, 0, 0),
    (INST, "高级农艺师（专技六级）", "在职", 3, 2310, 1620, 1310, 3480, 0, 0),
    (INST, "高级农艺师（专技七级）", "在职", 2, 2140, 1490, 1260, 3300, 0, 0),
    (INST, "农艺师（专技九级）", "在职", 4, 1720, 1150, 1120, 2950, 0, 0),
    (INST, "农艺师（专技十级）", "在职", 3, 1630, 1020, 1080, 2860, 0, 0),
    (INST, "助理农艺师（专技十一级）", "在职", 3, 1480, 880, 1010, 2700, 0, 0),
    (INST, "助理农艺师（专技十二级）", "在职", 2, 1420, 760, 980, 2620, 0, 0),
    (INST, "技术员（专技十三级）", "在职", 2, 1350, 640, 950, 2500, 0, 0),
    (INST, "管理八级", "在职", 1, 1690, 1210, 1110, 2900, 0, 0),
    (INST, "管理九级", "在职", 2, 1540, 980, 1050, 2760, 0, 0),
    (INST, "工勤技能三级", "在职", 1, 1460, 1060, 1020, 2650, 0, 0),
    (INST, "工勤技能四级", "在职", 2, 1360, 870, 960, 2520, 0, 0),
    (INST, "原推广研究员", "退休", 1, 0, 0, 0, 0, 6240, 0),
    (INST, "原高级农艺师", "退休", 4, 0, 0, 0, 0, 5380, 0),
    (INST, "原农艺师", "退休", 5, 0, 0, 0, 0, 4660, 0),
    (INST, "原助理农艺师", "退休", 3, 0, 0, 0, 0, 4210, 0),
    (INST, "原管理人员", "退休", 2, 0, 0, 0, 0, 4480, 0),
    (INST, "原工勤人员", "退休", 2, 0, 0, 0, 0, 3860, 0),
    (INST, "张玉梅（遗属）", "遗属", 1, 0, 0, 0, 0, 0, 1180),
    (INST, "刘凤英（遗属）", "遗属", 1, 0, 0, 0, 0, 0, 1180),
    (INST, "陈淑珍（遗属）", "遗属", 1, 0, 0, 0, 0, 0, 1180),
]
write("staff.csv", ["unit", "name", "category", "count"] + FIELDS,
      [[u, n, c, k] + [f"{v:.2f}" for v in vals] for (u, n, c, k, *vals) in staff])

write("standards.csv", ["name", "value", "memo"], [
    ["养老保险单位缴费比例", "16%", "机关事业单位基本养老保险，单位缴费"],
    ["职业年金单位缴费比例", "8%", "单位缴费"],
    ["职工医疗保险单位缴费比例", "7.5%", "县医疗保障局核定的职工基本医疗保险单位费率（含生育保险）"],
    ["住房公积金比例", "12%", "单位缴存"],
    ["工会经费比例", "2%", "按工资总额拨缴"],
    ["办公费定额", "3000", "公用经费定额：元/人·年，按在职人数"],
    ["差旅费定额", "2000", "公用经费定额：元/人·年，按在职人数"],
    ["公务交通补贴月标准", "500", "元/人·月（行政单位在职人员）"],
    ["培训费日标准", "350", "元/人·天（县内培训综合定额）"],
])
write("parameters.csv", ["unit", "name", "value", "memo"], [
    [ADMIN, "项目区面积", "12000", "亩，2026 年新建高标准农田"],
    [ADMIN, "监管单价", "8.5", "元/亩，第三方监管服务"],
    [INST, "办公费定额", "2500", "推广中心的公用经费定额（低于县标准）"],
    [INST, "培训人次", "400", "高素质农民培训"],
    [INST, "培训天数", "3", "天/人次"],
])

WAGES_A = "经济(30101, 30102, 30103)"
WAGES_I = "经济(30101, 30102, 30107)"
def basic(unit, function, economic, basis, amount="", memo=""):
    return [unit, function, economic, "一般公共预算", "当年", "基本支出", "", amount, "", memo, basis]
def project(unit, code, function, economic, basis, amount="", memo=""):
    return [unit, function, economic, "一般公共预算", "当年", "项目支出", code, amount, "", memo, basis]
items = [
    basic(ADMIN, "2130101", "30101", "(工资(岗位工资, 在职) + 工资(薪级工资, 在职)) × 12", memo="职务职级工资 + 级别工资"),
    basic(ADMIN, "2130101", "30102", "工资(津贴补贴, 在职) × 12"),
    basic(ADMIN, "2130101", "30103", "工资(岗位工资, 在职) + 工资(薪级工资, 在职)", memo="年终一次性奖金：一个月基本工资"),
    basic(ADMIN, "2080505", "30108", f"{WAGES_A} × 养老保险单位缴费比例"),
    basic(ADMIN, "2080506", "30109", f"{WAGES_A} × 职业年金单位缴费比例"),
    basic(ADMIN, "2101101", "30110", f"{WAGES_A} × 职工医疗保险单位缴费比例"),
    basic(ADMIN, "2210201", "30113", f"{WAGES_A} × 住房公积金比例"),
    basic(ADMIN, "2080501", "30302", "工资(退休费, 退休) × 12"),
    basic(ADMIN, "2080501", "30305", "工资(生活补助, 遗属) × 12"),
    basic(ADMIN, "2130101", "30201", "人数(在职) × 办公费定额"),
    basic(ADMIN, "2130101", "30211", "人数(在职) × 差旅费定额"),
    basic(ADMIN, "2130101", "30228", f"{WAGES_A} × 工会经费比例"),
    basic(ADMIN, "2130101", "30239", "人数(在职) × 公务交通补贴月标准 × 12"),
    basic(ADMIN, "2130101", "30205", "", "18600.00", "按上年实际"),
    basic(ADMIN, "2130101", "30206", "", "46200.00", "按上年实际"),
    basic(INST, "2130104", "30101", "(工资(岗位工资, 在职) + 工资(薪级工资, 在职)) × 12", memo="岗位工资 + 薪级工资"),
    basic(INST, "2130104", "30102", "工资(津贴补贴, 在职) × 12"),
    basic(INST, "2130104", "30107", "工资(绩效工资, 在职) × 12", memo="基础性和奖励性绩效工资"),
    basic(INST, "2080505", "30108", f"{WAGES_I} × 养老保险单位缴费比例"),
    basic(INST, "2080506", "30109", f"{WAGES_I} × 职业年金单位缴费比例"),
    basic(INST, "2101102", "30110", f"{WAGES_I} × 职工医疗保险单位缴费比例"),
    basic(INST, "2210201", "30113", f"{WAGES_I} × 住房公积金比例"),
    basic(INST, "2080502", "30302", "工资(退休费, 退休) × 12"),
    basic(INST, "2080502", "30305", "工资(生活补助, 遗属) × 12"),
    basic(INST, "2130104", "30201", "人数(在职) × 办公费定额", memo="单位参数 办公费定额 优先于县标准"),
    basic(INST, "2130104", "30211", "人数(在职) × 差旅费定额"),
    basic(INST, "2130104", "30228", f"{WAGES_I} × 工会经费比例"),
    basic(INST, "2130104", "30206", "", "21800.00", "按上年实际"),
    project(ADMIN, "P01", "2130125", "30227", "项目区面积 × 监管单价", memo="委托第三方监管"),
    project(ADMIN, "P01", "2130125", "31002", "6 × 5800", memo="6 台 × 5,800 元"),
    project(INST, "P02", "2130106", "30216", "培训人次 × 培训天数 × 培训费日标准"),
    project(INST, "P02", "2130106", "31003", "2 × 38000", memo="土壤墒情监测仪 2 套"),
    project(INST, "P02", "2130106", "30226", "", "60000.00", "技术指导员劳务"),
]
write("items.csv", ["unit", "function", "economic", "source", "carryover", "kind", "project", "amount", "gov_economic", "memo", "basis"], items)
