import BudgetCore
import BudgetTables

/// Runs a rule set over a budget (and its tables, and the prior year when given).
///
/// Cross-table rules compare exact amounts in 分, so rounding never raises a false alarm; a printed
/// total that differs from the sum of its printed parts is reported as info (docs/domain.md: "a printed
/// total may differ by 0.01 from the sum of its printed parts").
public struct Checker: Sendable {
    public var rules: RuleSet
    /// At most this many findings per rule are listed; the rest are counted.
    public var limitPerRule: Int

    public init(rules: RuleSet, limitPerRule: Int = 30) { self.rules = rules; self.limitPerRule = limitPerRule }

    /// `lines` is where the data rules read lines: a workspace's (`Workspace.readingFigures`),
    /// or by default the budget's own items, numbered by `ctx.itemIDs`.
    public func run(_ ctx: CheckContext, lines: (any LineSource)? = nil) -> CheckReport {
        let lines = lines ?? ItemLines(ctx.budget.items, ids: ctx.itemIDs)
        var report = CheckReport(ruleSet: rules.id, ruleSetTitle: rules.title, department: ctx.budget.department,
                                 year: ctx.budget.year, rulesEvaluated: 0, findings: [], skipped: [], omitted: [:])
        for rule in rules.rules {
            var sink = Sink(rule: rule, limit: limitPerRule)
            switch rule.check {
            case .compare(let c): compare(rule, c, ctx, &sink)
            case .footing(let f): footing(rule, f, ctx, &sink)
            case .data(let d, let codes): data(rule, d, codes, ctx, lines, &sink)
            case .priorRise(let figs): priorRise(rule, figs, ctx, &sink)
            }
            if let reason = sink.skipped {
                report.skipped.append(SkippedRule(rule: rule.id, reason: reason))
            } else {
                report.rulesEvaluated += 1
            }
            report.findings += sink.findings
            if sink.omitted > 0 { report.omitted[rule.id] = sink.omitted }
        }
        report.findings.sort { $0.severity < $1.severity }
        return report
    }

    /// Collects one rule's findings up to the limit.
    struct Sink {
        let rule: Rule
        let limit: Int
        var findings: [Finding] = []
        var omitted = 0
        var skipped: String?

        init(rule: Rule, limit: Int) { self.rule = rule; self.limit = limit }

        /// How many more findings are listed (the rest are counted).
        var room: Int { max(0, limit - findings.count) }

        mutating func add(_ f: Finding) {
            if findings.count < limit { findings.append(f) } else { omitted += 1 }
        }
        mutating func skip(_ reason: String) { if skipped == nil { skipped = reason } }
    }

    // MARK: - Comparisons

    func compare(_ rule: Rule, _ c: Comparison, _ ctx: CheckContext, _ sink: inout Sink) {
        var bindings: [[String: String]] = [[:]]
        if let each = c.each {
            switch each {
            case .values(let values): bindings = values
            case .functionCodes(let v, let length):
                bindings = ctx.rollup.functionCodes.filter { length == nil || $0.count == length }.map { [v: $0] }
            case .tableRows(let v, let t, let prefix, let length):
                guard let table = ctx.tables[t] else { sink.skip("表 \(t) 未生成"); return }
                var codes: [String] = []
                for r in table.rows {
                    for k in r.keys where k.hasPrefix(prefix) {
                        let code = String(k.dropFirst(prefix.count))
                        if length == nil || code.count == length { codes.append(code) }
                    }
                }
                bindings = codes.map { [v: $0] }
            }
        }
        let relation: Relation
        if let cond = c.condition, let other = c.otherwise {
            relation = cond.holds(ctx.budget) ? c.relation : other
        } else {
            relation = c.relation
        }
        for vars in bindings {
            let left = c.left.compactMap { $0.figure(vars) }, right = c.right.compactMap { $0.figure(vars) }
            guard left.count == c.left.count, right.count == c.right.count else {
                sink.skip("数字无法解析（\(vars)）"); return
            }
            guard let l = sum(left, ctx, &sink), let r = sum(right, ctx, &sink) else { return }
            if relation.holds(l, r) { continue }
            var cells: [Finding.CellRef] = []
            for f in left + right {
                if case .table(let t, let row, let column) = f, let i = ctx.tables[t]?.rows.firstIndex(where: { $0.keys.contains(row) }) {
                    cells.append(Finding.CellRef(table: t, row: i, column: column))
                }
            }
            var msg = rule.message
            if !vars.isEmpty { msg += "（" + vars.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "，") + "）" }
            if relation != .equal { msg += "：应满足 左 \(relation.symbol) 右" }
            sink.add(Finding(rule: rule.id, severity: rule.severity, message: msg, expected: r, found: l,
                             places: ["左：" + left.map(\.location).joined(separator: " + "),
                                      "右：" + right.map(\.location).joined(separator: " + ")], cells: cells))
        }
    }

    /// The exact sum of figures; nil (and the rule skipped) when a table it reads was not built.
    func sum(_ figs: [Figure], _ ctx: CheckContext, _ sink: inout Sink) -> Money? {
        var t = Money.zero
        for f in figs {
            if case .table(let tk, _, let col) = f {
                guard let table = ctx.tables[tk] else { sink.skip("表 \(tk) 未生成"); return nil }
                guard table.columns.contains(where: { $0.key == col }) else {
                    sink.skip("表 \(tk) 没有列 `\(col)`（规则与表格模板不一致）"); return nil
                }
            }
            // A row the table does not print (all zero) reads as zero.
            t += ctx.value(f) ?? .zero
        }
        return t
    }

    // MARK: - Footing within a table

    func footing(_ rule: Rule, _ f: Footing, _ ctx: CheckContext, _ sink: inout Sink) {
        guard let table = ctx.tables[f.table] else { sink.skip("表 \(f.table) 未生成"); return }
        let colIndex = Dictionary(table.columns.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        for (total, parts) in f.across {
            for k in [total] + parts where colIndex[k] == nil {
                sink.skip("表 \(f.table) 没有列 `\(k)`（规则与表格模板不一致）"); return
            }
        }
        for (i, row) in table.rows.enumerated() {
            for (total, parts) in f.across {
                let cells = ([total] + parts).map { row.cells[colIndex[$0]!] }
                // A row with no amount in these columns (a text row, the other side of a two-sided table) is not a sum.
                guard cells.contains(where: { $0.money != nil }) else { continue }
                let t = cells[0].money ?? .zero
                let ps = cells.dropFirst().map { $0.money ?? .zero }
                foot(rule, table, rowLabel: rowName(row, i), total: (t, "列 \(total)"), parts: ps,
                     partsLabel: "列 " + parts.joined(separator: "+"),
                     cells: ([total] + parts).map { Finding.CellRef(table: table.key, row: i, column: $0) }, &sink)
            }
        }
        // Rows by key, once per table: a 10^6-line budget prints tables of thousands of rows, and a
        // scan per looked-up cell made footing them quadratic.
        let rows = RowIndex(table)
        if let tree = f.tree { treeFooting(rule, table, rows, tree, &sink) }
        for (total, parts, only) in f.groups {
            for (c, col) in table.columns.enumerated() where col.kind == .amount && (only?.contains(col.key) ?? true) {
                let t = cell(table, rows, total, c)
                let ps = parts.map { cell(table, rows, $0, c) }
                if t == nil && ps.allSatisfy({ $0 == nil }) { continue }
                foot(rule, table, rowLabel: "行 \(total)", total: (t ?? .zero, "列 \(col.key)"), parts: ps.map { $0 ?? .zero },
                     partsLabel: parts.count > 6 ? "\(parts.count) 行之和" : "行 " + parts.joined(separator: "+"),
                     cells: refs(table, rows, [total] + parts, col.key), &sink)
            }
        }
    }

    func treeFooting(_ rule: Rule, _ table: DisclosureTable, _ rows: RowIndex, _ tree: Footing.Tree, _ sink: inout Sink) {
        let (codes, sums) = tree.sums(in: table)
        let present = Set(codes)
        let columns = table.columns.enumerated().filter { c in
            c.element.kind == .amount && (tree.columns?.contains(c.element.key) ?? true)
        }
        for s in sums {
            // A row without child rows is a leaf (a revenue 项 with no 目): nothing to add up.
            guard !s.children.isEmpty || s.key == tree.totalRow, rows[s.key] != nil else { continue }
            for (c, col) in columns {
                let t = cell(table, rows, s.key, c) ?? .zero
                let ps = s.children.map { cell(table, rows, $0, c) ?? .zero }
                // The children by their printed codes (`2200101`), not their row keys (`function:2200101`).
                func label() -> String {
                    if s.children.count > 6 { return "下级行 \(s.children.count) 行" }
                    return "下级行 " + s.children.map { k in k.split(separator: ":").last.map(String.init) ?? k }.joined(separator: "、")
                }
                foot(rule, table, rowLabel: "行 \(s.key)", total: (t, "列 \(col.key)"), parts: ps, partsLabel: label(),
                     cells: refs(table, rows, [s.key] + s.children, col.key), &sink)
            }
        }
        // A child whose parent row is not printed breaks the tree.
        for c in codes {
            guard let li = tree.levels.firstIndex(of: c.count), li > 0 else { continue }
            let parent = String(c.prefix(tree.levels[li - 1]))
            if !present.contains(parent) {
                sink.add(Finding(rule: rule.id, severity: rule.severity,
                                 message: "\(rule.message)：表 \(table.key) 有行 \(tree.prefix)\(c) 却没有其上级行 \(tree.prefix)\(parent)",
                                 places: ["表 \(table.key) 行 \(tree.prefix)\(c)"], cells: refs(table, rows, [tree.prefix + c], nil)))
            }
        }
    }

    /// The cells at these row keys in one column (rows the table does not print are left out).
    func refs(_ table: DisclosureTable, _ rows: RowIndex, _ rowKeys: [String], _ column: String?) -> [Finding.CellRef] {
        rowKeys.compactMap { k in rows[k].map { Finding.CellRef(table: table.key, row: $0, column: column) } }
    }

    func cell(_ table: DisclosureTable, _ rows: RowIndex, _ rowKey: String, _ c: Int) -> Money? {
        guard let i = rows[rowKey], c < table.rows[i].cells.count else { return nil }
        return table.rows[i].cells[c].money ?? .zero
    }

    /// A table's rows by key: the first row that holds each key (as a scan from the top finds it).
    struct RowIndex {
        private var first: [String: Int] = [:]
        init(_ table: DisclosureTable) {
            for (i, r) in table.rows.enumerated() { for k in r.keys where first[k] == nil { first[k] = i } }
        }
        subscript(_ key: String) -> Int? { first[key] }
    }

    func rowName(_ row: DisclosureTable.Row, _ i: Int) -> String {
        "行 " + (row.keys.isEmpty ? "#\(i + 1)" : row.keys.joined(separator: " | "))
    }

    /// One sum: exact mismatch is the rule's severity; a printed-only mismatch is info.
    /// The labels and cells are built only for a finding: a big table foots tens of thousands of
    /// sums, nearly all of which agree.
    func foot(_ rule: Rule, _ table: DisclosureTable, rowLabel: @autoclosure () -> String, total: (Money, String), parts: [Money],
              partsLabel: @autoclosure () -> String, cells: @autoclosure () -> [Finding.CellRef], _ sink: inout Sink) {
        let exact = parts.reduce(Money.zero, +)
        var place: String { "表 \(table.key) \(rowLabel()) \(total.1) ＝ \(partsLabel())" }
        if exact != total.0 {
            sink.add(Finding(rule: rule.id, severity: rule.severity, message: rule.message, expected: exact, found: total.0,
                             places: [place], cells: cells()))
            return
        }
        let printedTotal = total.0.wanHundredths
        let printedParts = parts.reduce(Int64(0)) { $0 + $1.wanHundredths }
        if printedTotal != printedParts {
            sink.add(Finding(rule: rule.id, severity: .info,
                             message: "\(rule.message)：精确金额相符，印刷数（万元，四舍五入）相差 0.01 级的舍位差，可用舍位平衡调整",
                             expected: Money(fen: printedParts * 10_000), found: Money(fen: printedTotal * 10_000),
                             places: [place], printed: true, cells: cells()))
        }
    }

    // MARK: - Prior year

    func priorRise(_ rule: Rule, _ figs: [Figure], _ ctx: CheckContext, _ sink: inout Sink) {
        guard ctx.prior != nil else { sink.skip("需要上年数据（--prior）"); return }
        var cur = Money.zero, pri = Money.zero
        for f in figs {
            cur += ctx.value(f) ?? .zero
            pri += ctx.value(f, prior: true) ?? .zero
        }
        if cur > pri {
            sink.add(Finding(rule: rule.id, severity: rule.severity, message: rule.message + "（应不高于上年数）",
                             expected: pri, found: cur,
                             places: ["本年与上年：" + figs.map(\.location).joined(separator: " + ")]))
        }
    }
}

extension Footing.Tree {
    /// The codes of the tree's rows in `table` (row keys without the prefix), and every sum the
    /// tree states: (parent row key, child row keys), a parent with no child rows included. The
    /// checker foots these sums; 舍位平衡 balances them.
    func sums(in table: DisclosureTable) -> (codes: [String], sums: [(key: String, children: [String])]) {
        var codes: [String] = [], childKeys: [String] = []
        for r in table.rows {
            for k in r.keys {
                if k.hasPrefix(prefix) { codes.append(String(k.dropFirst(prefix.count))) }
                if let cp = childPrefix, k.hasPrefix(cp) { childKeys.append(String(k.dropFirst(cp.count))) }
            }
        }
        let flat = levels.isEmpty
        var sums: [(key: String, children: [String])] = []
        if let tr = totalRow {
            let top = flat ? codes : codes.filter { $0.count == levels[0] }
            sums.append((tr, top.map { prefix + $0 }))
        }
        // Children grouped by their parent once (in row order), not filtered per parent: a table of
        // thousands of rows made this quadratic.
        for (li, len) in levels.enumerated() where li + 1 < levels.count {
            let childLength = levels[li + 1]
            var kids: [Substring: [String]] = [:]
            for k in codes where k.count == childLength { kids[k.prefix(len), default: []].append(k) }
            for c in codes where c.count == len {
                sums.append((prefix + c, (kids[Substring(c)] ?? []).map { prefix + $0 }))
            }
        }
        if let cp = childPrefix {
            let last = levels.last
            var kids: [String: [String]] = [:]
            for k in childKeys {
                let head = k.split(separator: "/", maxSplits: 1).first.map(String.init) ?? k
                // flat: the child's code is the parent's; else it starts with the parent's code of the last level.
                let parent = flat ? head : String(head.prefix(last ?? head.count))
                kids[parent, default: []].append(k)
            }
            for c in codes where last == nil || c.count == last {
                sums.append((prefix + c, (kids[c] ?? []).map { cp + $0 }))
            }
        }
        return (codes, sums)
    }
}
