import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import Foundation
import Testing

/// `budget codes import … FILE.xlsx`: the first sheet, code and name columns, numeric codes.
@Suite struct CodeListImportTests {
    @Test func officialListWithTitleRowAndNumericCodes() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var b = SheetBuilder()
        b.row(1, ["s:2025年政府收支分类科目（支出功能分类）"])
        b.row(2, ["s:科目编码", "s:科目名称"])
        b.row(3, ["n:208", "s:社会保障和就业支出"])
        b.row(4, ["n:20805", "s:行政事业单位养老支出"])
        b.row(5, ["n:2080599", "s:其他行政事业单位养老支出"])
        b.row(7, ["s:2089901 ", "s:其他社会保障和就业支出（新）"])
        try b.write(to: dir.file("codes.xlsx"), sheet: "功能分类")
        var problems = ProblemCollector()
        let codes = try CodeListImport.readXLSX(dir.file("codes.xlsx"), set: .function, problems: &problems)
        #expect(!problems.hasErrors)
        #expect(codes.map(\.0) == ["208", "20805", "2080599", "2089901"])
        #expect(codes.last?.1 == "其他社会保障和就业支出（新）")

        // Into a workspace, as the command does.
        let w = try emptyWorkspace(dir)
        let r = try w.importCodes(.function, codes.map { (code: $0.0, name: $0.1) })
        #expect(r.added + r.renamed >= 1)
        #expect(try w.budget().codes.name(.function, "2089901") == "其他社会保障和就业支出（新）")
    }

    @Test func mangledAndMalformedCodesAreRefusedWithTheirCells() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var b = SheetBuilder()
        b.row(1, ["s:code", "s:name"])
        b.row(2, ["n:2.08E+06", "s:被 Excel 改坏的编码"])
        b.row(3, ["n:2080501.5", "s:带小数"])
        b.row(4, ["n:20805", nil])
        b.row(5, ["n:20805", "s:重复"])
        try b.write(to: dir.file("codes.xlsx"), sheet: "Sheet1")
        var problems = ProblemCollector()
        _ = try CodeListImport.readXLSX(dir.file("codes.xlsx"), set: .function, problems: &problems)
        #expect(problems.problems.map { "\($0.location) [\($0.rule)]" } == [
            "Sheet1 第 2 行 列 A（code） [mangled-code]",
            "Sheet1 第 3 行 列 A（code） [malformed-code]",
            "Sheet1 第 4 行 列 B（name） [empty-value]",
            "Sheet1 第 5 行 列 A（code） [duplicate-code]",
        ])
    }
}
