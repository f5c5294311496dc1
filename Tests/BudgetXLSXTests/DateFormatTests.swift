import Foundation
import Testing
@testable import BudgetXLSX

/// Which number formats make a number cell a `.date`.
@Suite struct DateFormatTests {
    @Test(arguments: [
        ("yyyy-mm-dd", true), ("m/d/yy", true), ("yyyy\"年\"m\"月\"d\"日\"", true), ("hh:mm:ss", true),
        ("[h]:mm", true), ("[$-F800]dddd, mmmm dd, yyyy", true), ("h:mm AM/PM", true),
        ("[$-804]yyyy\"年\"m\"月\"", true),
        ("General", false), ("0.00", false), ("#,##0.00", false), ("@", false), ("\"d\"0", false),
        ("[Red]0.00", false), ("0.00_ ;[Red]\\-0.00\\ ", false), ("0.00E+00", false),
        ("#,##0\"万元\"", false), ("_-* #,##0.00_-;\\-* #,##0.00_-;_-* \"-\"??_-;_-@_-", false),
        ("[DBNum1][$-804]General", false),
    ])
    func formatCode(_ code: String, _ isDate: Bool) {
        #expect(StyleTable.isDateFormat(code) == isDate, "\(code)")
    }

    @Test func builtInIDs() {
        for id in [14, 15, 22, 45, 47, 31, 57] { #expect(StyleTable.builtInDateIDs.contains(id)) }
        for id in [0, 1, 2, 4, 10, 11, 37, 44, 48, 49] { #expect(!StyleTable.builtInDateIDs.contains(id)) }
    }

    /// Through libxlsxwriter: date-formatted numbers read back as `.date` with the raw serial.
    @Test func writtenDatesReadBackAsDates() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("dates.xlsx")
        let wb = try XLSXWorkbook(path: url.path)
        let sheet = try wb.addSheet(name: "D")
        let formats: [(String, Bool)] = [
            ("yyyy-mm-dd", true), ("mm/dd/yy", true), ("yyyy\"年\"m\"月\"d\"日\"", true), ("hh:mm", true),
            ("0.00", false), ("\"d\"0.00", false), ("#,##0", false), ("@", false),
        ]
        for (row, (format, _)) in formats.enumerated() {
            try sheet.writeNumber(row, 0, 45658.25, style: CellStyle(numberFormat: format))
        }
        try sheet.writeNumber(formats.count, 0, 45658)   // default style
        try wb.close()

        let rows = try XLSXReader(url: url).rows(sheet: "D")
        for (row, (format, isDate)) in formats.enumerated() {
            let expected: XLSXValue = isDate ? .date("45658.25") : .number("45658.25")
            #expect(rows[row].value(at: 0) == expected, "\(format)")
        }
        #expect(rows[formats.count].value(at: 0) == .number("45658"))
    }

    @Test func isoDatesToSerials() {
        #expect(ISODateSerial.serial("2025-01-01") == "45658")
        #expect(ISODateSerial.serial("1900-03-01") == "61")
        #expect(ISODateSerial.serial("2025-01-01T06:00:00Z") == "45658.25")
        #expect(ISODateSerial.serial("2025-13-01") == nil)
        #expect(ISODateSerial.serial("not a date") == nil)
    }
}
