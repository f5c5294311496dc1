import BudgetCore
import BudgetWorkbook

/// The columns of the line-item grid, in order: what the page draws (it gets them in `/api/meta`),
/// where a pasted block lands, and the names a problem gives a column.
enum GridColumns {
    static let all: [API.GridColumn] = [
        .init(key: "id", title: "#", kind: "id", width: 56),
        .init(key: "unit", title: "预算单位", kind: "code", pick: "unit", width: 168),
        .init(key: "function", title: "功能分类（项）", kind: "code", pick: "function", codeLength: CodeSet.function.lineLevel, width: 220),
        .init(key: "economic", title: "经济分类（款）", kind: "code", pick: "economic", codeLength: CodeSet.economic.lineLevel, width: 176),
        .init(key: "source", title: "资金来源", kind: "choice", options: Source.allCases.map(\.name), width: 112),
        .init(key: "carryover", title: "年度", kind: "choice", options: Carryover.allCases.map(\.name), width: 80),
        .init(key: "kind", title: "支出类型", kind: "choice", options: ExpenditureKind.allCases.map(\.name), width: 84),
        .init(key: "project", title: "项目", kind: "code", pick: "project", width: 150),
        .init(key: "amount", title: "金额", kind: "amount", width: 136),
        .init(key: "memo", title: "备注", kind: "text", width: 180),
    ]

    /// The columns a clerk types in (all but `#`), in order: a pasted block fills them left to right.
    static let editable: [String] = all.filter { $0.kind != "id" }.map(\.key)

    /// The title of a column key, also for the data rules' column names (`gov_economic`).
    static func title(_ key: String) -> String {
        if let c = all.first(where: { $0.key == key }) { return c.title.replacing("（项）", with: "").replacing("（款）", with: "") }
        switch key {
        case "gov_economic": return "政府经济分类"
        case "basis": return "测算依据"
        default: return key
        }
    }

    /// Where a problem of a pasted line is: `粘贴的内容 第 3 行 列 功能分类`.
    static func pastedAt(_ index: Int, _ column: String) -> Location {
        Location(file: "粘贴的内容", line: index + 1, column: title(column))
    }

    /// Header texts that name each column, for recognising a header row copied with a block: the
    /// grid's title (with and without its level), the column key, and the input rules' Chinese name
    /// and aliases (`TableSchema.items`, the one list the template and the readers use).
    static let headerNames: [String: Set<String>] = {
        var out: [String: Set<String>] = [:]
        for c in all where c.kind != "id" {
            var names: Set<String> = [c.title, title(c.key), c.key]
            if let s = TableSchema.items.columns.first(where: { $0.key == c.key }) {
                names.insert(s.chinese)
                names.formUnion(s.aliases)
            }
            out[c.key] = names
        }
        out["amount"]?.formUnion(["金额（元）", "金额（万元）"])
        return out
    }()
}
