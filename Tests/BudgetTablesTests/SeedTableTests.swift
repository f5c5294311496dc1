import BudgetCore
import BudgetExport
import BudgetTables
import BudgetXLSX
import Foundation
import Testing

/// The demo export against the published document (../shared/reference): every figure row of the
/// thirteen tables, in the sheet of its table, in order, and nothing more.
@Suite("Seed: the thirteen tables as published")
struct SeedTableTests {
    struct Block { var title: String; var rows: [[String]]; var empty: Bool }
    enum SeedError: Error { case missing(String) }

    /// The seed's 第二部分, split at the exported titles: each title's figure rows (tokens) and whether it notes 本表无数据.
    static func seedBlocks(titles: [String]) throws -> [Block] {
        let text = try String(contentsOf: Fixtures.seedText, encoding: .utf8)
        let lines = text.components(separatedBy: "\n").map { $0.replacingOccurrences(of: "\r", with: "") }
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "第二部分 2025年部门预算报表" }),
              let end = lines[start...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("第三部分") }) else {
            throw SeedError.missing("第二部分 … 第三部分")
        }
        let body = Array(lines[start..<end])
        var positions: [Int] = []
        var from = 0
        for t in titles {
            guard let i = body[from...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == t }) else { throw SeedError.missing(t) }
            positions.append(i); from = i + 1
        }
        return titles.indices.map { k in
            let block = body[(positions[k] + 1)..<(k + 1 < positions.count ? positions[k + 1] : body.count)]
            let rows = block.map { line in
                line.components(separatedBy: "\t").map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }
            }.filter { $0.contains(where: isAmount) }
            return Block(title: titles[k], rows: rows, empty: block.contains { $0.contains("注：本表无数据") })
        }
    }

    /// `7500.00`: digits, a point, two digits.
    static func isAmount(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].count == 2 && s.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
    }

    @Test("every figure row of the seed's 13 tables is in the export, and nothing else")
    func figureRowsMatchSeed() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try XLSXReader(url: try Fixtures.exportDemo(to: dir))
        #expect(reader.sheets.count == 13)
        let sheets = try reader.sheets.map { try PrintedSheet(reader, sheet: $0.name) }
        let titles = sheets.map { $0.text(row: 2, column: 1) ?? "" }
        #expect(titles.first == "2025年预算收支总表")
        #expect(titles.contains("2025年财政拨款安排“三公”经费支出预算表"))
        let blocks = try Self.seedBlocks(titles: titles)
        #expect(blocks.reduce(0) { $0 + $1.rows.count } > 100, "the seed parse found the tables")
        for (i, block) in blocks.enumerated() {
            let name = reader.sheets[i].name
            let exported = sheets[i].figureRows
            #expect(exported.count == block.rows.count, "\(name): \(exported.count) figure rows, seed has \(block.rows.count)")
            for (k, row) in block.rows.enumerated() where k < exported.count {
                #expect(exported[k] == row, "\(name) figure row \(k + 1)")
            }
            #expect(sheets[i].contains("注：本表无数据") == block.empty, "\(name): 本表无数据 note")
        }
    }

    @Test("sheets are named and labelled as the tables, with the department line")
    func sheetFrame() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try XLSXReader(url: try Fixtures.exportDemo(to: dir))
        #expect(reader.sheets.map(\.name).first == "表1 预算收支总表")
        for (i, info) in reader.sheets.enumerated() {
            let s = try PrintedSheet(reader, sheet: info.name)
            #expect(s.text(row: 1, column: 1) == "预算公开表\(i + 1)")
            #expect(s.text(row: 3, column: 1) == "部门名称：泽州县自然资源局")
            #expect(s.rows[2].last?.text == "单位：万元")
            #expect(info.name.hasPrefix("表\(i + 1) "))
        }
    }
}
