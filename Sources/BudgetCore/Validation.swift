/// The data rules a line item must satisfy to enter a workspace (docs/domain.md, "Data rules").
/// Review flags (personnel codes on project lines, 三公 codes) belong to the checks, not here.
public struct LineItemValidator: Sendable {
    public let codes: CodeBook
    private let units: [String: BudgetUnit]
    private let projects: Set<ProjectKey>

    struct ProjectKey: Hashable { var unit: String; var code: String }

    public init(codes: CodeBook, units: [BudgetUnit], projects: [Project]) {
        self.codes = codes
        self.units = Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.projects = Set(projects.map { ProjectKey(unit: $0.unit, code: $0.code) })
    }

    /// Checks one line; `at(column)` builds the location of a column of this line.
    public func validate(_ item: LineItem, at: (String) -> Location, into out: inout ProblemCollector) {
        if units[item.unit] == nil {
            out.add(Problem(rule: .unknownUnit, location: at("unit"), value: item.unit,
                            message: "单位 `\(item.unit)` 不在单位表中"))
        }
        checkCode(.function, item.function, column: "function", at: at, into: &out)
        checkCode(.economic, item.economic, column: "economic", at: at, into: &out)
        if let g = item.governmentEconomic, !g.isEmpty {
            checkCode(.governmentEconomic, g, column: "gov_economic", at: at, into: &out)
        } else if isUnmapped(item.economic) {
            out.add(Problem(rule: .unmappedEconomicCode, location: at("economic"), value: item.economic,
                            message: "经济分类 `\(item.economic)` 没有对应的政府预算经济分类（请在 economic-map.csv 中补充，或填写 gov_economic）"))
        }
        switch item.kind {
        case .basic:
            if let p = item.project, !p.isEmpty {
                out.add(Problem(rule: .basicLineWithProject, location: at("project"), value: p,
                                message: "基本支出不应填写项目（`\(p)`）"))
            }
        case .project:
            if let p = item.project, !p.isEmpty {
                if !projects.contains(ProjectKey(unit: item.unit, code: p)) {
                    out.add(Problem(rule: .projectOfOtherUnit, location: at("project"), value: p,
                                    message: "项目 `\(p)` 不是单位 `\(item.unit)` 的项目"))
                }
            } else {
                out.add(Problem(rule: .projectLineWithoutProject, location: at("project"),
                                message: "项目支出必须填写项目"))
            }
        }
    }

    func knowsUnit(_ code: String) -> Bool { units[code] != nil }

    func knowsProject(unit: String, code: String) -> Bool { projects.contains(ProjectKey(unit: unit, code: code)) }

    /// A code of `set` that a line may use: well formed, known, a leaf.
    func isClean(_ set: CodeSet, _ code: String) -> Bool {
        var scratch = ProblemCollector(limit: 1)
        checkCode(set, code, column: "", at: { _ in Location() }, into: &scratch)
        return scratch.problems.isEmpty
    }

    /// A known economic code with no government economic code to map to.
    private func isUnmapped(_ economic: String) -> Bool {
        codes.contains(.economic, economic) && codes.economicMap[economic] == nil
    }

    /// Checks many lines, as `validate(_:at:into:)` would one by one, but each distinct unit, code
    /// and (unit, project) is checked once: only a line that uses a failing one is checked in full,
    /// so its problems still carry its own line. A 10^6-line load must not pay ten hash lookups a line.
    public func validate(_ items: [LineItem], at location: (Int, String) -> Location, into out: inout ProblemCollector) {
        var unitOK: [String: Bool] = [:], functionOK: [String: Bool] = [:], economicOK: [String: Bool] = [:]
        var mappedOK: [String: Bool] = [:], governmentOK: [String: Bool] = [:]
        func memo(_ d: inout [String: Bool], _ key: String, _ compute: () -> Bool) -> Bool {
            if let v = d[key] { return v }
            let v = compute()
            d[key] = v
            return v
        }
        func clean(_ set: CodeSet, _ code: String) -> Bool { isClean(set, code) }
        for (i, item) in items.enumerated() {
            if out.isFull { return }
            var ok = memo(&unitOK, item.unit) { units[item.unit] != nil }
                && memo(&functionOK, item.function) { clean(.function, item.function) }
                && memo(&economicOK, item.economic) { clean(.economic, item.economic) }
            if ok, let g = item.governmentEconomic, !g.isEmpty {
                ok = memo(&governmentOK, g) { clean(.governmentEconomic, g) }
            } else if ok {
                ok = memo(&mappedOK, item.economic) { !isUnmapped(item.economic) }
            }
            if ok {
                let project = item.project ?? ""
                switch item.kind {
                case .basic: ok = project.isEmpty
                case .project: ok = !project.isEmpty && projects.contains(ProjectKey(unit: item.unit, code: project))
                }
            }
            if !ok { validate(item, at: { location(i, $0) }, into: &out) }
        }
    }

    private func checkCode(_ set: CodeSet, _ code: String, column: String, at: (String) -> Location,
                           into out: inout ProblemCollector) {
        if code.utf8.count != set.lineLevel || !set.isWellFormed(code) {
            let level = set == .function ? "7 位的项级科目" : "5 位的款级科目"
            out.add(Problem(rule: Self.rule(.malformed, set), location: at(column), value: code,
                            message: "\(set.chineseName) `\(code)` 格式不对，应为\(level)"))
        } else if !codes.contains(set, code) {
            out.add(Problem(rule: Self.rule(.unknown, set), location: at(column), value: code,
                            message: "未知的\(set.chineseName)科目 `\(code)`"))
        } else if !codes.isLeaf(set, code) {
            out.add(Problem(rule: Self.rule(.nonLeaf, set), location: at(column), value: code,
                            message: "\(set.chineseName) `\(code)` 有下级科目，明细必须使用末级科目"))
        }
    }

    enum CodeFault { case malformed, unknown, nonLeaf }

    /// The rule id of a code fault in a line's code set (revenue codes are checked apart).
    static func rule(_ fault: CodeFault, _ set: CodeSet) -> RuleID {
        switch (fault, set) {
        case (.malformed, .function): return .malformedFunctionCode
        case (.malformed, .economic): return .malformedEconomicCode
        case (.malformed, _): return .malformedGovernmentEconomicCode
        case (.unknown, .function): return .unknownFunctionCode
        case (.unknown, .economic): return .unknownEconomicCode
        case (.unknown, _): return .unknownGovernmentEconomicCode
        case (.nonLeaf, .function): return .nonLeafFunctionCode
        case (.nonLeaf, .economic): return .nonLeafEconomicCode
        case (.nonLeaf, _): return .nonLeafGovernmentEconomicCode
        }
    }

    /// Every rule id the validator reports (BudgetChecks' data rules must own each one).
    public static let rules: [RuleID] = [
        .unknownUnit, .malformedFunctionCode, .malformedEconomicCode, .malformedGovernmentEconomicCode,
        .unknownFunctionCode, .unknownEconomicCode, .unknownGovernmentEconomicCode, .nonLeafFunctionCode,
        .nonLeafEconomicCode, .nonLeafGovernmentEconomicCode, .unmappedEconomicCode, .basicLineWithProject,
        .projectOfOtherUnit, .projectLineWithoutProject, .revenueSource, .unknownRevenueCode,
    ]

    /// Checks a project of the 项目 table: its unit must exist.
    public func validate(_ project: Project, at: (String) -> Location, into out: inout ProblemCollector) {
        if units[project.unit] == nil {
            out.add(Problem(rule: .unknownUnit, location: at("unit"), value: project.unit,
                            message: "单位 `\(project.unit)` 不在单位表中"))
        }
    }

    /// Checks a revenue line.
    public func validate(_ line: RevenueLine, at: (String) -> Location, into out: inout ProblemCollector) {
        if line.source != .governmentFund && line.source != .stateCapital {
            out.add(Problem(rule: .revenueSource, location: at("source"), value: line.source.name,
                            message: "收入只能是政府性基金预算或国有资本经营预算，不能是 `\(line.source.name)`"))
        }
        if !codes.contains(.revenue, line.code) {
            out.add(Problem(rule: .unknownRevenueCode, location: at("code"), value: line.code,
                            message: "未知的收入分类科目 `\(line.code)`"))
        }
    }

    /// Checks a whole budget's lines and revenue: the lines as `lines` gives them (its own items
    /// by default; a workspace reads only the lines that use a failing value), each problem placed
    /// by the line's id; revenue by its position in the 收入 table.
    public static func validate(_ budget: Budget, lines: (any LineSource)? = nil, limit: Int = 200) -> ProblemCollector {
        var out = ProblemCollector(limit: limit)
        let v = LineItemValidator(codes: budget.codes, units: budget.units, projects: budget.projects)
        let source = lines ?? ItemLines(budget.items)
        let suspects = source.linesToValidate(v)
        v.validate(suspects.map(\.item), at: { i, c in Location(column: c, item: suspects[i].id) }, into: &out)
        if out.isFull { out.markTruncated() }
        for (i, line) in budget.revenue.enumerated() {
            v.validate(line, at: { Location(file: "收入", line: i + 1, column: $0) }, into: &out)
        }
        return out
    }
}

/// What a line must be as a value, before it is compared with any code list: an amount within
/// 0 … `BudgetLimits.lineAmount`, texts within `TextRule`. The readers refuse such values while
/// parsing; the store and the page's edits, which receive built lines, check them here.
public enum LineValueRules {
    /// Adds a problem for each value of `item` the workbench would not keep faithfully.
    public static func check(_ item: LineItem, at: (String) -> Location, into out: inout ProblemCollector) {
        check(item.amount, at: at("amount"), into: &out)
        // Field by field, without an array of them: a 10^6-line load checks every line here.
        check("unit", item.unit, at: at, into: &out)
        check("function", item.function, at: at, into: &out)
        check("economic", item.economic, at: at, into: &out)
        check("project", item.project ?? "", at: at, into: &out)
        check("gov_economic", item.governmentEconomic ?? "", at: at, into: &out)
        check("memo", item.memo, at: at, into: &out)
    }

    @inline(__always)
    private static func check(_ column: String, _ text: String, at: (String) -> Location, into out: inout ProblemCollector) {
        if let refused = TextRule.firstRefused(in: text) {
            out.add(Problem(rule: .controlCharacter, location: at(column), value: text, message: TextRule.message(refused)))
        }
        if let why = TextRule.lengthProblem(text) {
            out.add(Problem(rule: .textTooLong, location: at(column), value: String(text.prefix(40)) + "……", message: why))
        }
    }

    /// `check(_:at:into:)` for every line, in order, until the list is full; `at(i, column)`
    /// places line i. A text identical to the same field of the line before (one interned String,
    /// `String.isIdentical`), when that line had no problem, was checked clean with it and is not
    /// scanned again: a 10^6-line load.
    public static func check(_ items: [LineItem], at: (Int, String) -> Location, into out: inout ProblemCollector) {
        // Only after a line without problems: a text repeated from a line with one has it again.
        var previousClean = false
        items.withUnsafeBufferPointer { lines in
            for k in lines.indices {
                if out.isFull { return }
                let errors = out.errorCount
                defer { previousClean = out.errorCount == errors }
                check(lines[k].amount, at: at(k, "amount"), into: &out)
                let p = k == 0 ? k : k - 1, all = k == 0 || !previousClean
                if all || !lines[p].unit.isIdentical(to: lines[k].unit) { check("unit", lines[k].unit, at: { at(k, $0) }, into: &out) }
                if all || !lines[p].function.isIdentical(to: lines[k].function) {
                    check("function", lines[k].function, at: { at(k, $0) }, into: &out)
                }
                if all || !lines[p].economic.isIdentical(to: lines[k].economic) {
                    check("economic", lines[k].economic, at: { at(k, $0) }, into: &out)
                }
                if all || !lines[p].project.isIdentical(to: lines[k].project) {
                    check("project", lines[k].project ?? "", at: { at(k, $0) }, into: &out)
                }
                if all || !lines[p].governmentEconomic.isIdentical(to: lines[k].governmentEconomic) {
                    check("gov_economic", lines[k].governmentEconomic ?? "", at: { at(k, $0) }, into: &out)
                }
                if all || !lines[p].memo.isIdentical(to: lines[k].memo) { check("memo", lines[k].memo, at: { at(k, $0) }, into: &out) }
            }
        }
    }

    /// An amount must be within 0 … `BudgetLimits.lineAmount`.
    public static func check(_ amount: Money, at: Location, into out: inout ProblemCollector) {
        if amount.fen < 0 {
            out.add(Problem(rule: .amount, location: at, value: amount.yuanText, message: AmountError.negative(amount.yuanText).description))
        } else if amount > BudgetLimits.lineAmount {
            out.add(Problem(rule: .amount, location: at, value: amount.yuanText, message: AmountError.overflow(amount.yuanText).description))
        }
    }

    /// The totals of a budget's expenditure and revenue must be within `BudgetLimits.budgetTotal`.
    public static func checkTotals(items: [LineItem], revenue: [RevenueLine], itemsAt: Location, revenueAt: Location,
                                   into out: inout ProblemCollector) {
        if BudgetLimits.total(items.lazy.map(\.amount)) == nil {
            out.add(Problem(rule: .budgetTotal, location: itemsAt,
                            message: BudgetLimits.totalMessage("支出合计", exactSum(items.lazy.map(\.amount)))))
        }
        if BudgetLimits.total(revenue.lazy.map(\.amount)) == nil {
            out.add(Problem(rule: .budgetTotal, location: revenueAt,
                            message: BudgetLimits.totalMessage("收入合计", exactSum(revenue.lazy.map(\.amount)))))
        }
    }

    /// The sum for a message, or nil when it does not fit in Int64 (checked arithmetic).
    static func exactSum(_ amounts: some Sequence<Money>) -> Money? {
        var t: Int64 = 0
        for a in amounts {
            let (s, o) = t.addingReportingOverflow(a.fen)
            if o { return nil }
            t = s
        }
        return Money(fen: t)
    }
}

/// The characters a text field may hold: one rule for every field, in the workbook folder, in
/// XLSX and CSV import and in what the page sends. Control characters (U+0000–U+001F, U+007F and
/// U+0080–U+009F) are refused — SQLite's C interface would cut a text at a NUL, XML cannot hold
/// most of them, and none shows on a printed table — except tab, line feed and carriage return,
/// which an Excel cell (Alt+Enter) and a memo may hold.
public enum TextRule {
    /// The most characters one text (a name, a code, a memo) may hold: far above any real name or
    /// memo, and far below the 32,767 characters an Excel cell holds, so every text the workbench
    /// keeps can also be exported (a department name of 10^5 characters once loaded and then failed
    /// in export).
    public static let maxCharacters = 2_000

    /// Why a text is refused for its length, or nil: `共 100000 个字符，超过上限……`.
    public static func lengthProblem(_ text: some StringProtocol) -> String? {
        // Fast path: fewer bytes than the limit means fewer characters too.
        guard text.utf8.count > maxCharacters else { return nil }
        let n = text.count
        guard n > maxCharacters else { return nil }
        return "文字过长：共 \(n) 个字符，一项文字最多 \(maxCharacters) 个字符"
    }

    /// True for a character a text may hold.
    public static func allows(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v == 0x09 || v == 0x0A || v == 0x0D { return true }
        return !(v < 0x20 || (v >= 0x7F && v <= 0x9F))
    }

    /// The first character `allows` refuses, and its position (in characters from the start).
    public static func firstRefused(in text: some StringProtocol) -> (scalar: Unicode.Scalar, position: Int)? {
        // Fast path: the bytes of every refused character start with 0x00–0x1F, 0x7F or 0xC2. Over
        // the contiguous bytes when there are some: it runs on every text cell of an import, and the
        // generic view's iterator cost most of a 10^5-row sheet's read.
        func suspicious(_ b: UInt8) -> Bool { b < 0x20 || b == 0x7F || b == 0xC2 }
        let any = text.utf8.withContiguousStorageIfAvailable { buf in buf.contains(where: suspicious) }
            ?? text.utf8.contains(where: suspicious)
        guard any else { return nil }
        for (i, u) in text.unicodeScalars.enumerated() where !allows(u) { return (u, i) }
        return nil
    }

    /// `含有控制字符 U+0000（第 2 个字符）…`: why a text is refused.
    public static func message(_ refused: (scalar: Unicode.Scalar, position: Int)) -> String {
        message(refused.scalar, place: "第 \(refused.position + 1) 个字符")
    }

    /// Why a text is refused, the character's place said as `place` (`字节偏移 1234`).
    public static func message(_ scalar: Unicode.Scalar, place: String) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return "含有控制字符 \(code)（\(place)；看不见，多来自复制的网页或数据库导出）：文字中只允许可见字符、空格、制表符和换行"
    }
}
