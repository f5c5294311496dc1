import BudgetCore
import BudgetFiles
import Foundation

extension WorkbookFolder {
    /// Writes a budget as a workbook folder. Each file is written to a temporary file beside it and
    /// renamed, so a reader never sees half a file; optional files with nothing to say are removed.
    public static func write(_ budget: Budget, to folder: URL) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw WorkbookError.cannotWrite(folder.path, error.localizedDescription)
        }
        for (name, text) in render(budget) {
            let url = folder.appendingPathComponent(name)
            if let text {
                do { try AtomicFile.write(Data(text.utf8), to: url) } catch {
                    throw WorkbookError.cannotWrite(url.path, error.reason)
                }
            } else if fm.fileExists(atPath: url.path) {
                try? fm.removeItem(at: url)
            }
        }
    }

    /// The files of a workbook folder as text (nil: the optional file is not needed), in a defined order.
    public static func render(_ budget: Budget) -> [(String, String?)] {
        let tables = budget.tableSet.map { ",\n  \"tables\": \(jsonString($0))" } ?? ""
        let meta = "{\n  \"department\": \(jsonString(budget.department)),\n  \"department_code\": \(jsonString(budget.departmentCode)),\n  \"year\": \(budget.year)\(tables)\n}\n"

        var units = CSVWriter(header: TableSchema.units.keys)
        for u in budget.units.sorted(by: { $0.code < $1.code }) { units.row([u.code, u.name, u.type.name]) }

        var projects = CSVWriter(header: TableSchema.projects.keys)
        for p in budget.projects.sorted(by: { ($0.unit, $0.code) < ($1.unit, $1.code) }) {
            projects.row([p.code, p.unit, p.name, p.category.name])
        }

        // The basis column only when a line has one: a budget of typed amounts keeps its file as it was.
        let withBasis = budget.items.contains { $0.basis != nil }
        var items = CSVWriter(header: withBasis ? TableSchema.itemsWithBasis.keys : itemColumns)
        for i in canonicallySorted(budget.items) {
            let cells = TableSchema.ItemColumn.allCases.map { cell($0, of: i) }
            items.row(withBasis ? cells + [i.basis ?? ""] : cells)
        }

        var revenue = CSVWriter(header: TableSchema.revenue.keys)
        for r in budget.revenue.sorted(by: RevenueLine.canonicalOrder) { revenue.row([r.source.name, r.code, r.amount.yuanText]) }

        var codes = CSVWriter(header: TableSchema.workbookCodes.keys)
        var anyCode = false
        for set in CodeSet.allCases {
            for (code, entry) in budget.codes.codes(set) where entry.origin == .workbook {
                codes.row([set.rawValue, code, entry.name]); anyCode = true
            }
        }
        var map = CSVWriter(header: TableSchema.economicMap.keys)
        var anyMap = false
        for (e, m) in budget.codes.economicMap.sorted(by: { $0.key < $1.key }) where m.origin == .workbook {
            map.row([e, m.mapping.administrative, m.mapping.institution]); anyMap = true
        }
        return [("workbook.json", meta), ("units.csv", units.text), ("projects.csv", projects.text),
                ("items.csv", items.text), ("revenue.csv", revenue.text),
                ("codes.csv", anyCode ? codes.text : nil), ("economic-map.csv", anyMap ? map.text : nil)] + renderBasis(budget)
    }

    /// What items.csv writes in a column.
    static func cell(_ c: TableSchema.ItemColumn, of i: LineItem) -> String {
        switch c {
        case .unit: return i.unit
        case .function: return i.function
        case .economic: return i.economic
        case .source: return i.source.name
        case .carryover: return i.carryover.name
        case .kind: return i.kind.name
        case .project: return i.project ?? ""
        case .amount: return i.amount.yuanText
        case .governmentEconomic: return i.governmentEconomic ?? ""
        case .memo: return i.memo
        }
    }

    /// The items in `LineItem.canonicalOrder`, sorted by packed integer keys: each code and memo
    /// string becomes its rank among the distinct values. Comparing Strings and copying lines in
    /// the comparator made sorting 10^6 lines take most of a 12 s `budget save`.
    public static func canonicallySorted(_ items: [LineItem]) -> [LineItem] {
        func ranks(_ value: (LineItem) -> String) -> (ranks: [UInt64], count: Int) {
            let distinct = Array(Set(items.map(value))).sorted()
            let rank = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, UInt64($0)) })
            return (items.map { rank[value($0)]! }, distinct.count)
        }
        let unit = ranks(\.unit), project = ranks { $0.project ?? "" }, function = ranks(\.function)
        let economic = ranks(\.economic), gov = ranks { $0.governmentEconomic ?? "" }, memo = ranks(\.memo)
        let basis = ranks { $0.basis ?? "" }
        // hi: unit 16 bits, carryover 1, kind 1, project 16, function 16, economic 14; lo: gov 32, memo 32.
        guard unit.count <= 1 << 16, project.count <= 1 << 16, function.count <= 1 << 16, economic.count <= 1 << 14,
              gov.count <= 1 << 32, memo.count <= 1 << 32 else {
            return items.sorted(by: LineItem.canonicalOrder)
        }
        struct Key: Comparable {
            var hi: UInt64, source: Int, amount: Int64, lo: UInt64, basis: UInt64, index: Int
            static func < (a: Key, b: Key) -> Bool {
                (a.hi, a.source, a.amount, a.lo, a.basis, a.index) < (b.hi, b.source, b.amount, b.lo, b.basis, b.index)
            }
        }
        var keys: [Key] = []
        keys.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            var hi = unit.ranks[i] << 48 | UInt64(item.carryover.rawValue) << 47 | UInt64(item.kind.rawValue) << 46
            hi |= project.ranks[i] << 30 | function.ranks[i] << 14 | economic.ranks[i]
            keys.append(Key(hi: hi, source: item.source.rawValue, amount: item.amount.fen,
                            lo: gov.ranks[i] << 32 | memo.ranks[i], basis: basis.ranks[i], index: i))
        }
        keys.sort()
        return keys.map { items[$0.index] }
    }

    static func jsonString(_ s: String) -> String { JSONText.string(s) }
}

