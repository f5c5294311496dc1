import BudgetCore
import Foundation

/// One broken rule (or a line flagged for review): what, how far off, and where.
public struct Finding: Sendable, Hashable {
    public var rule: String
    public var severity: Severity
    public var message: String
    /// The figure the rule expects (exact, or the printed figure for a printed-footing finding).
    public var expected: Money?
    /// The figure found.
    public var found: Money?
    /// Where: table/row/column, or the figures' origin.
    public var places: [String]
    /// The line items involved (workspace ids).
    public var items: [Int64]
    /// True when the figures are printed 万元 values (rounded), not exact amounts.
    public var printed: Bool
    /// The table cells the finding compares, the one found first (a total), then its parts or the
    /// other side: what the workbench names in the tables' words and leads the clerk to.
    public var cells: [CellRef]

    public init(rule: String, severity: Severity, message: String, expected: Money? = nil, found: Money? = nil,
                places: [String] = [], items: [Int64] = [], printed: Bool = false, cells: [CellRef] = []) {
        self.rule = rule; self.severity = severity; self.message = message; self.expected = expected; self.found = found
        self.places = places; self.items = items; self.printed = printed; self.cells = cells
    }

    /// A cell of a computed table: the table's key, the row's position in `DisclosureTable.rows`
    /// (a two-sided row has a key per side, so a position says which row unambiguously) and the
    /// column's key; nil column: the whole row.
    public struct CellRef: Sendable, Hashable {
        public var table: String
        public var row: Int
        public var column: String?
        public init(table: String, row: Int, column: String?) { self.table = table; self.row = row; self.column = column }
    }

    /// found − expected, in 分.
    public var difference: Money? {
        guard let e = expected, let f = found else { return nil }
        return f - e
    }
}

/// A rule that could not be evaluated, and why (a table not built, no prior year given).
public struct SkippedRule: Sendable, Hashable, Codable {
    public var rule: String
    public var reason: String
}

/// The result of running a rule set.
public struct CheckReport: Sendable {
    public var ruleSet: String
    public var ruleSetTitle: String
    public var department: String
    public var year: Int
    public var rulesEvaluated: Int
    public var findings: [Finding]
    public var skipped: [SkippedRule]
    /// Findings left out per rule beyond the per-rule limit.
    public var omitted: [String: Int]

    public var hasErrors: Bool { findings.contains { $0.severity == .error } }
    public func count(_ s: Severity) -> Int { findings.filter { $0.severity == s }.count }

    /// `13,487.42 万元（134,874,200.00 元）`
    static func figureText(_ m: Money) -> String {
        "\(Money.hundredthsText(m.wanHundredths, grouped: true)) 万元（\(Money.hundredthsText(m.fen, grouped: true)) 元）"
    }

    static func differenceText(_ m: Money) -> String {
        (m.fen > 0 ? "+" : "") + Money.hundredthsText(m.fen, grouped: true) + " 元"
    }

    /// The report as staff read it in the terminal, grouped by severity.
    /// With `words`, every table place is said in the tables' words (`表3 预算支出总表「208 …」行「合计」列`).
    public func renderText(words: TableWords? = nil) -> String {
        func say(_ s: String) -> String { words?.place(s) ?? s }
        var out = "勾稽审核：\(department) \(year) 年；规则集 \(ruleSet)（\(ruleSetTitle)），执行 \(rulesEvaluated) 条规则\n"
        out += "错误 \(count(.error)) 条 · 警告 \(count(.warning)) 条 · 提示 \(count(.info)) 条"
        out += skipped.isEmpty ? "\n" : " · 未执行 \(skipped.count) 条\n"
        for sev in Severity.allCases {
            let list = findings.filter { $0.severity == sev }
            if list.isEmpty { continue }
            out += "\n【\(sev.chineseName)】\n"
            if sev == .info, list.contains(where: \.printed) {
                out += "  以下合计与其各部分的精确金额相符，只是印刷数（万元，四舍五入一次）相差 0.01，可在导出时用舍位平衡调整：\n"
            }
            for f in list {
                if f.printed, let e = f.expected, let fd = f.found {
                    // A rounding difference in print: one line is enough.
                    out += "  [\(f.rule)] \(say(f.places.joined(separator: "；")))：印刷 \(Money.hundredthsText(fd.wanHundredths, grouped: true))，"
                        + "各部分印刷数之和 \(Money.hundredthsText(e.wanHundredths, grouped: true))（精确金额相符）\n"
                    continue
                }
                out += "  [\(f.rule)] \(say(f.message))\n"
                if let e = f.expected, let fd = f.found, let d = f.difference {
                    let what = f.printed ? "（印刷数）" : ""
                    out += "    应为\(what)：\(CheckReport.figureText(e))\n"
                    out += "    实为\(what)：\(CheckReport.figureText(fd))\n"
                    out += "    差额：\(CheckReport.differenceText(d))\n"
                } else if let fd = f.found {
                    out += "    金额：\(CheckReport.figureText(fd))\n"
                }
                for p in f.places { out += "    位置：\(say(p))\n" }
                if !f.items.isEmpty {
                    out += "    明细：" + f.items.map { "#\($0)" }.joined(separator: "、") + "\n"
                }
            }
            var listed: Set<String> = []
            for f in list where listed.insert(f.rule).inserted {
                if let n = omitted[f.rule] { out += "  ……规则 \(f.rule) 另有 \(n) 处未列出\n" }
            }
        }
        if !skipped.isEmpty {
            out += "\n【未执行】\n"
            for s in skipped { out += "  [\(s.rule)] \(s.reason)\n" }
        }
        out += "\n" + (hasErrors ? "结论：有错误，请改正后再导出公开表。\n" : "结论：没有错误。\n")
        return out
    }

    /// The report as JSON for other tools: amounts in 分 (integers) and as 万元 text.
    public func json() throws -> Data {
        struct Fig: Encodable { var fen: Int64; var yuan: String; var wan: String }
        struct F: Encodable {
            var rule: String, severity: String, message: String
            var expected: Fig?, found: Fig?, difference: Fig?
            var places: [String], items: [Int64], printed: Bool
        }
        struct R: Encodable {
            var ruleSet: String, department: String, year: Int, rulesEvaluated: Int
            var errors: Int, warnings: Int, infos: Int
            var findings: [F], skipped: [SkippedRule], omitted: [String: Int]
        }
        func fig(_ m: Money?) -> Fig? {
            m.map { Fig(fen: $0.fen, yuan: $0.yuanText, wan: Money.hundredthsText($0.wanHundredths)) }
        }
        let r = R(ruleSet: ruleSet, department: department, year: year, rulesEvaluated: rulesEvaluated,
                  errors: count(.error), warnings: count(.warning), infos: count(.info),
                  findings: findings.map {
                      F(rule: $0.rule, severity: $0.severity.rawValue, message: $0.message, expected: fig($0.expected),
                        found: fig($0.found), difference: fig($0.difference), places: $0.places, items: $0.items,
                        printed: $0.printed)
                  }, skipped: skipped, omitted: omitted)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try enc.encode(r)
    }
}
