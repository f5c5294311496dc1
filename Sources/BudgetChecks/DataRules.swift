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

    func data(_ rule: Rule, _ d: DataCheck, _ codes: [String], _ ctx: CheckContext, _ sink: inout Sink) {
        let b = ctx.budget
        switch d {
        case .codes, .projectOfOwnUnit, .basicLineNoProject:
            let owns = { Checker.owns(d, $0) }
            let v = LineItemValidator(codes: b.codes, units: b.units, projects: b.projects)
            // The batch check visits each distinct code once; a problem's `item` is the line's position.
            var out = ProblemCollector(limit: .max)
            v.validate(b.items, at: { i, c in Location(column: c, item: Int64(i)) }, into: &out)
            for p in out.problems where owns(p.rule) {
                guard let i = p.location.item.map(Int.init) else { continue }
                let item = b.items[i]
                sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：\(p.message)",
                                 found: item.amount, places: [itemPlace(item, column: p.location.column)],
                                 items: [ctx.itemID(i)]))
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
            for (i, item) in b.items.enumerated() where item.amount.fen < 0 {
                sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：金额为负数",
                                 found: item.amount, places: [itemPlace(item, column: "amount")], items: [ctx.itemID(i)]))
            }
            for (i, line) in b.revenue.enumerated() where line.amount.fen < 0 {
                sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：收入金额为负数",
                                 found: line.amount, places: ["收入第 \(i + 1) 条（\(line.source.name) \(line.code)）列 amount"]))
            }
        case .personnelOnProject:
            for (i, item) in b.items.enumerated() where item.kind == .project && codes.contains(where: { item.economic.hasPrefix($0) }) {
                sink.add(Finding(rule: rule.id, severity: rule.severity,
                                 message: "\(rule.message)：\(item.economic) \(b.codes.name(.economic, item.economic) ?? "")",
                                 found: item.amount, places: [itemPlace(item, column: "economic")], items: [ctx.itemID(i)]))
            }
        case .basisEmptyCategory, .basisUnusedStandard, .personnelWithoutBasis, .rosterWithoutWages:
            basis(rule, d, codes, ctx, &sink)
        case .threePublicCodes:
            for (i, item) in b.items.enumerated() where codes.contains(where: { item.economic.hasPrefix($0) }) {
                sink.add(Finding(rule: rule.id, severity: rule.severity,
                                 message: "\(rule.message)：\(item.economic) \(b.codes.name(.economic, item.economic) ?? "")（\(item.kind.name)，\(item.source.name)，\(item.carryover.name)）",
                                 found: item.amount, places: [itemPlace(item, column: "economic")], items: [ctx.itemID(i)]))
            }
        }
    }

    /// The rules about bases of calculation (测算依据, docs/basis.md).
    func basis(_ rule: Rule, _ d: DataCheck, _ codes: [String], _ ctx: CheckContext, _ sink: inout Sink) {
        let b = ctx.budget
        func finding(_ message: String, _ item: LineItem?, _ i: Int?, column: String?, place: String? = nil) {
            sink.add(Finding(rule: rule.id, severity: rule.severity, message: "\(rule.message)：\(message)", found: item?.amount,
                             places: [place ?? item.map { itemPlace($0, column: column) } ?? ""], items: i.map { [ctx.itemID($0)] } ?? []))
        }
        switch d {
        case .basisEmptyCategory:
            var people: [String: Set<String>] = [:] // unit → categories with a row
            for r in b.staff { people[r.unit, default: []].insert(r.category) }
            for (i, item) in b.items.enumerated() {
                guard let text = item.basis, let e = try? BasisParser.parse(text) else { continue }
                var named: [String] = []
                for op in e.operations {
                    switch op {
                    case .headcount(let c?), .wage(_, let c?): if !named.contains(c) { named.append(c) }
                    default: continue
                    }
                }
                for c in named where !(people[item.unit]?.contains(c) ?? false) {
                    finding("测算依据 `\(text)` 用到的人员类别 `\(c)` 在单位 \(item.unit) 的人员信息中没有人", item, i, column: "basis")
                }
            }
        case .basisUnusedStandard:
            guard !b.standards.isEmpty else { return }
            // Which names each unit's bases read, and which of them a unit parameter answers instead.
            var read: Set<String> = []
            let own = Set(b.parameters.map { "\($0.unit)/\($0.name)" })
            for item in b.items {
                guard let text = item.basis, let e = try? BasisParser.parse(text) else { continue }
                for op in e.operations { if case .name(let n) = op, !own.contains("\(item.unit)/\(n)") { read.insert(n) } }
            }
            for s in b.standards where !read.contains(s.name) {
                finding("标准 `\(s.name)`（\(s.value.text)）没有明细用到", nil, nil, column: nil, place: "标准 \(s.name)")
            }
        case .personnelWithoutBasis:
            // Only a budget drafted from bases: one of typed amounts would list every personnel line.
            guard b.usesBasis else { return }
            for (i, item) in b.items.enumerated() where item.kind == .basic && item.basis == nil && codes.contains(where: { item.economic.hasPrefix($0) }) {
                finding("\(item.economic) \(b.codes.name(.economic, item.economic) ?? "") 没有测算依据（金额是直接填写的）", item, i, column: "basis")
            }
        case .rosterWithoutWages:
            var people: [String: Int64] = [:]
            for r in b.staff { people[r.unit, default: 0] += r.count }
            for unit in b.units where (people[unit.code] ?? 0) > 0 {
                let has = b.items.contains { l in l.unit == unit.code && l.kind == .basic && codes.contains { l.economic.hasPrefix($0) } }
                if !has {
                    finding("单位 \(unit.code) \(unit.name) 的人员信息有 \(people[unit.code] ?? 0) 人，但没有 \(codes.joined(separator: "、")) 的基本支出明细",
                            nil, nil, column: nil, place: "单位 \(unit.code)")
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
