import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import Foundation
import Testing
import ZIPFoundation

/// Big sheets: streamed, in memory that grows with the line items kept, not with the XML.
/// Figures are printed, never asserted (the machine is shared).
@Suite(.serialized) struct LargeSheetTests {
    /// Writes a sheet of `rows` line items without holding it in memory: every row has the same
    /// length, so ZIPFoundation's provider can compute any byte range of the part on demand.
    @discardableResult
    static func writeLargeSheet(_ url: URL, rows: Int) throws -> Int {
        let strings = ["单位", "功能科目", "经济科目", "资金来源", "上年结转", "支出类型", "项目", "金额", "080001", "一般公共预算", "当年", "基本支出"]
        let sst = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + strings.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"
        let header = "<row>" + (0..<8).map { "<c t=\"s\"><v>\($0)</v></c>" }.joined() + "</row>"
        let prefix = Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" + header).utf8)
        let row = Array("<row><c t=\"s\"><v>8</v></c><c><v>2080501</v></c><c><v>30302</v></c><c t=\"s\"><v>9</v></c><c t=\"s\"><v>10</v></c><c t=\"s\"><v>11</v></c><c/><c><v>1179406.3200000001</v></c></row>".utf8)
        let suffix = Array("</sheetData></worksheet>".utf8)
        let total = prefix.count + rows * row.count + suffix.count
        func byte(_ p: Int) -> UInt8 {
            if p < prefix.count { return prefix[p] }
            let q = p - prefix.count
            if q < rows * row.count { return row[q % row.count] }
            return suffix[q - rows * row.count]
        }
        var parts = workbookParts(sheets: [("支出明细", "")], sharedStrings: sst, styles: nil)
        parts.removeAll { $0.0 == "xl/worksheets/sheet1.xml" }
        try makeZip(at: url, parts)
        let archive = try Archive(url: url, accessMode: .update)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(total),
                             modificationDate: Date(timeIntervalSince1970: 1_735_689_600),
                             compressionMethod: .deflate, bufferSize: 1 << 16) { position, size in
            var bytes = [UInt8](repeating: 0, count: size)
            for i in 0..<size { bytes[i] = byte(Int(position) + i) }
            return Data(bytes)
        }
        return total
    }

    @Test func aMillionRowSheetIsStreamed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("million.xlsx")
        let n = 1_000_000
        var t = ContinuousClock.now
        let xmlBytes = try Self.writeLargeSheet(url, rows: n)
        let writeTime = ContinuousClock.now - t
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        let rssBefore = peakRSSMiB()
        t = ContinuousClock.now
        let file = try FileImporter.read(url)
        let readTime = ContinuousClock.now - t
        t = ContinuousClock.now
        let plan = try FileImporter.plan(file, current: try demoBudget(), currentIsEmpty: false, replace: false)
        let checkTime = ContinuousClock.now - t
        print("""
            LargeSheetTests: \(n) rows, file \(size / 1024) KiB (sheet XML \(xmlBytes / 1_048_576) MiB), written in \(writeTime)
              read \(readTime) (\(Int(Double(n) / seconds(readTime))) rows/s), validated in \(checkTime)
              peak RSS \(rssBefore) MiB before → \(peakRSSMiB()) MiB after; LineItem is \(MemoryLayout<LineItem>.stride) bytes
            """)
        #expect(file.items.count == n)
        #expect(file.items.last?.amount.fen == 117_940_632)
        #expect(file.itemRows.last == Int32(n + 1))
        guard case .addItems(let changes) = plan, case let items = changes.items else { Issue.record("expected addItems"); return }
        #expect(items.count == n)
    }

    /// Import speed for 10^5 rows, into a workspace (the figure for the README).
    @Test func importSpeedForAHundredThousandRows() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("100k.xlsx")
        let n = 100_000
        try Self.writeLargeSheet(url, rows: n)
        let path = dir.file("demo.budget").path
        try Workspace.create(at: path, budget: try demoBudget())
        let t = ContinuousClock.now
        let (w, file) = try importFile(url, into: path, replace: true)
        let total = ContinuousClock.now - t
        print("ImportSpeed: \(n) rows read, checked and written to the workspace in \(total) (\(Int(Double(n) / seconds(total))) rows/s)")
        #expect(file.items.count == n)
        #expect(try w.budget().items.count == n)
    }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
