import BudgetCore
import BudgetWorkbook
import BudgetXLSX

/// The input template's 参数, 标准 and 人员 sheets: the columns of parameters.csv, standards.csv
/// and staff.csv under their Chinese headers, filled with the workspace's current values in the
/// order `budget save` writes them, so template → `budget import --replace` gives the same tables.
extension InputTemplate {
    struct BasisSheetSet {
        let parameters: XLSXWorksheet
        let standards: XLSXWorksheet
        let staff: XLSXWorksheet
    }

    static func writeBasisSheets(_ sheets: BasisSheetSet, _ budget: Budget, unitNames: [String: String],
                                 headerRow: (XLSXWorksheet, TableSchema, [Double], Int) throws -> Void,
                                 unitDropDown: (XLSXWorksheet, TableSchema) throws -> Void) throws {
        // A value is written as text (`16%`, `0.16`): the cell keeps what the clerk sees, and a
        // percentage stays a percentage through the round trip.
        let parameters = budget.parameters.sorted { ($0.unit, $0.name) < ($1.unit, $1.name) }
        try headerRow(sheets.parameters, .parameters, [32, 24, 14, 36], parameters.count)
        for (r, p) in parameters.enumerated() {
            let unit = labelled(p.unit, unitNames[p.unit])
            try wrapHeight(sheets.parameters, r + 1, [(unit, 32), (p.memo, 36)])
            try sheets.parameters.writeString(r + 1, 0, unit, style: wrappedText)
            try sheets.parameters.writeString(r + 1, 1, p.name, style: text)
            try sheets.parameters.writeString(r + 1, 2, p.value.text, style: text)
            if !p.memo.isEmpty { try sheets.parameters.writeString(r + 1, 3, p.memo, style: wrappedText) }
        }
        try unitDropDown(sheets.parameters, .parameters)

        let standards = budget.standards.sorted { $0.name < $1.name }
        try headerRow(sheets.standards, .standards, [30, 14, 40], standards.count)
        for (r, s) in standards.enumerated() {
            try wrapHeight(sheets.standards, r + 1, [(s.name, 30), (s.memo, 40)])
            try sheets.standards.writeString(r + 1, 0, s.name, style: wrappedText)
            try sheets.standards.writeString(r + 1, 1, s.value.text, style: text)
            if !s.memo.isEmpty { try sheets.standards.writeString(r + 1, 2, s.memo, style: wrappedText) }
        }

        // 人员: the fixed columns, then the amount fields in name order (as staff.csv), 元 a month.
        let fields = WorkbookFolder.staffFields(budget.staff)
        let schema = TableSchema.staff(fields: fields)
        try headerRow(sheets.staff, schema, [32, 26, 10, 8] + fields.map { max(12, Double($0.count) * 2.2 + 2) }, budget.staff.count)
        for (r, row) in WorkbookFolder.sortedStaff(budget.staff).enumerated() {
            let unit = labelled(row.unit, unitNames[row.unit])
            try wrapHeight(sheets.staff, r + 1, [(unit, 32), (row.name, 26)])
            try sheets.staff.writeString(r + 1, 0, unit, style: wrappedText)
            try sheets.staff.writeString(r + 1, 1, row.name, style: wrappedText)
            try sheets.staff.writeString(r + 1, 2, row.category, style: text)
            try sheets.staff.writeNumber(r + 1, 3, Double(row.count))
            for (k, f) in fields.enumerated() {
                // 分 → 元: the nearest double; the import reads the stored digits back to the exact 分.
                try sheets.staff.writeNumber(r + 1, 4 + k, Double((row.amounts[f] ?? .zero).fen) / 100, style: money)
            }
        }
        try unitDropDown(sheets.staff, schema)
    }
}
