import Testing
@testable import BudgetCore

@Suite("Basis: exact rationals")
struct BasisRationalTests {
    func r(_ n: Int64, _ d: Int64 = 1) -> Rational { try! Rational(n, d) }

    @Test("lowest terms, positive denominator")
    func normalised() throws {
        #expect(r(6, -4) == Rational(unchecked: -3, 2))
        #expect(r(0, -7) == .zero)
        #expect(try r(1, 3).adding(r(1, 6)) == r(1, 2))
        #expect(try r(1, 3).subtracting(r(1, 3)) == .zero)
        #expect(try r(2, 3).multiplied(by: r(9, 4)) == r(3, 2))
        #expect(try r(2, 3).divided(by: r(-4, 9)) == r(-3, 2))
    }

    @Test("a sum whose cross products exceed 64 bits is exact when the result fits")
    func wideIntermediate() throws {
        // (10^18 − 1)/1000003 + 1000283/10000030: the cross product (10^18 − 1) × 10 exceeds 2^63,
        // the sum in lowest terms is 9999970000091/10 (checked with Python's fractions).
        let a = r(999_999_999_999_999_999, 1_000_003), b = r(1_000_283, 10_000_030)
        #expect(try a.adding(b) == r(9_999_970_000_091, 10))
        #expect(try b.adding(a) == r(9_999_970_000_091, 10))
        #expect(try a.subtracting(-b) == r(9_999_970_000_091, 10))
        let big = r(900_000_000_000_000_000, 7)
        #expect(try big.adding(r(-900_000_000_000_000_000, 7)) == .zero)
        #expect(try r(90_000_000_000_000_000, 7).adding(r(1, 11)) == r(990_000_000_000_000_007, 77))
        // Genuinely beyond the limit: (9.9·10^18 + 7)/77.
        #expect(throws: Rational.Failure.tooLarge) { try big.adding(r(1, 11)) }
        #expect(throws: Rational.Failure.tooLarge) { try big.adding(big) }
    }

    @Test("beyond the limit is refused, never trapped")
    func limits() {
        #expect(throws: Rational.Failure.tooLarge) { try Rational(Int64.max) }
        #expect(throws: Rational.Failure.tooLarge) { try Rational(Int64.min, 1) }
        #expect(throws: Rational.Failure.tooLarge) { try Rational.limit == 0 ? .zero : Rational(Rational.limit).multiplied(by: Rational(10)) }
        #expect(throws: Rational.Failure.tooLarge) { try Rational(1, Rational.limit).multiplied(by: Rational(1, 10)) }
        #expect(throws: Rational.Failure.divisionByZero) { try Rational(5).divided(by: .zero) }
        #expect(throws: Rational.Failure.divisionByZero) { try Rational(5, 0) }
        #expect((try? Rational(Rational.limit)) != nil)
    }

    @Test("rounded once to the 分, half up, at exactly .005")
    func rounding() throws {
        #expect(try r(5, 1000).roundedToFen() == 1)       // 0.005 元 → 0.01
        #expect(try r(49, 10000).roundedToFen() == 0)     // 0.0049 → 0.00
        #expect(try r(1005, 1000).roundedToFen() == 101)  // 1.005 (not representable in binary) → 1.01
        #expect(try r(1, 3).roundedToFen() == 33)
        #expect(try r(2, 3).roundedToFen() == 67)
        #expect(try r(-5, 1000).roundedToFen() == -1)     // half away from zero
        #expect(try r(Rational.limit / 100).roundedToFen() == Rational.limit)
        #expect(throws: Rational.Failure.tooLarge) { try Rational(Rational.limit).roundedToFen() }
    }

    @Test("decimal text")
    func text() {
        #expect(r(4, 25).decimalText == "0.16")
        #expect(r(8000).decimalText == "8000")
        #expect(r(-3, 8).decimalText == "-0.375")
        #expect(r(1, 3).decimalText == "1/3")
        #expect(r(1, 1_000_000_000_000_000_000).decimalText == "0.000000000000000001")
    }
}

@Suite("Basis: values, names")
struct BasisValueTests {
    @Test("a value is a decimal or a percentage, as an input method types it")
    func parse() throws {
        #expect(try BasisNumber.parse("16%") == BasisNumber(Rational(4, 25), percent: true))
        #expect(try BasisNumber.parse(" １６％ ").text == "16%")
        #expect(try BasisNumber.parse("7.5%").value == Rational(3, 40))
        #expect(try BasisNumber.parse("８０００").text == "8000")
        #expect(try BasisNumber.parse("0.160").text == "0.16")
        #expect(try BasisNumber.parse(".5").text == "0.5")
        for bad in ["", "-1", "1,000", "1e3", "16%%", "abc", "1.2.3", "5."] {
            #expect(throws: BasisValueError.self, "\(bad)") { try BasisNumber.parse(bad) }
        }
        #expect(throws: BasisValueError.self) { try BasisNumber.parse("1234567890123456789") }
    }

    @Test("the lexical rule for names")
    func names() {
        #expect(BasisName.problem("在职人数") == nil)
        #expect(BasisName.problem("公用经费定额2025") == nil)
        #expect(BasisName.problem("_tmp") == nil)
        #expect(BasisName.problem("") != nil)
        #expect(BasisName.problem("2025定额") != nil)
        #expect(BasisName.problem("取暖面积（平方米）") != nil)
        #expect(BasisName.problem("在职 人数") != nil)
        #expect(BasisName.problem("人数") != nil)
        #expect(BasisName.problem("经济") != nil)
    }
}

@Suite("Basis: the expression language")
struct BasisLanguageTests {
    func yuan(_ basis: String, unit: String = "001") -> String? { BasisFixture.amount(basis, unit: unit)?.yuanText }

    @Test("every operator, ASCII and full-width", arguments: [
        ("1+2", "3.00"), ("5-2", "3.00"), ("2*3", "6.00"), ("7/2", "3.50"),
        ("2×3", "6.00"), ("7÷2", "3.50"), ("1＋2", "3.00"), ("5－2", "3.00"), ("5−2", "3.00"),
        ("2＊3", "6.00"), ("7／2", "3.50"), ("（1+2）×3", "9.00"), ("(1+2)*3", "9.00"),
        ("１２３．４５", "123.45"), ("=1+1", "2.00"), ("＝1+1", "2.00"), ("  = 1 + 1  ", "2.00"),
        ("1+2*3", "7.00"), ("10-2-3", "5.00"), ("10/4*2", "5.00"), ("-3+5", "2.00"), ("2*-3+10", "4.00"),
        ("--2", "2.00"), ("+2", "2.00"), (".5", "0.50"), ("1　+　1", "2.00"),
    ])
    func operators(basis: String, expected: String) {
        #expect(yuan(basis) == expected, "\(basis)")
    }

    @Test("percent", arguments: [("16%", "0.16"), ("1000×16%", "160.00"), ("1000*16％", "160.00"), ("(50+50)%", "1.00"),
                                 ("12500 × 7.5%", "937.50")])
    func percent(basis: String, expected: String) { #expect(yuan(basis) == expected, "\(basis)") }

    @Test("exact, rounded once to the 分, half up", arguments: [
        ("0.005", "0.01"), ("0.0049", "0.00"), ("0.015", "0.02"), ("1.005", "1.01"), ("1/3", "0.33"), ("2/3", "0.67"),
        ("1/3+1/3+1/3", "1.00"), ("10/3*3", "10.00"), ("0.1+0.2", "0.30"), ("1179406.325", "1179406.33"),
        ("23 × 4256.5 × 12", "1174794.00"),
    ])
    func rounding(basis: String, expected: String) { #expect(yuan(basis) == expected, "\(basis)") }

    @Test("names: the unit's parameter first, then the standard")
    func names() {
        #expect(yuan("在职人数 × 公用经费定额") == "184000.00")
        #expect(yuan("在职人数 × 公用经费定额", unit: "002") == "30000.00")  // 5 × 6000 (the unit's own 定额)
        #expect(yuan("取暖面积 * 35.5") == "42600.00")
    }

    @Test("人数 and 工资 over the unit's roster")
    func roster() {
        #expect(yuan("人数(在职)") == "4.00")
        #expect(yuan("人数（在职）") == "4.00")
        #expect(yuan("人数()") == "6.00")
        #expect(yuan("人数(\"退休\")") == "2.00")
        #expect(yuan("人数(“遗属”)") == "0.00")
        #expect(yuan("工资(岗位工资, 在职)") == "11900.00")       // 3500 + 3 × 2800
        #expect(yuan("工资(岗位工资，在职) × 12") == "142800.00")
        #expect(yuan("工资(薪级工资)") == "3900.00")              // 1200 + 3 × 900
        #expect(yuan("工资(退休费, 退休)") == "8201.00")          // 2 × 4100.50
        #expect(yuan("工资(岗位工资)", unit: "002") == "3000.00")
    }

    @Test("经济 sums the unit's lines of the same source, carryover and kind")
    func economic() throws {
        #expect(yuan("经济(30101)") == "1000.00")
        #expect(yuan("经济(30101, 30102) × 16%") == "240.08")    // 1500.50 × 16% = 240.08
        #expect(yuan("经济(30101、30102)") == "1500.50")
        #expect(yuan("经济(301)") == "1500.50")
        let items = [
            BasisFixture.line("001", "30101", fen: 100_000),
            BasisFixture.line("001", "30101", fen: 7, source: .unitFunds),
            BasisFixture.line("001", "30101", fen: 11, carryover: .carriedOver),
            BasisFixture.line("001", "30101", fen: 13, kind: .project),
            BasisFixture.line("002", "30101", fen: 17),
            BasisFixture.line("001", "30108", basis: "经济(30101)"),
            BasisFixture.line("001", "30108", basis: "经济(30101)", source: .unitFunds),
            BasisFixture.line("002", "30201", basis: "经济(301)"),
        ]
        let e = try BasisFixture.engine(items)
        #expect(e.amount(of: 5)?.fen == 100_000)
        #expect(e.amount(of: 6)?.fen == 7)
        #expect(e.amount(of: 7)?.fen == 17)
    }
}

@Suite("Basis: problems name the line, the expression and the place")
struct BasisProblemTests {
    /// (basis, rule, the place as the message prints it)
    @Test("syntax and evaluation problems, each with its place", arguments: [
        ("1+", "basis-syntax", "末尾"),
        ("1 + * 2", "basis-syntax", "第 5 个字符 `*`"),
        ("(1+2", "basis-syntax", "第 1 个字符 `(`"),
        ("1+2)", "basis-syntax", "第 4 个字符 `)`"),
        ("2 在职人数", "basis-syntax", "第 3 个字符 `在职人数`"),
        ("1#2", "basis-syntax", "第 2 个字符 `#`"),
        ("0。16", "basis-syntax", "第 2 个字符 `。`"),
        ("1=1", "basis-syntax", "第 2 个字符 `=`"),
        ("16%%", "basis-syntax", "第 4 个字符 `%`"),
        ("()", "basis-syntax", "第 2 个字符 `)`"),
        ("", "basis-syntax", "末尾"),
        ("=", "basis-syntax", "末尾"),
        ("\"在职\"", "basis-syntax", "第 1 个字符 `\"在职\"`"),
        ("人数", "basis-syntax", "第 1 个字符 `人数`"),
        ("人数(在职, 退休)", "basis-syntax", "第 8 个字符 `退休`"),
        ("工资()", "basis-syntax", "第 1 个字符 `工资()`"),
        ("经济(3010)", "basis-syntax", "第 4 个字符 `3010`"),
        ("经济(301, 30101)", "basis-syntax", "第 9 个字符 `30101`"),
        ("经济(30101, 30101)", "basis-syntax", "第 11 个字符 `30101`"),
        ("经济(30101.5)", "basis-syntax", "第 4 个字符 `30101.5`"),
        ("1 / 0", "basis-division-by-zero", "第 3 个字符 `/`"),
        ("5 × (3 ÷ (零))", "basis-division-by-zero", "第 8 个字符 `÷`"),
        ("在职人数 × 月工资", "basis-unknown-name", "第 8 个字符 `月工资`"),
        ("求和(1, 2)", "basis-unknown-function", "第 1 个字符 `求和`"),
        ("工资(奖金, 在职)", "basis-unknown-field", "第 1 个字符 `工资(奖金, 在职)`"),
        ("经济(30101, 39999)", "basis-unknown-economic-code", "第 11 个字符 `39999`"),
        ("1 - 2", "basis-negative", "：结果为负数（-1 元）"),
        ("1000000000000000000 × 10", "basis-too-large", "第 21 个字符 `×`"),
        ("12345678901234567890", "basis-too-large", "第 1 个字符 `12345678901234567890`"),
        ("100000000000000000", "basis-too-large", "：结果超出金额上限"),
    ])
    func problems(basis: String, rule: String, place: String) throws {
        let p = try #require(BasisFixture.problem(basis), "\(basis)")
        #expect(p.rule.rawValue == rule, "\(basis): \(p.message)")
        #expect(p.message.contains(place), "\(basis): \(p.message)")
        #expect(p.value == basis)
        #expect(p.location == Location(column: "basis", item: 2))
    }

    @Test("the message a clerk reads")
    func message() throws {
        let p = try #require(BasisFixture.problem("=在职人数×月工资×12"))
        #expect(p.description == "列 basis 明细 #2：测算依据 `=在职人数×月工资×12` 第 7 个字符 `月工资`：未知的名称：不是单位 `001` 的参数，也不是标准")
    }

    @Test("limits: length, depth, terms")
    func limits() throws {
        let long = String(repeating: "1+", count: 1000) + "1"
        var p = try #require(BasisFixture.problem(long))
        #expect(p.rule.rawValue == "basis-limit" && p.message.contains("过长"))
        let deep = String(repeating: "(", count: 33) + "1" + String(repeating: ")", count: 33)
        p = try #require(BasisFixture.problem(deep))
        #expect(p.rule.rawValue == "basis-limit" && p.message.contains("第 33 个字符"), "\(p.message)")
        #expect(BasisFixture.amount(String(repeating: "(", count: 32) + "1" + String(repeating: ")", count: 32))?.fen == 100)
        #expect(BasisFixture.amount(String(repeating: "-", count: 32) + "1")?.fen == 100)
        p = try #require(BasisFixture.problem(String(repeating: "-", count: 33) + "1"))
        #expect(p.rule.rawValue == "basis-limit" && p.message.contains("第 33 个字符"), "\(p.message)")
        p = try #require(BasisFixture.problem(String(repeating: "1+", count: 200) + "1"))
        #expect(p.rule.rawValue == "basis-limit" && p.message.contains("第 401 个字符"), "\(p.message)")
        #expect(BasisFixture.amount(String(repeating: "1+", count: 199) + "1")?.fen == 20_000)
        let codes = (1...51).map { _ in "30101" }.joined(separator: ",")
        p = try #require(BasisFixture.problem("经济(\(codes))"))
        #expect(p.rule.rawValue == "basis-limit")
    }

    @Test("a line whose 经济() includes itself is a cycle, at the code that selects it")
    func selfCycle() {
        let items = [BasisFixture.line("001", "30101", fen: 100_000), BasisFixture.line("001", "30108", basis: "经济(30101, 301) × 16%")]
        #expect(throws: ProblemsError.self) { try BasisFixture.engine(items) }
        do { _ = try BasisFixture.engine(items) } catch {
            // 30101 and 301 overlap: a syntax problem first.
            #expect(error.problems.first?.rule.rawValue == "basis-syntax")
        }
        let cyclic = [BasisFixture.line("001", "30101", fen: 100_000), BasisFixture.line("001", "30108", basis: "经济(301) × 16%")]
        do { _ = try BasisFixture.engine(cyclic); Issue.record("no cycle reported") } catch {
            let p = error.problems[0]
            #expect(p.rule.rawValue == "basis-cycle")
            #expect(p.location.item == 1)
            #expect(p.message.contains("第 4 个字符 `301`") && p.message.contains("30108"), "\(p.message)")
        }
    }

    @Test("a cycle between two lines names both")
    func twoLineCycle() {
        let items = [BasisFixture.line("001", "30101", basis: "经济(30108) + 100"), BasisFixture.line("001", "30108", basis: "经济(30101) × 16%"),
                     BasisFixture.line("001", "30201", basis: "经济(30108)")]
        do { _ = try BasisFixture.engine(items); Issue.record("no cycle reported") } catch {
            #expect(error.problems.count == 1, "\(error)")
            let p = error.problems[0]
            #expect(p.rule.rawValue == "basis-cycle")
            #expect(p.message.contains("明细 #0 → 明细 #1 → 明细 #0"), "\(p.message)")
        }
    }

    @Test("every problem of a build at once, dependents of a broken line not repeated")
    func allAtOnce() {
        let items = [BasisFixture.line("001", "30101", basis: "在职人数 × 月工资"), BasisFixture.line("001", "30108", basis: "经济(30101) × 16%"),
                     BasisFixture.line("001", "30201", basis: "1/0"), BasisFixture.line("001", "30211", basis: "1+"),
                     // Reads the line whose basis does not parse: no second, made-up problem (a negative value).
                     BasisFixture.line("001", "30299", basis: "经济(30211) - 5")]
        do { _ = try BasisFixture.engine(items); Issue.record("no problem") } catch {
            #expect(error.problems.map(\.location.item) .sorted { ($0 ?? 0) < ($1 ?? 0) } == [0, 2, 3])
        }
    }
}

@Suite("Basis: fuzzed expressions")
struct BasisFuzzTests {
    static let pieces = ["1", "0", "16", ".5", "3.25", "１２", "．", "+", "-", "−", "*", "×", "/", "÷", "%", "％", "(", ")",
                         "（", "）", "=", "＝", ",", "，", "、", " ", "　", "\"", "“", "”", "在职人数", "公用经费定额", "零",
                         "人数", "工资", "经济", "岗位工资", "在职", "退休", "30101", "301", "30108", "39999", "。", "#",
                         "é", "\u{0301}", "😀", "\n", "1000000000000000000", "99999999999999999999", "月工资"]

    @Test("random texts never crash; each is a value or a problem at a place inside the text")
    func fuzz() throws {
        var rng = SyntheticBudget.RNG(seed: 20_250_612)
        var engine = try BasisFixture.engine([BasisFixture.line("001", "30101", fen: 100_000), BasisFixture.line("001", "30201", basis: "1")])
        var accepted = 0, refused = 0
        let cases = 20_000
        for _ in 0..<cases {
            var text = ""
            for _ in 0..<Int(rng.next() % 24) { text += BasisFuzzTests.pieces[Int(rng.next() % UInt64(BasisFuzzTests.pieces.count))] }
            let scalars = text.unicodeScalars.count
            do {
                _ = try BasisParser.parse(text)
            } catch {
                #expect(error.offset >= 0 && error.offset <= scalars && error.offset + error.length <= scalars, "\(text): \(error)")
            }
            do {
                let u = try engine.apply(.setLine(id: 1, BasisFixture.line("001", "30201", basis: text)))
                #expect(u.edited!.amount.fen >= 0)
                accepted += 1
            } catch {
                refused += 1
                #expect(error.problems.count == 1 && error.problems[0].rule.rawValue.hasPrefix("basis-") && error.problems[0].value == text)
                #expect(engine.basis(of: 1) != text)
            }
        }
        print("basis fuzz: \(cases) expressions, \(accepted) accepted, \(refused) refused")
        #expect(accepted > 100 && refused > 100)
    }
}

@Suite("Basis: random expression trees")
struct BasisTreeTests {
    indirect enum Tree {
        case leaf(String, Rational)
        case op(Character, Tree, Tree)

        var precedence: Int { if case .op(let o, _, _) = self { return o == "+" || o == "-" ? 1 : 2 } else { return 3 } }

        /// The exact value, computed directly (not through the parser).
        func value() throws(Rational.Failure) -> Rational {
            switch self {
            case .leaf(_, let v): return v
            case .op(let o, let a, let b):
                let x = try a.value(), y = try b.value()
                switch o {
                case "+": return try x.adding(y)
                case "-": return try x.subtracting(y)
                case "*": return try x.multiplied(by: y)
                default: return try x.divided(by: y)
                }
            }
        }
    }

    static let leaves: [(String, Rational)] = [
        ("在职人数", Rational(unchecked: 23, 1)), ("公用经费定额", Rational(unchecked: 8000, 1)), ("零", .zero),
        ("人数(在职)", Rational(unchecked: 4, 1)), ("16%", Rational(unchecked: 4, 25)), ("经济(30101)", Rational(unchecked: 1000, 1)),
        ("工资(岗位工资, 在职)", Rational(unchecked: 11900, 1)), ("0.005", Rational(unchecked: 1, 200)), ("3", Rational(unchecked: 3, 1)),
        ("7", Rational(unchecked: 7, 1)), ("12.5", Rational(unchecked: 25, 2)), ("1000000", Rational(unchecked: 1_000_000, 1)),
    ]

    static func tree(_ depth: Int, _ rng: inout SyntheticBudget.RNG) -> Tree {
        if depth == 0 || rng.next() % 3 == 0 {
            let (t, v) = leaves[Int(rng.next() % UInt64(leaves.count))]
            return .leaf(t, v)
        }
        let op: Character = ["+", "-", "*", "/"][Int(rng.next() % 4)]
        return .op(op, tree(depth - 1, &rng), tree(depth - 1, &rng))
    }

    /// The text with as few brackets as precedence allows, in ASCII or as an input method types it.
    static func text(_ t: Tree, fullWidth: Bool) -> String {
        switch t {
        case .leaf(let s, _):
            guard fullWidth else { return s }
            return String(s.map { c -> Character in
                if let d = c.wholeNumberValue, c.isASCII { return Character(Unicode.Scalar(0xFF10 + UInt32(d))!) }
                return c == "." ? "．" : c == "%" ? "％" : c == "(" ? "（" : c == ")" ? "）" : c == "," ? "，" : c
            })
        case .op(let o, let a, let b):
            let sym = fullWidth ? ["+": "＋", "-": "－", "*": "×", "/": "÷"][o]! : String(o)
            var left = text(a, fullWidth: fullWidth), right = text(b, fullWidth: fullWidth)
            if a.precedence < t.precedence { left = fullWidth ? "（\(left)）" : "(\(left))" }
            if b.precedence < t.precedence || (b.precedence == t.precedence && (o == "-" || o == "/")) {
                right = fullWidth ? "（\(right)）" : "(\(right))"
            }
            return left + " " + sym + " " + right
        }
    }

    @Test("the parser's precedence and the full-width forms give the directly computed value")
    func trees() throws {
        var rng = SyntheticBudget.RNG(seed: 612)
        var engine = try BasisFixture.engine([BasisFixture.line("001", "30101", fen: 100_000), BasisFixture.line("001", "30201", basis: "1")])
        var counts = (ok: 0, negative: 0, zero: 0, large: 0)
        for _ in 0..<3_000 {
            let t = BasisTreeTests.tree(4, &rng)
            for full in [false, true] {
                let text = (rng.next() % 2 == 0 ? "=" : "") + BasisTreeTests.text(t, fullWidth: full)
                let result = Result { () throws(ProblemsError) in try engine.apply(.setLine(id: 1, BasisFixture.line("001", "30201", basis: text))) }
                do throws(Rational.Failure) {
                    let v = try t.value()
                    if v.isNegative {
                        #expect(result.failureRule == "basis-negative", "\(text)"); counts.negative += 1
                    } else if let fen = try? v.roundedToFen(), fen <= BasisLimits.amountFen {
                        #expect((try? result.get())?.edited?.amount.fen == fen, "\(text)"); counts.ok += 1
                    } else {
                        #expect(result.failureRule == "basis-too-large", "\(text)"); counts.large += 1
                    }
                } catch {
                    if error == .divisionByZero {
                        #expect(result.failureRule == "basis-division-by-zero", "\(text)"); counts.zero += 1
                    } else {
                        #expect(result.failureRule == "basis-too-large", "\(text)"); counts.large += 1
                    }
                }
            }
        }
        print("basis trees: \(counts.ok) values, \(counts.negative) negative, \(counts.zero) divisions by zero, \(counts.large) too large")
        #expect(counts.ok > 1_000 && counts.negative > 100 && counts.zero > 100)
    }
}

extension Result where Failure == ProblemsError {
    var failureRule: String? { if case .failure(let e) = self { return e.problems.first?.rule.rawValue } else { return nil } }
}
