import Testing
@testable import BudgetCore

/// The one amount parser, the limits and the text rule (issue 10, issue 11).
@Suite("Amounts, limits and text: one rule each")
struct AmountRuleTests {
    @Test("full-width digits, point and comma are their ASCII forms", arguments: [
        ("１２３４．５６", Int64(123_456)), ("１，２３４．５", 123_450), ("\u{3000}１２\u{3000}", 1200), ("1，234，567.89", 123_456_789),
    ])
    func fullWidth(_ text: String, _ fen: Int64) throws {
        #expect(try Money.parse(text, unit: .yuan).fen == fen)
    }

    @Test("thousands separators every three digits from the units, and nowhere else")
    func separators() throws {
        #expect(try Money.parseYuan("1,179,406.32").fen == 117_940_632)
        #expect(try Money.parseYuan("1,000").fen == 100_000)
        #expect(try Money.parseYuan("999,999.").fen == 99_999_900)
        for bad in ["1,17.5", "12,3456", "1,234,56", ",123", "123,", "1,,234", "1.234,5", "1234,567", "0,5"] {
            #expect(throws: AmountError.misplacedSeparator(bad), "\(bad)") { try Money.parseYuan(bad) }
        }
    }

    @Test("signs, exponents, a Chinese full stop and other characters are refused")
    func refused() {
        #expect(throws: AmountError.negative("－5")) { try Money.parseYuan("－5") }
        #expect(throws: AmountError.negative("\u{2212}5")) { try Money.parseYuan("\u{2212}5") }
        #expect(throws: AmountError.notANumber("+5")) { try Money.parseYuan("+5") }
        #expect(throws: AmountError.notANumber("1e5")) { try Money.parseYuan("1e5") }
        #expect(throws: AmountError.notANumber("1 234")) { try Money.parseYuan("1 234") }
        #expect(throws: AmountError.notANumber("12。5")) { try Money.parseYuan("12。5") }
        #expect(AmountError.notANumber("12。5").description.contains("中文句号"))
        #expect(throws: AmountError.notANumber("１２元")) { try Money.parseYuan("１２元") }
    }

    @Test("the line limit is 1000 亿元, inclusive, in 元 and in 万元 alike")
    func lineLimit() throws {
        #expect(try Money.parseYuan("100000000000.00") == BudgetLimits.lineAmount)
        #expect(throws: AmountError.overflow("100000000000.01")) { try Money.parseYuan("100000000000.01") }
        #expect(try Money.parseWan("10000000") == BudgetLimits.lineAmount)
        #expect(throws: AmountError.overflow("10000000.000001", unit: .wan)) { try Money.parseWan("10000000.000001") }
        // Far past Int64: refused, never a trap.
        for huge in ["92233720368547758.08", "9223372036854775807", String(repeating: "9", count: 400), "9223372036854.999999"] {
            #expect(throws: AmountError.self) { try Money.parseWan(huge) }
            #expect(throws: AmountError.self) { try Money.parseYuan(huge) }
        }
        #expect(try Money.parseYuan(String(repeating: "0", count: 400) + "1").fen == 100)
        #expect(AmountError.overflow("1").description.contains("1000 亿元"))
    }

    @Test("a number cell's stored decimal: float noise, exponents, -0, and the same limit")
    func storedNumbers() throws {
        #expect(try Money.parse(storedNumber: "1179406.3200000001", unit: .yuan).fen == 117_940_632)
        #expect(try Money.parse(storedNumber: "1179406.3199999999", unit: .yuan).fen == 117_940_632)
        #expect(throws: AmountError.tooManyDecimals("1.5E-2")) { try Money.parse(storedNumber: "1.5E-2", unit: .yuan) }
        #expect(try Money.parse(storedNumber: "1.5E-2", unit: .wan).fen == 15_000)
        #expect(try Money.parse(storedNumber: "1.5E+3", unit: .yuan).fen == 150_000)
        #expect(try Money.parse(storedNumber: "-0", unit: .yuan).fen == 0)
        #expect(try Money.parse(storedNumber: "118.6", unit: .wan).fen == 118_600_000)
        #expect(throws: AmountError.tooManyDecimals("1179406.325")) { try Money.parse(storedNumber: "1179406.325", unit: .yuan) }
        #expect(throws: AmountError.negative("-5")) { try Money.parse(storedNumber: "-5", unit: .yuan) }
        #expect(throws: AmountError.overflow("92233720368547758.079999")) {
            try Money.parse(storedNumber: "92233720368547758.079999", unit: .yuan)
        }
        #expect(throws: AmountError.overflow("1E+300")) { try Money.parse(storedNumber: "1E+300", unit: .yuan) }
        #expect(try Money.parse(storedNumber: "0E+300", unit: .yuan).fen == 0)
    }

    /// Every amount within the limit, written as the folder writes it, grouped as Excel shows it, or
    /// in full-width characters, reads back as itself.
    @Test("property: yuanText, grouped and full-width forms read back exactly")
    func roundTrip() throws {
        var g = SyntheticBudget.RNG(seed: 11)
        for _ in 0..<20_000 {
            let fen = Int64(g.next() % UInt64(BudgetLimits.lineAmount.fen + 1))
            let m = Money(fen: fen)
            #expect(try Money.parseYuan(m.yuanText) == m)
            #expect(try Money.parseYuan(Money.hundredthsText(fen, grouped: true)) == m)
            let wide = String(m.yuanText.unicodeScalars.map { c in
                c == "." ? "．" : Character(Unicode.Scalar(c.value - 0x30 + 0xFF10)!)
            })
            #expect(try Money.parseYuan(wide) == m)
        }
    }

    @Test("property: random text never traps, and the byte and String entries agree")
    func randomText() {
        let alphabet = Array("0123456789.,-+eE 。．，１２３－\u{3000}a")
        var g = SyntheticBudget.RNG(seed: 7)
        for _ in 0..<20_000 {
            let text = String((0..<Int(g.next() % 24)).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
            for unit in [AmountUnit.yuan, .wan] {
                let viaString = Result { () throws(AmountError) -> Money in try Money.parse(text, unit: unit) }
                let bytes = Array(text.utf8)
                let viaBytes = bytes.withUnsafeBufferPointer { b in Result { () throws(AmountError) -> Money in try Money.parse(utf8: b, unit: unit) } }
                #expect(viaString == viaBytes, "\(text)")
                if case .success(let m) = viaString { #expect(m.fen >= 0 && m <= BudgetLimits.lineAmount) }
            }
        }
    }

    @Test("totals: checked, nil past 10 万亿元 or past Int64")
    func totals() {
        #expect(BudgetLimits.total([Money(fen: 5), Money(fen: 7)]) == Money(fen: 12))
        #expect(BudgetLimits.total(Array(repeating: BudgetLimits.lineAmount, count: 100)) == BudgetLimits.budgetTotal)
        #expect(BudgetLimits.total(Array(repeating: BudgetLimits.lineAmount, count: 100) + [Money(fen: 1)]) == nil)
        #expect(BudgetLimits.total([Money(fen: .max), Money(fen: .max)]) == nil)
        #expect(BudgetLimits.text(BudgetLimits.budgetTotal) == "10 万亿元（10,000,000,000,000.00 元，即 1,000,000,000.00 万元）")
        #expect(BudgetLimits.text(BudgetLimits.lineAmount) == "1000 亿元（100,000,000,000.00 元，即 10,000,000.00 万元）")
        // A figure of the page (分 as a JavaScript number) stays exact: even 9 totals fit below 2^53.
        #expect(BudgetLimits.budgetTotal.fen * 9 < 1 << 53)
    }

    @Test("the text rule: control characters refused, tab and line breaks kept")
    func textRule() {
        #expect(TextRule.firstRefused(in: "备注\t第二行\n第三行\r\n") == nil)
        #expect(TextRule.firstRefused(in: "a\u{0}b")?.position == 1)
        for c in ["\u{1}", "\u{B}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9F}"] {
            #expect(TextRule.firstRefused(in: "x" + c)?.scalar == c.unicodeScalars.first, "\(c.unicodeScalars.first!.value)")
        }
        #expect(TextRule.firstRefused(in: "café ¡ ñ \u{A0}") == nil)   // C2 A0 and C2 A1 are not C1 controls
        #expect(TextRule.message((scalar: "\u{0}", position: 1)).contains("U+0000"))
    }

    @Test("a truncated problem list refuses, even with warnings only; a limit is at least 1")
    func collector() {
        var c = ProblemCollector(limit: 0)
        #expect(c.limit == 1 && !c.isFull)
        c.add(Problem(rule: .unknownColumn, severity: .warning, location: Location(), message: "w"))
        #expect(c.isFull && !c.hasErrors)
        #expect(throws: Never.self) { try c.throwIfErrors() }
        c.add(Problem(rule: .unknownColumn, severity: .warning, location: Location(), message: "w2"))
        #expect(c.truncated)
        #expect(throws: ProblemsError.self) { try c.throwIfErrors() }
        var d = ProblemCollector(limit: 1)
        d.add(Problem(rule: .unknownColumn, severity: .warning, location: Location(), message: "w"))
        d.add(Problem(rule: .amount, location: Location(), message: "an error left out"))
        #expect(d.hasErrors && d.errorCount == 1 && d.problems.count == 1)
    }
}

