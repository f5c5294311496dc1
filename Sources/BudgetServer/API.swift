import BudgetCore
import BudgetStore
import BudgetWorkbook
import Foundation

/// The JSON the browser reads and sends. Amounts travel as integer 分 (exact in a JavaScript number
/// up to 2^53 分 ≈ 90 万亿元; a budget holds at most `BudgetLimits.budgetTotal`, 10 万亿元); the
/// browser sends amounts as the text the clerk typed, read by the one amount parser.
enum API {
    /// A line item as the grid shows it, names resolved.
    struct Item: Codable, Sendable, Equatable {
        var id: Int64
        var version: Int64
        var unit: String
        var unitName: String
        var function: String
        var functionName: String
        var economic: String
        var economicName: String
        var source: String
        var carryover: String
        var kind: String
        var project: String
        var projectName: String
        var amount: Int64
        /// The amount as shown in the unit the page asked for (`1,045,000.50` or `104.50`).
        var amountText: String
        /// The exact amount as edited in that unit, without separators (`1045000.50` or `104.50005`).
        var amountInput: String
        var memo: String
        /// 测算依据: the expression the amount is computed from (in 元, whatever the page shows), or
        /// absent for a typed amount. The page shows it in the formula bar and marks the cell.
        var basis: String? = nil
    }

    /// A line as the browser sends it (add or change). Enumerations by their Chinese names.
    struct ItemInput: Decodable, Sendable {
        var unit: String
        var function: String
        var economic: String
        var source: String
        var carryover: String
        var kind: String
        var project: String?
        /// The amount as typed, e.g. `"1045000.5"`, `"1,045,000.50"`, `"１０４５０００．５"`
        /// (the rule of `Money.parse`).
        var amount: String
        /// The unit `amount` is typed in: `元` (the default) or `万元` (also `yuan`, `wan`).
        var amountUnit: String?
        var memo: String?
        /// The version the editor saw (required to change or delete: a stale edit is refused).
        var version: Int64?
        var author: String?
    }

    struct BatchInput: Decodable, Sendable {
        var items: [ItemInput]
        var author: String?
    }

    struct ItemPage: Encodable, Sendable {
        var total: Int
        var offset: Int
        var items: [Item]
        /// The sum of the amounts of every line that matches (not just this page), as shown.
        var sumText: String
        var money: String
    }

    /// The sum of a range of the grid's lines (the status bar's 求和, as Excel shows it).
    struct Sum: Encodable, Sendable {
        var count: Int
        var sum: Int64
        var text: String
        var moneyTitle: String
    }

    struct Changes: Encodable, Sendable {
        var last: Int64
        var reload: Bool
        var items: [Item]
        var removed: [Int64]
    }

    struct Meta: Encodable, Sendable {
        var department: String
        var year: Int
        var priorYear: Int?
        var last: Int64
        var itemCount: Int
        var units: [Unit]
        var sources: [String]
        /// The grid's columns, in order: what the page draws and where a pasted block lands.
        var gridColumns: [GridColumn]
        var exportAvailable: Bool
        var narrativeAvailable: Bool
        var checksModule: Bool
        /// The most lines one paste may hold; the undo steps kept per browser tab.
        var pasteLimit: Int
        var undoLimit: Int
        /// The disclosure table set the server was started with (`--tables`): its title and how many
        /// tables it has, so the page names them (`9 张公开表`) instead of assuming thirteen.
        var tableSet: TableSetInfo?
    }

    struct TableSetInfo: Encodable, Sendable { var id: String; var title: String; var count: Int }

    struct Unit: Encodable, Sendable { var code: String; var name: String; var type: String }

    struct Column: Encodable, Sendable { var key: String; var title: String }

    /// A column of the line-item grid.
    struct GridColumn: Encodable, Sendable {
        var key: String
        var title: String
        /// `id` (read-only), `code` (picked from a code list), `choice` (one of `options`), `amount`, `text`.
        var kind: String
        /// The code list the picker searches (`/api/codes?set=`), for `code` columns.
        var pick: String?
        var options: [String]?
        /// The length a line's code has in this column (功能 项 7, 经济 款 5: `CodeSet.lineLevel`).
        var codeLength: Int? = nil
        /// Width on screen in CSS pixels.
        var width: Int
    }

    /// One row of a rolled-up tree.
    struct TreeRow: Encodable, Sendable {
        /// Stable address: `f:2080501`, `e:30101`, `u:080001`, `uf:080001:208`, `p:080001:P001`, `total`.
        var key: String
        var code: String
        var name: String
        var level: Int
        /// One figure per figure column (合计, the five sources, 当年, 上年结转, 基本, 项目), in 分.
        var values: [Int64]
        /// The prior year's 合计 of the same row (with `--prior`), in 分.
        var prior: Int64?
        /// The shown text of each of `Tree.columns`, in the tree's unit (blank for a printed zero;
        /// 增减额 and 增减率 from the printed figures).
        var cells: [String]
        /// What the row stands for, as a grid filter.
        var filter: [String: String]
        var leaf: Bool
    }

    struct Tree: Encodable, Sendable {
        var view: String
        var title: String
        var nameTitle: String
        var money: String
        var moneyTitle: String
        var last: Int64
        /// The figure columns after the name column, in the order of `TreeRow.cells`.
        var columns: [Column]
        var total: TreeRow
        var rows: [TreeRow]
    }

    /// A code for the picker; `path` names its 类 and 款, which tell apart the many 项 of the same
    /// name (`2010101 行政运行` under 人大事务, `2010201 行政运行` under 政协事务).
    struct CodeHit: Encodable, Sendable { var code: String; var name: String; var leaf: Bool; var path: String }

    struct Change: Encodable, Sendable {
        var at: String
        var author: String
        var action: String
        var before: Item?
        var after: Item?
    }

    struct Saved: Encodable, Sendable { var item: Item; var last: Int64 }
    struct SavedBatch: Encodable, Sendable { var items: [Item]; var last: Int64 }
}

/// The grid's figure columns: 合计, the five sources, 当年/上年结转, 基本/项目.
enum TreeColumns {
    static let all: [(key: String, title: String, measure: Measure)] =
        [("total", "合计", .all)]
        + Source.allCases.map { ("source\($0.rawValue)", $0.name, Measure(sources: [$0])) }
        + [("current", "当年", Measure(carryover: [.currentYear])),
           ("carryover", "上年结转", Measure(carryover: [.carriedOver])),
           ("basic", "基本支出", Measure(kinds: [.basic])),
           ("project", "项目支出", Measure(kinds: [.project]))]
}

extension API.Item {
    init(_ s: StoredItem, context b: Budget, money: MoneyUnit = .yuan) {
        let i = s.item
        id = s.id
        version = s.version
        unit = i.unit
        unitName = b.unit(i.unit)?.name ?? ""
        function = i.function
        functionName = b.codes.name(.function, i.function) ?? ""
        economic = i.economic
        economicName = b.codes.name(.economic, i.economic) ?? ""
        source = i.source.name
        carryover = i.carryover.name
        kind = i.kind.name
        project = i.project ?? ""
        projectName = i.project.flatMap { p in b.projects.first { $0.unit == i.unit && $0.code == p }?.name } ?? ""
        amount = i.amount.fen
        amountText = money.text(i.amount.fen)
        amountInput = money.inputText(i.amount.fen)
        memo = i.memo
        basis = i.basis
    }
}

extension API.ItemInput {
    /// The line item, or every field problem at once, by the rules every reader uses (`RowRules.item`).
    func lineItem(row: Int? = nil) throws(ProblemsError) -> LineItem {
        var out = ProblemCollector()
        let place = row == nil ? nil : "粘贴的内容"
        var unit = AmountUnit.yuan
        switch amountUnit?.trimmingSpaces {
        case nil, "", "元", "yuan": unit = .yuan
        case "万元", "wan": unit = .wan
        case let other?:
            out.add(Problem(rule: .amountUnit, location: Location(file: place, line: row, column: "金额"), value: other,
                            message: "金额单位 `\(other)` 不对，应为 元 或 万元"))
        }
        var record = Record(input: self, place: place, row: row)
        let item = RowRules.item(&record, unit: unit, problems: &out)
        try out.throwIfErrors()
        guard let item else { throw ProblemsError(out.problems) }
        return item
    }

    /// The fields of a line the page sent, as an `InputRecord`.
    struct Record: InputRecord {
        let input: API.ItemInput
        let place: String?
        let row: Int?

        var line: Int { row ?? 0 }

        func raw(_ c: Int) -> String {
            switch TableSchema.ItemColumn(rawValue: c) {
            case .unit: return input.unit
            case .function: return input.function
            case .economic: return input.economic
            case .source: return input.source
            case .carryover: return input.carryover
            case .kind: return input.kind
            case .project: return input.project ?? ""
            case .amount: return input.amount
            case .memo: return input.memo ?? ""
            case .governmentEconomic, nil: return ""
            }
        }

        mutating func code(_ c: Int) throws(FieldRefusal) -> String { try FieldRules.code(raw(c)) }

        mutating func choice<T: InputChoice>(_ c: Int, as type: T.Type) throws(FieldRefusal) -> T? {
            try FieldRules.checkText(raw(c))
            return T(name: raw(c))
        }

        mutating func name(_ c: Int) throws(FieldRefusal) -> String {
            try FieldRules.checkText(raw(c))
            return raw(c).trimmingSpaces
        }

        mutating func text(_ c: Int) throws(FieldRefusal) -> String {
            try FieldRules.checkText(raw(c))
            return raw(c)
        }

        mutating func amount(_ c: Int, unit: AmountUnit) throws(FieldRefusal) -> Money { try FieldRules.amount(raw(c), unit: unit) }

        func shown(_ c: Int) -> String { raw(c).trimmingSpaces }

        func location(_ c: Int) -> Location {
            let title = TableSchema.ItemColumn(rawValue: c).map { GridColumns.title(TableSchema.items.columns[$0.rawValue].key) }
            return Location(file: place, line: row, column: title)
        }
    }
}
