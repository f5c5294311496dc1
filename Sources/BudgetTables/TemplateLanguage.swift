import BudgetCore
import BudgetXLSX
import Foundation

// The parts of the template language that table templates (Templates/tables/<set>/*.json) and rule
// files (<set>/rules.json) share: measures, node references and A1 ranges are read by one parser
// each, so a word means the same in both files (docs/templates.md, docs/rules.md).

/// A minimal JSON value, so template and rule files can be validated field by field.
public enum JSONValue: Sendable, Hashable {
    case string(String), number(Double), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    /// From what `JSONSerialization` returns (its booleans are told apart from numbers).
    public init(any: Any) {
        switch any {
        case let s as String: self = .string(s)
        case let n as NSNumber:
            // JSON's true and false come back as NSNumbers of type `c` (char), on Linux as on Darwin.
            self = String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
        case let a as [Any]: self = .array(a.map(JSONValue.init(any:)))
        case let o as [String: Any]: self = .object(o.mapValues(JSONValue.init(any:)))
        default: self = .null
        }
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var strings: [String]? {
        guard case .array(let a) = self else { return nil }
        let s = a.compactMap(\.string)
        return s.count == a.count ? s : nil
    }
    public var int: Int? { if case .number(let n) = self, n == n.rounded(), abs(n) < 1e9 { return Int(n) } else { return nil } }
    public var object: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
}

/// One thing wrong in a template or rule file: where (a JSON path such as `columns[2].measure`,
/// relative to what was being read) and what is allowed there.
public struct SpecProblem: Error, Sendable, Hashable {
    public var path: String
    public var message: String
    public init(_ path: String, _ message: String) { self.path = path; self.message = message }

    /// The same problem seen from an enclosing object (`at` is that object's path).
    public func under(_ at: String) -> SpecProblem {
        SpecProblem(at.isEmpty ? path : path.isEmpty ? at : path.hasPrefix("[") ? at + path : "\(at).\(path)", message)
    }
}

// MARK: - Measures

/// A measure (口径) as both languages write it: `{"sources": [...], "carryover": [...], "kinds": [...],
/// "natures": [...]}`, each a list of names (or one name); a missing dimension means all of it.
///
/// The plural keys are the spelling; `source`, `kind` and `nature` (how table templates wrote them
/// before the two languages shared this parser) are accepted as the same keys.
public enum MeasureSyntax {
    /// The keys of a measure: each dimension and its older singular spelling.
    public static let dimensions: [(key: String, alias: String?)] = [("sources", "source"), ("carryover", nil),
                                                                     ("kinds", "kind"), ("natures", "nature")]
    public static let keys: Set<String> = ["sources", "source", "carryover", "kinds", "kind", "natures", "nature"]

    /// The names each dimension takes, for messages.
    static let allowedSources = Source.allCases.map(\.name).joined(separator: "、") + "、财政拨款（前三项）"

    /// Whether the object states any dimension.
    public static func present(in o: [String: JSONValue]) -> Bool { o.keys.contains { keys.contains($0) } }

    /// The measure an object states; keys other than the measure's are left to the caller.
    /// `财政拨款` in `sources` stands for its three sources, added to any other listed (docs/domain.md: "财政拨款
    /// = the first three sources"). `substitute` fills `{var}` placeholders (rules repeat over values).
    public static func measure(in o: [String: JSONValue], substitute: (String) -> String = { $0 }) -> (measure: Measure, problems: [SpecProblem]) {
        var problems: [SpecProblem] = []
        func names(_ key: String, _ alias: String?) -> (key: String, values: [String])? {
            if let alias, o[alias] != nil, o[key] != nil {
                problems.append(SpecProblem(alias, "与 `\(key)` 是同一个字段（\(alias) 是旧写法），只能写一个"))
            }
            guard let used = o[key] != nil ? key : alias.flatMap({ o[$0] != nil ? $0 : nil }), let v = o[used] else { return nil }
            if let s = v.string { return (used, [substitute(s)]) }
            guard let list = v.strings, !list.isEmpty else {
                problems.append(SpecProblem(used, "须是名称或非空的名称数组")); return (used, [])
            }
            return (used, list.map(substitute))
        }
        var sources: [Source]?, carry: [Carryover]?, kinds: [ExpenditureKind]?, natures: [CostNature]?
        if let (key, list) = names("sources", "source") {
            sources = []
            for n in list {
                if n == "财政拨款" { sources! += Measure.fiscalSources }
                else if let s = Source(name: n) { sources!.append(s) }
                else { problems.append(SpecProblem(key, "未知的资金来源 `\(n)`（可用：\(allowedSources)）")) }
            }
        }
        if let (key, list) = names("carryover", nil) {
            carry = []
            for n in list {
                if let c = Carryover(name: n) { carry!.append(c) } else { problems.append(SpecProblem(key, "未知的年度 `\(n)`（可用：当年、上年结转）")) }
            }
        }
        if let (key, list) = names("kinds", "kind") {
            kinds = []
            for n in list {
                if let k = ExpenditureKind(name: n) { kinds!.append(k) } else { problems.append(SpecProblem(key, "未知的支出类型 `\(n)`（可用：基本支出、项目支出）")) }
            }
        }
        if let (key, list) = names("natures", "nature") {
            natures = []
            for n in list {
                switch n {
                case "人员经费": natures!.append(.personnel)
                case "公用经费": natures!.append(.publicUse)
                default: problems.append(SpecProblem(key, "未知的经费性质 `\(n)`（可用：人员经费、公用经费）"))
                }
            }
        }
        return (Measure(sources: sources, carryover: carry, kinds: kinds, natures: natures), problems)
    }

    /// The names an object states, for a figure's default label: `一般公共预算 当年`, or `全部`.
    public static func label(in o: [String: JSONValue], substitute: (String) -> String = { $0 }) -> String {
        var parts: [String] = []
        for (key, alias) in dimensions {
            guard let v = o[key] ?? alias.flatMap({ o[$0] }) else { continue }
            if let s = v.string { parts.append(substitute(s)) } else if let l = v.strings { parts.append(l.map(substitute).joined(separator: "+")) }
        }
        return parts.isEmpty ? "全部" : parts.joined(separator: " ")
    }
}

// MARK: - Node references

/// A roll-up node, or a set of them, as both languages name it: `department`, `function:208`,
/// `economic:30212`, `unit:080001`, `project:080001/P01`, `pair:30101/50101`, `units:organ` (the
/// 行政/参公 units), `units:all`, `projects` (every project the lines reach).
public enum NodeRef: Sendable, Hashable, CustomStringConvertible {
    case department
    case function(String)
    case economic(String)
    case unit(String)
    case project(unit: String, code: String)
    case pair(economic: String, government: String)
    case organUnits
    case allUnits
    case projects

    /// What may be written, for messages.
    public static let allowed = "department、function:<编码>、economic:<编码>、unit:<单位编码>、project:<单位编码>/<项目编码>、pair:<经济分类款>/<政府经济分类款>、units:organ、units:all、projects"

    public init?(_ text: String) {
        switch text {
        case "department": self = .department; return
        case "units:organ": self = .organUnits; return
        case "units:all": self = .allUnits; return
        case "projects": self = .projects; return
        default: break
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let kind = text[..<colon], rest = String(text[text.index(after: colon)...])
        guard !rest.isEmpty else { return nil }
        switch kind {
        case "function" where CodeSet.function.isWellFormed(rest): self = .function(rest)
        case "economic" where CodeSet.economic.isWellFormed(rest): self = .economic(rest)
        case "unit" where !rest.contains("/"): self = .unit(rest)
        case "project", "pair":
            let p = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard p.count == 2, !p[0].isEmpty, !p[1].isEmpty else { return nil }
            self = kind == "project" ? .project(unit: p[0], code: p[1]) : .pair(economic: p[0], government: p[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .department: return "department"
        case .function(let c): return "function:\(c)"
        case .economic(let c): return "economic:\(c)"
        case .unit(let c): return "unit:\(c)"
        case .project(let u, let p): return "project:\(u)/\(p)"
        case .pair(let e, let g): return "pair:\(e)/\(g)"
        case .organUnits: return "units:organ"
        case .allUnits: return "units:all"
        case .projects: return "projects"
        }
    }

    /// How a report names it: `部门合计`, `功能分类 208`, `行政及参公单位`.
    public var label: String {
        switch self {
        case .department: return "部门合计"
        case .function(let c): return "功能分类 \(c)"
        case .economic(let c): return "经济分类 \(c)"
        case .unit(let c): return "单位 \(c)"
        case .project(let u, let p): return "项目 \(u)/\(p)"
        case .pair(let e, let g): return "经济分类 \(e)/\(g)"
        case .organUnits: return "行政及参公单位"
        case .allUnits: return "单位表中的各单位"
        case .projects: return "各项目"
        }
    }

    /// The roll-up nodes it stands for in a budget.
    public func nodes(budget: Budget, rollup: Rollup) -> [RollupNode] {
        switch self {
        case .department: return [.department]
        case .function(let c): return [.function(c)]
        case .economic(let c): return [.economic(c)]
        case .unit(let c): return [.unit(c)]
        case .project(let u, let p): return [.project(unit: u, code: p)]
        case .pair(let e, let g): return [.economicPair(economic: e, government: g)]
        case .organUnits: return budget.units.filter(\.type.isOrgan).map { .unit($0.code) }
        case .allUnits: return budget.units.map { .unit($0.code) }
        case .projects: return rollup.projectNodes.map { .project(unit: $0.unit, code: $0.code) }
        }
    }

    /// The sum of a list of nodes over a measure.
    public static func total(_ refs: [NodeRef], _ measure: Measure, budget: Budget, rollup: Rollup) -> Money {
        var t: Int64 = 0
        for r in refs { for n in r.nodes(budget: budget, rollup: rollup) { t &+= rollup.total(n, measure).fen } }
        return Money(fen: t)
    }

    /// A node or a list of nodes (`"economic:30212"` or `["economic:31013", "economic:30231"]`), each
    /// once and none inside another (they are added up: `economic:301` with `economic:30101` would count
    /// 30101 twice).
    public static func list(_ v: JSONValue, substitute: (String) -> String = { $0 }) -> ([NodeRef], [SpecProblem]) {
        let names: [String]
        if let s = v.string { names = [s] } else if let l = v.strings, !l.isEmpty { names = l } else {
            return ([], [SpecProblem("", "须是节点名或非空的节点名数组（可用：\(allowed)）")])
        }
        var refs: [NodeRef] = [], problems: [SpecProblem] = []
        for raw in names {
            let name = substitute(raw)
            guard let r = NodeRef(name) else { problems.append(SpecProblem("", "未知的节点 `\(name)`（可用：\(allowed)）")); continue }
            if let other = refs.first(where: { $0.overlaps(r) }) {
                problems.append(SpecProblem("", other == r ? "节点 `\(name)` 写了两次（会重复相加）" : "节点 `\(name)` 与 `\(other)` 重叠（会重复相加）"))
                continue
            }
            refs.append(r)
        }
        return (refs, problems)
    }

    /// True when the two certainly share lines (the same node, one tree code under the other, or the department).
    func overlaps(_ o: NodeRef) -> Bool {
        switch (self, o) {
        case (.department, _), (_, .department): return true
        case (.function(let a), .function(let b)), (.economic(let a), .economic(let b)): return a.hasPrefix(b) || b.hasPrefix(a)
        default: return self == o
        }
    }

    /// The cells of a row and a column sum what both select. The roll-up keeps no cross nodes
    /// (function × economic), so one side must be the whole department: the other side is the answer.
    /// nil when neither is.
    public static func intersection(_ row: [NodeRef], _ column: [NodeRef]?) -> [NodeRef]? {
        guard let column else { return row }
        if row == [.department] { return column }
        if column == [.department] { return row }
        return nil
    }
}

// MARK: - A1 ranges

/// `A1:B2` ranges within a template's header, read by the XLSX reader's own A1 grammar.
enum CellRef {
    static func range(_ text: String) -> DisclosureTable.CellRange? {
        guard let r = XLSXRange(reference: text) else { return nil }
        // The reader counts rows from 1, the header from 0.
        return .init(firstRow: r.firstRow - 1, firstColumn: r.firstColumn, lastRow: r.lastRow - 1, lastColumn: r.lastColumn)
    }

    static func name(_ r: DisclosureTable.CellRange) -> String {
        "\(columnLetters(r.firstColumn))\(r.firstRow + 1):\(columnLetters(r.lastColumn))\(r.lastRow + 1)"
    }
}
