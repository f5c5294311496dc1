import Foundation
import Testing
@testable import BudgetXLSX

/// The checked layer: every libxlsxwriter error becomes an XLSXError with context, and the
/// workbook handle is closed once and never touched after.
@Suite struct WriterTests {
    @Test func invalidSheetNamesAreRejectedByLibxlsxwriter() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let wb = try XLSXWorkbook(path: dir.file("names.xlsx").path)
        _ = try wb.addSheet(name: "收入")

        let duplicate = caught(XLSXError.self) { _ = try wb.addSheet(name: "收入") }
        #expect(duplicate?.kind == .sheetNameAlreadyUsed)
        #expect(duplicate?.code == 17)
        #expect(duplicate?.message.isEmpty == false)
        #expect(duplicate?.context.contains("收入") == true)

        let tooLong = caught(XLSXError.self) { _ = try wb.addSheet(name: String(repeating: "表", count: 32)) }
        #expect(tooLong?.kind == .sheetNameLengthExceeded)

        let badChar = caught(XLSXError.self) { _ = try wb.addSheet(name: "收入/支出") }
        #expect(badChar?.kind == .invalidSheetNameCharacter)

        let apostrophe = caught(XLSXError.self) { _ = try wb.addSheet(name: "'收入") }
        #expect(apostrophe?.kind == .sheetNameStartEndApostrophe)

        // 31 characters is the limit, counted in characters, not bytes.
        _ = try wb.addSheet(name: String(repeating: "表", count: 31))
        try wb.close()
    }

    @Test func outOfRangeCellsThrowWithTheCell() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let wb = try XLSXWorkbook(path: dir.file("range.xlsx").path)
        let sheet = try wb.addSheet(name: "S")
        let rowError = caught(XLSXError.self) { try sheet.writeNumber(1_048_576, 0, 1) }
        #expect(rowError?.kind == .worksheetIndexOutOfRange)
        #expect(rowError?.context.contains("sheet \"S\"") == true)
        #expect(caught(XLSXError.self) { try sheet.writeString(-1, 0, "x") }?.kind == .worksheetIndexOutOfRange)
        #expect(caught(XLSXError.self) { try sheet.writeString(0, 16_384, "x") }?.kind == .worksheetIndexOutOfRange)
        #expect(caught(XLSXError.self) { try sheet.writeString(0, 0, "a\u{0}b") }?.kind == .parameterValidation)
        #expect(caught(XLSXError.self) {
            try sheet.writeString(0, 0, String(repeating: "x", count: 32_768))
        }?.kind == .maxStringLengthExceeded)
        #expect(caught(XLSXError.self) {
            try sheet.mergeRange(firstRow: 0, firstCol: 0, lastRow: 0, lastCol: 0, text: "one cell")
        } != nil)
        #expect(caught(XLSXError.self) {
            try sheet.writeNumber(0, 0, 1, style: CellStyle(numberFormat: String(repeating: "0", count: 200)))
        }?.kind == .string128LengthExceeded)
        try wb.close()
    }

    /// libxlsxwriter 1.1.4 checks inline lists in characters but copies them into a 258-byte
    /// buffer: 30 Chinese choices (about 210 characters, 570 bytes) would overflow the heap.
    @Test func inlineListsAreCheckedInBytesBeforeLibxlsxwriterSeesThem() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let wb = try XLSXWorkbook(path: dir.file("lists.xlsx").path)
        let sheet = try wb.addSheet(name: "S")
        func add(_ values: [String]) throws {
            try sheet.addListValidation(firstRow: 0, firstCol: 0, lastRow: 9, lastCol: 0, source: .values(values))
        }
        let chinese = Array(repeating: "一般公共预算", count: 30)
        #expect(chinese.joined(separator: ",").count < 255)
        #expect(caught(XLSXError.self) { try add(chinese) }?.kind == .string255LengthExceeded)
        #expect(caught(XLSXError.self) { try add((0..<300).map { _ in "a" }) }?.kind == .string255LengthExceeded)
        #expect(caught(XLSXError.self) { try add([]) }?.kind == .string255LengthExceeded)
        #expect(caught(XLSXError.self) { try add(["a,b"]) }?.kind == .parameterValidation)
        #expect(caught(XLSXError.self) { try add(["say \"hi\""]) }?.kind == .parameterValidation)
        try add(Array(repeating: "一般公共预算", count: 10))
        try wb.close()
    }

    @Test func closeRunsOnceAndSheetsAreDeadAfterIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("closed.xlsx")
        let wb = try XLSXWorkbook(path: url.path)
        let sheet = try wb.addSheet(name: "S")
        try sheet.writeNumber(0, 0, 1)
        try wb.close()
        #expect(wb.isClosed)
        #expect(FileManager.default.fileExists(atPath: url.path))

        let again = caught(XLSXError.self) { try wb.close() }
        #expect(again?.context.contains("already closed") == true)
        #expect(caught(XLSXError.self) { try sheet.writeNumber(1, 0, 2) }?.context.contains("already closed") == true)
        #expect(caught(XLSXError.self) { try sheet.hide() } != nil)
        #expect(caught(XLSXError.self) { _ = try wb.addSheet(name: "T") } != nil)
    }

    @Test func droppedWorkbookWritesNothing() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("dropped.xlsx")
        // The files this process holds open in `dir` (a temp file libxlsxwriter unlinked still shows
        // its path there): other tests run in parallel and open and close files of their own.
        func openInDir() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"))?.hasPrefix(dir.url.path) == true
            }.count
        }
        for constantMemory in [false, true] {
            do {
                let wb = try XLSXWorkbook(path: url.path, options: .init(constantMemory: constantMemory, tmpdir: dir.url.path))
                let sheet = try wb.addSheet(name: "S")
                for row in 0..<10 { try sheet.writeString(row, 0, "行\(row)", style: CellStyle(bold: true)) }
                // The check below sees the temp file: it is open while the workbook lives.
                if constantMemory { #expect(try openInDir() >= 1) }
            }
            #expect(!FileManager.default.fileExists(atPath: url.path))
            // The constant-memory temp file is closed too (lxw_workbook_free alone leaks it).
            #expect(try openInDir() == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
        }
    }

    @Test func unwritablePathFailsOnClose() throws {
        let wb = try XLSXWorkbook(path: "/nonexistent-dir-for-budget-tests/out.xlsx")
        _ = try wb.addSheet(name: "S")
        let error = caught(XLSXError.self) { try wb.close() }
        #expect(error?.kind == .creatingXLSXFile)
        #expect(error?.context.contains("/nonexistent-dir-for-budget-tests/out.xlsx") == true)
        #expect(wb.isClosed, "workbook_close frees the workbook even when it fails")
    }

    @Test func constantMemoryRejectsRowsWrittenOutOfOrder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let wb = try XLSXWorkbook(path: dir.file("cm.xlsx").path, options: .init(constantMemory: true))
        let sheet = try wb.addSheet(name: "S")
        try sheet.writeNumber(5, 0, 1)
        #expect(caught(XLSXError.self) { try sheet.writeNumber(2, 0, 1) }?.kind == .worksheetIndexOutOfRange)
        try wb.close()
    }

    @Test func codesMatchLibxlsxwriterMessages() {
        #expect(XLSXError.Code.sheetNameAlreadyUsed.rawValue == 17)
        #expect(caught(XLSXError.self) { throw XLSXError(code: .sheetNameAlreadyUsed, "t") }?.message.contains("already") == true)
        #expect(caught(XLSXError.self) { throw XLSXError(code: .maxStringLengthExceeded, "t") }?.message.contains("32,767") == true)
        #expect(caught(XLSXError.self) { throw XLSXError(code: .worksheetIndexOutOfRange, "t") }?.message.contains("out of range") == true)
    }

    @Test func columnNamesForMessages() {
        #expect(columnName(0) == "A")
        #expect(columnName(25) == "Z")
        #expect(columnName(26) == "AA")
        #expect(columnName(16_383) == "XFD")
        #expect(cellName(6, 1) == "B7")
    }
}
