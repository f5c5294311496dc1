/// 预算单位: a unit of the department.
public struct BudgetUnit: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var type: UnitType
    public init(code: String, name: String, type: UnitType) {
        self.code = code; self.name = name; self.type = type
    }
}

/// A project of one unit; project lines (项目支出) name one.
public struct Project: Hashable, Sendable, Codable {
    public var code: String
    public var unit: String
    public var name: String
    public var category: ProjectCategory
    public init(code: String, unit: String, name: String, category: ProjectCategory = .none) {
        self.code = code; self.unit = unit; self.name = name; self.category = category
    }
}

/// 支出明细: one expenditure line item, the atom every table sums.
public struct LineItem: Hashable, Sendable, Codable {
    /// 预算单位 code.
    public var unit: String
    /// 支出功能分类 项, 7 digits.
    public var function: String
    /// 部门预算支出经济分类 款, 5 digits.
    public var economic: String
    public var source: Source
    public var carryover: Carryover
    public var kind: ExpenditureKind
    /// The project code, required for 项目支出 and absent for 基本支出.
    public var project: String?
    public var amount: Money
    /// 政府预算支出经济分类 款 overriding the map, or nil to use the map by unit type.
    public var governmentEconomic: String?
    public var memo: String
    /// 测算依据: the expression the amount is computed from (docs/basis.md), or nil for a typed amount.
    public var basis: String?

    public init(unit: String, function: String, economic: String, source: Source = .generalPublic,
                carryover: Carryover = .currentYear, kind: ExpenditureKind = .basic, project: String? = nil,
                amount: Money, governmentEconomic: String? = nil, memo: String = "", basis: String? = nil) {
        self.unit = unit; self.function = function; self.economic = economic; self.source = source
        self.carryover = carryover; self.kind = kind; self.project = project; self.amount = amount
        self.governmentEconomic = governmentEconomic; self.memo = memo; self.basis = basis
    }

    /// The order the workbook folder writes items in, so load → save is byte-stable.
    public static func canonicalOrder(_ a: LineItem, _ b: LineItem) -> Bool {
        if a.unit != b.unit { return a.unit < b.unit }
        if a.carryover != b.carryover { return a.carryover.rawValue < b.carryover.rawValue }
        if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
        if (a.project ?? "") != (b.project ?? "") { return (a.project ?? "") < (b.project ?? "") }
        if a.function != b.function { return a.function < b.function }
        if a.economic != b.economic { return a.economic < b.economic }
        if a.source != b.source { return a.source.rawValue < b.source.rawValue }
        if a.amount != b.amount { return a.amount < b.amount }
        if (a.governmentEconomic ?? "") != (b.governmentEconomic ?? "") {
            return (a.governmentEconomic ?? "") < (b.governmentEconomic ?? "")
        }
        if a.memo != b.memo { return a.memo < b.memo }
        return (a.basis ?? "") < (b.basis ?? "")
    }
}

/// 收入: a revenue line of 政府性基金预算 or 国有资本经营预算 (tables 7 and 9).
public struct RevenueLine: Hashable, Sendable, Codable {
    public var source: Source
    /// 收入分类 code.
    public var code: String
    public var amount: Money
    public init(source: Source, code: String, amount: Money) {
        self.source = source; self.code = code; self.amount = amount
    }

    public static func canonicalOrder(_ a: RevenueLine, _ b: RevenueLine) -> Bool {
        if a.source != b.source { return a.source.rawValue < b.source.rawValue }
        if a.code != b.code { return a.code < b.code }
        return a.amount < b.amount
    }
}

/// One department's budget for one year: everything a workbook folder or a workspace holds.
public struct Budget: Sendable, Equatable {
    public var department: String
    public var departmentCode: String
    public var year: Int
    public var units: [BudgetUnit]
    public var projects: [Project]
    public var items: [LineItem]
    public var revenue: [RevenueLine]
    /// The effective code sets (defaults plus the workbook's own codes).
    public var codes: CodeBook
    /// The disclosure table set the department publishes (workbook.json `tables`, e.g. `mof-9`); nil:
    /// the program's default. A command's `--tables` overrides it.
    public var tableSet: String?
    /// What the bases of calculation (测算依据) read: the units' parameters (参数), the county's
    /// standards (标准) and the roster (人员信息). Empty for a budget of typed amounts.
    public var parameters: [Parameter] = []
    public var standards: [Standard] = []
    public var staff: [StaffRow] = []

    public init(department: String, departmentCode: String = "", year: Int, units: [BudgetUnit] = [],
                projects: [Project] = [], items: [LineItem] = [], revenue: [RevenueLine] = [],
                codes: CodeBook = CodeBook(), tableSet: String? = nil) {
        self.department = department; self.departmentCode = departmentCode; self.year = year
        self.units = units; self.projects = projects; self.items = items; self.revenue = revenue
        self.codes = codes; self.tableSet = tableSet
    }

    public func unit(_ code: String) -> BudgetUnit? { units.first { $0.code == code } }
}
