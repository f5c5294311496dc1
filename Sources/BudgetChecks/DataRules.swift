import BudgetCore

extension Checker {
    /// The problems of `LineItemValidator` each data rule owns: the workspace refuses these on
    /// entry, and the checks report them again for data that came in another way (an imported
    /// workspace, a code list changed after the items were written). The ids are typed
    /// (`RuleID`): a renamed rule does not compile here, and a test asserts that every rule in
    /// `LineItemValidator.rules` has exactly one owner, so no check is switched off silently.
    static func owns(_ d: DataCheck, _ id: RuleID) -> Bool {
        switch (d, id) {
        case (.codes, .unknownUnit), (.codes, .unmappedEconomicCode), (.codes, .revenueSource), (.codes, .unknownRevenueCode),
             (.codes, .malformedFunctionCode), (.codes, .malformedEconomicCode), (.codes, .malformedGovernmentEconomicCode),
             (.codes, .unknownFunctionCode), (.codes, .unknownEconomicCode), (.codes, .unknownGovernmentEconomicCode),
             (.codes, .nonLeafFunctionCode), (.codes, .nonLeafEconomicCode), (.codes, .nonLeafGovernmentEconomicCode):
            return true
        case (.projectOfOwnUnit, .projectOfOtherUnit), (.projectOfOwnUnit, .projectLineWithoutProject):
            return true
        case (.basicLineNoProject, .basicLineWithProject):
            return true
        default:
            return false
        }
    }

    func data(_ rule: Rule, _ d: DataCheck, _ codes: [String], _ ctx: CheckContext, _ lines: any LineSource, _ sink: inout Sink) {
        let b = ctx.budget
        /// One finding per listed line; the lines past the sink's room are counted, not read.
        func list(_ filter: LineFilter, _ message: (LineItem) -> String, column: String) {
            let selection = lines.lines(filter, limit: sink.room)
            for line in selection.lines {
                sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：\(message(line.item))",
                                 found: line.item.amount, places: [itemPlace(line.item, column: column)], items: [line.id]))
            }
            sink.omitted += selection.total - selection.lines.count
        }
        switch d {
        case .codes, .projectOfOwnUnit, .basicLineNoProject:
            let owns = { Checker.owns(d, $0) }
            let v = LineItemValidator(codes: b.codes, units: b.units, projects: b.projects)
            // Only the lines that use a failing unit, code or project (all of them in memory); the
            // batch check visits each distinct value once; a problem's `item` is the position here.
            let suspects = lines.linesToValidate(v)
            var out = ProblemCollector(limit: .max)
            v.validate(suspects.map(\.item), at: { i, c in Location(column: c, item: Int64(i)) }, into: &out)
            for p in out.problems where owns(p.rule) {
                guard let i = p.location.item.map(Int.init) else { continue }
                let line = suspects[i]
                sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：\(p.message)",
                                 found: line.item.amount, places: [itemPlace(line.item, column: p.location.column)],
                                 items: [line.id]))
            }
            if d == .codes {
                for (i, line) in b.revenue.enumerated() {
                    var out = ProblemCollector(limit: 20)
                    v.validate(line, at: { Location(column: $0) }, into: &out)
                    for p in out.problems where owns(p.rule) {
                        sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：\(p.message)",
                                         found: line.amount,
                                         places: ["收入第 \(i + 1) 条（\(line.source.name) \(line.code)）列 \(p.location.column ?? "")"]))
                    }
                }
            }
        case .amounts:
            // Money is whole 分, so "at most two decimals" holds by construction once an amount is
            // stored (the readers refuse a third decimal); a negative amount can still arrive.
            list(LineFilter(negativeAmount: true), { _ in "金额为负数" }, column: "amount")
            for (i, line) in b.revenue.enumerated() where line.amount.fen < 0 {
                sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：收入金额为负数",
                                 found: line.amount, places: ["收入第 \(i + 1) 条（\(line.source.name) \(line.code)）列 amount"]))
            }
        case .personnelOnProject:
            list(LineFilter(kind: .project, economicPrefixes: codes),
                 { "\($0.economic) \(b.codes.name(.economic, $0.economic) ?? "")" }, column: "economic")
        case .basisEmptyCategory, .basisUnusedStandard, .personnelWithoutBasis, .rosterWithoutWages:
            basis(rule, d, codes, ctx, lines, &sink)
        case .threePublicCodes:
            list(LineFilter(economicPrefixes: codes),
                 { "\($0.economic) \(b.codes.name(.economic, $0.economic) ?? "")（\($0.kind.name)，\($0.source.name)，\($0.carryover.name)）" },
                 column: "economic")
        }
    }

    /// The rules about bases of calculation (测算依据, docs/basis.md).
    func basis(_ rule: Rule, _ d: DataCheck, _ codes: [String], _ ctx: CheckContext, _ lines: any LineSource, _ sink: inout Sink) {
        let b = ctx.budget
        func finding(_ message: String, _ line: NumberedLine?, column: String?, place: String? = nil) {
            sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：\(message)", found: line?.item.amount,
                             places: [place ?? line.map { itemPlace($0.item, column: column) } ?? ""], items: line.map { [$0.id] } ?? []))
        }
        /// The lines with a basis, in id order (a workspace reads them through its index of them).
        func withBasis() -> [NumberedLine] { lines.lines(LineFilter(hasBasis: true), limit: .max).lines }
        switch d {
        case .basisEmptyCategory:
            var people: [String: Set<String>] = [:] // unit → categories with a row
            for r in b.staff { people[r.unit, default: []].insert(r.category) }
            for line in withBasis() {
                let item = line.item
                guard let text = item.basis, let e = try? BasisParser.parse(text) else { continue }
                var named: [String] = []
                for op in e.operations {
                    switch op {
                    case .headcount(let c?), .wage(_, let c?): if !named.contains(c) { named.append(c) }
                    default: continue
                    }
                }
                for c in named where !(people[item.unit]?.contains(c) ?? false) {
                    finding("测算依据 `\(text)` 用到的人员类别 `\(c)` 在单位 \(item.unit) 的人员信息中没有人", line, column: "basis")
                }
            }
        case .basisUnusedStandard:
            guard !b.standards.isEmpty else { return }
            // Which names each unit's bases read, and which of them a unit parameter answers instead.
            var read: Set<String> = []
            let own = Set(b.parameters.map { "\($0.unit)/\($0.name)" })
            for line in withBasis() {
                guard let text = line.item.basis, let e = try? BasisParser.parse(text) else { continue }
                for op in e.operations { if case .name(let n) = op, !own.contains("\(line.item.unit)/\(n)") { read.insert(n) } }
            }
            for s in b.standards where !read.contains(s.name) {
                finding("标准 `\(s.name)`（\(s.value.text)）没有明细用到", nil, column: nil, place: "标准 \(s.name)")
            }
        case .personnelWithoutBasis:
            // Only a budget drafted from bases: one of typed amounts would list every personnel line.
            let drafted = !b.parameters.isEmpty || !b.standards.isEmpty || !b.staff.isEmpty || lines.exists(LineFilter(hasBasis: true))
            guard drafted else { return }
            let selection = lines.lines(LineFilter(kind: .basic, economicPrefixes: codes, hasBasis: false), limit: sink.room)
            for line in selection.lines {
                finding("\(line.item.economic) \(b.codes.name(.economic, line.item.economic) ?? "") 没有测算依据（金额是直接填写的）", line, column: "basis")
            }
            sink.omitted += selection.total - selection.lines.count
        case .rosterWithoutWages:
            var people: [String: Int64] = [:]
            for r in b.staff { people[r.unit, default: 0] += r.count }
            for unit in b.units where (people[unit.code] ?? 0) > 0 {
                if !lines.exists(LineFilter(unit: unit.code, kind: .basic, economicPrefixes: codes)) {
                    finding("单位 \(unit.code) \(unit.name) 的人员信息有 \(people[unit.code] ?? 0) 人，但没有 \(codes.joined(separator: "、")) 的基本支出明细",
                            nil, column: nil, place: "单位 \(unit.code)")
                }
            }
        default:
            return
        }
    }

    func itemPlace(_ item: LineItem, column: String?) -> String {
        var s = "单位 \(item.unit) 功能 \(item.function) 经济 \(item.economic) \(item.source.name) \(item.carryover.name) \(item.kind.name)"
        if let p = item.project, !p.isEmpty { s += " 项目 \(p)" }
        if let c = column { s += "（列 \(c)）" }
        return s
    }
}
