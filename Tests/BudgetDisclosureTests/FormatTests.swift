import BudgetCore
import BudgetDisclosure
import Foundation
import Testing

@Suite("Disclosure files: read, write, errors")
struct FormatTests {
    @Test("the demo's files read and write back byte for byte")
    func demoRoundTrip() throws {
        let files = try demoFiles()
        let data = try DisclosureFormat.parse(files: files)
        let written = DisclosureFormat.write(data)
        #expect(Set(written.keys) == Set(files.keys))
        for (name, original) in files {
            #expect(written[name] == original, "\(name) differs after read → write")
        }
        #expect(try DisclosureFormat.parse(files: written) == data)
    }

    @Test("the folder reader and writer: write to a folder, read it back equal")
    func folderRoundTrip() throws {
        let data = try demoData()
        try withTemporaryFolder { dir in
            try DisclosureFolder.write(data, to: dir)
            let again = try DisclosureFolder.read(dir)
            #expect(again == data)
            // A part that is gone removes its file.
            var less = data
            less.assets = nil
            try DisclosureFolder.write(less, to: dir)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("assets.csv").path))
            #expect(try DisclosureFolder.read(dir).assets == nil)
            // A mistyped folder is an error, not a document of markers.
            #expect(throws: ProblemsError.self) { try DisclosureFolder.read(dir.appendingPathComponent("没有")) }
        }
    }

    @Test("a model built in code survives write → read, texts with commas, quotes and line breaks included")
    func builtRoundTrip() throws {
        var t = PerformanceTarget(sheet: "A", project: "P01", name: "项目,一", overview: "第一行\n第二行 \"引号\"")
        t.periodFunds.total = try PrintedAmount("1,234,567.50")
        t.periodFunds[.cityCounty] = try PrintedAmount("123.4567万元")
        t.yearFunds.total = PrintedAmount(yuan: Money(fen: 4_972_800))
        t.indicators = [IndicatorGroup(level1: "产出指标", level2: "数量指标", period: [Indicator(name: "人数", value: "7人")],
                                       year: [Indicator(name: "人数", value: "")]),
                        IndicatorGroup(level1: "效益指标", level2: "经济效益指标")]
        let data = DisclosureData(
            targets: [t],
            procurement: [ProcurementLine(unit: "080001", project: "P01", economic: "30201", category: .works, amount: Money(fen: 1))],
            assets: AssetHoldings(vehicleQuota: 2, vehicles: [.emergency: 1], officeAreaHundredths: 5, equipmentOver500k: 3),
            texts: DisclosureTexts(duties: ["一段"], reasons: [.officeRunningChange: "人员增加"], otherNotes: ["其他"],
                                   glossary: [GlossaryEntry(term: "名词", definition: ["解释一", "解释二"])]))
        let back = try DisclosureFormat.parse(files: DisclosureFormat.write(data))
        #expect(back == data)
        #expect(back.targets?.first?.yearFunds.total.text == "49728")
        #expect(back.assets?.officeAreaText == "0.05")
    }

    @Test("printed 项目资金 figures: 元, grouped 元, 万元, blank; anything else refused")
    func printedAmounts() throws {
        #expect(try PrintedAmount("75000000").money == Money(fen: 7_500_000_000))
        #expect(try PrintedAmount("3,000,000").money == Money(fen: 300_000_000))
        #expect(try PrintedAmount("1000万元").money == Money(fen: 1_000_000_000))
        #expect(try PrintedAmount("49,728").money == Money(fen: 4_972_800))
        #expect(try PrintedAmount("").money == nil)
        for bad in ["3,00,000", "1e5", "-5", "12.345", "万元", "1000 元"] {  // full-width digits are accepted, as by every amount reader
            #expect(throws: PrintedAmountError.self, "\(bad)") { try PrintedAmount(bad) }
        }
    }

    @Test("bad input: every problem at once, each with file, line and column")
    func badInput() throws {
        var files = try demoFiles()
        // Line 3 of performance-targets.csv (sheet T02): a bad figure; line 2 of indicators.csv: unknown sheet.
        var targets = String(decoding: files["performance-targets.csv"]!, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        targets[2] = targets[2].replacingOccurrences(of: "泽州县自然资源局,一次性项目(1年结束),1年,0,", with: "泽州县自然资源局,一次性项目(1年结束),1年,7千,")
        files["performance-targets.csv"] = bytes(targets.joined(separator: "\n"))
        files["indicators.csv"] = bytes("sheet,level1,level2,side,level3,value\nT99,产出指标,数量指标,实施期,人数,1\nT01,产出指标,数量指标,明年,人数,1\n")
        files["assets.csv"] = bytes("item,value\n公务用车编制,两辆\n领导用车,0\n领导用车,0\n")
        files["procurement.csv"] = bytes("unit,kind,category,amount\n080001,政府采购,家具,100\n080001,政府购买服务,,1.234\n")
        files["texts/reasons.md"] = bytes("## income-change\n\n原因\n\n## no-such-key\n\n原因\n")
        let found = problems(files)
        func has(_ file: String, _ line: Int?, _ column: String?, _ rule: String) -> Bool {
            found.contains { $0.location.file == file && $0.location.line == line && $0.location.column == column && $0.rule.rawValue == rule }
        }
        #expect(has("performance-targets.csv", 3, "period_total", "bad-amount"))
        #expect(has("indicators.csv", 2, "sheet", "unknown-sheet"))
        #expect(has("indicators.csv", 3, "side", "bad-side"))
        #expect(has("assets.csv", 2, "value", "bad-count"))
        #expect(has("assets.csv", 4, "item", "duplicate-item"))
        #expect(has("assets.csv", nil, nil, "missing-item"))
        #expect(has("procurement.csv", 2, "category", "bad-category"))
        #expect(has("procurement.csv", 3, "amount", "bad-amount"))
        #expect(has("texts/reasons.md", 5, nil, "unknown-reason"))
        let message = found.first { $0.rule == .badAmount && $0.location.file == "performance-targets.csv" }!.description
        #expect(message == "performance-targets.csv 第 3 行 列 period_total：`7千` 不是金额（写元，如 75000000 或 3,000,000，最多两位小数；或写万元，如 1000万元）")
    }

    @Test("broken CSV structure, headers and texts are reported with their line")
    func brokenStructure() {
        #expect(problems(["procurement.csv": bytes("unit,kind,amount\n080001,\"政府采购,1\n")]).map(\.rule.rawValue) == ["csv-syntax"])
        #expect(problems(["procurement.csv": bytes("unit,kind,amount,colour\n")]).map(\.rule.rawValue) == ["unknown-column"])
        #expect(problems(["procurement.csv": bytes("unit,unit,kind,amount\n")]).map(\.rule.rawValue) == ["duplicate-column"])
        #expect(problems(["assets.csv": bytes("item\n")]).map(\.rule.rawValue) == ["missing-column"])
        #expect(problems(["assets.csv": bytes("")]).map(\.rule.rawValue) == ["empty-file"])
        #expect(problems(["procurement.csv": bytes("unit,kind,amount\n080001,政府采购\n")]).map(\.rule.rawValue) == ["field-count"])
        #expect(problems(["texts/duties.md": [0xFF, 0xFE]]).map(\.rule.rawValue) == ["not-utf8"])
        #expect(problems(["texts/other-notes.md": bytes("前言\n## 其他\n文字\n")]).first?.location.line == 1)
        #expect(problems(["indicators.csv": bytes("sheet,level1,level2\n")]).map(\.rule.rawValue) == ["indicators-without-targets"])
        let split = "sheet,project,name\nT1,,项目\n"
        let ind = "sheet,level1,level2,side,level3,value\nT1,产出指标,数量指标,实施期,a,1\nT1,效益指标,社会效益指标,,,\nT1,产出指标,数量指标,实施期,b,2\n"
        let p = problems(["performance-targets.csv": bytes(split), "indicators.csv": bytes(ind)])
        #expect(p.map(\.rule.rawValue) == ["indicator-group-split"])
        #expect(p.first?.location.line == 4)
    }

    @Test("limits: a file over the size limit is refused before parsing")
    func limits() {
        let big = [UInt8](repeating: 0x41, count: DisclosureFormat.maxFileBytes + 1)
        #expect(problems(["texts/duties.md": big]).map(\.rule.rawValue) == ["file-too-large"])
    }
}

@Suite("Disclosure files: crafted input")
struct FuzzTests {
    /// A small deterministic generator (SplitMix64), so a failing case can be replayed by its seed.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    @Test("mutated demo files never crash the reader: each parses or reports problems")
    func mutations() throws {
        let files = try demoFiles()
        let names = files.keys.sorted()
        let interesting: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x23, 0x20, 0x00, 0xFF, 0xE3, 0x80, 0x30, 0x39, 0x2E]
        var rng = Rng(state: 2025)
        var parsed = 0, refused = 0
        let cases = 2_000
        for _ in 0..<cases {
            // Only the mutated file (and the sheets its indicators refer to): the other files parse
            // the same every time and would only slow the run.
            let name = names[rng.below(names.count)]
            var mutated = [name: files[name]!]
            if name == DisclosureFormat.indicatorsFile { mutated[DisclosureFormat.targetsFile] = files[DisclosureFormat.targetsFile] }
            var b = mutated[name]!
            for _ in 0..<(1 + rng.below(4)) {
                guard !b.isEmpty else { break }
                let i = rng.below(b.count)
                switch rng.below(4) {
                case 0: b[i] = interesting[rng.below(interesting.count)]
                case 1: b.insert(interesting[rng.below(interesting.count)], at: i)
                case 2: b.remove(at: i)
                default: b = Array(b[..<i])
                }
            }
            mutated[name] = b
            do { _ = try DisclosureFormat.parse(files: mutated); parsed += 1 } catch {
                #expect(!error.problems.isEmpty && error.problems.count <= 200)
                refused += 1
            }
        }
        print("disclosure reader fuzz: \(cases) cases, \(parsed) parsed, \(refused) refused with problems")
        #expect(parsed + refused == cases && refused > 0)
    }
}
