@testable import BudgetChecks
import BudgetCore
import Foundation
import Testing

@Suite("规则文件：未知的数字或种类在读取时被拒绝，并说明文件和原因")
struct RuleFileTests {
    func parse(_ rules: String) throws -> RuleSet {
        try RuleSet.parse(Data("{\"id\": \"t\", \"rules\": [\(rules)]}".utf8), file: "测试规则.json")
    }

    func reasons(_ rules: String) -> [String] {
        do { _ = try parse(rules); return [] } catch let e as RuleFileError {
            #expect(e.file == "测试规则.json")
            #expect(e.description.contains("测试规则.json"))
            return e.reasons
        } catch { return ["\(error)"] }
    }

    @Test("随附的规则集能读取，覆盖 docs/domain.md 的每条规则")
    func shipped() throws {
        let set = try Fixtures.rules()
        let ids = Set(set.rules.map(\.id))
        for id in ["data.codes", "data.project-of-own-unit", "data.basic-no-project", "data.amounts",
                   "data.personnel-on-project", "data.three-public-codes", "T1.balance", "T1-T2.sources", "T1-T3.classes",
                   "T3.footing", "T3-T12-T13.projects", "T4-T5.general-public", "T4-T8.government-fund", "T5-T3.slice",
                   "T5-T6.basic", "T6.footing", "T7-T8.fund", "T10.footing", "T10.prior", "T11-T6.organ"] {
            #expect(ids.contains(id), "缺少规则 \(id)")
        }
    }

    @Test("未知的汇总节点、资金来源、经费性质、种类、数据规则、字段都被拒绝，一次列出")
    func refused() {
        let r = reasons("""
        {"id": "a", "message": "m", "severity": "error", "kind": "compare", "left": [{"node": "fonction:208"}], "right": [{"node": "department"}]},
        {"id": "b", "message": "m", "severity": "error", "kind": "compare", "left": [{"node": "department", "sources": ["一般预算"]}], "right": [{"revenue": "政府性基金预算"}]},
        {"id": "c", "message": "m", "severity": "error", "kind": "compare", "left": [{"node": "department", "natures": ["办公经费"]}], "right": [{"table": "T1"}]},
        {"id": "d", "message": "m", "severity": "error", "kind": "balance"},
        {"id": "e", "message": "m", "severity": "error", "kind": "data", "check": "no-such-check"},
        {"id": "f", "message": "m", "severity": "fatal", "kind": "data", "check": "amounts"},
        {"id": "g", "message": "m", "severity": "error", "kind": "data", "check": "amounts", "colour": "red"},
        {"id": "h", "message": "m", "severity": "error", "kind": "compare", "left": [{"nodes": "everything"}], "right": [{"node": "department"}]},
        {"id": "h", "message": "m", "severity": "error", "kind": "data", "check": "amounts"}
        """)
        let joined = r.joined(separator: "\n")
        #expect(joined.contains("规则 `a`") && joined.contains("fonction:208"))
        #expect(joined.contains("规则 `b`") && joined.contains("一般预算"))
        #expect(joined.contains("规则 `c`") && joined.contains("办公经费"))
        #expect(joined.contains("规则 `c`") && joined.contains("row 和 column"))
        #expect(joined.contains("规则 `d`") && joined.contains("balance"))
        #expect(joined.contains("规则 `e`") && joined.contains("no-such-check"))
        #expect(joined.contains("规则 `f`") && joined.contains("fatal"))
        #expect(joined.contains("规则 `g`") && joined.contains("colour"))
        #expect(joined.contains("规则 `h`") && joined.contains("everything"))
        #expect(joined.contains("重复"))
    }

    @Test("each 中的变量逐值检查：某个值使数字无效时拒绝")
    func eachValuesChecked() {
        let r = reasons("""
        {"id": "s", "message": "m", "severity": "error", "kind": "compare", "each": {"var": "s", "values": ["一般公共预算", "专项资金"]},
         "left": [{"node": "department", "sources": ["{s}"]}], "right": [{"node": "department"}]}
        """)
        #expect(r.count == 1 && r[0].contains("专项资金"))
    }

    @Test("不是 JSON 的文件被拒绝")
    func notJSON() {
        #expect(throws: RuleFileError.self) { try RuleSet.parse(Data("rules: []".utf8), file: "x.json") }
    }

    @Test("一条合法规则读取后可以执行")
    func valid() throws {
        let set = try parse("""
        {"id": "ok", "message": "基金收支", "severity": "warning", "kind": "compare",
         "left": [{"revenue": "政府性基金预算"}], "right": [{"node": "department", "sources": ["政府性基金预算"], "carryover": ["当年"]}]}
        """)
        #expect(set.rules.count == 1 && set.rules[0].severity == .warning)
    }

    @Test("财政拨款 in a source list adds its three sources to the others listed")
    func fiscalWithOthers() throws {
        let both = try #require(try? FigureTemplate.measure(["sources": .array([.string("财政拨款"), .string("单位资金")])], [:]).get())
        #expect(both == Measure(sources: Measure.fiscalSources + [.unitFunds]))
        let fiscal = try #require(try? FigureTemplate.measure(["sources": .array([.string("财政拨款")])], [:]).get())
        #expect(fiscal == Measure(sources: Measure.fiscalSources))
    }
}


@Suite("Rule figure variables")
struct FigureSubstitutionTests {
    @Test("each {name} is replaced once, in one pass; a brace naming no variable stays as written")
    func substitute() {
        let vars = ["unit": "080001", "f": "2200101", "v": "{unit}"]
        #expect(FigureTemplate.substitute("unit:{unit}/{f}", vars) == "unit:080001/2200101")
        #expect(FigureTemplate.substitute("{unit}{unit}", vars) == "080001080001")
        #expect(FigureTemplate.substitute("{x} {unit", vars) == "{x} {unit")
        #expect(FigureTemplate.substitute("{{f}}", vars) == "{2200101}")
        // A value is not substituted again, whatever the order of the variables.
        #expect(FigureTemplate.substitute("{v}", vars) == "{unit}")
        #expect(FigureTemplate.substitute("无变量", vars) == "无变量")
        #expect(FigureTemplate.substitute("{unit}", [:]) == "{unit}")
    }
}
