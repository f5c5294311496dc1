import BudgetCore

/// How the cells of a column are read (the field rules of `InputRecord`).
public enum ColumnKind: Sendable, Equatable {
    /// A code (科目, 单位, 项目): trimmed; `2080501 行政单位离退休` (a drop-down's label) gives `2080501`.
    case code
    /// A word of a fixed vocabulary (资金来源, 支出类型 …), trimmed.
    case choice
    /// A name: trimmed text.
    case name
    /// Free text, kept as written (备注).
    case text
    /// An amount, by the one amount parser.
    case amount
}

/// One column a table may have: its workbook-folder name (`amount`), the Chinese header the input
/// template writes (`金额`), the other headers clerks and finance bureaus use for it, whether it
/// is required, how its cells are read, and an example for the template's prompts.
public struct TableColumn: Sendable, Equatable {
    /// The workbook folder's column name; the key every rule and message uses.
    public let key: String
    /// The header the input template writes.
    public let chinese: String
    public let aliases: [String]
    public let required: Bool
    public let kind: ColumnKind
    /// A value to show in a prompt (`2080501`), for a code column.
    public let example: String?

    public init(_ key: String, _ chinese: String, aliases: [String] = [], required: Bool, kind: ColumnKind,
                example: String? = nil) {
        self.key = key; self.chinese = chinese; self.aliases = aliases; self.required = required; self.kind = kind
        self.example = example
    }
}

/// The columns of one table (units, projects, items, revenue, …), and how header texts map to them:
/// the one column list that `budget load` (a workbook folder's CSV), `budget import` (a sheet or a
/// CSV) and the input template (its headers and prompts) all read.
public struct TableSchema: Sendable {
    /// What the table holds, for messages (`支出明细`).
    public let title: String
    /// The file of the workbook folder (`items.csv`).
    public let file: String
    public let columns: [TableColumn]

    public init(title: String, file: String, columns: [TableColumn]) {
        self.title = title; self.file = file; self.columns = columns
    }

    /// The workbook folder's header, in order.
    public var keys: [String] { columns.map(\.key) }
    public var required: [TableColumn] { columns.filter(\.required) }

    /// The position of a column.
    public func index(_ key: String) -> Int? { columns.firstIndex { $0.key == key } }

    /// A header cell's text as it is compared: spaces and line breaks removed (Excel headers are
    /// often wrapped, `金额\n（元）`), half-width brackets made full-width, Latin letters lower-cased.
    public static func normalize(_ header: String) -> String {
        var out = ""
        for ch in header {
            switch ch {
            case " ", "\t", "\n", "\r", "\u{3000}", "*": continue
            case "(": out.append("（")
            case ")": out.append("）")
            default: out += ch.lowercased()
            }
        }
        return out
    }

    /// The column a header names, and the amount unit the header states (`金额（万元）`), if any.
    public func column(forHeader header: String) -> (index: Int, unit: AmountUnit?)? {
        let h = Self.normalize(header)
        if h.isEmpty { return nil }
        for (i, c) in columns.enumerated() {
            if Self.normalize(c.key) == h || Self.normalize(c.chinese) == h
                || c.aliases.contains(where: { Self.normalize($0) == h }) {
                return (i, nil)
            }
            if c.kind == .amount {
                for base in [c.chinese, c.key] + c.aliases {
                    let b = Self.normalize(base)
                    if h == b + "（元）" { return (i, .yuan) }
                    if h == b + "（万元）" { return (i, .wan) }
                }
            }
        }
        return nil
    }

    /// `单位（unit）、功能科目（function）…`: the columns, for a message.
    var listed: String { columns.map { $0.chinese == $0.key ? $0.key : "\($0.chinese)（\($0.key)）" }.joined(separator: "、") }
}

extension TableSchema {
    /// The columns of 支出明细 (items.csv), in the order written. Adding a line-item field is one
    /// case here and one column below (and its line in `RowRules.item` and the writers).
    public enum ItemColumn: Int, CaseIterable, Sendable {
        case unit, function, economic, source, carryover, kind, project, amount, governmentEconomic, memo

        var column: TableColumn {
            switch self {
            case .unit: return TableColumn("unit", "单位", aliases: ["预算单位", "单位编码", "单位代码", "预算单位编码"], required: true,
                                           kind: .code, example: "080001")
            case .function: return TableColumn("function", "功能科目", aliases: ["功能分类", "功能分类科目", "支出功能分类", "支出功能分类科目", "功能科目编码"],
                                               required: true, kind: .code, example: "2080501")
            case .economic: return TableColumn("economic", "经济科目", aliases: ["经济分类", "经济分类科目", "部门经济科目", "部门预算支出经济分类", "部门经济分类", "经济科目编码"],
                                               required: true, kind: .code, example: "30101")
            case .source: return TableColumn("source", "资金来源", aliases: ["资金性质"], required: true, kind: .choice)
            case .carryover: return TableColumn("carryover", "上年结转", aliases: ["当年/上年结转", "年度", "结转"], required: true, kind: .choice)
            case .kind: return TableColumn("kind", "支出类型", aliases: ["支出类别", "基本/项目"], required: true, kind: .choice)
            case .project: return TableColumn("project", "项目", aliases: ["项目编码"], required: false, kind: .code, example: "P01")
            case .amount: return TableColumn("amount", "金额", required: true, kind: .amount)
            case .governmentEconomic: return TableColumn("gov_economic", "政府经济科目", aliases: ["政府经济分类", "政府预算经济分类", "政府预算支出经济分类"],
                                                         required: false, kind: .code, example: "50101")
            case .memo: return TableColumn("memo", "备注", required: false, kind: .text)
            }
        }
    }

    /// items.csv's 测算依据 column (docs/basis.md), after the `ItemColumn` cases. Only readers that
    /// pass it to `RowRules.item` read it (the workbook folder, a CSV import); the input template's
    /// sheet and the grid's line input do not carry it yet.
    public static let itemBasisColumn = ItemColumn.allCases.count

    /// 支出明细: the columns of a line item (the input template's sheet).
    public static let items = TableSchema(title: "支出明细", file: "items.csv", columns: ItemColumn.allCases.map(\.column))

    /// items.csv as the workbook folder reads it: the line item's columns and `basis`.
    public static let itemsWithBasis = TableSchema(title: "支出明细", file: "items.csv", columns: items.columns + [
        TableColumn("basis", "测算依据", aliases: ["计算依据", "测算公式"], required: false, kind: .text),
    ])

    /// 参数: parameters.csv, named quantities of one unit (在职人数 23).
    public static let parameters = TableSchema(title: "参数", file: "parameters.csv", columns: [
        TableColumn("unit", "单位", aliases: ["单位编码", "预算单位"], required: true, kind: .code, example: "080001"),
        TableColumn("name", "参数名称", aliases: ["名称", "参数"], required: true, kind: .name),
        TableColumn("value", "数值", aliases: ["值"], required: true, kind: .name),
        TableColumn("memo", "备注", aliases: ["说明"], required: false, kind: .text),
    ])

    /// 标准: standards.csv, the county's rates and quotas for the year (养老保险单位缴费比例 16%).
    public static let standards = TableSchema(title: "标准", file: "standards.csv", columns: [
        TableColumn("name", "标准名称", aliases: ["名称", "标准"], required: true, kind: .name),
        TableColumn("value", "数值", aliases: ["值"], required: true, kind: .name),
        TableColumn("memo", "备注", aliases: ["说明"], required: false, kind: .text),
    ])

    /// 人员信息: staff.csv's fixed columns; every other column is a monthly amount field (元) named by
    /// its header (`staff(fields:)`).
    public static let staffFixed: [TableColumn] = [
        TableColumn("unit", "单位", aliases: ["单位编码", "预算单位"], required: true, kind: .code, example: "080001"),
        TableColumn("name", "姓名", aliases: ["名称", "岗位"], required: true, kind: .name),
        TableColumn("category", "类别", aliases: ["人员类别"], required: true, kind: .name),
        TableColumn("count", "人数", aliases: [], required: false, kind: .name),
    ]

    /// staff.csv with these amount fields, in this order.
    public static func staff(fields: [String]) -> TableSchema {
        TableSchema(title: "人员信息", file: "staff.csv",
                    columns: staffFixed + fields.map { TableColumn($0, $0, required: false, kind: .amount) })
    }

    /// 单位: units.csv.
    public static let units = TableSchema(title: "单位", file: "units.csv", columns: [
        TableColumn("code", "单位编码", aliases: ["编码"], required: true, kind: .code, example: "080001"),
        TableColumn("name", "单位名称", aliases: ["名称"], required: true, kind: .name),
        TableColumn("type", "单位类型", aliases: ["类型"], required: true, kind: .choice),
    ])

    /// 项目: projects.csv.
    public static let projects = TableSchema(title: "项目", file: "projects.csv", columns: [
        TableColumn("code", "项目编码", aliases: ["编码"], required: true, kind: .code, example: "P01"),
        TableColumn("unit", "单位", aliases: ["单位编码", "预算单位"], required: true, kind: .code, example: "080001"),
        TableColumn("name", "项目名称", aliases: ["名称"], required: true, kind: .name),
        TableColumn("category", "项目类别", aliases: ["类别"], required: false, kind: .choice),
    ])

    /// 收入: revenue.csv.
    public static let revenue = TableSchema(title: "收入", file: "revenue.csv", columns: [
        TableColumn("source", "资金来源", aliases: ["收入来源"], required: true, kind: .choice),
        TableColumn("code", "收入科目", aliases: ["收入分类", "收入分类科目", "科目编码"], required: true, kind: .code, example: "1030148"),
        TableColumn("amount", "金额", required: true, kind: .amount),
    ])

    /// A code list: `code,name` or 科目编码,科目名称 (a finance bureau's list, CSV or XLSX).
    public static let codeList = TableSchema(title: "科目表", file: "", columns: [
        TableColumn("code", "科目编码", aliases: ["编码", "科目代码", "代码"], required: true, kind: .code),
        TableColumn("name", "科目名称", aliases: ["名称"], required: true, kind: .name),
    ])

    /// codes.csv of a workbook folder: the codes it adds or renames.
    public static let workbookCodes = TableSchema(title: "科目", file: "codes.csv", columns: [
        TableColumn("set", "科目集", required: true, kind: .name),
        TableColumn("code", "科目编码", required: true, kind: .code),
        TableColumn("name", "科目名称", required: true, kind: .name),
    ])

    /// economic-map.csv: department economic 款 → government economic 款 by unit type.
    public static let economicMap = TableSchema(title: "经济分类对照", file: "economic-map.csv", columns: [
        TableColumn("economic", "部门经济科目", required: true, kind: .code),
        TableColumn("government_admin", "政府经济科目（机关）", required: true, kind: .code),
        TableColumn("government_institution", "政府经济科目（事业单位）", required: true, kind: .code),
    ])
}
