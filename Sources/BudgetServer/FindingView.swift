import BudgetChecks
import BudgetCore
import Foundation

extension API {
    /// The checks panel: findings grouped (sixteen identical rounding notes are one group of
    /// sixteen), each said in the tables' words and leading to its lines or its table cell.
    struct Checks: Encodable, Sendable {
        var source: String
        var errors: Int
        var warnings: Int
        var infos: Int
        /// Rules that listed only their first findings, with how many more they had.
        var omitted: [String]
        var groups: [CheckGroup]
    }

    struct CheckGroup: Encodable, Sendable {
        var severity: String
        var severityName: String
        var title: String
        var count: Int
        var members: [CheckMember]
    }

    struct CheckMember: Encodable, Sendable {
        /// Where, in the tables' words: `表3 预算支出总表「208 社会保障和就业支出」行「合计」列`.
        var text: String
        /// 应为 / 实为 / 相差, or the amount of a flagged line.
        var figures: String?
        /// The table cells to show (the first is the one found).
        var cells: [CellTarget]
        /// The grid filter (query of /api/items) that lists the lines behind it: `ids` or `cell`.
        var lines: [String: String]?
        var linesLabel: String?
    }

    struct CellTarget: Encodable, Sendable { var table: String; var row: Int; var column: String? }
}

/// Renders a check report for the page.
struct FindingView {
    let cells: TableCells
    let budget: Budget
    /// The lines by id, to name a flagged line in the grid's words.
    let lines: [Int64: LineItem]

    init(cells: TableCells, budget: Budget, ids: [Int64]) {
        self.cells = cells
        self.budget = budget
        var l: [Int64: LineItem] = [:]
        for (i, id) in ids.enumerated() where i < budget.items.count { l[id] = budget.items[i] }
        lines = l
    }

    /// `明细 #28：080001 泽州县自然资源局 · 2200199 其他自然资源事务支出 · 30305 生活补助 · 一般公共预算 · 当年 · 项目支出 · P04 …`
    func lineWords(_ id: Int64, column: String?) -> String? {
        guard let i = lines[id] else { return nil }
        let c = budget.codes
        var parts = ["\(i.unit) \(budget.unit(i.unit)?.name ?? "")", "\(i.function) \(c.name(.function, i.function) ?? "")",
                     "\(i.economic) \(c.name(.economic, i.economic) ?? "")", i.source.name, i.carryover.name, i.kind.name]
        if let p = i.project, !p.isEmpty {
            parts.append("\(p) \(budget.projects.first { $0.unit == i.unit && $0.code == p }?.name ?? "")")
        }
        var out = "明细 #\(id)：" + parts.map { $0.trimmingSpaces }.joined(separator: " · ")
        if let col = column { out += "（问题在「\(GridColumns.title(col))」）" }
        return out
    }

    func render(_ report: CheckReport) -> API.Checks {
        var groups: [API.CheckGroup] = []
        var index: [String: Int] = [:]
        for f in report.findings {
            let key = f.printed ? "printed|\(f.severity.rawValue)" : "\(f.severity.rawValue)|\(f.rule)|\(f.message)"
            let member = self.member(f)
            if let i = index[key] {
                groups[i].members.append(member)
                groups[i].count += 1
            } else {
                index[key] = groups.count
                groups.append(API.CheckGroup(severity: f.severity.rawValue, severityName: f.severity.chineseName, title: title(f),
                                             count: 1, members: [member]))
            }
        }
        let omitted = report.omitted.sorted { $0.key < $1.key }.map { "规则 \($0.key) 另有 \($0.value) 处未列出" }
        let skipped = report.skipped.count
        return API.Checks(source: "\(report.ruleSetTitle)（\(report.rulesEvaluated) 条规则\(skipped > 0 ? "，\(skipped) 条未执行" : "")）",
                          errors: report.count(.error), warnings: report.count(.warning), infos: report.count(.info),
                          omitted: omitted, groups: groups)
    }

    /// The group's heading: the rule's message with its variables named.
    func title(_ f: Finding) -> String {
        if f.printed {
            return "舍位差：下列合计与其各部分的精确金额相符，只是印刷数（万元，四舍五入一次）相差 0.01，可在导出时用舍位平衡调整"
        }
        return name(variables: f.message)
    }

    func member(_ f: Finding) -> API.CheckMember {
        let targets = f.cells.map { API.CellTarget(table: $0.table, row: $0.row, column: $0.column) }
        var text: String
        if let first = f.cells.first, f.places.count == 1, !f.places[0].hasPrefix("左：") {
            // A footing (the total, then the parts it should equal) or one row of a table.
            let parts = Array(f.cells.dropFirst())
            if parts.isEmpty {
                text = cells.words(first)
            } else if parts.allSatisfy({ $0.row == first.row }) {
                text = "\(cells.words(first)) ＝ " + parts.map { cells.columnWords($0) }.joined(separator: " ＋ ")
            } else if parts.count > 6 {
                text = "\(cells.words(first)) ＝ 下级 \(parts.count) 行之和（\(parts.prefix(3).map { cells.rowWords($0) }.joined(separator: "、"))……）"
            } else {
                text = "\(cells.words(first)) ＝ " + parts.map { cells.rowWords($0) }.joined(separator: " ＋ ") + " 之和"
            }
        } else if f.cells.isEmpty, f.items.count == 1, let w = lineWords(f.items[0], column: Self.column(of: f.places.first)) {
            text = w
        } else {
            text = f.places.map(words).joined(separator: "；")
        }
        var lines: [String: String]?
        var label: String?
        if !f.items.isEmpty {
            lines = ["ids": f.items.prefix(500).map(String.init).joined(separator: ",")]
            label = "审核：\(f.items.count) 条明细"
        } else if let first = f.cells.first, let address = cells.address(first) {
            lines = ["cell": address]
            label = "审核：\(cells.words(first))"
        }
        return API.CheckMember(text: text, figures: figures(f), cells: targets, lines: lines, linesLabel: label)
    }

    /// 应为 / 实为 / 相差 (印刷数 for a rounding note), or the amount of a flagged line.
    func figures(_ f: Finding) -> String? {
        func wan(_ m: Money) -> String { Money.hundredthsText(m.wanHundredths, grouped: true) + " 万元" }
        func yuan(_ m: Money) -> String { Money.hundredthsText(m.fen, grouped: true) + " 元" }
        if f.printed, let e = f.expected, let fd = f.found {
            return "印刷 \(Money.hundredthsText(fd.wanHundredths, grouped: true))，各部分印刷数之和 \(Money.hundredthsText(e.wanHundredths, grouped: true))"
        }
        if let e = f.expected, let fd = f.found, let d = f.difference {
            return "应为 \(wan(e))（\(yuan(e))），实为 \(wan(fd))（\(yuan(fd))），相差 \(d.fen > 0 ? "+" : "")\(yuan(d))"
        }
        if let fd = f.found { return "金额 \(wan(fd))（\(yuan(fd))）" }
        return nil
    }

    /// A place in the tables' words: `表 T3 行 function:208 列 total` → `表3 预算支出总表「208 …」行「合计」列`;
    /// a line's `（列 economic）` → `（经济分类）`.
    func words(_ place: String) -> String {
        var out = cells.words.place(place)
        for key in GridColumns.editable + ["gov_economic"] {
            out = out.replacing("（列 \(key)）", with: "（\(GridColumns.title(key))）")
        }
        return out.replacing("左：", with: "左边：").replacing("右：", with: "右边：")
    }

    /// The column a data rule names at the end of its place: `…（列 economic）` → `economic`.
    static func column(of place: String?) -> String? {
        guard let p = place, p.hasSuffix("）"), let r = p.range(of: "（列 ", options: .backwards) else { return nil }
        return String(p[r.upperBound..<p.index(before: p.endIndex)])
    }

    /// `（code = 208）` → `（208 社会保障和就业支出）`.
    func name(variables text: String) -> String {
        guard let re = try? NSRegularExpression(pattern: #"（(\w+) = (\d{3,7})）"#) else { return text }
        let ns = text as NSString
        var out = text
        for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)).reversed() {
            let code = ns.substring(with: m.range(at: 2))
            let name = budget.codes.name(.function, code) ?? ""
            out = (out as NSString).replacingCharacters(in: m.range, with: "（\(code) \(name)）")
        }
        return out
    }
}
