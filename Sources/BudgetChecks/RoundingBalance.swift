import BudgetCore
import BudgetTables

/// One printed cell moved by 舍位平衡.
public struct RoundingMove: Sendable, Hashable {
    /// Index into `DisclosureTable.rows` and `columns`.
    public var row: Int
    public var column: Int
    public var rowKey: String
    public var columnKey: String
    /// The exact amount of the cell.
    public var exact: Money
    /// Printed 万元 in hundredths, before and after (they differ by exactly 1, i.e. 0.01 万元).
    public var before: Int64
    public var after: Int64
    /// Which sums the move makes foot, in the table's words.
    public var reason: String
    /// The cell in the table's words: `「30302 退休费」行「合计」列`.
    public var place: String

    public var description: String {
        "\(place)：\(Money.hundredthsText(before)) → \(Money.hundredthsText(after))（精确值 \(exact.yuanText) 元；\(reason)）"
    }
}

/// A table's printed figures after 舍位平衡.
public struct BalancedTable: Sendable {
    /// Printed 万元 in hundredths per cell (`printed[row][column]`), nil for a cell that holds no amount.
    public var printed: [[Int64?]]
    public var moves: [RoundingMove]
    /// Sums that still do not foot in print (e.g. a grand-total row whose own parts cannot move).
    public var unresolved: [String]

    /// The printed value of a cell in 万元, for the spreadsheet (hundredths / 100).
    public func printedWan(row: Int, column: Int) -> Double? {
        guard row < printed.count, column < printed[row].count, let h = printed[row][column] else { return nil }
        return Double(h) / 100
    }
}

/// 舍位平衡 (an export option, off by default): every figure is printed rounded once from its
/// exact amount, so a printed total may differ by 0.01 from the sum of its printed parts. This
/// moves the fewest printed parts by 0.01 so that every printed row and column foots, and never
/// changes the grand total (合计 row × 合计 column, 收入总计, 支出总计): it keeps its correctly rounded value.
///
/// A figure moves only to the other hundredth its exact amount lies between (never from a whole
/// hundredth, so never from an empty cell). The footings come from the rules of the table's own set.
///
/// Greedy: each step moves one cell by ±0.01, choosing the move that fixes the most broken sums;
/// among equal moves, a detail cell before a subtotal, then the cell whose exact value lay
/// closest to the rounding boundary (the smallest error introduced). Each cell moves at most once.
public enum RoundingBalance {
    /// Balances a table by the footing rules of a rule set that name it.
    public static func balance(_ table: DisclosureTable, rules: RuleSet) -> BalancedTable {
        let footings = rules.rules.compactMap { r -> Footing? in
            if case .footing(let f) = r.check, f.table == table.key { return f }
            return nil
        }
        return balance(table, footings: footings)
    }

    struct Sum { var total: Cell; var parts: [Cell]; var label: String; var down: Bool }
    struct Cell: Hashable { var r: Int; var c: Int }

    public static func balance(_ table: DisclosureTable, footings: [Footing]) -> BalancedTable {
        var printed: [[Int64?]] = table.rows.map { row in row.cells.map { $0.money?.wanHundredths } }
        let sums = constraints(table, footings)
        // The grand total never moves: a cell that tops its column (a down total, part of no down
        // sum) and is not itself a part across its row. The 合计 row's part columns may move by 0.01
        // when the printed 合计 row does not foot across (the seed's table 6 prints 3950.40 beside
        // 3865.32 + 85.07): that is the only way it can.
        var downTotals = Set<Cell>(), downParts = Set<Cell>(), acrossParts = Set<Cell>(), totals = Set<Cell>()
        for s in sums {
            totals.insert(s.total)
            if s.down { downTotals.insert(s.total); downParts.formUnion(s.parts) } else { acrossParts.formUnion(s.parts) }
        }
        var fixed = downTotals.subtracting(downParts).subtracting(acrossParts)
        if downTotals.isEmpty { fixed = totals }   // across only: the total column is the total
        var byCell: [Cell: [Int]] = [:]
        for (i, s) in sums.enumerated() {
            byCell[s.total, default: []].append(i)
            for p in s.parts { byCell[p, default: []].append(i) }
        }
        func value(_ c: Cell) -> Int64 { printed[c.r][c.c] ?? 0 }
        func gap(_ i: Int) -> Int64 { value(sums[i].total) - sums[i].parts.reduce(0) { $0 + value($1) } }
        func exact(_ c: Cell) -> Money { table.rows[c.r].cells[c.c].money ?? .zero }

        var moves: [RoundingMove] = []
        var moved = Set<Cell>()
        func movable(_ c: Cell) -> Bool { !fixed.contains(c) && !moved.contains(c) && printed[c.r][c.c] != nil }
        // A printed figure stays one of the two hundredths its exact amount lies between: a cell
        // whose amount is a whole hundredth (zero among them, which prints empty) never moves, so
        // no figure is printed where there is none.
        func canMove(_ c: Cell, _ delta: Int64) -> Bool {
            let e = exact(c).fen
            let low = e >= 0 ? e / 10_000 : -((-e + 9_999) / 10_000)
            let high = e % 10_000 == 0 ? low : low + 1
            let after = value(c) + delta
            return after == low || after == high
        }
        // The gain of moving some cells by delta: how much the total broken amount shrinks.
        func gain(_ cells: [Cell], _ delta: Int64) -> Int64 {
            var affected = Set<Int>()
            for c in cells { affected.formUnion(byCell[c] ?? []) }
            var g: Int64 = 0
            for i in affected {
                var shift: Int64 = 0
                for c in cells {
                    if sums[i].total == c { shift += delta }
                    if sums[i].parts.contains(c) { shift -= delta }
                }
                g += abs(gap(i)) - abs(gap(i) + shift)
            }
            return g
        }
        for _ in 0..<10_000 {
            let broken = sums.indices.filter { gap($0) != 0 }
            if broken.isEmpty { break }
            // Candidates: one cell, or a total and one of its parts moved together (which keeps
            // their own sum and fixes two others: a row's total and part when two columns are short).
            var candidates: [[Cell]] = []
            var seen = Set<[Cell]>()
            for i in broken {
                for c in [sums[i].total] + sums[i].parts where movable(c) {
                    if seen.insert([c]).inserted { candidates.append([c]) }
                    for j in byCell[c] ?? [] {
                        let partners = sums[j].total == c ? sums[j].parts : [sums[j].total]
                        for p in partners where p != c && movable(p) {
                            let pair = [c, p].sorted { ($0.r, $0.c) < ($1.r, $1.c) }
                            if seen.insert(pair).inserted { candidates.append(pair) }
                        }
                    }
                }
            }
            var best: (cells: [Cell], delta: Int64, key: (Int64, Int, Int, Int64))?
            for cells in candidates {
                for delta in [Int64(1), -1] where cells.allSatisfy({ canMove($0, delta) }) {
                    let g = gain(cells, delta)
                    guard g > 0 else { continue }
                    let cost = cells.filter { totals.contains($0) }.count
                    let error = cells.reduce(Int64(0)) { $0 + abs((value($1) + delta) * 10_000 - exact($1).fen) }
                    // More fixed per cell moved first, then fewer cells, detail before subtotal, least error.
                    let key = (g * 2 / Int64(cells.count), -cells.count, -cost, -error)
                    if let b = best, b.key >= key { continue }
                    best = (cells, delta, key)
                }
            }
            guard let b = best else { break }
            for cell in b.cells {
                let before = value(cell)
                printed[cell.r][cell.c] = before + b.delta
                moved.insert(cell)
            }
            for cell in b.cells {
                let fixedSums = (byCell[cell] ?? []).filter { gap($0) == 0 }.map { sums[$0].label }
                moves.append(RoundingMove(row: cell.r, column: cell.c, rowKey: rowKey(table, cell.r),
                                          columnKey: table.columns[cell.c].key, exact: exact(cell), before: value(cell) - b.delta,
                                          after: value(cell), reason: "使" + fixedSums.joined(separator: "、") + "平衡",
                                          place: "\(rowWords(table, cell.r))行\(columnWords(table, cell.c))列"))
            }
        }
        let unresolved = sums.indices.filter { gap($0) != 0 }.map {
            "\(sums[$0].label)：印刷数相差 \(Money.hundredthsText(gap($0)))"
        }
        return BalancedTable(printed: printed, moves: moves, unresolved: unresolved)
    }

    static func rowKey(_ t: DisclosureTable, _ r: Int) -> String {
        t.rows[r].keys.first ?? "#\(r + 1)"
    }

    /// A row as the table prints it (`「208 社会保障和就业支出」`, `「合计」`) and a column as its
    /// header prints it (`「一般公共预算拨款收入」`), by `TableWords`.
    static func rowWords(_ t: DisclosureTable, _ r: Int) -> String { "「\(TableWords.rowName(t, r, column: nil))」" }
    static func columnWords(_ t: DisclosureTable, _ c: Int) -> String { "「\(TableWords.columnName(t, c))」" }

    /// The sums the footing rules state, as cells.
    static func constraints(_ table: DisclosureTable, _ footings: [Footing]) -> [Sum] {
        var col: [String: Int] = [:]
        for (i, c) in table.columns.enumerated() where col[c.key] == nil { col[c.key] = i }
        var rowOf: [String: Int] = [:]
        for (i, r) in table.rows.enumerated() { for k in r.keys where rowOf[k] == nil { rowOf[k] = i } }
        func isAmount(_ r: Int, _ c: Int) -> Bool { table.rows[r].cells[c].money != nil }
        var out: [Sum] = []
        for f in footings {
            for (t, parts) in f.across {
                guard let tc = col[t] else { continue }
                let pcs = parts.compactMap { col[$0] }
                for r in table.rows.indices where isAmount(r, tc) {
                    out.append(Sum(total: Cell(r: r, c: tc), parts: pcs.filter { isAmount(r, $0) }.map { Cell(r: r, c: $0) },
                                   label: "\(rowWords(table, r))行横向合计（\(columnWords(table, tc))列）", down: false))
                }
            }
            var groups: [(String, [String], [String]?)] = f.groups
            if let tree = f.tree { groups += treeGroups(table, tree) }
            for (t, parts, only) in groups {
                guard let tr = rowOf[t] else { continue }
                let prs = parts.compactMap { rowOf[$0] }
                for (c, column) in table.columns.enumerated() where column.kind == .amount && (only?.contains(column.key) ?? true) {
                    guard isAmount(tr, c) else { continue }
                    out.append(Sum(total: Cell(r: tr, c: c), parts: prs.filter { isAmount($0, c) }.map { Cell(r: $0, c: c) },
                                   label: "\(columnWords(table, c))列纵向合计（\(rowWords(table, tr))行）", down: true))
                }
            }
        }
        return out
    }

    static func treeGroups(_ table: DisclosureTable, _ tree: Footing.Tree) -> [(String, [String], [String]?)] {
        // The total row is kept even without children; a 类/款 without child rows has nothing to balance.
        tree.sums(in: table).sums.filter { !$0.children.isEmpty || $0.key == tree.totalRow }
            .map { ($0.key, $0.children, tree.columns) }
    }
}
