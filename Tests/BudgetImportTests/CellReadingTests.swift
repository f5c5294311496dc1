import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import BudgetXLSX
import Foundation
import Testing

/// The reading rules of the issue, on a workbook laid out as WPS and Excel write it
/// (shared strings, styles with a text format, a money format and a Chinese date format).
@Suite struct CellReadingTests {
    /// Reads a sheet built by `build` into the demo workspace context; returns items or problems.
    func read(_ build: (inout SheetBuilder) -> Void, after: String = "",
              options: ImportOptions = ImportOptions()) throws -> Result<ImportedFile, ProblemsError> {
        let dir = try TempDir()
        defer { dir.remove() }
        var b = SheetBuilder()
        build(&b)
        let url = dir.file("wps.xlsx")
        try b.write(to: url, after: after)
        do {
            let file = try FileImporter.read(url, options: options)
            let demo = try demoBudget()
            _ = try FileImporter.plan(file, current: demo, currentIsEmpty: false, replace: false)
            return .success(file)
        } catch let e as ProblemsError { return .failure(e) }
    }

    @Test func numbersTextCodesAndAmountsAreReadAsTheClerkMeantThem() throws {
        let r = try read { b in
            b.row(1, ["s:支出明细（金额单位：元）"])          // a title row above the header
            b.row(3, ["s:序号"] + itemHeader)                  // a 序号 column the import ignores
            // Code typed as a number, amount as text.
            b.row(4, ["n:1"] + basicLine("n:2080501", economic: "n:30302", amount: "s:1044950.00"))
            // Codes shown with their names (the template's drop-down), amount with a float artifact.
            b.row(5, ["n:2"] + basicLine("s:2080505 机关事业单位基本养老保险缴费支出", economic: "s:30108 机关事业单位基本养老保险缴费", amount: "n:1179406.3200000001"))
            b.row(6, [])                                      // an empty row
            b.row(7, ["n:3"] + basicLine(amount: "n:1179406.3199999999"))
            // A formula with its cached value; a boolean in the memo.
            b.row(8, ["n:4", "s:080001", "s:2080501", "s:30302", "s:一般公共预算", "s:当年", "s:基本支出", nil, "f:H7*2=2358812.64", nil, "b:1"])
        }
        let file = try r.get()
        #expect(file.items.map(\.amount.fen) == [104_495_000, 117_940_632, 117_940_632, 235_881_264])
        #expect(file.items.map(\.function) == ["2080501", "2080505", "2080501", "2080501"])
        #expect(file.items[1].economic == "30108")
        #expect(file.items[3].memo == "TRUE")
        #expect(file.itemRows == [4, 5, 7, 8])
        #expect(file.warnings.map(\.location.description) == ["支出明细 第 3 行 列 A（序号）"])
    }

    @Test func everyBadCellIsListedWithSheetRowColumnAndRule() throws {
        let r = try read { b in
            b.row(1, itemHeader)
            b.row(2, basicLine("n:2.08E+06", amount: "n:100"))            // mangled code
            b.row(3, basicLine(amount: "d:45658"))                          // a date where an amount goes
            b.row(4, basicLine(amount: "f:SUM(H2:H3)"))                     // formula never calculated
            b.row(5, basicLine(amount: "n:1179406.325"))                    // three decimals
            b.row(6, basicLine(amount: "s:-5"))                             // negative
            b.row(7, basicLine(amount: "s:1,00.00"))                        // a misplaced thousands separator typed as text
            b.row(8, basicLine(amount: "e:#DIV/0!"))                        // error value
            b.row(9, basicLine("s:2089999", amount: "n:1"))                 // unknown code
            b.row(10, ["s:080001", "s:2080501", "s:30302", "s:一般预算", "s:往年", "s:其他", nil, "n:1", nil, nil])
            b.row(11, ["s:080001", "s:2200199", "s:30299", "s:一般公共预算", "s:当年", "s:项目支出", "s:P99", "n:1", nil, nil])
        }
        guard case .failure(let e) = r else { Issue.record("expected problems"); return }
        let found = Set(e.problems.map { "\($0.location) [\($0.rule)]" })
        let expected: Set<String> = [
            "支出明细 第 2 行 列 B（功能科目） [mangled-code]",
            "支出明细 第 3 行 列 H（金额） [date-as-amount]",
            "支出明细 第 4 行 列 H（金额） [formula-without-value]",
            "支出明细 第 5 行 列 H（金额） [amount]",
            "支出明细 第 6 行 列 H（金额） [amount]",
            "支出明细 第 7 行 列 H（金额） [amount]",
            "支出明细 第 8 行 列 H（金额） [cell-error]",
            "支出明细 第 9 行 列 B（功能科目） [unknown-function-code]",
            "支出明细 第 10 行 列 D（资金来源） [source]",
            "支出明细 第 10 行 列 E（上年结转） [carryover]",
            "支出明细 第 10 行 列 F（支出类型） [kind]",
            "支出明细 第 11 行 列 G（项目） [project-of-other-unit]",
        ]
        #expect(found == expected)
        let byRow = Dictionary(grouping: e.problems, by: { $0.location.line ?? 0 })
        #expect(byRow[2]?.first?.message.contains("科学计数法") == true)
        #expect(byRow[2]?.first?.value == "2.08E+06")
        #expect(byRow[3]?.first?.message.contains("日期") == true)
        #expect(byRow[4]?.first?.message.contains("=SUM(H2:H3)") == true)
        #expect(byRow[5]?.first?.message.contains("超过两位小数") == true)
        #expect(e.description.contains("未做任何更改"))
    }

    @Test func aMergedCellGivesItsValueToEveryRowItCovers() throws {
        let r = try read({ b in
            b.row(1, itemHeader)
            b.row(2, basicLine(amount: "n:10"))
            b.row(3, [nil, "s:2080505", "s:30108", nil, "s:当年", "s:基本支出", nil, "n:20", nil, nil])
            b.row(4, [nil, "s:2080506", "s:30109", nil, "s:当年", "s:基本支出", nil, "n:30", nil, nil])
        }, after: "<mergeCells count=\"2\"><mergeCell ref=\"A2:A4\"/><mergeCell ref=\"D2:D4\"/></mergeCells>")
        let file = try r.get()
        #expect(file.items.map(\.unit) == ["080001", "080001", "080001"])
        #expect(file.items.map(\.source) == [.generalPublic, .generalPublic, .generalPublic])
        #expect(file.items.map(\.amount.fen) == [1000, 2000, 3000])
    }

    /// Issue 10: 50,000 merged ranges `A{i}:ZZZ{i}` (265 KB) took over 5.4 GB, each range being
    /// expanded column by column. The reader stops at its area limit; the error names it.
    @Test func aFloodOfWideMergedRangesIsRefusedNamingTheLimit() throws {
        let flood = (1...50_000).map { "<mergeCell ref=\"A\($0):ZZZ\($0)\"/>" }.joined()
        let error = #expect(throws: XLSXReadError.self) {
            _ = try read({ b in
                b.row(1, itemHeader)
                b.row(2, basicLine(amount: "n:10"))
            }, after: "<mergeCells>\(flood)</mergeCells>")
        }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.message.contains("maxMergedCells") == true)
        #expect(error?.message.contains("A918:ZZZ918") == true)
    }

    /// Under the limits, wide ranges are looked up over the mapped columns, never expanded: 900
    /// ranges of 18,278 columns each (16.4 million cells) beside a merge the import fills from.
    @Test func wideMergedRangesUnderTheLimitsAreLookedUpNotExpanded() throws {
        let wide = (100...999).map { "<mergeCell ref=\"A\($0):ZZZ\($0)\"/>" }.joined()
        let r = try read({ b in
            b.row(1, itemHeader)
            b.row(2, basicLine(amount: "n:10"))
            b.row(3, [nil, "s:2080505", "s:30108", "s:一般公共预算", "s:当年", "s:基本支出", nil, "n:20", nil, nil])
        }, after: "<mergeCells><mergeCell ref=\"A2:A3\"/>\(wide)</mergeCells>")
        let file = try r.get()
        #expect(file.items.map(\.unit) == ["080001", "080001"])
        #expect(file.items.map(\.amount.fen) == [1000, 2000])
    }

    @Test func amountsInWanFromTheHeaderOrTheFlag() throws {
        let header = itemHeader.enumerated().map { $0.offset == 7 ? "s:金额（万元）" : $0.element }
        let stated = try read { b in
            b.row(1, header)
            b.row(2, basicLine(amount: "n:104.495"))
            b.row(3, basicLine(amount: "s:0.000001"))
        }
        #expect(try stated.get().items.map(\.amount.fen) == [104_495_000, 1])
        #expect(try stated.get().amountUnit == .wan)

        let flagged = try read({ b in
            b.row(1, itemHeader)
            b.row(2, basicLine(amount: "n:104.495"))
        }, options: ImportOptions(amountUnit: .wan))
        #expect(try flagged.get().items.map(\.amount.fen) == [104_495_000])

        let conflict = try read({ b in
            b.row(1, header)
            b.row(2, basicLine(amount: "n:1"))
        }, options: ImportOptions(amountUnit: .yuan))
        guard case .failure(let e) = conflict else { Issue.record("expected a conflict"); return }
        #expect(e.problems.map(\.rule) == [.amountUnit])
    }

    @Test func englishHeadersOfTheWorkbookFolderAreAccepted() throws {
        let r = try read { b in
            b.row(1, WorkbookFolder.itemColumns.map { "s:\($0)" })
            b.row(2, basicLine(amount: "n:5"))
        }
        #expect(try r.get().items.count == 1)
    }

    @Test func numericAmountParsingIsExact() throws {
        // The rule on its own: the digits the file stores, rounded to 分 only within 10^-4 分.
        let cases: [(String, Int64?)] = [
            ("1179406.32", 117_940_632), ("1179406.3200000001", 117_940_632), ("1179406.3199999999", 117_940_632),
            ("0.1", 10), ("1E+6", 100_000_000), ("1.5E-2", nil), ("1.2E-1", 12),
            ("49728", 4_972_800), ("1179406.325", nil), ("-3", nil), ("0.001", nil),
        ]
        for (raw, fen) in cases {
            let dir = try TempDir()
            defer { dir.remove() }
            var b = SheetBuilder()
            b.row(1, itemHeader)
            b.row(2, basicLine(amount: "n:\(raw)"))
            try b.write(to: dir.file("x.xlsx"))
            let file = try FileImporter.read(dir.file("x.xlsx"))
            let got = file.problems.hasErrors ? nil : file.items.first?.amount.fen
            #expect(got == fen, "amount \(raw)")
        }
    }
}
