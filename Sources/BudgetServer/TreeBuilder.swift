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
}

/// Builds a tree view from the roll-up: every figure is a lookup (node × column measure), so a
/// tree of a thousand rows over 10^5 lines costs a few milliseconds.
struct TreeBuilder {
    let rollup: Rollup
    let budget: Budget
    let prior: Rollup?
    let priorBudget: Budget?

    func build(_ kind: TreeKind, last: Int64) -> API.Tree {
        let restrict: Measure? = kind == .project ? Measure(kinds: [.project]) : nil
        let total = row(key: "total", code: "", name: "合计", level: 0, node: .department, restrict: restrict,
                        filter: kind == .project ? ["kind": ExpenditureKind.project.name] : [:], leaf: false)
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
                let unitRow = row(key: "u:\(u.code)", code: u.code, name: u.name, level: 0, node: .unit(u.code),
                                  restrict: nil, filter: ["unit": u.code], leaf: false)
                let codes = union(rollup.functionCodes(unit: u.code), prior?.functionCodes(unit: u.code))
                let children = codeRows(.function, codes: codes, keyPrefix: "uf:\(u.code):", levelOffset: 1,
                                        node: { .unitFunction(unit: u.code, function: $0) },
                                        filter: { ["unit": u.code, "function": $0] })
                if !isZero(unitRow) || !children.isEmpty { rows.append(unitRow); rows += children }
            }
        case .project:
            let kindName = ExpenditureKind.project.name
            for u in budget.units {
                let unitRow = row(key: "u:\(u.code)", code: u.code, name: u.name, level: 0, node: .unit(u.code),
                                  restrict: restrict, filter: ["unit": u.code, "kind": kindName], leaf: false)
                var children: [API.TreeRow] = []
                for p in budget.projects where p.unit == u.code {
                    let r = row(key: "p:\(u.code):\(p.code)", code: p.code, name: p.name, level: 1,
                                node: .project(unit: u.code, code: p.code), restrict: restrict,
                                filter: ["unit": u.code, "project": p.code, "kind": kindName], leaf: true)
                    children.append(r)
                }
                if !isZero(unitRow) || !children.isEmpty { rows.append(unitRow); rows += children }
            }
        }
        return API.Tree(view: kind.rawValue, last: last, total: total, rows: rows)
    }

    private func union(_ a: [String], _ b: [String]?) -> [String] {
        guard let b else { return a }
        return Array(Set(a).union(b)).sorted()
    }

    private func isZero(_ r: API.TreeRow) -> Bool { r.values.allSatisfy { $0 == 0 } && (r.prior ?? 0) == 0 }

    /// Rows of a code tree, leaving out codes whose figures (and prior figure) are all zero, as the tables do.
    private func codeRows(_ set: CodeSet, codes: [String], keyPrefix: String, levelOffset: Int,
                          node: (String) -> RollupNode, filter: (String) -> [String: String]) -> [API.TreeRow] {
        var out: [API.TreeRow] = []
        out.reserveCapacity(codes.count)
        for c in codes {
            let level = (set.levels.firstIndex(of: c.utf8.count) ?? 0) + levelOffset
            let name = budget.codes.name(set, c) ?? priorBudget?.codes.name(set, c) ?? "（未知科目）"
            let r = row(key: keyPrefix + c, code: c, name: name, level: level, node: node(c), restrict: nil,
                        filter: filter(c), leaf: c.utf8.count == set.lineLevel)
            if !isZero(r) { out.append(r) }
        }
        return out
    }

    private func row(key: String, code: String, name: String, level: Int, node: RollupNode, restrict: Measure?,
                     filter: [String: String], leaf: Bool) -> API.TreeRow {
        let values = TreeColumns.all.map { col -> Int64 in
            let m = restrict.map { col.measure.intersection($0) } ?? col.measure
            return rollup.total(node, m).fen
        }
        let p = prior.map { $0.total(node, restrict ?? .all).fen }
        return API.TreeRow(key: key, code: code, name: name, level: level, values: values, prior: p, filter: filter, leaf: leaf)
    }
}
