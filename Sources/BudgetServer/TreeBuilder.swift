import BudgetCore

/// The four ways the workbench rolls the budget up.
enum TreeKind: String, Sendable, CaseIterable {
    /// 支出功能分类 类/款/项.
    case function
    /// 部门预算支出经济分类 类/款.
    case economic
    /// Each unit, with its function tree.
    case unit
    /// Each unit's projects (项目支出 only).
    case project

    init(_ name: String?) throws(APIError) {
        let n = name ?? "function"
        guard let k = TreeKind(rawValue: n) else { throw APIError(.badRequest, "未知的视图 `\(n)`，应为 function、economic、unit 或 project") }
        self = k
    }

    var title: String {
        switch self {
        case .function: return "支出功能分类汇总（类 / 款 / 项）"
        case .economic: return "部门预算支出经济分类汇总（类 / 款）"
        case .unit: return "按预算单位汇总"
        case .project: return "按项目汇总（项目支出）"
        }
    }

    var nameTitle: String {
        switch self {
        case .function, .economic: return "科目编码 / 名称"
        case .unit: return "单位 / 科目"
        case .project: return "单位 / 项目"
        }
    }
}

/// Builds a tree view from the roll-up: every figure is a lookup (node × column measure), so a
/// tree of a thousand rows over 10^5 lines costs a few milliseconds. Row keys are made and read
/// here only: `total`, `f:2080501`, `e:30101`, `u:080001`, `uf:080001:208`, `p:080001:P001`.
struct TreeBuilder {
    let rollup: Rollup
    let budget: Budget
    let prior: Rollup?
    let priorBudget: Budget?
    let money: MoneyUnit

    /// The shown columns after the name: 合计, (上年数, 增减额, 增减率,) then the other figures.
    var columns: [API.Column] {
        var out = [API.Column(key: "total", title: "合计")]
        if prior != nil {
            out += [API.Column(key: "prior", title: "上年数（\(priorBudget.map { String($0.year) } ?? "上年")）"),
                    API.Column(key: "change", title: "增减额"), API.Column(key: "rate", title: "增减率")]
        }
        out += TreeColumns.all.dropFirst().map { API.Column(key: $0.key, title: $0.title) }
        return out
    }

    func build(_ kind: TreeKind, last: Int64) -> API.Tree {
        var rows: [API.TreeRow] = []
        switch kind {
        case .function:
            rows = codeRows(.function, codes: union(rollup.functionCodes, prior?.functionCodes), keyPrefix: "f:",
                            levelOffset: 0, node: { .function($0) }, filter: { ["function": $0] })
        case .economic:
            rows = codeRows(.economic, codes: union(rollup.economicCodes, prior?.economicCodes), keyPrefix: "e:",
                            levelOffset: 0, node: { .economic($0) }, filter: { ["economic": $0] })
        case .unit:
            for u in budget.units {
                let unitRow = self.unitRow(u, kind)
                let codes = union(rollup.functionCodes(unit: u.code), prior?.functionCodes(unit: u.code))
                let children = codeRows(.function, codes: codes, keyPrefix: "uf:\(u.code):", levelOffset: 1,
                                        node: { .unitFunction(unit: u.code, function: $0) },
                                        filter: { ["unit": u.code, "function": $0] })
                if !isZero(unitRow) || !children.isEmpty { rows.append(unitRow); rows += children }
            }
        case .project:
            for u in budget.units {
                let unitRow = self.unitRow(u, kind)
                let children = budget.projects.filter { $0.unit == u.code }.map(projectRow)
                if !isZero(unitRow) || !children.isEmpty { rows.append(unitRow); rows += children }
            }
        }
        return API.Tree(view: kind.rawValue, title: kind.title, nameTitle: kind.nameTitle, money: money.rawValue,
                        moneyTitle: money.title, last: last, columns: columns, total: totalRow(kind), rows: rows)
    }

    // MARK: - Rows by key (what an edit answers with)

    /// The keys of the rows a line counts in, in `kind`'s tree, 合计 first.
    static func keys(of item: LineItem, in kind: TreeKind) -> [String] {
        let f = item.function, e = item.economic, u = item.unit
        switch kind {
        case .function:
            return ["total"] + CodeSet.function.path(of: f).map { "f:" + $0 }
        case .economic:
            return ["total"] + CodeSet.economic.path(of: e).map { "e:" + $0 }
        case .unit:
            return ["total", "u:" + u] + CodeSet.function.path(of: f).map { "uf:\(u):" + $0 }
        case .project:
            guard item.kind == .project, let p = item.project else { return [] }
            return ["total", "u:" + u, "p:\(u):\(p)"]
        }
    }

    /// The row at `key` as the tree would show it now; nil for a key this tree cannot have.
    func row(key: String, in kind: TreeKind) -> API.TreeRow? {
        if key == "total" { return totalRow(kind) }
        let parts = key.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        switch (kind, parts.first) {
        case (.function, "f") where parts.count == 2:
            return codeRow(.function, parts[1], key: key, levelOffset: 0, node: .function(parts[1]), filter: ["function": parts[1]])
        case (.economic, "e") where parts.count == 2:
            return codeRow(.economic, parts[1], key: key, levelOffset: 0, node: .economic(parts[1]), filter: ["economic": parts[1]])
        case (.unit, "u") where parts.count == 2, (.project, "u") where parts.count == 2:
            return budget.units.first { $0.code == parts[1] }.map { unitRow($0, kind) }
        case (.unit, "uf") where parts.count == 3:
            return codeRow(.function, parts[2], key: key, levelOffset: 1, node: .unitFunction(unit: parts[1], function: parts[2]),
                           filter: ["unit": parts[1], "function": parts[2]])
        case (.project, "p") where parts.count == 3:
            return budget.projects.first { $0.unit == parts[1] && $0.code == parts[2] }.map(projectRow)
        default:
            return nil
        }
    }

    /// True when the tree hides this row (all figures zero, prior too), as the tables do.
    func isZero(_ r: API.TreeRow) -> Bool { r.values.allSatisfy { $0 == 0 } && (r.prior ?? 0) == 0 }

    // MARK: - Building rows

    private func totalRow(_ kind: TreeKind) -> API.TreeRow {
        row(key: "total", code: "", name: "合计", level: 0, node: .department, restrict: restriction(kind),
            filter: kind == .project ? ["kind": ExpenditureKind.project.name] : [:], leaf: false)
    }

    private func unitRow(_ u: BudgetUnit, _ kind: TreeKind) -> API.TreeRow {
        var filter = ["unit": u.code]
        if kind == .project { filter["kind"] = ExpenditureKind.project.name }
        return row(key: "u:\(u.code)", code: u.code, name: u.name, level: 0, node: .unit(u.code), restrict: restriction(kind),
                   filter: filter, leaf: false)
    }

    private func projectRow(_ p: Project) -> API.TreeRow {
        row(key: "p:\(p.unit):\(p.code)", code: p.code, name: p.name, level: 1, node: .project(unit: p.unit, code: p.code),
            restrict: restriction(.project), filter: ["unit": p.unit, "project": p.code, "kind": ExpenditureKind.project.name], leaf: true)
    }

    private func restriction(_ kind: TreeKind) -> Measure? { kind == .project ? Measure(kinds: [.project]) : nil }

    private func union(_ a: [String], _ b: [String]?) -> [String] {
        guard let b else { return a }
        return Array(Set(a).union(b)).sorted()
    }

    /// Rows of a code tree, leaving out codes whose figures (and prior figure) are all zero, as the tables do.
    private func codeRows(_ set: CodeSet, codes: [String], keyPrefix: String, levelOffset: Int,
                          node: (String) -> RollupNode, filter: (String) -> [String: String]) -> [API.TreeRow] {
        var out: [API.TreeRow] = []
        out.reserveCapacity(codes.count)
        for c in codes {
            let r = codeRow(set, c, key: keyPrefix + c, levelOffset: levelOffset, node: node(c), filter: filter(c))
            if !isZero(r) { out.append(r) }
        }
        return out
    }

    private func codeRow(_ set: CodeSet, _ c: String, key: String, levelOffset: Int, node: RollupNode,
                         filter: [String: String]) -> API.TreeRow {
        let level = (set.levels.firstIndex(of: c.utf8.count) ?? 0) + levelOffset
        let name = budget.codes.name(set, c) ?? priorBudget?.codes.name(set, c) ?? "（未知科目）"
        return row(key: key, code: c, name: name, level: level, node: node, restrict: nil, filter: filter,
                   leaf: c.utf8.count == set.lineLevel)
    }

    private func row(key: String, code: String, name: String, level: Int, node: RollupNode, restrict: Measure?,
                     filter: [String: String], leaf: Bool) -> API.TreeRow {
        let values = TreeColumns.all.map { col -> Int64 in
            let m = restrict.map { col.measure.intersection($0) } ?? col.measure
            return rollup.total(node, m).fen
        }
        let p = prior.map { $0.total(node, restrict ?? .all).fen }
        var cells = [money.text(values[0], blankZero: true)]
        if let p {
            let change = PrintedChange.of(current: values[0], prior: p, in: money)
            cells += [money.text(p, blankZero: true), change.amount, change.rate]
        }
        cells += values.dropFirst().map { money.text($0, blankZero: true) }
        return API.TreeRow(key: key, code: code, name: name, level: level, values: values, prior: p, cells: cells,
                           filter: filter, leaf: leaf)
    }
}
