import Foundation
import Testing
@testable import BudgetXLSX

/// 200,000 rows written in constant-memory mode and streamed back.
@Suite struct LargeSheetTests {
    static let rowCount = 200_000

    @Test func streamsTwoHundredThousandRows() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("large.xlsx")

        let writeStart = Date()
        let wb = try XLSXWorkbook(path: url.path, options: .init(constantMemory: true, tmpdir: dir.url.path))
        let sheet = try wb.addSheet(name: "明细")
        let amount = CellStyle(numberFormat: "#,##0.00")
        for row in 0..<Self.rowCount {
            try sheet.writeNumber(row, 0, Double(2_000_000 + row))
            try sheet.writeString(row, 1, "项目\(row)")
            try sheet.writeNumber(row, 2, Double(row) * 1.25, style: amount)
            try sheet.writeFormula(row, 3, "=C\(row + 1)*2", cachedValue: Double(row) * 2.5)
        }
        try wb.close()
        let writeSeconds = Date().timeIntervalSince(writeStart)
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0

        let readStart = Date()
        let reader = try XLSXReader(url: url)
        var count = 0
        var lastNumber = 0
        var samples: [Int: XLSXRow] = [:]
        var ordered = true
        try reader.forEachRow(sheet: "明细") { row in
            count += 1
            if row.number != lastNumber + 1 { ordered = false }
            lastNumber = row.number
            if row.number == 1 || row.number == 100_001 || row.number == Self.rowCount { samples[row.number] = row }
        }
        let readSeconds = Date().timeIntervalSince(readStart)
        print("""
            LargeSheetTests: \(Self.rowCount) rows × 4 cells, file \(size / 1024) KiB, \
            write \(String(format: "%.2f", writeSeconds)) s, read \(String(format: "%.2f", readSeconds)) s, \
            inflated \(reader.inflatedBytes / 1024 / 1024) MiB, peak RSS \(peakRSSKiB() / 1024) MiB
            """)

        #expect(count == Self.rowCount)
        #expect(ordered)
        #expect(samples[1]?.cells.map(\.value) == [.number("2000000"), .string("项目0"), .number("0"), .number("0")])
        let middle = try #require(samples[100_001])
        #expect(middle.value(at: 0) == .number("2100000"))
        #expect(middle.value(at: 1) == .string("项目100000"))
        #expect(middle.value(at: 2) == .number("125000"))
        #expect(middle[column: 3]?.formula == "C100001*2")
        #expect(middle.value(at: 3) == .number("250000"))
        let last = try #require(samples[Self.rowCount])
        #expect(last.value(at: 1) == .string("项目199999"))
        #expect(last[column: 3]?.reference == "D200000")
    }

    /// Peak resident memory of the test process, for the log only.
    private func peakRSSKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
