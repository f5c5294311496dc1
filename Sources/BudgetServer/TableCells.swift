import BudgetChecks
import BudgetCore
import BudgetTables

/// The disclosure tables as the page shows and prints them, and what a cell of them is made of:
/// its name in the tables' own words (`表3 预算支出总表「208 社会保障和就业支出」行「合计」列`)
/// and the line items it sums.
struct TableCells {
    let templates: TableTemplateSet
    let tables: [DisclosureTable]
    let budget: Budget

    init(templates: TableTemplateSet, tables: [DisclosureTable], budget: Budget) {
        self.templates = templates; self.tables = tables; self.budget = budget
    }

    func table(_ key: String) -> DisclosureTable? { tables.first { $0.key == key } }
    func template(_ key: String) -> TableTemplate? { templates.tables.first { $0.key == key } }

    /// The template side (0 or 1) a column belongs to.
    private func side(of column: Int, in t: TableTemplate) -> (index: Int, range: Range<Int>) {
        var start = 0
        for (i, s) in t.sides.enumerated() {
            if column < start + s.columns.count { return (i, start..<(start + s.columns.count)) }
            start += s.columns.count
        }
        return (0, 0..<t.columns.count)
    }

    // MARK: - Words (the one place is `TableWords`, in BudgetChecks)

    var words: TableWords { TableWords(tables: tables) }
    func tableName(_ t: DisclosureTable) -> String { words.tableName(t) }
    func rowName(_ t: DisclosureTable, _ row: Int, column: Int?) -> String { TableWords.rowName(t, row, column: column) }
    func columnName(_ t: DisclosureTable, _ column: Int) -> String { TableWords.columnName(t, column) }
    func words(_ c: Finding.CellRef) -> String { words.words(c) }
    func rowWords(_ c: Finding.CellRef) -> String { words.rowWords(c) }
    func columnWords(_ c: Finding.CellRef) -> String { words.columnWords(c) }

    // MARK: - The lines of a cell

    /// The address of a cell for `/api/items?cell=`: `T3|function:208|total` (the row's key on the column's side).
    func address(_ c: Finding.CellRef) -> String? {
        guard let col = c.column, let t = table(c.table), c.row < t.rows.count, let tpl = template(t.key) else { return nil }
        for key in t.rows[c.row].keys where lines(tpl, rowKey: key, column: col) != nil {
            return "\(t.key)|\(key)|\(col)"
        }
        return nil
    }

    /// The predicate "this line counts in that cell", from an address; nil for a cell no line
    /// makes (a revenue row, a text column) or an address that names no cell.
    func lines(_ address: String) -> (@Sendable (LineItem) -> Bool)? {
        let parts = address.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let tpl = template(parts[0]) else { return nil }
        return lines(tpl, rowKey: parts[1], column: parts[2])
    }

    private func lines(_ t: TableTemplate, rowKey: String, column: String) -> (@Sendable (LineItem) -> Bool)? {
        guard let ci = t.columns.firstIndex(where: { $0.key == column }), let measure = t.columns[ci].measure else { return nil }
        let s = t.sides[side(of: ci, in: t).index]
        guard let row = rowLines(s, rowKey) else { return nil }
        let mask = (row.measure.map { measure.intersection($0) } ?? measure).mask
        let nodes = row.match
        return { item in
            let slot = Slot.index(item.source, item.carryover, item.kind, CostNature(economic: item.economic))
            return mask & (1 << UInt64(slot)) != 0 && nodes(item)
        }
    }

    /// Which lines a row of a side sums (before the column's measure), and the row's own measure.
    private func rowLines(_ s: TableTemplate.Side, _ key: String) -> (match: @Sendable (LineItem) -> Bool, measure: Measure?)? {
        let codes = budget.codes
        let types = Dictionary(budget.units.map { ($0.code, $0.type) }, uniquingKeysWith: { a, _ in a })
        let organ = Set(budget.units.filter(\.type.isOrgan).map(\.code))
        let all = Set(budget.units.map(\.code))
        func node(_ n: NodeRef) -> @Sendable (LineItem) -> Bool {
            switch n {
            case .department: return { _ in true }
            case .function(let c): return { $0.function.hasPrefix(c) }
            case .economic(let c): return { $0.economic.hasPrefix(c) }
            case .unit(let u): return { $0.unit == u }
            case .project(let u, let c): return { $0.unit == u && $0.project == c }
            case .pair(let e, let g):
                return { item in
                    item.economic == e
                        && (codes.governmentEconomic(for: item.economic, unitType: types[item.unit] ?? .administrative,
                                                     override: item.governmentEconomic) ?? "") == g
                }
            case .organUnits: return { organ.contains($0.unit) }
            case .allUnits: return { all.contains($0.unit) }
            case .projects: return { $0.kind == .project }
            }
        }
        // A written-out row (table 1's 一、一般公共预算; table 10's 公务接待费), by its key or first text.
        var fixed: [TableTemplate.FixedRow] = s.footer
        for source in s.body { if case .fixed(let rows) = source { fixed += rows } }
        for f in fixed where (f.key ?? s.columns.lazy.compactMap { f.text[$0.key] }.first) == key {
            guard !f.nodes.isEmpty else { return nil }
            let matches = f.nodes.map(node)
            return ({ item in matches.contains { $0(item) } }, f.measure)
        }
        let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
        let value = parts.count == 2 ? parts[1] : ""
        for source in s.body {
        switch source {
        case .functionTree, .functionClasses:
            if key == "合计" { return ({ _ in true }, nil) }
            if parts.first == "function" { return ({ $0.function.hasPrefix(value) }, nil) }
        case .economicTree:
            if key == "合计" { return ({ _ in true }, nil) }
            if parts.first == "economic" { return ({ $0.economic.hasPrefix(value) }, nil) }
        case .economicPairs:
            if key == "合计" { return ({ _ in true }, nil) }
            if parts.first == "economic" { return ({ $0.economic.hasPrefix(value) }, nil) }
            if parts.first == "pair" {
                let ec = value.split(separator: "/", maxSplits: 1).map(String.init)
                let e = ec.first ?? "", g = ec.count == 2 ? ec[1] : ""
                return ({ item in
                    item.economic == e
                        && (codes.governmentEconomic(for: item.economic, unitType: types[item.unit] ?? .administrative,
                                                     override: item.governmentEconomic) ?? "") == g
                }, nil)
            }
        case .units(let organOnly, _):
            if key == "合计" {
                let units = organOnly ? organ : all
                return ({ units.contains($0.unit) }, nil)
            }
            if parts.first == "unit" { return ({ $0.unit == value }, nil) }
        case .unitProjects:
            if key == "合计" { return ({ _ in true }, nil) }
            if parts.first == "unit" { return ({ $0.unit == value }, nil) }
            if parts.first == "project" {
                let up = value.split(separator: "/", maxSplits: 1).map(String.init)
                let u = up.first ?? "", p = up.count == 2 ? up[1] : ""
                return ({ $0.unit == u && $0.project == p }, nil)
            }
        case .revenueTree, .fixed:
            break
        }
        }
        return nil
    }

    // MARK: - The tables for the page

    /// Every table, each cell as printed (万元, two decimals, blank for zero) with its address.
    func page() -> [API.PrintedTable] {
        tables.map { t in
            let tpl = template(t.key)
            var header: [[API.HeaderCell]] = []
            for (r, row) in t.header.enumerated() {
                var out: [API.HeaderCell] = []
                for (c, text) in row.enumerated() {
                    if let m = t.headerMerges.first(where: { $0.firstRow <= r && r <= $0.lastRow && $0.firstColumn <= c && c <= $0.lastColumn }) {
                        guard m.firstRow == r && m.firstColumn == c else { continue }
                        out.append(API.HeaderCell(text: text, colspan: m.lastColumn - m.firstColumn + 1, rowspan: m.lastRow - m.firstRow + 1))
                    } else {
                        out.append(API.HeaderCell(text: text, colspan: 1, rowspan: 1))
                    }
                }
                header.append(out)
            }
            let rows = t.rows.enumerated().map { (i, r) in
                API.PrintedRow(style: r.style.rawValue, cells: r.cells.enumerated().map { (c, cell) in
                    switch cell {
                    case .blank: return API.PrintedCell(text: "", ref: nil)
                    case .text(let s): return API.PrintedCell(text: s, ref: nil)
                    case .amount(let m):
                        let h = m.wanHundredths
                        let ref = tpl == nil ? nil : address(Finding.CellRef(table: t.key, row: i, column: t.columns[c].key))
                        return API.PrintedCell(text: h == 0 ? "" : Money.hundredthsText(h), ref: ref)
                    }
                })
            }
            return API.PrintedTable(key: t.key, label: t.label, title: t.title, sheetName: t.sheetName, department: t.department,
                                    unitLine: "单位：万元", columns: t.columns.map(\.key), kinds: t.columns.map(\.kind.rawValue),
                                    header: header, rows: rows,
                                    emptyNote: t.emptyNote, landscape: t.landscape)
        }
    }
}

extension API {
    struct HeaderCell: Encodable, Sendable { var text: String; var colspan: Int; var rowspan: Int }
    /// A cell as printed; `ref` is its address (`/api/items?cell=`) when line items make it.
    struct PrintedCell: Encodable, Sendable { var text: String; var ref: String? }
    struct PrintedRow: Encodable, Sendable { var style: String; var cells: [PrintedCell] }
    struct PrintedTable: Encodable, Sendable {
        var key: String
        var label: String
        var title: String
        var sheetName: String
        var department: String
        var unitLine: String
        /// Each column's key (a finding's cell names its column by key).
        var columns: [String]
        /// Each column's kind: `code`, `text`, `amount`, `ordinal`.
        var kinds: [String]
        var header: [[HeaderCell]]
        var rows: [PrintedRow]
        var emptyNote: String?
        var landscape: Bool
    }
}
