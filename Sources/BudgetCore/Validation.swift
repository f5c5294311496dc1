/// The data rules a line item must satisfy to enter a workspace (DOMAIN.md, "Data rules").
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
            out.add(Problem(rule: "unknown-unit", location: at("unit"), value: item.unit,
                            message: "单位 `\(item.unit)` 不在单位表中"))
        }
        checkCode(.function, item.function, column: "function", at: at, into: &out)
        checkCode(.economic, item.economic, column: "economic", at: at, into: &out)
        if let g = item.governmentEconomic, !g.isEmpty {
            checkCode(.governmentEconomic, g, column: "gov_economic", at: at, into: &out)
        } else if isUnmapped(item.economic) {
            out.add(Problem(rule: "unmapped-economic-code", location: at("economic"), value: item.economic,
                            message: "经济分类 `\(item.economic)` 没有对应的政府预算经济分类（请在 economic-map.csv 中补充，或填写 gov_economic）"))
        }
        switch item.kind {
        case .basic:
            if let p = item.project, !p.isEmpty {
                out.add(Problem(rule: "basic-line-with-project", location: at("project"), value: p,
                                message: "基本支出不应填写项目（`\(p)`）"))
            }
        case .project:
            if let p = item.project, !p.isEmpty {
                if !projects.contains(ProjectKey(unit: item.unit, code: p)) {
                    out.add(Problem(rule: "project-of-other-unit", location: at("project"), value: p,
                                    message: "项目 `\(p)` 不是单位 `\(item.unit)` 的项目"))
                }
            } else {
                out.add(Problem(rule: "project-line-without-project", location: at("project"),
                                message: "项目支出必须填写项目"))
            }
        }
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
        func clean(_ set: CodeSet, _ code: String) -> Bool {
            var scratch = ProblemCollector(limit: 1)
            checkCode(set, code, column: "", at: { _ in Location() }, into: &scratch)
            return scratch.problems.isEmpty
        }
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
            out.add(Problem(rule: "malformed-\(set.rawValue)-code", location: at(column), value: code,
                            message: "\(set.chineseName) `\(code)` 格式不对，应为\(level)"))
        } else if !codes.contains(set, code) {
            out.add(Problem(rule: "unknown-\(set.rawValue)-code", location: at(column), value: code,
                            message: "未知的\(set.chineseName)科目 `\(code)`"))
        } else if !codes.isLeaf(set, code) {
            out.add(Problem(rule: "non-leaf-\(set.rawValue)-code", location: at(column), value: code,
                            message: "\(set.chineseName) `\(code)` 有下级科目，明细必须使用末级科目"))
        }
    }

    /// Checks a revenue line.
    public func validate(_ line: RevenueLine, at: (String) -> Location, into out: inout ProblemCollector) {
        if line.source != .governmentFund && line.source != .stateCapital {
            out.add(Problem(rule: "revenue-source", location: at("source"), value: line.source.name,
                            message: "收入只能是政府性基金预算或国有资本经营预算，不能是 `\(line.source.name)`"))
        }
        if !codes.contains(.revenue, line.code) {
            out.add(Problem(rule: "unknown-revenue-code", location: at("code"), value: line.code,
                            message: "未知的收入分类科目 `\(line.code)`"))
        }
    }

    /// Checks a whole budget: units, projects, items and revenue.
    public static func validate(_ budget: Budget, limit: Int = 200, itemLocation: (Int, String) -> Location,
                                revenueLocation: (Int, String) -> Location) -> ProblemCollector {
        var out = ProblemCollector(limit: limit)
        let v = LineItemValidator(codes: budget.codes, units: budget.units, projects: budget.projects)
        v.validate(budget.items, at: itemLocation, into: &out)
        if out.isFull { out.markTruncated() }
        for (i, line) in budget.revenue.enumerated() {
            v.validate(line, at: { revenueLocation(i, $0) }, into: &out)
        }
        return out
    }
}
