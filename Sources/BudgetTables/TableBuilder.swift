import BudgetCore
import Foundation

/// Computes disclosure tables from a template set, a budget and its roll-up.
///
/// Every figure is one roll-up look-up (or a sum of a few): exact 分, never rounded here.
/// docs/domain.md: "Tree rows show every 类, 款 and 项 with a non-zero figure in that table, ordered by
/// code, after a 合计 row."
public struct TableBuilder: Sendable {
    public let budget: Budget
    public let rollup: Rollup
    /// Revenue sums by code (every level) and source, in 分.
    private let revenue: [String: [Int64]]

    public init(budget: Budget, rollup: Rollup) {
        self.budget = budget
        self.rollup = rollup
        var r: [String: [Int64]] = [:]
        for line in budget.revenue {
            for c in CodeSet.revenue.path(of: line.code) {
                r[c, default: Array(repeating: 0, count: Source.allCases.count)][line.source.rawValue] += line.amount.fen
            }
        }
        revenue = r
    }

    /// Every table of the set, in order.
    public func build(_ set: TableTemplateSet) -> [DisclosureTable] { set.tables.map(build) }

    /// One table.
    public func build(_ t: TableTemplate) -> DisclosureTable {
        let sideRows = t.sides.map { rows(of: $0) }
        // Sides share grid rows: bodies padded to the longest body, then footers to the longest footer.
        let bodyCount = sideRows.map(\.body.count).max() ?? 0
        let footCount = sideRows.map(\.footer.count).max() ?? 0
        var out: [DisclosureTable.Row] = []
        out.reserveCapacity(bodyCount + footCount)
        for part in 0..<2 {
            let count = part == 0 ? bodyCount : footCount
            for i in 0..<count {
                var keys: [String] = [], cells: [DisclosureTable.Cell] = []
                var style = DisclosureTable.Row.Style.plain
                for (s, side) in t.sides.enumerated() {
                    let list = part == 0 ? sideRows[s].body : sideRows[s].footer
                    if i < list.count {
                        let r = list[i]
                        if let k = r.key { keys.append(k) }
                        cells += r.cells
                        if s == 0 || style == .plain { style = r.style }
                    } else {
                        cells += Array(repeating: .blank, count: side.columns.count)
                    }
                }
                out.append(DisclosureTable.Row(keys: keys, cells: cells, style: style))
            }
        }
        let columns = t.columns.map { DisclosureTable.Column(key: $0.key, kind: $0.kind, width: $0.width) }
        let header = t.header.map { $0.map(substitute) }
        var table = DisclosureTable(key: t.key, label: t.label, title: substitute(t.title), sheetName: substitute(t.sheet),
                                    department: "部门名称：\(budget.department)", header: header, headerMerges: t.merges,
                                    columns: columns, rows: out, emptyNote: nil, landscape: t.landscape)
        if table.hasNoFigures { table.emptyNote = t.emptyNote.map(substitute) }
        return table
    }

    func substitute(_ s: String) -> String {
        s.replacing("{year}", with: String(budget.year)).replacing("{department}", with: budget.department)
    }

    // MARK: Sides

    struct SideRow {
        var key: String?
        var cells: [DisclosureTable.Cell]
        var style: DisclosureTable.Row.Style
    }

    /// The texts a generated row offers its text columns.
    struct Texts {
        var code = "", name = "", governmentName = ""
        func value(_ f: TableTemplate.Field?) -> String? {
            switch f {
            case .code: return code
            case .name: return name
            case .governmentName: return governmentName
            case nil: return nil
            }
        }
    }

    func rows(of side: TableTemplate.Side) -> (body: [SideRow], footer: [SideRow]) {
        let cols = side.columns
        let amountCols = cols.filter { $0.kind == .amount }
        // Columns that name nodes: their cells sum those nodes (the loader allows them only on rows
        // of the whole department, where the column's nodes are the intersection).
        let columnNodes: [[RollupNode]?] = amountCols.map { c in c.nodes.map { $0.flatMap(resolve) } }
        func amounts(_ nodes: [RollupNode], _ extra: Measure? = nil) -> [Money] {
            amountCols.indices.map { i in
                let m = amountCols[i].measure ?? Measure(mask: 0)
                let mm = extra.map { m.intersection($0) } ?? m
                var t: Int64 = 0
                for n in columnNodes[i] ?? nodes { t &+= rollup.total(n, mm).fen }
                return Money(fen: t)
            }
        }
        func row(_ key: String?, _ texts: Texts, fixed: [String: String]? = nil, _ values: [Money]?,
                 _ style: DisclosureTable.Row.Style) -> SideRow {
            var cells: [DisclosureTable.Cell] = []
            cells.reserveCapacity(cols.count)
            var a = 0
            for c in cols {
                if c.kind == .amount {
                    cells.append(values.map { .amount($0[a]) } ?? .blank); a += 1
                } else if let f = fixed {
                    cells.append(f[c.key].map { $0.isEmpty ? .blank : .text($0) } ?? .blank)
                } else if let s = texts.value(c.field), !s.isEmpty {
                    cells.append(.text(s))
                } else {
                    cells.append(.blank)
                }
            }
            return SideRow(key: key, cells: cells, style: style)
        }
        func nonZero(_ v: [Money]) -> Bool { v.contains { $0 != .zero } }
        func totalRow(_ text: [String: String]?, _ nodes: [RollupNode]) -> SideRow {
            row("合计", Texts(), fixed: text ?? [:], amounts(nodes), .total)
        }
        func fixedRow(_ f: TableTemplate.FixedRow) -> SideRow {
            let key = f.key ?? cols.lazy.compactMap { f.text[$0.key] }.first
            let nodes = f.nodes.flatMap(resolve)
            let style = f.style ?? (key == "合计" || (key ?? "").hasSuffix("合计") || (key ?? "").hasSuffix("总计") ? .total : .plain)
            return row(key, Texts(), fixed: f.text, f.nodes.isEmpty ? nil : amounts(nodes, f.measure), style)
        }

        var body: [SideRow] = []
        for source in side.body {
            switch source {
            case .fixed(let rows):
                body += rows.map(fixedRow)
            case .functionTree(let total, let levels):
                body.append(totalRow(total, [.department]))
                for c in rollup.functionCodes where levels.contains(c.count) {
                    let v = amounts([.function(c)])
                    guard nonZero(v) else { continue }
                    let name = budget.codes.name(.function, c) ?? "（未知科目 \(c)）"
                    body.append(row("function:\(c)", Texts(code: c, name: name), v, Self.level(c.count, levels)))
                }
            case .functionClasses(let classes, let numbering):
                for (i, c) in classes.enumerated() {
                    let name = budget.codes.name(.function, c) ?? "（未知科目 \(c)）"
                    let number = numbering.replacing("{n}", with: ChineseNumeral.text(i + 1))
                    body.append(row("function:\(c)", Texts(code: c, name: number + name), amounts([.function(c)]), .plain))
                }
            case .economicTree(let total, let levels):
                body.append(totalRow(total, [.department]))
                for c in rollup.economicCodes where levels.contains(c.count) {
                    let v = amounts([.economic(c)])
                    guard nonZero(v) else { continue }
                    let name = budget.codes.name(.economic, c) ?? "（未知科目 \(c)）"
                    body.append(row("economic:\(c)", Texts(code: c, name: name), v, Self.level(c.count, levels)))
                }
            case .economicPairs(let total):
                body.append(totalRow(total, [.department]))
                let pairs = rollup.economicPairs
                for cls in rollup.economicCodes where CodeSet.economic.isClass(cls) {
                    let v = amounts([.economic(cls)])
                    guard nonZero(v) else { continue }
                    body.append(row("economic:\(cls)", Texts(code: cls, name: budget.codes.name(.economic, cls) ?? "（未知科目 \(cls)）"),
                                    v, .level1))
                    for p in pairs where p.economic.hasPrefix(cls) {
                        let pv = amounts([.economicPair(economic: p.economic, government: p.government)])
                        guard nonZero(pv) else { continue }
                        let gov = p.government.isEmpty ? "（未对应政府经济分类）" : budget.codes.name(.governmentEconomic, p.government) ?? "（未知科目 \(p.government)）"
                        body.append(row("pair:\(p.economic)/\(p.government)",
                                        Texts(code: p.economic, name: budget.codes.name(.economic, p.economic) ?? "（未知科目 \(p.economic)）",
                                              governmentName: gov), pv, .level2))
                    }
                }
            case .revenueTree(let total):
                let masks = amountCols.map { c in Source.allCases.filter { !Measure(sources: [$0]).intersection(c.measure ?? Measure(mask: 0)).isEmpty } }
                func revenueAmounts(_ code: String?) -> [Money] {
                    masks.map { sources in
                        var t: Int64 = 0
                        if let code { if let v = revenue[code] { for s in sources { t += v[s.rawValue] } } }
                        else { for (c, v) in revenue where CodeSet.revenue.isClass(c) { for s in sources { t += v[s.rawValue] } } }
                        return Money(fen: t)
                    }
                }
                var cells = row("合计", Texts(), fixed: total ?? [:], revenueAmounts(nil), .total)
                cells.key = "合计"
                body.append(cells)
                for c in revenue.keys.sorted() {
                    let v = revenueAmounts(c)
                    guard nonZero(v) else { continue }
                    let name = budget.codes.name(.revenue, c) ?? "（未知科目 \(c)）"
                    body.append(row("revenue:\(c)", Texts(code: c, name: name), v, Self.level(c.count, [3, 5, 7, 9])))
                }
            case .units(let organOnly, let total):
                let units = budget.units.filter { !organOnly || $0.type.isOrgan }.sorted { $0.code < $1.code }
                body.append(totalRow(total, units.map { .unit($0.code) }))
                for u in units {
                    let v = amounts([.unit(u.code)])
                    guard nonZero(v) else { continue }
                    body.append(row("unit:\(u.code)", Texts(code: u.code, name: u.name), v, .plain))
                }
            case .unitProjects:
                var top = row("合计", Texts(name: budget.department), amounts([.department]), .total)
                top.key = "合计"
                body.append(top)
                let projects = Dictionary(grouping: budget.projects, by: \.unit)
                for u in budget.units.sorted(by: { $0.code < $1.code }) {
                    let v = amounts([.unit(u.code)])
                    guard nonZero(v) else { continue }
                    body.append(row("unit:\(u.code)", Texts(code: u.code, name: u.name), v, .level1))
                    for p in (projects[u.code] ?? []).sorted(by: { $0.code < $1.code }) {
                        let pv = amounts([.project(unit: u.code, code: p.code)])
                        guard nonZero(pv) else { continue }
                        body.append(row("project:\(u.code)/\(p.code)", Texts(code: p.code, name: p.name), pv, .level2))
                    }
                }
            }
        }
        return (body, side.footer.map(fixedRow))
    }

    func resolve(_ n: NodeRef) -> [RollupNode] { n.nodes(budget: budget, rollup: rollup) }

    static func level(_ length: Int, _ levels: [Int]) -> DisclosureTable.Row.Style {
        switch levels.firstIndex(of: length) ?? 0 {
        case 0: return .level1
        case 1: return .level2
        default: return .level3
        }
    }
}

/// 一、二、… 三十 as the tables number the 类.
public enum ChineseNumeral {
    static let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

    /// 1 → 一, 10 → 十, 21 → 二十一 (1 ... 99).
    public static func text(_ n: Int) -> String {
        guard n > 0, n < 100 else { return String(n) }
        if n < 10 { return digits[n] }
        let tens = n / 10, ones = n % 10
        return (tens == 1 ? "" : digits[tens]) + "十" + digits[ones]
    }
}
