import BudgetCore
import Testing
@testable import BudgetChecks

/// Issue 11: the data rules select the validator's problems by typed rule id; every id the
/// validator reports has exactly one owner, so none is silently left unchecked.
@Suite("Data rules own the validator's rule ids")
struct DataRuleOwnershipTests {
    @Test func everyValidatorRuleHasExactlyOneOwner() {
        for id in LineItemValidator.rules {
            let owners = DataCheck.allCases.filter { Checker.owns($0, id) }
            #expect(owners.count == 1, "\(id) is owned by \(owners)")
        }
        for id in RuleID.allCases where !LineItemValidator.rules.contains(id) {
            #expect(!DataCheck.allCases.contains { Checker.owns($0, id) }, "\(id) is not the validator's")
        }
    }

    /// Every rule id a validator run can report is listed in `LineItemValidator.rules`.
    @Test func theListIsComplete() {
        var codes = CodeBook()
        codes.define(.function, code: "208", name: "类", origin: .workbook)
        codes.define(.function, code: "20805", name: "款", origin: .workbook)
        codes.define(.function, code: "2080501", name: "项", origin: .workbook)
        codes.define(.economic, code: "301", name: "类", origin: .workbook)
        codes.define(.economic, code: "30101", name: "款", origin: .workbook)
        codes.define(.economic, code: "30102", name: "款", origin: .workbook)
        codes.define(.governmentEconomic, code: "501", name: "类", origin: .workbook)
        codes.define(.governmentEconomic, code: "50101", name: "款", origin: .workbook)
        codes.map(economic: "30101", to: EconomicMapping(administrative: "50101", institution: "50101"), origin: .workbook)
        let v = LineItemValidator(codes: codes, units: [BudgetUnit(code: "U", name: "单位", type: .administrative)],
                                  projects: [Project(code: "P", unit: "U", name: "项目")])
        let lines = [
            LineItem(unit: "X", function: "20805", economic: "3010", amount: .zero),
            LineItem(unit: "U", function: "2089999", economic: "30199", amount: .zero, governmentEconomic: "5019"),
            LineItem(unit: "U", function: "2080501", economic: "30101", amount: .zero, governmentEconomic: "50199"),
            LineItem(unit: "U", function: "2080501", economic: "30102", amount: .zero),
            LineItem(unit: "U", function: "2080501", economic: "30101", kind: .basic, project: "P", amount: .zero),
            LineItem(unit: "U", function: "2080501", economic: "30101", kind: .project, amount: .zero),
            LineItem(unit: "U", function: "2080501", economic: "30101", kind: .project, project: "Q", amount: .zero),
            LineItem(unit: "U", function: "2080501", economic: "301", amount: .zero, governmentEconomic: "501"),
            LineItem(unit: "U", function: "208", economic: "30101", amount: .zero),
        ]
        var out = ProblemCollector(limit: 1000)
        for l in lines { v.validate(l, at: { Location(column: $0) }, into: &out) }
        v.validate(RevenueLine(source: .generalPublic, code: "9", amount: .zero), at: { Location(column: $0) }, into: &out)
        #expect(Set(out.problems.map(\.rule)).isSubset(of: Set(LineItemValidator.rules)))
        #expect(Set(out.problems.map(\.rule)).count >= 12, "\(Set(out.problems.map(\.rule)))")
    }
}
