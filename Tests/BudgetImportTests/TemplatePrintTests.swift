import BudgetCore
import BudgetImport
import BudgetXLSX
import Foundation
import Testing
import ZIPFoundation

/// The input template as a clerk prints and fills it: readable pages, formats that agree with the
/// instructions, each code column's own example, and a filter on every header row.
@Suite struct TemplatePrintTests {
    /// The template of the demo budget, its parts by name.
    static func parts() throws -> (reader: XLSXReader, xml: (String) throws -> String, dir: TempDir) {
        let dir = try TempDir()
        let url = dir.file("input.xlsx")
        try InputTemplate.write(try demoBudget(), to: url)
        let archive = try Archive(url: url, accessMode: .read)
        func xml(_ path: String) throws -> String {
            var data = Data()
            _ = try archive.extract(try #require(archive[path], "\(path)")) { data.append($0) }
            return String(decoding: data, as: UTF8.self)
        }
        return (try XLSXReader(url: url), xml, dir)
    }

    /// Sheet parts in the order the template adds them.
    static let sheetPart = ["说明": 1, "单位": 2, "项目": 3, "支出明细": 4, "收入": 5, "列表": 6]

    @Test func amountsShowNoThousandsSeparatorsAsTheInstructionsAsk() throws {
        let (reader, xml, dir) = try Self.parts()
        defer { dir.remove() }
        let styles = try xml("xl/styles.xml")
        #expect(!styles.contains("#,##0"), "the amount format shows thousands separators")
        #expect(styles.contains("formatCode=\"0.00\""))
        let info = try reader.rows(sheet: "说明").compactMap { $0.value(at: 1).stringValue }.joined()
        // The display has none; the one amount parser accepts well-placed grouping commas, and the text says so.
        #expect(info.contains("金额列按两位小数显示，不加千分位"))
        #expect(info.contains("千分位逗号只能从个位起每三位一个"))
    }

    @Test func eachCodeColumnPromptsWithItsOwnExample() throws {
        let (_, xml, dir) = try Self.parts()
        defer { dir.remove() }
        let items = try xml("xl/worksheets/sheet\(Self.sheetPart["支出明细"]!).xml")
        var examples: [String: String] = [:]
        for m in items.matches(of: /<dataValidation [^>]*error="([^"]*)"[^>]*sqref="([A-Z]+)2:[A-Z]+1048576"/) {
            if let e = m.1.firstMatch(of: /如 ([0-9A-Z]+)/) { examples[String(m.2)] = String(e.1) }
        }
        // 单位 A, 功能 B, 经济 C, 项目 G, 政府经济 I.
        #expect(examples["A"]?.count == 6)
        #expect(examples["B"]?.count == 7)
        #expect(examples["C"]?.count == 5 && examples["C"]?.hasPrefix("3") == true)
        #expect(examples["I"]?.count == 5 && examples["I"]?.hasPrefix("5") == true)
        #expect(examples["G"]?.hasPrefix("P") == true)
        #expect(Set(examples.values).count == examples.count, "one example for every code column: \(examples)")
    }

    @Test func everyDataSheetHasAnAutofilterOnItsHeaderRow() throws {
        let (_, xml, dir) = try Self.parts()
        defer { dir.remove() }
        let demo = try demoBudget()
        #expect(try xml("xl/worksheets/sheet4.xml").contains("<autoFilter ref=\"A1:K\(demo.items.count + 1)\"/>"))
        #expect(try xml("xl/worksheets/sheet2.xml").contains("<autoFilter ref=\"A1:C2\"/>"))
        #expect(try xml("xl/worksheets/sheet3.xml").contains("<autoFilter ref=\"A1:D\(demo.projects.count + 1)\"/>"))
        #expect(try xml("xl/worksheets/sheet5.xml").contains("<autoFilter ref=\"A1:C2\"/>"))
    }

    /// 支出明细 printed: landscape A4 one page wide at a readable scale (it printed at about 5 pt),
    /// long texts wrapped in their columns, page numbers in the footer.
    @Test func itemSheetPrintsReadably() throws {
        let (_, xml, dir) = try Self.parts()
        defer { dir.remove() }
        let sheet = try xml("xl/worksheets/sheet4.xml")
        #expect(sheet.contains("orientation=\"landscape\"") && sheet.contains("fitToHeight=\"0\""))
        #expect(sheet.contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"))
        // Excel's fit-to-width scale: the printable width over the columns' width (7-pixel digit, 96 dpi).
        var points = 0.0
        for m in sheet.matches(of: /<col min="(\d+)" max="(\d+)" width="([\d.]+)"/) {
            points += Double(Int(m.2)! - Int(m.1)! + 1) * (Double(m.3)! * 7).rounded() * 0.75
        }
        let printable = (11.69 - 0.8) * 72
        let scale = printable / points
        #expect(scale >= 0.85, "支出明细 prints at \(Int(scale * 100))% of 11 pt")
        // 备注 (column J) wraps instead of running over the page.
        let styles = try xml("xl/styles.xml")
        let xfs = (styles.firstMatch(of: /<cellXfs[^>]*>(.*?)<\/cellXfs>/)?.1).map(String.init) ?? ""
        let formats = xfs.matches(of: /<xf [^>]*?(\/>|>.*?<\/xf>)/).map { String($0.0) }
        let memo = try #require(sheet.firstMatch(of: /<col min="10" max="10" [^>]*style="(\d+)"/))
        #expect(formats[Int(memo.1)!].contains("wrapText=\"1\""))
    }
}
