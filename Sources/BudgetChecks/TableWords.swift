import BudgetCore
import BudgetTables
import Foundation

/// Cells of the disclosure tables named in the tables' own words, the one place for it: the
/// checks in the terminal and on the page, and 舍位平衡, say
/// `表3 预算支出总表「208 社会保障和就业支出」行「合计」列`, never `表 T3 行 function:208 列 total`.
public struct TableWords: Sendable {
    public let tables: [DisclosureTable]

    public init(tables: [DisclosureTable]) { self.tables = tables }

    public func table(_ key: String) -> DisclosureTable? { tables.first { $0.key == key } }

    /// `表3 预算支出总表`.
    public func tableName(_ t: DisclosureTable) -> String { t.sheetName }

    /// The columns of the side a column is on: a two-sided table (income beside expenditure)
    /// starts its second side at the first text or code column after an amount column.
    static func side(of column: Int, in t: DisclosureTable) -> Range<Int> {
        var starts = [0]
        var seenAmount = false
        for (i, c) in t.columns.enumerated() {
            if c.kind == .amount { seenAmount = true } else if seenAmount { starts.append(i); seenAmount = false }
        }
        let start = starts.last { $0 <= column } ?? 0
        let end = starts.first { $0 > column } ?? t.columns.count
        return start..<end
    }

    /// A row's name as printed on the side of a column: its code and name cells (`208 社会保障和就业支出`).
    public static func rowName(_ t: DisclosureTable, _ row: Int, column: Int?) -> String {
        guard row < t.rows.count else { return "第 \(row + 1) 行" }
        let r = t.rows[row]
        let range = column.map { side(of: $0, in: t) } ?? 0..<r.cells.count
        var texts: [String] = []
        for i in range where i < r.cells.count && i < t.columns.count {
            if case .text(let s) = r.cells[i], t.columns[i].kind != .amount, !s.isEmpty { texts.append(s) }
        }
        if texts.isEmpty { return r.style == .total ? "合计" : "第 \(row + 1) 行" }
        return texts.joined(separator: " ")
    }

    /// A column's heading as printed: the lowest non-empty header text above it, or the text of a
    /// merge over it.
    public static func columnName(_ t: DisclosureTable, _ column: Int) -> String {
        for r in t.header.indices.reversed() {
            if column < t.header[r].count {
                let s = t.header[r][column].trimmingSpaces
                if !s.isEmpty { return s.replacing("\n", with: "") }
            }
            if let m = t.headerMerges.first(where: { $0.firstRow <= r && r <= $0.lastRow && $0.firstColumn <= column && column <= $0.lastColumn }),
               m.firstRow < t.header.count, m.firstColumn < t.header[m.firstRow].count {
                let s = t.header[m.firstRow][m.firstColumn].trimmingSpaces
                if !s.isEmpty { return s.replacing("\n", with: "") }
            }
        }
        return column < t.columns.count ? t.columns[column].key : "第 \(column + 1) 列"
    }

    /// `表3 预算支出总表「208 社会保障和就业支出」行「合计」列`; without a column: the row.
    public func words(_ c: Finding.CellRef) -> String {
        guard let t = table(c.table) else { return "表 \(c.table)" }
        guard let col = c.column, let ci = t.columns.firstIndex(where: { $0.key == col }) else {
            return "\(tableName(t))「\(Self.rowName(t, c.row, column: nil))」行"
        }
        return "\(tableName(t))「\(Self.rowName(t, c.row, column: ci))」行「\(Self.columnName(t, ci))」列"
    }

    /// The short form for a part of a sum in the same table and column: `「20801 人力资源和社会保障管理事务」`.
    public func rowWords(_ c: Finding.CellRef) -> String {
        guard let t = table(c.table) else { return "表 \(c.table)" }
        let ci = c.column.flatMap { col in t.columns.firstIndex { $0.key == col } }
        return "「\(Self.rowName(t, c.row, column: ci))」"
    }

    /// `「合计」列`.
    public func columnWords(_ c: Finding.CellRef) -> String {
        guard let t = table(c.table), let col = c.column, let ci = t.columns.firstIndex(where: { $0.key == col }) else { return "" }
        return "「\(Self.columnName(t, ci))」列"
    }

    /// A place or message as the checker writes it, with every `表 KEY 行 ROW 列 COLUMN` in the
    /// tables' words (a row the table does not print is said so).
    public func place(_ text: String) -> String {
        guard let re = try? NSRegularExpression(pattern: #"表 (\S+) 行 (.+?) 列 ([^\s：；，,）)]+)"#) else { return text }
        let ns = text as NSString
        var result = ""
        var last = 0
        for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            result += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let t = ns.substring(with: m.range(at: 1)), r = ns.substring(with: m.range(at: 2)), c = ns.substring(with: m.range(at: 3))
            if let table = table(t), let i = table.rows.firstIndex(where: { $0.keys.contains(r) }) {
                result += words(Finding.CellRef(table: t, row: i, column: c))
            } else if let table = table(t) {
                result += "\(tableName(table))「\(r)」行（本表未列示，按 0 计）"
            } else {
                result += ns.substring(with: m.range)
            }
            last = m.range.location + m.range.length
        }
        result += ns.substring(from: last)
        return result
    }
}
