import BudgetChecks
import BudgetCore
import BudgetDisclosure
import BudgetDocx
import BudgetPublish
import BudgetTables
import BudgetWorkbook
import Foundation
import Testing

/// The published document read back from its bytes (DocxReader, an XML parser over the unzipped
/// file): every figure the text of 第三部分 states is compared with the figures the document's own
/// tables print, and every share and rate with the printed figures it is computed from.
@Suite("The document's figures agree with its tables")
struct DocumentFigureTests {
    static func demoInput() throws -> PublishInput {
        let templates = try TableTemplateSet.load(Paths.root.appendingPathComponent("Templates/tables/shanxi-2025"))
        let prior = try WorkbookFolder.read(Paths.root.appendingPathComponent("Workbooks/zezhou-natural-resources-2024"),
                                            defaults: CodeLists.loadDefaults(codesFolder: Paths.root.appendingPathComponent("Templates/codes")))
        return PublishInput(budget: try demoBudget(), data: try demoData(), templates: templates, prior: prior)
    }

    static func readBack() throws -> DocxReader {
        try DocxReader(file: try DocxWriter.data(try DisclosureDocument.build(try demoInput())))
    }

    // MARK: Reading figures

    /// `13,487.42`, `3950.4`, `0`, an empty cell → hundredths of a 万元; nil for anything else.
    static func hundredths(_ text: String?) -> Int64? {
        guard let text else { return nil }
        let t = text.replacingOccurrences(of: ",", with: "")
        if t.isEmpty { return 0 }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]) else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            guard parts[1].count <= 2, let c = Int64(parts[1]) else { return nil }
            cents = parts[1].count == 1 ? c * 10 : c
        }
        return whole * 100 + cents
    }

    /// part / whole in hundredths of a percent, half up: the share a reader computes from the printed figures.
    static func share(_ part: Int64, _ whole: Int64) -> Int64 { (part * 20_000 / whole + 1) / 2 }

    /// The rows of a table read back; `headerRows` rows at the top are the header.
    struct Grid {
        var rows: [[String?]]
        var headerRows: Int
        /// The first body row with `label` in any cell.
        func row(_ label: String) -> [String?]? { rows.dropFirst(headerRows).first { $0.contains(label) } }
        /// The grid column whose header cell reads `header` (the last header row that has it).
        func column(_ header: String) -> Int? {
            for r in rows.prefix(headerRows).reversed() { if let c = r.firstIndex(of: header) { return c } }
            return nil
        }
        func figure(_ label: String, _ column: Int) -> Int64? {
            guard let r = row(label), column < r.count else { return nil }
            return DocumentFigureTests.hundredths(r[column])
        }
        func figure(_ label: String, _ header: String) -> Int64? { column(header).flatMap { figure(label, $0) } }
        /// Every printed amount of the body.
        var amounts: Set<Int64> {
            Set(rows.dropFirst(headerRows).flatMap { $0 }.compactMap { $0 }.filter { $0.contains(".") }.compactMap(DocumentFigureTests.hundredths))
        }
    }

    static func table(_ r: DocxReader, _ n: Int, headerRows: Int) throws -> Grid {
        Grid(rows: try #require(r.table(after: "预算公开表\(n)"), "预算公开表\(n) not found"), headerRows: headerRows)
    }

    /// The paragraphs of one section of 第三部分 (after its Heading2, to the next Heading2).
    static func section(_ r: DocxReader, _ prefix: String) -> [String] {
        var out: [String] = [], inside = false, part3 = false
        for b in r.blocks {
            guard case .paragraph(let style, let text) = b else { continue }
            if style == "Heading1" { part3 = text.hasPrefix("第三部分"); inside = false; continue }
            if part3, style == "Heading2" { inside = text.hasPrefix(prefix); continue }
            if inside, !text.isEmpty { out.append(text) }
        }
        return out
    }

    /// (what precedes, the figure in hundredths, the text after) for every `N万元` of the text.
    static func figures(_ text: String) throws -> [(before: String, value: Int64, after: String)] {
        let re = try Regex("([0-9][0-9,]*(?:\\.[0-9]+)?)万元")
        return text.matches(of: re).map { m in
            let before = String(text[text.startIndex..<m.range.lowerBound].suffix(12))
            let after = String(text[m.range.upperBound...].prefix(12))
            return (before, hundredths(String(text[m.range].dropLast(2)))!, after)
        }
    }

    /// `，占40.79%` right after a figure → 4079.
    static func shareAfter(_ after: String) throws -> Int64? {
        guard let m = after.firstMatch(of: try Regex("^[,，]占([0-9.]+)%")) else { return nil }
        return hundredths(String(after[m.range].drop { $0 != "占" }.dropFirst().dropLast()))
    }

    // MARK: Tests

    @Test("every 万元 figure of 一 to 八 is a figure a table prints, except the 增减额 against the prior year")
    func everyFigureIsPrinted() throws {
        let r = try DocumentFigureTests.readBack()
        var printed = Set<Int64>()
        for n in 1...13 { printed.formUnion(try DocumentFigureTests.table(r, n, headerRows: 0).amounts) }
        var checked = 0
        for s in ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"] {
            let paragraphs = DocumentFigureTests.section(r, s)
            #expect(!paragraphs.isEmpty, "section \(s) missing")
            for p in paragraphs {
                for f in try DocumentFigureTests.figures(p) where f.value != 0 {
                    if f.before.hasSuffix("增加") || f.before.hasSuffix("减少") { continue }
                    #expect(printed.contains(f.value), "\(s): \(f.before)【\(f.value)】 is in no table")
                    checked += 1
                }
            }
        }
        #expect(checked >= 30)
    }

    @Test("一 to 八 against the cells of tables 1, 3, 4, 5, 6 and 11; shares and rates from the printed figures")
    func sectionsAgainstTheirTables() throws {
        let r = try DocumentFigureTests.readBack()
        let t1 = try DocumentFigureTests.table(r, 1, headerRows: 2), t3 = try DocumentFigureTests.table(r, 3, headerRows: 2)
        let t4 = try DocumentFigureTests.table(r, 4, headerRows: 3), t5 = try DocumentFigureTests.table(r, 5, headerRows: 2)
        let t6 = try DocumentFigureTests.table(r, 6, headerRows: 2), t11 = try DocumentFigureTests.table(r, 11, headerRows: 2)
        typealias F = (before: String, value: Int64, after: String)
        func figures(_ s: String) throws -> [F] { try DocumentFigureTests.section(r, s).flatMap(DocumentFigureTests.figures) }

        // 一: 收入总计, 本年收入, 上年结转, then the change; the same for 支出.
        let one = try figures("一、")
        #expect(one.map(\.value).count == 8)
        let total = try #require(t1.figure("收入总计", 1))
        #expect(one[0].value == total && one[4].value == t1.figure("支出总计", 3))
        #expect(one[1].value == t1.figure("本年收入合计", 1) && one[5].value == t1.figure("本年支出合计", 4))
        #expect(one[2].value == t1.figure("上年结转", 1) && one[6].value == t1.figure("本年支出合计", 5))
        // 增减额 and 增减率 of the printed figures: 13,487.42 + 16,703.12 = 30,190.54, the seed's 2024 total.
        #expect(one[3].before.hasSuffix("减少") && total + one[3].value == 3_019_054)
        let rate = try #require(DocumentFigureTests.section(r, "一、")[0].firstMatch(of: try Regex("下降([0-9.]+)%")))
        #expect(String(rate.output[1].substring!) == "55.33")
        #expect(DocumentFigureTests.share(one[3].value, total + one[3].value) == 5533)

        // 二: each source, 上年结转, and its share of the total.
        let two = try figures("二、")
        #expect(two[0].value == total)
        let rows = ["一、一般公共预算", "二、政府性基金预算", "三、国有资本经营预算", "四、财政专户管理资金", "五、单位资金", "上年结转"]
        #expect(two.count == rows.count + 1)
        for (f, label) in zip(two.dropFirst(), rows) {
            #expect(f.value == t1.figure(label, 1), "\(label)")
            let share = try #require(try DocumentFigureTests.shareAfter(f.after), "\(label): no share")
            #expect(share == (f.value == 0 ? 0 : DocumentFigureTests.share(f.value, total)), "\(label)")
        }

        // 三: 基本支出 and 项目支出 of table 3's 合计 row.
        let three = try figures("三、")
        #expect(three.map(\.value) == [t3.figure("合计", "合计"), t3.figure("合计", "基本支出"), t3.figure("合计", "项目支出")].compactMap { $0 })
        for f in three.dropFirst() { #expect(try DocumentFigureTests.shareAfter(f.after) == DocumentFigureTests.share(f.value, three[0].value)) }

        // 四: table 4's totals and its 类 rows (小计).
        let four = try figures("四、")
        let subtotal = try #require(t4.column("小计"))
        #expect(four[0].value == t4.figure("收入总计", 1))
        #expect(four[1].value == t4.figure("支出总计", "一般公共预算") && four[2].value == t4.figure("支出总计", "政府性基金预算"))
        #expect(four[3].value == t4.figure("支出总计", "国有资本经营预算"))
        #expect(four[4].value == t4.figure("本年收入合计", 1) && four[5].value == t4.figure("上年财政拨款结转", 1))
        let classes = t4.rows.dropFirst(3).filter { ($0.count > subtotal ? DocumentFigureTests.hundredths($0[subtotal]) ?? 0 : 0) != 0 }
        #expect(four.dropFirst(6).map(\.value) == classes.map { DocumentFigureTests.hundredths($0[subtotal])! }.dropLast(2))

        // 五: table 5's 合计 and 类 rows, with their shares; the chart's legend prints the same.
        let five = try figures("五、")
        let gp = try #require(t5.figure("合计", "合计"))
        #expect(five[0].value == gp && five[2].value == gp)
        #expect(five[1].before.hasSuffix("减少") && DocumentFigureTests.share(five[1].value, gp + five[1].value) == 7206)
        let t5classes = t5.rows.dropFirst(2).filter { ($0[0] ?? "").count == 3 }
        #expect(five.dropFirst(3).map(\.value) == t5classes.map { DocumentFigureTests.hundredths($0[2])! })
        for f in five.dropFirst(3) { #expect(try DocumentFigureTests.shareAfter(f.after) == DocumentFigureTests.share(f.value, gp)) }
        let tables: [[[String?]]] = r.blocks.compactMap { b in
            if case .table(let t) = b, t.first?.first == "图例" { return t } else { return nil }
        }
        let legend = try #require(tables.first)
        #expect(legend.dropFirst().map { DocumentFigureTests.hundredths($0[2]) } == t5classes.map { DocumentFigureTests.hundredths($0[2]) })
        #expect(legend.dropFirst().map { DocumentFigureTests.hundredths(String(($0[3] ?? "").dropLast())) }
                == t5classes.map { DocumentFigureTests.share(DocumentFigureTests.hundredths($0[2])!, gp) })

        // 六: table 6's 合计 row.
        let six = try figures("六、")
        #expect(six.map(\.value) == [t6.figure("合计", "合计"), t6.figure("合计", "人员经费"), t6.figure("合计", "公用经费")].compactMap { $0 })

        // 七: the demo has no "三公" figures (table 10 prints 注：本表无数据).
        #expect(DocumentFigureTests.section(r, "七、") == ["本部门无“三公”经费预算。"])

        // 八: table 11's 部门合计.
        let eight = try figures("八、")
        #expect(eight[0].value == t11.figure("部门合计", 1))
        #expect(eight[1].before.hasSuffix("增加") && DocumentFigureTests.share(eight[1].value, eight[0].value - eight[1].value) == 367)
    }

    @Test("九 and 十二（一） are the sums of procurement.csv; 十 counts the sheets of projects with current-year lines")
    func procurementAndTargets() throws {
        let r = try DocumentFigureTests.readBack()
        // Summed here from the CSV text, not through ProcurementSummary.
        let csv = try String(contentsOf: Paths.demo.appendingPathComponent("procurement.csv"), encoding: .utf8)
        var goods: Int64 = 0, services: Int64 = 0
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let fen = DocumentFigureTests.hundredths(f[5])!
            if f[3] == "政府采购" && f[4] == "货物" { goods += fen } else if f[3] == "政府购买服务" { services += fen }
        }
        func wan(_ fen: Int64) -> Int64 { (fen + 5_000) / 10_000 }
        let nine = try DocumentFigureTests.section(r, "九、").flatMap(DocumentFigureTests.figures)
        #expect(nine.map(\.value) == [wan(goods), wan(goods), 0, 0])
        let twelve = DocumentFigureTests.section(r, "十二、")
        #expect(twelve.contains { $0.hasSuffix("政府性购买预算支出\(Money.hundredthsText(wan(services)))万元。") })
        // 十: the six sheets of projects with lines, whose sum is table 12's 合计.
        let t12 = try DocumentFigureTests.table(r, 12, headerRows: 3)
        let ten = try DocumentFigureTests.section(r, "十、").flatMap(DocumentFigureTests.figures)
        #expect(ten.first?.value == t12.figure("泽州县自然资源局", 1))
    }
}

@Suite("What the clerk must still fill is marked")
struct DocumentMarkerTests {
    @Test("a reason not given is a marker in its sentence, counted; without a prior year 一 to 八 are one marker")
    func reasonsAndPrior() throws {
        var input = try DocumentFigureTests.demoInput()
        input.data.texts.reasons = [:]
        let doc = try DisclosureDocument.build(input)
        let texts = try DocxReader(file: try DocxWriter.data(doc)).paragraphs
        let one = try #require(texts.first { $0.hasPrefix("2025年度泽州县自然资源局预算收入总计") })
        #expect(one.contains("主要原因是【待补充：原因，texts/reasons.md 的 income-change】；"))
        #expect(one.contains("主要原因是【待补充：原因，texts/reasons.md 的 expenditure-change】。"))
        #expect(!texts.contains { $0.contains(BudgetChecks.Narrative.blank) })
        // 一 twice, 八 once (the demo has no "三公" sentence), 十 1 once.
        #expect(DisclosureDocument.markerCount(doc) == 4)

        var noPrior = try DocumentFigureTests.demoInput()
        noPrior.narrative = nil
        let without = try DisclosureDocument.build(noPrior)
        #expect(DisclosureDocument.markerCount(without) == 2)
        let paragraphs = try DocxReader(file: try DocxWriter.data(without)).paragraphs
        #expect(paragraphs.contains { $0.hasPrefix(DisclosureDocument.markerPrefix + "一至八节") && $0.contains("--prior") })
        // The tables and the chart do not need the prior year.
        #expect(paragraphs.contains("预算公开表13") && paragraphs.contains(StructureChart.title))
    }
}
