import BudgetCore
import Foundation

/// The files a basis of calculation (测算依据) reads: parameters.csv, standards.csv and staff.csv
/// (docs/workbook-folder.md). All optional; a folder without them loads as before.
extension WorkbookFolder {
    /// What the three files gave, with their rows' places (for the unit check).
    struct BasisFiles {
        var parameters = ReadRows<Parameter>()
        var staff = ReadRows<StaffRow>()
    }

    static func readBasisFiles(_ folder: URL, into budget: inout Budget, problems: inout ProblemCollector) throws -> BasisFiles {
        var out = BasisFiles()
        if let bytes = try optionalFile(folder, "parameters.csv") {
            var seen = Set<[String]>(), rows = 0
            out.parameters = readRows(bytes, file: "parameters.csv", schema: .parameters, problems: &problems) { r, _, p in
                guard RowRules.withinTableRows(&rows, title: "参数", at: Location(file: "parameters.csv", line: r.line), problems: &p) else { return nil }
                return RowRules.parameter(&r, seen: &seen, problems: &p)
            }
            budget.parameters = out.parameters.rows
        }
        if let bytes = try optionalFile(folder, "standards.csv") {
            var seen = Set<String>(), rows = 0
            budget.standards = readRows(bytes, file: "standards.csv", schema: .standards, problems: &problems) { r, _, p in
                guard RowRules.withinTableRows(&rows, title: "标准", at: Location(file: "standards.csv", line: r.line), problems: &p) else { return nil }
                return RowRules.standard(&r, seen: &seen, problems: &p)
            }.rows
        }
        if let bytes = try optionalFile(folder, "staff.csv") {
            out.staff = readStaff(bytes, file: "staff.csv", problems: &problems)
            budget.staff = out.staff.rows
        }
        return out
    }

    /// Reads a roster (staff.csv, or a file given to `budget staff import`): the fixed columns
    /// `unit,name,category,count`, and every other column a monthly amount field named by its
    /// header, which must be a name a basis can use (`工资(岗位工资, 在职)`), once.
    public static func readStaff(_ bytes: [UInt8], file: String, problems: inout ProblemCollector) -> ReadRows<StaffRow> {
        var fields: [String] = []
        var scratch = ProblemCollector()
        // The header decides the schema; a file that is not text is refused by CSVTable below.
        if TextScan.check(bytes, file: file, problems: &scratch) {
            var reader = CSVReader(bytes: bytes)
            var cells: [CSVField] = []
            if (try? reader.next(into: &cells)) == true {
                let fixed = TableSchema.staff(fields: [])
                for cell in cells {
                    let text = reader.trimmed(cell)
                    if text.isEmpty || fixed.column(forHeader: text) != nil { continue }
                    let here = Location(file: file, line: reader.recordLine, column: text)
                    if !RowRules.staffField(text, fields: &fields, at: here, problems: &problems) { break }
                }
            }
        }
        var rows = 0
        return readRows(bytes, file: file, schema: .staff(fields: fields), problems: &problems) { r, _, p in
            guard RowRules.withinTableRows(&rows, title: "人员信息", at: Location(file: file, line: r.line), problems: &p) else { return nil }
            return RowRules.staffRow(&r, fields: fields, problems: &p)
        }
    }

    /// Every parameter and roster row names a unit of units.csv.
    static func checkUnits(_ files: BasisFiles, of budget: Budget, problems: inout ProblemCollector) {
        let units = Set(budget.units.map(\.code))
        for (i, p) in files.parameters.rows.enumerated() where !units.contains(p.unit) {
            problems.add(Problem(rule: .unknownUnit, location: files.parameters.location(i, "unit"), value: p.unit,
                                 message: "单位 `\(p.unit)` 不在 units.csv 中"))
        }
        for (i, s) in files.staff.rows.enumerated() where !units.contains(s.unit) {
            problems.add(Problem(rule: .unknownUnit, location: files.staff.location(i, "unit"), value: s.unit,
                                 message: "单位 `\(s.unit)` 不在 units.csv 中"))
        }
    }

    /// Computes the amount of every line with a basis. A stated amount that differs is a warning
    /// naming the line (the computed amount is kept); a line that left the amount empty has none.
    static func computeBasis(_ budget: inout Budget, items: ReadRows<LineItem>, problems: inout ProblemCollector) {
        guard budget.usesBasis else { return }
        do {
            let moved = try budget.computeBasisAmounts(locate: { items.location(Int($0), "basis") })
            for d in moved where !items.amountOmitted.contains(Int(d.id)) {
                problems.add(Problem(rule: .basisAmountDiffers, severity: .warning, location: items.location(Int(d.id), "amount"),
                                     value: d.old.yuanText,
                                     message: "金额 \(d.old.yuanText) 元与测算依据算出的 \(d.new.yuanText) 元不同，按测算依据取 \(d.new.yuanText) 元"))
            }
            for (k, item) in budget.items.enumerated() where item.basis != nil {
                LineValueRules.check(item.amount, at: items.location(k, "basis"), into: &problems)
            }
        } catch {
            for p in error.problems { problems.add(p) }
            if error.truncated { problems.markTruncated() }
        }
    }

    /// parameters.csv, standards.csv and staff.csv as text, nil when the budget has none.
    static func renderBasis(_ budget: Budget) -> [(String, String?)] {
        var parameters = CSVWriter(header: TableSchema.parameters.keys)
        for p in budget.parameters.sorted(by: { ($0.unit, $0.name) < ($1.unit, $1.name) }) {
            parameters.row([p.unit, p.name, p.value.text, p.memo])
        }
        var standards = CSVWriter(header: TableSchema.standards.keys)
        for s in budget.standards.sorted(by: { $0.name < $1.name }) { standards.row([s.name, s.value.text, s.memo]) }
        let fields = staffFields(budget.staff)
        var staff = CSVWriter(header: TableSchema.staff(fields: fields).keys)
        for r in sortedStaff(budget.staff) {
            staff.row([r.unit, r.name, r.category, String(r.count)] + fields.map { (r.amounts[$0] ?? .zero).yuanText })
        }
        return [("parameters.csv", budget.parameters.isEmpty ? nil : parameters.text),
                ("standards.csv", budget.standards.isEmpty ? nil : standards.text),
                ("staff.csv", budget.staff.isEmpty ? nil : staff.text)]
    }

    /// The amount fields of a roster, as staff.csv writes its columns: by name.
    public static func staffFields(_ rows: [StaffRow]) -> [String] {
        Set(rows.flatMap(\.amounts.keys)).sorted()
    }

    /// Roster rows in the order written: by (unit, category, name), then as given.
    public static func sortedStaff(_ rows: [StaffRow]) -> [StaffRow] {
        rows.enumerated().sorted { a, b in
            (a.element.unit, a.element.category, a.element.name, a.offset) < (b.element.unit, b.element.category, b.element.name, b.offset)
        }.map(\.element)
    }
}
