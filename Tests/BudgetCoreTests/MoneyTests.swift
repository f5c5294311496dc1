import Testing
@testable import BudgetCore

@Suite("Money: 分 in, 万元 out, rounded once half up")
struct MoneyTests {
    @Test("plain decimals parse exactly", arguments: [
        ("1179406.32", Int64(117_940_632)), ("49728", 4_972_800), ("0.5", 50), ("0", 0), (" 12.30 ", 1230), ("007.01", 701),
    ])
    func parses(_ text: String, _ fen: Int64) throws {
        #expect(try Money.parseYuan(text).fen == fen)
    }

    @Test("bad amounts are refused with the rule broken")
    func refuses() throws {
        #expect(throws: AmountError.tooManyDecimals("12.345")) { try Money.parseYuan("12.345") }
        #expect(throws: AmountError.negative("-5")) { try Money.parseYuan("-5") }
        #expect(throws: AmountError.notANumber("1e5")) { try Money.parseYuan("1e5") }
        #expect(try Money.parseYuan("1,000.00").fen == 100_000)   // grouped as Excel shows it (AmountRuleTests)
        #expect(throws: AmountError.misplacedSeparator("1,00.00")) { try Money.parseYuan("1,00.00") }
        #expect(throws: AmountError.notANumber("1.2.3")) { try Money.parseYuan("1.2.3") }
        #expect(throws: AmountError.notANumber(".")) { try Money.parseYuan(".") }
        #expect(throws: AmountError.empty) { try Money.parseYuan("  ") }
        #expect(throws: AmountError.overflow("99999999999999999999")) { try Money.parseYuan("99999999999999999999") }
    }

    @Test("the byte parser agrees with the string parser")
    func byteParser() throws {
        for text in ["1179406.32", "49728", "0.5", "10", "12345678901.99"] {
            let bytes = Array(text.utf8)
            let viaBytes = try bytes.withUnsafeBufferPointer { try Money.parse(utf8: $0, unit: .yuan) }
            #expect(viaBytes == (try Money.parseYuan(text)))
        }
        for bad in ["12.345", "-1", "1e3", "", "1,0"] {
            let bytes = Array(bad.utf8)
            #expect(throws: AmountError.self) { try bytes.withUnsafeBufferPointer { try Money.parse(utf8: $0, unit: .yuan) } }
        }
    }

    @Test("万元 input is exact to the 分")
    func wan() throws {
        #expect(try Money.parseWan("118.6").fen == 118_600_000)
        #expect(try Money.parseWan("4.9728").fen == 4_972_800)
        #expect(throws: AmountError.self) { try Money.parseWan("1.0000001") }
    }

    @Test("rounding to 万元 is half up, once, and zero prints empty")
    func rounding() {
        #expect(Money(fen: 4_972_800).wanText == "4.97")
        #expect(Money(fen: 4_975_000).wanText == "4.98")       // exactly half: up
        #expect(Money(fen: 4_974_999).wanText == "4.97")
        #expect(Money(fen: 2_672_434_900).wanText == "2672.43")
        #expect(Money(fen: 0).wanText == "")
        #expect(Money(fen: 4_999).wanText == "")               // rounds to zero
        #expect(Money(fen: 5_000).wanText == "0.01")
        #expect(Money.roundHalfUp(-15, divisor: 10) == -2)
        #expect(Money(fen: 117_940_632).yuanText == "1179406.32")
        #expect(Money(fen: 5).yuanText == "0.05")
        #expect(Money.hundredthsText(1_348_742, grouped: true) == "13,487.42")
    }

    @Test("trimming removes ASCII, tab, line-break and ideographic spaces at both ends only")
    func trimming() {
        #expect(" 2080501\u{3000}".trimmingSpaces == "2080501")
        #expect("\u{3000}\u{3000}\t行政运行 \r\n".trimmingSpaces == "行政运行")
        #expect("2080501 行政单位离退休".trimmingSpaces == "2080501 行政单位离退休")
        #expect("、".trimmingSpaces == "、")          // U+3001 shares U+3000's first two bytes
        #expect("\u{3001}\u{3000}".trimmingSpaces == "\u{3001}")
        #expect("\u{3000}".trimmingSpaces == "")
        #expect("".trimmingSpaces == "")
        #expect(Substring("  a b  ").trimmingSpaces == "a b")
    }
}

