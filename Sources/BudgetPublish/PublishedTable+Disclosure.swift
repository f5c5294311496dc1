import BudgetChecks
import BudgetCore
import BudgetDisclosure
import BudgetDocx
import BudgetTables

extension PublishedTable {
    /// A computed disclosure table as the document prints it: the same header rows and merges as
    /// the XLSX sheet, and every amount cell the printed figure (`Money.wanText`: 万元 rounded once,
    /// half up, from the exact 分), zero as an empty cell, as `budget export` writes them.
    public init(_ table: DisclosureTable) {
        let n = max(table.columns.count, 1)
        var grid = SheetGrid(columnWidths: PublishedTable.widths(table), headerRows: table.header.count)
        // Header: a merge's text is its top-left cell's; a covered position gets no cell of its own.
        var covered = Set<Int>()
        for m in table.headerMerges {
            let text = m.firstRow < table.header.count && m.firstColumn < table.header[m.firstRow].count
                ? table.header[m.firstRow][m.firstColumn] : ""
            grid.put(m.firstRow, m.firstColumn, text, .header, rows: m.lastRow - m.firstRow + 1,
                     columns: m.lastColumn - m.firstColumn + 1)
            for r in m.firstRow...m.lastRow { for c in m.firstColumn...m.lastColumn { covered.insert(r * 4096 + c) } }
        }
        for (r, cells) in table.header.enumerated() {
            for c in 0..<n where !covered.contains(r * 4096 + c) {
                grid.put(r, c, c < cells.count ? cells[c] : "", .header)
            }
        }
        let top = table.header.count
        // A text or code column after an amount column: tables 1, 4 and 9 print income beside expenditure.
        let twoSided = table.columns.drop { $0.kind != .amount }.contains { $0.kind != .amount }
        for (i, row) in table.rows.enumerated() {
            // 合计 and 类 rows bold, as `budget export` prints them (SheetWriter.isBold, PrintLayout.printedStyle):
            // on a two-sided table (income beside expenditure) only the 合计 rows.
            let bold = row.style == .total || (row.style == .level1 && !twoSided)
            for c in 0..<n {
                let kind = c < table.columns.count ? table.columns[c].kind : .text
                let cell = c < row.cells.count ? row.cells[c] : .blank
                switch cell {
                case .blank:
                    grid.put(top + i, c, "", kind == .amount ? .amount : .text, bold: bold)
                case .text(let s):
                    grid.put(top + i, c, s, kind == .code || kind == .ordinal || row.style == .total ? .value : .text, bold: bold)
                case .amount(let m):
                    grid.put(top + i, c, m == .zero ? "" : m.wanText, .amount, bold: bold)
                }
            }
        }
        self.init(label: table.label, title: table.title, notes: [table.department, "单位：万元"], grid: grid,
                  footnote: table.emptyNote)
    }
}

extension PublishedTable {
    /// The XLSX column widths, except that a code column is widened until its longest code fits on
    /// one line of the document's table text (9 pt, a digit about 95 twips, 240 twips of cell
    /// margins): the Word table is narrower than the sheet, and `208050` / `1` on two lines misreads.
    /// (Fitting every column to its longest text instead was tried and looked worse: table 2's eight
    /// amount columns left the names three lines a row.)
    static func widths(_ table: DisclosureTable, textWidth: Int = DocxDocument().textWidth) -> [Double] {
        guard !table.columns.isEmpty else { return [1] }
        var w = table.columns.map { max($0.width, 1) }
        for (c, column) in table.columns.enumerated() where column.kind == .code {
            let longest = table.rows.reduce(0) { m, row in
                guard c < row.cells.count, case .text(let s) = row.cells[c] else { return m }
                return max(m, s.count)
            }
            let f = min(0.5, Double(longest * 95 + 240) / Double(textWidth))
            let total = w.reduce(0, +)
            if w[c] / total < f { w[c] = f * (total - w[c]) / (1 - f) }
        }
        return w
    }
}

extension PublishInput {
    /// Everything the document needs, built the way `budget export` and `budget narrative` build
    /// theirs: the chosen set's tables from one roll-up, and sections 一 to 八 of the narrative from
    /// the same roll-up (citing that set's tables). Without a prior year, 一 to 八 are marked for the clerk.
    public init(budget: Budget, data: DisclosureData, templates: TableTemplateSet, prior: Budget?) {
        let rollup = Rollup(budget: budget)
        let tables = TableBuilder(budget: budget, rollup: rollup).build(templates).map(PublishedTable.init)
        var narrative: [NarrativeSection]?
        if let prior {
            let n = Narrative(current: budget, prior: prior, rollups: (rollup, Rollup(budget: prior)),
                              citations: templates.citations)
            // 九 onwards come from the disclosure data (the narrative's 九 only says it has none).
            narrative = n.sections.prefix { !$0.title.hasPrefix("九、") }
                .map { NarrativeSection(title: $0.title, paragraphs: $0.paragraphs) }
        }
        self.init(budget: budget, data: data, tables: tables, narrative: narrative)
    }
}
