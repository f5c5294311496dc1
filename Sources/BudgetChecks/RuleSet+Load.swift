import BudgetCore
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
        return RuleSet(id: id, title: root["title"]?.string ?? id, rules: rules)
    }
}

/// Parses one rule, collecting every reason it cannot be used.
struct RuleParser {
    let index: Int
    var ruleID = ""
    var reasons: [String] = []

    init(index: Int) { self.index = index }

    mutating func fail(_ reason: String) {
        let at = ruleID.isEmpty ? "第 \(index + 1) 条规则" : "规则 `\(ruleID)`"
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
                if (d == .personnelOnProject || d == .threePublicCodes) && (o["codes"]?.strings ?? []).isEmpty {
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
        for k in o.keys where !common.contains(k) && !known.contains(k) { fail("未知的字段 `\(k)`") }
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
        let samples: [[String: String]]
        switch each {
        case .values(let values)?: samples = values
        case .tableRows(let name, _, _, let len)?: samples = [[name: String(repeating: "2", count: len ?? 3)]]
        case .functionCodes(let name, let len)?: samples = [[name: String(repeating: "2", count: len ?? 3)]]
        case nil: samples = [[:]]
        }
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

    static func substitute(_ s: String, _ vars: [String: String]) -> String {
        var out = s
        for (k, v) in vars { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
        return out
    }

    static let measureKeys: Set<String> = ["sources", "carryover", "kinds", "natures"]

    static func resolve(_ o: [String: JSONValue], _ vars: [String: String]) -> Result<Figure, FigureSpecError> {
        func str(_ k: String) -> String? { o[k]?.string.map { substitute($0, vars) } }
        func strs(_ k: String) -> [String]? { o[k]?.strings.map { $0.map { substitute($0, vars) } } }
        let label = str("label")
        func allowed(_ keys: Set<String>) -> FigureSpecError? {
            for k in o.keys where !keys.contains(k) && k != "label" {
                return FigureSpecError(reason: "数字中有未知的字段 `\(k)`")
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
        let measure: Measure
        switch self.measure(o, vars) {
        case .success(let m): measure = m
        case .failure(let e): return .failure(e)
        }
        let mlabel = measureLabel(o, vars)
        if let n = str("node") {
            if let e = allowed(measureKeys.union(["node"])) { return .failure(e) }
            guard let node = parseNode(n) else {
                return .failure(FigureSpecError(reason: "未知的汇总节点 `\(n)`（可用：department、function:编码、economic:编码、unit:编码、project:单位/项目、pair:经济/政府经济）"))
            }
            return .success(.node(node, measure, label: label ?? "\(nodeLabel(n)) \(mlabel)"))
        }
        if let s = str("nodes") {
            if let e = allowed(measureKeys.union(["nodes", "codes"])) { return .failure(e) }
            let set: NodeSet
            switch s {
            case "projects": set = .projects
            case "organ-units": set = .organUnits
            case "declared-units": set = .declaredUnits
            case "functions", "economics":
                guard let codes = strs("codes"), !codes.isEmpty else {
                    return .failure(FigureSpecError(reason: "nodes `\(s)` 需要 codes"))
                }
                let cs: CodeSet = s == "functions" ? .function : .economic
                if let bad = codes.first(where: { !cs.isWellFormed($0) }) {
                    return .failure(FigureSpecError(reason: "`\(bad)` 不是\(cs.chineseName)编码"))
                }
                set = s == "functions" ? .functions(codes) : .economics(codes)
            default:
                return .failure(FigureSpecError(reason: "未知的节点集合 `\(s)`（可用：projects、organ-units、declared-units、functions、economics）"))
            }
            return .success(.nodes(set, measure, label: label ?? "\(set.label) \(mlabel)"))
        }
        return .failure(FigureSpecError(reason: "数字需要 node、nodes、revenue 或 table 之一，实有字段：" + o.keys.sorted().joined(separator: "、")))
    }

    static func measure(_ o: [String: JSONValue], _ vars: [String: String]) -> Result<Measure, FigureSpecError> {
        func list(_ k: String) -> Result<[String]?, FigureSpecError> {
            guard let v = o[k] else { return .success(nil) }
            guard let s = v.strings else { return .failure(FigureSpecError(reason: "`\(k)` 应为字符串数组")) }
            return .success(s.map { substitute($0, vars) })
        }
        var sources: [Source]?, carry: [Carryover]?, kinds: [ExpenditureKind]?, natures: [CostNature]?
        switch list("sources") {
        case .failure(let e): return .failure(e)
        case .success(let l?):
            // 财政拨款 stands for its three sources, alongside any other listed (as table templates read it).
            var out: [Source] = []
            for n in l {
                if n == "财政拨款" { out += Measure.fiscalSources; continue }
                guard let s = Source(name: n) else { return .failure(FigureSpecError(reason: "未知的资金来源 `\(n)`")) }
                out.append(s)
            }
            sources = out
        case .success(nil): break
        }
        switch list("carryover") {
        case .failure(let e): return .failure(e)
        case .success(let l?):
            var out: [Carryover] = []
            for n in l {
                guard let c = Carryover(name: n) else { return .failure(FigureSpecError(reason: "未知的年度 `\(n)`（当年 或 上年结转）")) }
                out.append(c)
            }
            carry = out
        case .success(nil): break
        }
        switch list("kinds") {
        case .failure(let e): return .failure(e)
        case .success(let l?):
            var out: [ExpenditureKind] = []
            for n in l {
                guard let k = ExpenditureKind(name: n) else { return .failure(FigureSpecError(reason: "未知的支出类型 `\(n)`（基本支出 或 项目支出）")) }
                out.append(k)
            }
            kinds = out
        case .success(nil): break
        }
        switch list("natures") {
        case .failure(let e): return .failure(e)
        case .success(let l?):
            var out: [CostNature] = []
            for n in l {
                switch n {
                case "人员经费": out.append(.personnel)
                case "公用经费": out.append(.publicUse)
                default: return .failure(FigureSpecError(reason: "未知的经费性质 `\(n)`（人员经费 或 公用经费）"))
                }
            }
            natures = out
        case .success(nil): break
        }
        return .success(Measure(sources: sources, carryover: carry, kinds: kinds, natures: natures))
    }

    static func measureLabel(_ o: [String: JSONValue], _ vars: [String: String]) -> String {
        var parts: [String] = []
        for k in ["sources", "carryover", "kinds", "natures"] {
            if let l = o[k]?.strings { parts.append(l.map { substitute($0, vars) }.joined(separator: "+")) }
        }
        return parts.isEmpty ? "全部" : parts.joined(separator: " ")
    }

    static func nodeLabel(_ n: String) -> String {
        if n == "department" { return "部门合计" }
        if n.hasPrefix("function:") { return "功能分类 " + n.dropFirst(9) }
        if n.hasPrefix("economic:") { return "经济分类 " + n.dropFirst(9) }
        if n.hasPrefix("unit:") { return "单位 " + n.dropFirst(5) }
        if n.hasPrefix("project:") { return "项目 " + n.dropFirst(8) }
        return n
    }

    /// `department`, `function:208`, `economic:301`, `unit:080001`, `project:080001/P01`, `pair:30101/50101`.
    static func parseNode(_ s: String) -> RollupNode? {
        if s == "department" { return .department }
        guard let colon = s.firstIndex(of: ":") else { return nil }
        let kind = s[..<colon], rest = String(s[s.index(after: colon)...])
        guard !rest.isEmpty else { return nil }
        switch kind {
        case "function": return CodeSet.function.isWellFormed(rest) ? .function(rest) : nil
        case "economic": return CodeSet.economic.isWellFormed(rest) ? .economic(rest) : nil
        case "unit": return .unit(rest)
        case "project", "pair":
            let p = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard p.count == 2, !p[0].isEmpty, !p[1].isEmpty else { return nil }
            return kind == "project" ? .project(unit: p[0], code: p[1]) : .economicPair(economic: p[0], government: p[1])
        default: return nil
        }
    }
}
