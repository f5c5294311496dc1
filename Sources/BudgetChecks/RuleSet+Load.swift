import BudgetCore
import BudgetTables
import Foundation

extension RuleSet {
    /// Reads a rule file. A file naming an unknown figure, kind, source or field is refused with
    /// every reason at once (`RuleFileError`), so a wrong rule is never silently skipped.
    public static func load(_ url: URL) throws -> RuleSet {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RuleFileError(file: url.path, reasons: ["无法读取文件（\(error.localizedDescription)）"])
        }
        return try parse(data, file: url.path)
    }

    /// Parses the JSON text of a rule file; `file` names it in the errors.
    public static func parse(_ data: Data, file: String) throws -> RuleSet {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw RuleFileError(file: file, reasons: ["不是有效的 JSON（\(error.localizedDescription)）"])
        }
        guard let root = JSONValue(any: json).object else {
            throw RuleFileError(file: file, reasons: ["顶层应为对象，含 id、title、rules"])
        }
        var reasons: [String] = []
        let id = root["id"]?.string ?? ""
        if id.isEmpty { reasons.append("缺少规则集 id") }
        let tables = root["tables"]?.string
        if root["tables"] != nil && (tables ?? "").isEmpty { reasons.append("`tables` 须是规则所针对的公开表模板集名称，例如 mof-9") }
        let rootKeys: Set<String> = ["id", "title", "description", "tables", "rules"]
        for k in root.keys.sorted() where !rootKeys.contains(k) {
            reasons.append("未知的字段 `\(k)`（可用：\(rootKeys.sorted().joined(separator: "、"))）")
        }
        guard let list = root["rules"]?.array else {
            throw RuleFileError(file: file, reasons: reasons + ["缺少 rules 数组"])
        }
        var rules: [Rule] = []
        var seen: Set<String> = []
        for (i, item) in list.enumerated() {
            var p = RuleParser(index: i)
            let r = p.rule(item)
            if !p.ruleID.isEmpty && !seen.insert(p.ruleID).inserted {
                p.fail("规则 id `\(p.ruleID)` 重复")
            } else if let r {
                rules.append(r)
            }
            reasons += p.reasons
        }
        if !reasons.isEmpty { throw RuleFileError(file: file, reasons: reasons) }
        return RuleSet(id: id, title: root["title"]?.string ?? id, tables: tables, rules: rules)
    }
}

/// Parses one rule, collecting every reason it cannot be used.
struct RuleParser {
    let index: Int
    var ruleID = ""
    var reasons: [String] = []

    init(index: Int) { self.index = index }

    mutating func fail(_ reason: String) {
        let at = ruleID.isEmpty ? "第 \(index + 1) 条规则（rules[\(index)]）" : "规则 `\(ruleID)`（rules[\(index)]）"
        reasons.append("\(at)：\(reason)")
    }

    mutating func rule(_ v: JSONValue) -> Rule? {
        guard let o = v.object else { fail("应为对象"); return nil }
        ruleID = o["id"]?.string ?? ""
        if ruleID.isEmpty { fail("缺少 id") }
        let message = o["message"]?.string ?? ""
        if message.isEmpty { fail("缺少 message（中文说明）") }
        let sevText = o["severity"]?.string ?? ""
        let severity = Severity(rawValue: sevText)
        if severity == nil { fail("severity `\(sevText)` 无效，应为 error、warning 或 info") }
        let kind = o["kind"]?.string ?? ""
        let known: Set<String>
        var check: Check?
        switch kind {
        case "compare":
            known = ["left", "right", "relation", "when", "otherwise", "each"]
            check = compare(o)
        case "footing":
            known = ["table", "across", "tree", "groups"]
            check = footing(o)
        case "data":
            known = ["check", "codes"]
            let name = o["check"]?.string ?? ""
            if let d = DataCheck(rawValue: name) {
                check = .data(d, codes: o["codes"]?.strings ?? [])
                if d.needsCodes && (o["codes"]?.strings ?? []).isEmpty {
                    fail("数据规则 `\(name)` 需要 codes（经济分类编码或前缀）")
                }
            } else {
                fail("未知的数据规则 `\(name)`，可用：" + DataCheck.allCases.map(\.rawValue).joined(separator: "、"))
            }
        case "prior-rise":
            known = ["figures"]
            let figs = (o["figures"]?.array ?? []).compactMap { figureTemplate($0, each: nil) }.compactMap(\.figureIfConstant)
            if figs.isEmpty { fail("prior-rise 需要 figures") }
            check = .priorRise(figs)
        default:
            known = []
            fail("未知的规则种类 kind `\(kind)`，可用：compare、footing、data、prior-rise")
        }
        let common: Set<String> = ["id", "message", "severity", "kind", "note"]
        for k in o.keys.sorted() where !common.contains(k) && !known.contains(k) {
            fail("未知的字段 `\(k)`（\(kind.isEmpty ? "" : "kind \(kind) ")可用：\(common.union(known).sorted().joined(separator: "、"))）")
        }
        guard let check, let severity, reasons.isEmpty else { return nil }
        return Rule(id: ruleID, message: message, severity: severity, check: check)
    }

    mutating func relation(_ v: JSONValue?, field: String) -> Relation? {
        guard let s = v?.string else { return nil }
        guard let r = Relation(rawValue: s) else { fail("\(field) `\(s)` 无效，应为 equal、at-most 或 at-least"); return nil }
        return r
    }

    mutating func compare(_ o: [String: JSONValue]) -> Check? {
        var each: Each?
        if let e = o["each"] {
            guard let eo = e.object else { fail("each 应为对象"); return nil }
            let v = eo["var"]?.string ?? ""
            let objectValues = eo["values"]?.array.map { $0.allSatisfy { $0.object != nil } } ?? false
            if v.isEmpty && !objectValues { fail("each 需要 var（变量名）"); return nil }
            if let values = eo["values"]?.array {
                var bindings: [[String: String]] = []
                for value in values {
                    if let s = value.string { bindings.append([v: s]) }
                    else if let o = value.object, o.values.allSatisfy({ $0.string != nil }) { bindings.append(o.mapValues { $0.string ?? "" }) }
                    else { fail("each.values 的每一项应为字符串，或 {变量: 值} 对象"); return nil }
                }
                each = .values(bindings)
            } else if let t = eo["table"]?.string {
                each = .tableRows(variable: v, table: t, prefix: eo["prefix"]?.string ?? "", length: eo["length"]?.int)
            } else if eo["nodes"]?.string == "function-codes" {
                each = .functionCodes(variable: v, length: eo["length"]?.int)
            } else {
                fail("each 需要 values、table（表的行）或 nodes: function-codes")
                return nil
            }
        }
        let left = (o["left"]?.array ?? []).compactMap { figureTemplate($0, each: each) }
        let right = (o["right"]?.array ?? []).compactMap { figureTemplate($0, each: each) }
        if o["left"]?.array?.isEmpty ?? true { fail("compare 需要 left（数字列表）") }
        if o["right"]?.array?.isEmpty ?? true { fail("compare 需要 right（数字列表）") }
        let rel = relation(o["relation"], field: "relation") ?? .equal
        var condition: Condition?
        if let w = o["when"]?.string {
            condition = Condition(rawValue: w)
            if condition == nil { fail("when `\(w)` 无效，可用：all-units-organ") }
        }
        let otherwise = relation(o["otherwise"], field: "otherwise")
        if condition != nil && otherwise == nil { fail("when 需要 otherwise（条件不成立时的关系）") }
        return .compare(Comparison(left: left, right: right, relation: rel, condition: condition, otherwise: otherwise, each: each))
    }

    mutating func footing(_ o: [String: JSONValue]) -> Check? {
        guard let table = o["table"]?.string, !table.isEmpty else { fail("footing 需要 table"); return nil }
        var across: [(String, [String])] = []
        for a in o["across"]?.array ?? [] {
            guard let ao = a.object, let t = ao["total"]?.string, let parts = ao["parts"]?.strings, !parts.isEmpty else {
                fail("across 的每一项需要 total（合计列）和 parts（各分列）"); continue
            }
            across.append((t, parts))
        }
        var tree: Footing.Tree?
        if let t = o["tree"] {
            guard let to = t.object, let prefix = to["prefix"]?.string else { fail("tree 需要 prefix，例如 function:"); return nil }
            let levels = (to["levels"]?.array ?? []).compactMap(\.int)
            if levels.isEmpty && to["totalRow"]?.string == nil { fail("tree 需要 levels（例如 [3, 5, 7]）或 totalRow") }
            tree = Footing.Tree(prefix: prefix, levels: levels, childPrefix: to["childPrefix"]?.string,
                                totalRow: to["totalRow"]?.string, columns: to["columns"]?.strings)
        }
        var groups: [(String, [String], [String]?)] = []
        for g in o["groups"]?.array ?? [] {
            guard let go = g.object, let t = go["total"]?.string, let parts = go["parts"]?.strings, !parts.isEmpty else {
                fail("groups 的每一项需要 total（合计行）和 parts（各分行）"); continue
            }
            groups.append((t, parts, go["columns"]?.strings))
        }
        if across.isEmpty && tree == nil && groups.isEmpty { fail("footing 至少需要 across、tree 或 groups 之一") }
        return .footing(Footing(table: table, across: across, tree: tree, groups: groups))
    }

    /// Checks a figure with every value `each` can take (or a placeholder code), so a typo is caught on load.
    mutating func figureTemplate(_ v: JSONValue, each: Each?) -> FigureTemplate? {
        guard let o = v.object else { fail("数字应为对象，例如 {\"node\": \"department\"}"); return nil }
        let samples = each?.samples ?? [[:]]
        var constant: Figure?
        for s in samples {
            switch FigureTemplate.resolve(o, s) {
            case .success(let f): constant = f
            case .failure(let e): fail(e.reason); return nil
            }
        }
        return FigureTemplate(raw: o, figureIfConstant: each == nil ? constant : nil)
    }
}

struct FigureSpecError: Error { var reason: String }

extension FigureTemplate {
    /// The figure with `{var}` replaced.
    func figure(_ vars: [String: String]) -> Figure? {
        if let f = figureIfConstant { return f }
        return try? FigureTemplate.resolve(raw, vars).get()
    }

    /// `{name}` replaced by its value, in one pass (a value is never substituted again); a brace
    /// that names no variable stays as written. Without Foundation: a rule with `each` over the
    /// function codes of a 10^6-line budget resolves its figures tens of thousands of times.
    static func substitute(_ s: String, _ vars: [String: String]) -> String {
        guard !vars.isEmpty, s.utf8.contains(UInt8(ascii: "{")) else { return s }
        var out = ""
        var rest = s[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "}"), let v = vars[String(rest[after..<close])] else {
                out += "{"
                rest = rest[after...]
                continue
            }
            out += v
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    static func resolve(_ o: [String: JSONValue], _ vars: [String: String]) -> Result<Figure, FigureSpecError> {
        let sub: (String) -> String = { substitute($0, vars) }
        func str(_ k: String) -> String? { o[k]?.string.map(sub) }
        let label = str("label")
        func allowed(_ keys: Set<String>) -> FigureSpecError? {
            for k in o.keys.sorted() where !keys.contains(k) && k != "label" {
                return FigureSpecError(reason: "数字中有未知的字段 `\(k)`（可用：\(keys.union(["label"]).sorted().joined(separator: "、"))）")
            }
            return nil
        }
        if let t = str("table") {
            if let e = allowed(["table", "row", "column"]) { return .failure(e) }
            guard let r = str("row"), let c = str("column") else {
                return .failure(FigureSpecError(reason: "表格数字 `\(t)` 需要 row 和 column"))
            }
            return .success(.table(table: t, row: r, column: c))
        }
        if let s = str("revenue") {
            if let e = allowed(["revenue"]) { return .failure(e) }
            guard let src = Source(name: s) else { return .failure(FigureSpecError(reason: "未知的资金来源 `\(s)`")) }
            return .success(.revenue(src))
        }
        // The measure and the nodes are read by the templates' own parsers (MeasureSyntax, NodeRef).
        let (measure, measureProblems) = MeasureSyntax.measure(in: o, substitute: sub)
        if let p = measureProblems.first { return .failure(FigureSpecError(reason: "`\(p.path)`：\(p.message)")) }
        let mlabel = MeasureSyntax.label(in: o, substitute: sub)
        if let n = o["node"] {
            if let e = allowed(MeasureSyntax.keys.union(["node"])) { return .failure(e) }
            let (refs, problems) = NodeRef.list(n, substitute: sub)
            if let p = problems.first { return .failure(FigureSpecError(reason: "`node`：\(p.message)")) }
            return .success(.nodes(refs, measure, label: label ?? "\(Figure.label(refs)) \(mlabel)"))
        }
        if let s = str("nodes") {
            // The older spelling of node sets: {"nodes": "organ-units"}, {"nodes": "functions", "codes": [...]}.
            if let e = allowed(MeasureSyntax.keys.union(["nodes", "codes"])) { return .failure(e) }
            let refs: [NodeRef]
            switch s {
            case "projects": refs = [.projects]
            case "organ-units": refs = [.organUnits]
            case "declared-units": refs = [.allUnits]
            case "functions", "economics":
                guard let codes = o["codes"]?.strings?.map(sub), !codes.isEmpty else {
                    return .failure(FigureSpecError(reason: "nodes `\(s)` 需要 codes"))
                }
                let cs: CodeSet = s == "functions" ? .function : .economic
                if let bad = codes.first(where: { !cs.isWellFormed($0) }) {
                    return .failure(FigureSpecError(reason: "`\(bad)` 不是\(cs.chineseName)编码"))
                }
                let tree = s == "functions" ? "function" : "economic"
                let (list, problems) = NodeRef.list(.array(codes.map { .string("\(tree):\($0)") }))
                if let p = problems.first { return .failure(FigureSpecError(reason: "`codes`：\(p.message)")) }
                refs = list
            default:
                return .failure(FigureSpecError(reason: "未知的节点集合 `\(s)`（可用：projects、organ-units、declared-units、functions、economics；或用 node：\(NodeRef.allowed)）"))
            }
            return .success(.nodes(refs, measure, label: label ?? "\(Figure.label(refs)) \(mlabel)"))
        }
        return .failure(FigureSpecError(reason: "数字需要 node、nodes、revenue 或 table 之一，实有字段：" + o.keys.sorted().joined(separator: "、")))
    }

    /// A figure's measure alone (for tests of the shared reading of 财政拨款).
    static func measure(_ o: [String: JSONValue], _ vars: [String: String]) -> Result<Measure, FigureSpecError> {
        let (m, problems) = MeasureSyntax.measure(in: o, substitute: { substitute($0, vars) })
        if let p = problems.first { return .failure(FigureSpecError(reason: "`\(p.path)`：\(p.message)")) }
        return .success(m)
    }
}

extension RuleSet {
    /// The rules of a table set: the file its set.json names (or `file`, a rule file given by hand),
    /// refused unless every table, row and column it addresses is one the set's templates print, so
    /// rules written for one set never run on another's tables (they skipped rules and raised false
    /// errors there).
    public static func load(for set: TableTemplateSet, file: URL? = nil) throws -> RuleSet {
        guard let url = file ?? set.rulesFile else {
            throw RuleFileError(file: "\(set.id)/set.json",
                                reasons: ["公开表模板集 `\(set.id)`（\(set.title)）没有规则文件：在 set.json 中写 \"rules\": \"rules.json\""])
        }
        let rules = try load(url)
        let problems = rules.mismatches(with: set)
        if !problems.isEmpty { throw RuleFileError(file: url.path, reasons: problems) }
        return rules
    }

    /// Where the rules address something the set's templates do not print, one line each.
    public func mismatches(with set: TableTemplateSet) -> [String] {
        if let t = tables, t != set.id {
            return ["规则文件是为公开表模板集 `\(t)` 编写的，不能用于模板集 `\(set.id)`（\(set.title)）"]
        }
        var out: [String] = []
        for (index, rule) in rules.enumerated() {
            var seen: Set<String> = []
            func fail(_ s: String) { if seen.insert(s).inserted { out.append("规则 `\(rule.id)`（rules[\(index)]）：\(s)") } }
            func table(_ key: String) -> TableTemplate? {
                if let t = set.table(key) { return t }
                fail("表 \(key) 不在模板集 `\(set.id)` 中（其中的表：\(set.tables.map(\.key).joined(separator: "、"))）")
                return nil
            }
            func column(_ t: TableTemplate, _ key: String) {
                let amounts = t.columns.filter { $0.kind == .amount }.map(\.key)
                if !amounts.contains(key) { fail("表 \(t.key) 没有金额列 `\(key)`（其金额列：\(amounts.joined(separator: "、"))）") }
            }
            func row(_ t: TableTemplate, _ key: String) {
                let keys = t.rowKeys
                guard !keys.fixed.contains(key), !keys.prefixes.contains(where: { key.hasPrefix($0) }) else { return }
                let generated = keys.prefixes.sorted().map { "\($0)<编码>" }
                fail("表 \(t.key) 没有行 `\(key)`（其行：\((keys.fixed.sorted() + generated).joined(separator: "、"))）")
            }
            func prefix(_ t: TableTemplate, _ p: String) {
                let keys = t.rowKeys
                if !keys.prefixes.contains(p) {
                    let generated = keys.prefixes.isEmpty ? "该表只有固定行" : "其生成的行：" + keys.prefixes.sorted().map { "\($0)<编码>" }.joined(separator: "、")
                    fail("表 \(t.key) 没有以 `\(p)` 开头的行（\(generated)）")
                }
            }
            func figure(_ f: Figure) {
                guard case .table(let tk, let r, let c) = f, let t = table(tk) else { return }
                row(t, r); column(t, c)
            }
            switch rule.check {
            case .footing(let f):
                guard let t = table(f.table) else { continue }
                for (total, parts) in f.across { for c in [total] + parts { column(t, c) } }
                if let tree = f.tree {
                    prefix(t, tree.prefix)
                    if let cp = tree.childPrefix { prefix(t, cp) }
                    if let tr = tree.totalRow { row(t, tr) }
                    for c in tree.columns ?? [] { column(t, c) }
                }
                for (total, parts, columns) in f.groups {
                    for r in [total] + parts { row(t, r) }
                    for c in columns ?? [] { column(t, c) }
                }
            case .compare(let c):
                if case .tableRows(_, let tk, let p, _)? = c.each, let t = table(tk) { prefix(t, p) }
                for vars in c.each?.samples ?? [[:]] {
                    for f in c.left + c.right { if let fig = f.figure(vars) { figure(fig) } }
                }
            case .priorRise(let figures):
                figures.forEach(figure)
            case .data:
                break
            }
        }
        return out
    }
}

extension Each {
    /// Values that stand for every binding, to check the figures on load: the listed values, or a
    /// code of the right length where the values come from the budget.
    var samples: [[String: String]] {
        switch self {
        case .values(let values): return values
        case .tableRows(let name, _, _, let len), .functionCodes(let name, let len):
            return [[name: String(repeating: "2", count: len ?? 3)]]
        }
    }
}
