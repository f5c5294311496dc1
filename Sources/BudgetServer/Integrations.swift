import BudgetCore
import Foundation
import Hummingbird

/// Where the workbench calls the other modules: the checks (勾稽审核), the exporter and the narrative.
enum Integrations {
    static let checksAvailable = false
    static let exportAvailable = false
    static let narrativeAvailable = false

    /// The checks panel: the data rules every line must satisfy (BudgetCore.LineItemValidator),
    /// each problem leading to its line.
    static func checks(_ workbench: Workbench) async throws -> API.Checks {
        let found = try await workbench.dataProblems()
        let problems = found.problems.map { p in
            API.CheckProblem(rule: p.rule, severity: p.severity.rawValue, severityName: p.severity.chineseName,
                             message: p.message, value: p.value, where_: p.location.description,
                             items: p.location.item.map { [$0] } ?? [], filter: nil)
        }
        return API.Checks(source: "数据规则", problems: problems, truncated: found.truncated,
                          errors: problems.filter { $0.severity == "error" }.count,
                          warnings: problems.filter { $0.severity == "warning" }.count)
    }

    static func export(_ workbench: Workbench) async throws -> (Data, String) {
        throw APIError(.notImplemented, "导出模块尚未接入本版本")
    }

    static func narrative(_ workbench: Workbench) async throws -> String {
        throw APIError(.notImplemented, "说明模块尚未接入本版本")
    }
}
