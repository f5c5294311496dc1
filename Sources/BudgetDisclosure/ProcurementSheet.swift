import BudgetCore

/// 政府采购预算表: the procurement figures as a table, in 万元 like the disclosure tables.
///
/// The seed prints only section 九's sentence, so the layout follows the disclosure tables' habit:
/// a 合计 row, then each category (货物 / 工程 / 服务, the order section 九 names them) with its lines
/// (单位, 项目 or 基本支出, 经济分类, 备注), then 政府购买服务 with its lines. Every total is rounded
/// once from the exact 分 (`Money.wanText`), so 合计 is section 九's 政府采购预算总额 and each category
/// its figure; a printed total may differ by 0.01 from the sum of its printed lines, as in the tables.
public struct ProcurementSheet: Hashable, Sendable {
    /// `2025年政府采购预算表`.
    public var title: String
    /// `部门名称：…`, `单位：万元`.
    public var notes: [String]
    public var grid: SheetGrid

    public static let header = ["项目", "单位名称", "项目名称", "经济分类", "金额", "备注"]

    public init(_ lines: [ProcurementLine], budget: Budget) {
        title = "\(budget.year)年政府采购预算表"
        notes = ["部门名称：\(budget.department)", "单位：万元"]
        var g = SheetGrid(columnWidths: [16, 18, 26, 20, 11, 12], headerRows: 1)
        for (c, h) in ProcurementSheet.header.enumerated() { g.put(0, c, h, .header) }
        var r = 1
        func figure(_ m: Money) -> String { m == .zero ? "" : m.wanText }
        func total(_ label: String, _ m: Money) {
            g.put(r, 0, label, .value, columns: 4); g.put(r, 4, figure(m), .amount); g.put(r, 5, "", .text); r += 1
        }
        func line(_ label: String, _ l: ProcurementLine) {
            let unit = budget.units.first { $0.code == l.unit }?.name ?? l.unit
            let project = l.project.map { p in budget.projects.first { $0.unit == l.unit && $0.code == p }?.name ?? p } ?? "基本支出"
            let economic = l.economic.map { e in budget.codes.name(.economic, e).map { "\(e) \($0)" } ?? e } ?? ""
            g.put(r, 0, label, .text); g.put(r, 1, unit, .text); g.put(r, 2, project, .text)
            g.put(r, 3, economic, .text); g.put(r, 4, figure(l.amount), .amount); g.put(r, 5, l.memo, .text); r += 1
        }
        let sorted = lines.sorted(by: ProcurementLine.canonicalOrder)
        let summary = ProcurementSummary(lines)
        total("政府采购预算合计", summary.total)
        for c in ProcurementCategory.allCases {
            total("其中：政府采购\(c.rawValue)预算", summary[c])
            for l in sorted where l.kind == .procurement && l.category == c { line(c.rawValue, l) }
        }
        total("政府购买服务预算合计", summary.purchasedServices)
        for l in sorted where l.kind == .purchasedService { line("政府购买服务", l) }
        grid = g
    }
}
