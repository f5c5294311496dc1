import BudgetCore
import BudgetWorkbook
import BudgetXLSX
import Foundation

/// The input workbook (`budget template`): the workbook folder's files as sheets with Chinese
/// headers, drop-down lists from a hidden sheet, an instructions sheet, and the budget's current
/// line items filled in. Reading it back with `FileImporter` gives the same budget.
public enum InputTemplate {
    public static let instructionsSheet = "说明"
    public static let listsSheet = "列表"
    /// Drop-downs cover every row a sheet can have (rows 2 … 1048576).
    static let lastRow = 1_048_575

    /// Writes the template to `url`: into a temporary file beside it, renamed when complete, so a
    /// failure leaves any previous file as it was. Two runs on the same budget give the same bytes.
    public static func write(_ budget: Budget, to url: URL) throws {
        let props = XLSXDocumentProperties(title: "\(budget.department) \(budget.year) 年预算录入表",
                                           subject: "部门预算支出明细录入", author: "budget template")
        do {
            // Constant memory: each row is flushed when the next starts, so a template of 10^6 lines
            // does not hold every cell (it took 1.2 GB without). Every sheet is written row by row.
            try XLSXWorkbook.writeAtomically(to: url, options: .init(constantMemory: true), properties: props) { wb in
                try build(budget, into: wb)
            }
        } catch .build(let e) {
            throw e
        } catch .replace(let e) {
            throw WorkbookError.cannotWrite(url.path, String(cString: strerror(e)))
        }
    }

    /// `2080501 行政单位离退休`: a code with its name, as the drop-downs show it.
    static func labelled(_ code: String, _ name: String?) -> String {
        guard let name, !name.isEmpty else { return code }
        return "\(code) \(name)"
    }

    static let header = CellStyle(bold: true, horizontalAlignment: .center, verticalAlignment: .center, border: .thin,
                                  textWrap: true, backgroundColor: 0xDDEBF7)
    static let text = CellStyle(verticalAlignment: .top, numberFormat: "@")
    /// Long texts (code labels, project names, 备注) wrap in their column instead of running over
    /// the next one: what let the printed 支出明细 shrink to about 5 pt.
    static let wrappedText = CellStyle(verticalAlignment: .top, textWrap: true, numberFormat: "@")
    /// 元 with two decimals and no thousands separators, as the instructions ask amounts to be typed.
    static let money = CellStyle(verticalAlignment: .top, numberFormat: "0.00")

    static func build(_ budget: Budget, into wb: XLSXWorkbook) throws {
        let codes = budget.codes
        let units = budget.units.sorted { $0.code < $1.code }
        let projects = budget.projects.sorted { ($0.unit, $0.code) < ($1.unit, $1.code) }
        let unitNames = Dictionary(units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let projectNames = Dictionary(projects.map { ("\($0.unit)/\($0.code)", $0.name) }, uniquingKeysWith: { a, _ in a })

        let info = try wb.addSheet(name: instructionsSheet)
        let unitSheet = try wb.addSheet(name: FileImporter.unitsSheet)
        let projectSheet = try wb.addSheet(name: FileImporter.projectsSheet)
        let itemSheet = try wb.addSheet(name: FileImporter.itemsSheet)
        let revenueSheet = try wb.addSheet(name: FileImporter.revenueSheet)
        let basisSheets = try BasisSheetSet(parameters: wb.addSheet(name: FileImporter.parametersSheet),
                                            standards: wb.addSheet(name: FileImporter.standardsSheet),
                                            staff: wb.addSheet(name: FileImporter.staffSheet))
        let lists = try wb.addSheet(name: listsSheet)

        // The lists behind the drop-downs, one column each, on the hidden sheet.
        func leaves(_ set: CodeSet, length: Int?) -> [String] {
            codes.codes(set).filter { (length == nil || $0.code.utf8.count == length) && codes.isLeaf(set, $0.code) }
                .map { labelled($0.code, $0.entry.name) }
        }
        let listColumns: [(String, [String])] = [
            ("资金来源", Source.allCases.map(\.name)),
            ("上年结转", Carryover.allCases.map(\.name)),
            ("支出类型", ExpenditureKind.allCases.map(\.name)),
            ("单位", units.map { labelled($0.code, $0.name) }),
            ("项目", projects.map { labelled($0.code, $0.name) }),
            ("功能科目", leaves(.function, length: CodeSet.function.lineLevel)),
            ("经济科目", leaves(.economic, length: CodeSet.economic.lineLevel)),
            ("政府经济科目", leaves(.governmentEconomic, length: CodeSet.governmentEconomic.lineLevel)),
            ("单位类型", UnitType.allCases.map(\.name)),
            ("项目类别", ProjectCategory.allCases.map(\.name).filter { !$0.isEmpty }),
            ("收入来源", [Source.governmentFund.name, Source.stateCapital.name]),
            ("收入科目", codes.codes(.revenue).filter { codes.isLeaf(.revenue, $0.code) }.map { labelled($0.code, $0.entry.name) }),
        ]
        var listRange: [String: String] = [:]
        for (c, (title, values)) in listColumns.enumerated() {
            try lists.writeString(0, c, title, style: header)
            if !values.isEmpty {
                let col = columnLetters(c)
                listRange[title] = "='\(listsSheet)'!$\(col)$2:$\(col)$\(values.count + 1)"
            }
        }
        for r in 0..<(listColumns.map(\.1.count).max() ?? 0) {
            for (c, (_, values)) in listColumns.enumerated() where r < values.count {
                try lists.writeString(r + 1, c, values[r])
            }
        }
        try lists.hide()

        /// The header row, column widths and formats, print setup, and an autofilter over the header
        /// and the `rows` lines below it (Excel widens it as lines are added below).
        func headerRow(_ sheet: XLSXWorksheet, _ schema: TableSchema, widths: [Double], wrapped: Set<Int> = [],
                       rows: Int) throws {
            for (c, column) in schema.columns.enumerated() {
                try sheet.writeString(0, c, column.chinese, style: header)
                let style = column.kind == .amount ? money : wrapped.contains(c) ? wrappedText : text
                try sheet.setColumnWidth(c, widths[c], style: style)
            }
            try sheet.freezePanes(row: 1, col: 0)
            try sheet.autofilter(firstRow: 0, firstCol: 0, lastRow: max(rows, 1), lastCol: schema.columns.count - 1)
            try printSetup(sheet, landscape: widths.reduce(0, +) > 90)
            try sheet.repeatRows(first: 0, last: 0)
        }
        // Code columns list `2080501 行政单位离退休`, and a clerk may type the bare code: Excel then
        // asks (warning style) and keeps it on 是; the import checks every cell anyway. Fixed
        // vocabularies (资金来源, 支出类型, …) refuse anything else (stop style).
        // Each code list's own example: its first code, or a typical one when the list is empty.
        let codeExamples: [String: String] = [
            "单位": units.first?.code ?? "080001", "项目": projects.first?.code ?? "P01",
            "功能科目": leaves(.function, length: CodeSet.function.lineLevel).first.map(codePart) ?? "2080501",
            "经济科目": leaves(.economic, length: CodeSet.economic.lineLevel).first.map(codePart) ?? "30101",
            "政府经济科目": leaves(.governmentEconomic, length: CodeSet.governmentEconomic.lineLevel).first.map(codePart) ?? "50101",
            "收入科目": listColumns.first { $0.0 == "收入科目" }?.1.first.map(codePart) ?? "1030148",
        ]
        func dropDown(_ sheet: XLSXWorksheet, _ schema: TableSchema, _ key: String, _ list: String) throws {
            guard let range = listRange[list], let col = schema.index(key) else { return }
            let column = schema.columns[col], what = column.chinese
            // The schema's example when the list holds it (the instructions cite it), else the list's first code.
            let listed = listColumns.first { $0.0 == list }?.1.map(codePart) ?? []
            let example = column.example.flatMap { listed.contains($0) ? $0 : nil } ?? codeExamples[list]
            try sheet.addListValidation(
                firstRow: 1, firstCol: col, lastRow: lastRow, lastCol: col, source: .range(range),
                messages: .init(errorTitle: "\(what)不在列表中",
                                errorMessage: example.map { "不在下拉列表中。只填\(what)编码（如 \($0)）也可以：点“是”保留，导入时会逐格校验。" }
                                    ?? "请从下拉列表中选择\(what)。",
                                onOther: example != nil ? .warning : .stop))
        }

        // 单位
        try headerRow(unitSheet, .units, widths: [12, 30, 14], rows: units.count)
        for (r, u) in units.enumerated() {
            try unitSheet.writeString(r + 1, 0, u.code, style: text)
            try unitSheet.writeString(r + 1, 1, u.name, style: text)
            try unitSheet.writeString(r + 1, 2, u.type.name, style: text)
        }
        try dropDown(unitSheet, .units, "type", "单位类型")

        // 项目
        try headerRow(projectSheet, .projects, widths: [12, 30, 36, 14], wrapped: [2], rows: projects.count)
        for (r, p) in projects.enumerated() {
            try wrapHeight(projectSheet, r + 1, [(p.name, 36)])
            try projectSheet.writeString(r + 1, 0, p.code, style: text)
            try projectSheet.writeString(r + 1, 1, labelled(p.unit, unitNames[p.unit]), style: text)
            try projectSheet.writeString(r + 1, 2, p.name, style: wrappedText)
            if !p.category.name.isEmpty { try projectSheet.writeString(r + 1, 3, p.category.name, style: text) }
        }
        try dropDown(projectSheet, .projects, "unit", "单位")
        try dropDown(projectSheet, .projects, "category", "项目类别")

        // 支出明细
        // Printed landscape one page wide at about 87% (Excel): long labels wrap in narrower columns
        // (the widths once added to 220 characters, and 备注 ran over further, so a page printed at
        // about 5 pt).
        // The 测算依据 column last (TableSchema.itemsWithBasis): a line with a basis keeps it through
        // template → import (its amount is computed again on import; the cell shows the computed one).
        let itemWidths: [Double] = [22, 20, 17, 12, 8, 8, 18, 13, 14, 16, 18]
        try headerRow(itemSheet, .itemsWithBasis, widths: itemWidths, wrapped: [0, 1, 2, 3, 6, 8, 9, 10], rows: budget.items.count)
        // A 10^6-line sheet repeats a few thousand codes: each label and its width in columns is
        // built once (`Label`), not once a row.
        var labels = LabelCache()
        for (r, i) in WorkbookFolder.canonicallySorted(budget.items).enumerated() {
            let row = r + 1
            let unit = labels.get(.unit, i.unit) { labelled(i.unit, unitNames[i.unit]) }
            let function = labels.get(.function, i.function) { labelled(i.function, codes.name(.function, i.function)) }
            let economic = labels.get(.economic, i.economic) { labelled(i.economic, codes.name(.economic, i.economic)) }
            let project = i.project.map { p in labels.get(.project, i.unit + "/" + p) { labelled(p, projectNames["\(i.unit)/\(p)"]) } } ?? .none
            let government = i.governmentEconomic.map { g in labels.get(.government, g) { labelled(g, codes.name(.governmentEconomic, g)) } } ?? .none
            let source = labels.get(.source, i.source.name) { i.source.name }
            try wrapHeight(itemSheet, row, [(unit.columns, itemWidths[0]), (function.columns, itemWidths[1]), (economic.columns, itemWidths[2]),
                                            (source.columns, itemWidths[3]), (project.columns, itemWidths[6]),
                                            (government.columns, itemWidths[8]), (Label.columns(i.memo), itemWidths[9]),
                                            (Label.columns(i.basis ?? ""), itemWidths[10])])
            try itemSheet.writeString(row, 0, unit.text, style: wrappedText)
            try itemSheet.writeString(row, 1, function.text, style: wrappedText)
            try itemSheet.writeString(row, 2, economic.text, style: wrappedText)
            try itemSheet.writeString(row, 3, source.text, style: wrappedText)
            try itemSheet.writeString(row, 4, i.carryover.name, style: text)
            try itemSheet.writeString(row, 5, i.kind.name, style: text)
            if !project.text.isEmpty { try itemSheet.writeString(row, 6, project.text, style: wrappedText) }
            // 分 → 元: the cell holds the nearest double; import reads it back to the exact 分.
            try itemSheet.writeNumber(row, 7, Double(i.amount.fen) / 100, style: money)
            if !government.text.isEmpty { try itemSheet.writeString(row, 8, government.text, style: wrappedText) }
            if !i.memo.isEmpty { try itemSheet.writeString(row, 9, i.memo, style: wrappedText) }
            if let basis = i.basis { try itemSheet.writeString(row, TableSchema.itemBasisColumn, basis, style: wrappedText) }
        }
        for (key, list) in [("unit", "单位"), ("function", "功能科目"), ("economic", "经济科目"), ("source", "资金来源"),
                            ("carryover", "上年结转"), ("kind", "支出类型"), ("project", "项目"), ("gov_economic", "政府经济科目")] {
            try dropDown(itemSheet, .items, key, list)
        }
        try itemSheet.activate()

        // 收入
        try headerRow(revenueSheet, .revenue, widths: [18, 40, 18], wrapped: [1], rows: budget.revenue.count)
        for (r, line) in budget.revenue.sorted(by: RevenueLine.canonicalOrder).enumerated() {
            let code = labelled(line.code, codes.name(.revenue, line.code))
            try wrapHeight(revenueSheet, r + 1, [(code, 40)])
            try revenueSheet.writeString(r + 1, 0, line.source.name, style: text)
            try revenueSheet.writeString(r + 1, 1, code, style: wrappedText)
            try revenueSheet.writeNumber(r + 1, 2, Double(line.amount.fen) / 100, style: money)
        }
        try dropDown(revenueSheet, .revenue, "source", "收入来源")
        try dropDown(revenueSheet, .revenue, "code", "收入科目")

        // 参数, 标准, 人员
        try writeBasisSheets(basisSheets, budget, unitNames: unitNames, headerRow: { try headerRow($0, $1, widths: $2, rows: $3) },
                             unitDropDown: { try dropDown($0, $1, "unit", "单位") })

        try writeInstructions(info, budget)
    }

    /// A4, every column on one page width: a clerk who prints a sheet gets whole rows, with page
    /// numbers in the footer.
    static func printSetup(_ sheet: XLSXWorksheet, landscape: Bool) throws {
        try sheet.setPaper(.a4)
        try sheet.setOrientation(landscape ? .landscape : .portrait)
        try sheet.fitToPages(width: 1, height: 0)
        try sheet.setMargins(left: 0.4, right: 0.4, top: 0.5, bottom: 0.6)
        try sheet.setFooter(XLSXWorksheet.pageNumberFooter)
    }

    /// Wrapped text does not grow its row by itself (libxlsxwriter writes no heights, and neither
    /// LibreOffice nor Excel measures rows on opening): a row whose texts need more than one line in
    /// their columns gets the height of its longest, 15 points a line. Set before the row's cells,
    /// as constant-memory mode requires.
    static func wrapHeight(_ sheet: XLSXWorksheet, _ row: Int, _ texts: [(text: String, width: Double)]) throws {
        try wrapHeight(sheet, row, texts.map { (Label.columns($0.text), $0.width) })
    }

    /// The same, from each text's width in columns (`Label.columns`).
    static func wrapHeight(_ sheet: XLSXWorksheet, _ row: Int, _ texts: [(columns: Double, width: Double)]) throws {
        var lines = 1
        for t in texts { lines = max(lines, Int((t.columns / max(t.width, 1)).rounded(.up))) }
        if lines > 1 { try sheet.setRowHeight(row, Double(min(lines, 10)) * 15) }
    }

    /// A cell's text and its width in columns, for `wrapHeight`.
    struct Label {
        var text: String
        var columns: Double
        static let none = Label(text: "", columns: 0)

        init(text: String, columns: Double) { self.text = text; self.columns = columns }
        init(_ text: String) { self.init(text: text, columns: Label.columns(text)) }

        /// A column of the width is a digit (7 px at 11 pt); a Chinese character in 宋体 11 pt is
        /// 14.7 px, 2.1 columns.
        static func columns(_ text: String) -> Double {
            var c = 0.0
            for u in text.unicodeScalars { c += u.value > 0x2E80 ? 2.1 : 1 }
            return c
        }
    }

    /// The labels of the codes of one sheet, each built once, by kind and key.
    struct LabelCache {
        enum Kind: Int { case unit, function, economic, project, government, source }
        private var cache: [[String: Label]] = Array(repeating: [:], count: 6)

        mutating func get(_ kind: Kind, _ key: String, _ make: () -> String) -> Label {
            if let l = cache[kind.rawValue][key] { return l }
            let l = Label(make())
            cache[kind.rawValue][key] = l
            return l
        }
    }

    /// `2080501` of `2080501 行政单位离退休`.
    static func codePart(_ label: String) -> String { String(label.prefix { $0 != " " }) }

    static func writeInstructions(_ sheet: XLSXWorksheet, _ budget: Budget) throws {
        let title = CellStyle(bold: true, fontSize: 14)
        let bold = CellStyle(bold: true, verticalAlignment: .top)
        let wrap = CellStyle(verticalAlignment: .top, textWrap: true)
        try sheet.setColumnWidth(0, 18)
        try sheet.setColumnWidth(1, 90)
        try printSetup(sheet, landscape: true)
        var r = 0
        func line(_ a: String, _ b: String = "", style: CellStyle = .plain) throws {
            // Wrapped text does not grow its row by itself (libxlsxwriter writes no heights and
            // LibreOffice does not measure): a Chinese character is two columns of the 90. The
            // height is set before the cells, as constant-memory mode requires.
            let columns = b.unicodeScalars.reduce(0) { $0 + ($1.value > 0x2E80 ? 2 : 1) }
            let lines = (columns + 85) / 86
            if lines > 1 { try sheet.setRowHeight(r, Double(lines) * 15) }
            try sheet.writeString(r, 0, a, style: style == .plain ? bold : style)
            if !b.isEmpty { try sheet.writeString(r, 1, b, style: wrap) }
            r += 1
        }
        try line("\(budget.department) \(budget.year) 年部门预算录入表", style: title)
        try line("部门", budget.department + (budget.departmentCode.isEmpty ? "" : "（编码 \(budget.departmentCode)）"))
        try line("预算年度", String(budget.year))
        r += 1
        try line("怎样填写")
        try line("支出明细", "每行一条支出明细。单位、功能科目、经济科目、资金来源、上年结转、支出类型、金额必填；项目支出必须填项目，基本支出不填项目。")
        try line("编码", "功能科目为 7 位项级科目（如 2080501），经济科目为 5 位款级科目（如 30101），政府经济科目为 5 位款级科目（如 50101）。可从下拉列表选择（如“2080501 行政单位离退休”），也可只填编码数字。请勿让 Excel 把编码显示成 2.08E+06 这样的科学计数法。")
        try line("测算依据", "可不填。填了测算依据（如 在职人数×8000、经济(30101,30102)×16%）的明细，金额由测算依据算出，导入时按“参数”“标准”“人员”三张表重新计算（金额格可留空）。")
        try line("金额", "以元为单位，最多两位小数，不能为负数，如 1044950.00，一条最多 \(BudgetLimits.text(BudgetLimits.lineAmount))。可以填数字，也可以填文字形式的数字；全角数字可以；千分位逗号只能从个位起每三位一个（如 1,234,567.89）。金额列按两位小数显示，不加千分位。")
        try line("上年结转", "填“当年”或“上年结转”。")
        try line("政府经济科目", "一般不填，按单位类型由经济科目对照得出；只有需要改变对照时才填写。")
        try line("单位、项目、收入", "这三张表列出工作区中的单位、项目和收入，供选择和核对。导入到空工作区时，按这三张表建立单位、项目和收入。导入到已有单位的工作区时，表中新增的单位和项目随明细一并加入；已有的单位、项目若与工作区不同，导入会报错（请在工作簿文件夹中修改）；用 --replace 导入时，收入表替换工作区中的收入，否则收入表必须与工作区一致。")
        try line("参数", "单位的参数：单位、参数名称、数值、备注。测算依据中写参数名称（如 在职人数）。数值如 23、1200、0.16 或 16%。同一单位的参数名称不能重复。")
        try line("标准", "县里的标准：标准名称、数值、备注（如 养老保险单位缴费比例 16%）。单位的同名参数优先于标准。")
        try line("人员", "人员信息：单位、姓名（或岗位）、类别（在职、退休、遗属……）、人数（留空为 1），其后每列一个月金额字段（元），列名即字段名，测算依据中写 工资(岗位工资, 在职)、人数(在职)。可以增加金额列。")
        try line("参数、标准、人员的导入", "这三张表与明细一并导入。用 --replace 导入时替换工作区中的全部参数、标准和人员信息；不加 --replace 时，同名的参数和标准改为表中的数值，新的增加，表中删去的保留；人员按单位、类别、姓名对应，新的增加，一行对一行的改为表中的数值，对应不清时导入报错，请改用 --replace。删去一张表则工作区中的这部分不变。")
        try line("列表", "隐藏的“列表”表是下拉列表的来源，请不要修改。")
        r += 1
        try line("导入")
        try line("命令", "budget import 工作区文件 本文件.xlsx            （追加明细）")
        try line("", "budget import 工作区文件 本文件.xlsx --replace  （用本表替换全部明细）")
        try line("校验", "导入前逐格检查；发现任何问题（列出工作表、行、列、值和规则）都不会改动工作区，改正后重新导入即可。")
    }
}
