import BudgetCore

/// The unit an amount column is written in: 元 (the workbook folder's unit) or 万元 (the tables').
public enum AmountUnit: Sendable, Equatable {
    case yuan, wan

    public var chineseName: String { self == .yuan ? "元" : "万元" }
}

/// One column a sheet may have: its workbook-folder name (`amount`), the Chinese header the
/// template writes (`金额`), and the other headers clerks and finance bureaus use for it.
public struct ImportColumn: Sendable, Equatable {
    /// The workbook folder's English column name; the key every rule and message uses.
    public let key: String
    /// The header the input template writes.
    public let chinese: String
    public let aliases: [String]
    public let required: Bool

    public init(_ key: String, _ chinese: String, aliases: [String] = [], required: Bool) {
        self.key = key; self.chinese = chinese; self.aliases = aliases; self.required = required
    }
}

/// The columns of one kind of sheet, and how header texts map to them.
public struct ImportSchema: Sendable {
    /// What the sheet holds, for messages (`支出明细`).
    public let title: String
    public let columns: [ImportColumn]

    public init(title: String, columns: [ImportColumn]) { self.title = title; self.columns = columns }

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
    public func column(forHeader header: String) -> (column: ImportColumn, unit: AmountUnit?)? {
        let h = Self.normalize(header)
        if h.isEmpty { return nil }
        for c in columns {
            if Self.normalize(c.key) == h || Self.normalize(c.chinese) == h
                || c.aliases.contains(where: { Self.normalize($0) == h }) {
                return (c, nil)
            }
            if c.key == "amount" {
                for base in [c.chinese, "amount"] + c.aliases {
                    let b = Self.normalize(base)
                    if h == b + "（元）" { return (c, .yuan) }
                    if h == b + "（万元）" { return (c, .wan) }
                }
            }
        }
        return nil
    }

    public var required: [ImportColumn] { columns.filter(\.required) }
}

extension ImportSchema {
    /// 支出明细: the columns of items.csv (WorkbookFolder.itemColumns).
    public static let items = ImportSchema(title: "支出明细", columns: [
        ImportColumn("unit", "单位", aliases: ["预算单位", "单位编码", "预算单位编码"], required: true),
        ImportColumn("function", "功能科目", aliases: ["功能分类", "功能分类科目", "支出功能分类", "支出功能分类科目", "功能科目编码"], required: true),
        ImportColumn("economic", "经济科目", aliases: ["经济分类", "经济分类科目", "部门经济科目", "部门预算支出经济分类", "部门经济分类", "经济科目编码"], required: true),
        ImportColumn("source", "资金来源", aliases: ["资金性质"], required: true),
        ImportColumn("carryover", "上年结转", aliases: ["当年/上年结转", "年度", "结转"], required: true),
        ImportColumn("kind", "支出类型", aliases: ["支出类别", "基本/项目"], required: true),
        ImportColumn("project", "项目", aliases: ["项目编码"], required: false),
        ImportColumn("amount", "金额", required: true),
        ImportColumn("gov_economic", "政府经济科目", aliases: ["政府经济分类", "政府预算经济分类", "政府预算支出经济分类"], required: false),
        ImportColumn("memo", "备注", required: false),
    ])

    /// 单位: units.csv.
    public static let units = ImportSchema(title: "单位", columns: [
        ImportColumn("code", "单位编码", aliases: ["编码"], required: true),
        ImportColumn("name", "单位名称", aliases: ["名称"], required: true),
        ImportColumn("type", "单位类型", aliases: ["类型"], required: true),
    ])

    /// 项目: projects.csv.
    public static let projects = ImportSchema(title: "项目", columns: [
        ImportColumn("code", "项目编码", aliases: ["编码"], required: true),
        ImportColumn("unit", "单位", aliases: ["单位编码", "预算单位"], required: true),
        ImportColumn("name", "项目名称", aliases: ["名称"], required: true),
        ImportColumn("category", "项目类别", aliases: ["类别"], required: false),
    ])

    /// 收入: revenue.csv.
    public static let revenue = ImportSchema(title: "收入", columns: [
        ImportColumn("source", "资金来源", aliases: ["收入来源"], required: true),
        ImportColumn("code", "收入科目", aliases: ["收入分类", "收入分类科目", "科目编码"], required: true),
        ImportColumn("amount", "金额", required: true),
    ])

    /// A code list: `code,name` or 科目编码,科目名称 (the aliases of CodeLists.parseCodeList).
    public static let codeList = ImportSchema(title: "科目表", columns: [
        ImportColumn("code", "科目编码", aliases: ["编码", "科目代码", "代码"], required: true),
        ImportColumn("name", "科目名称", aliases: ["名称"], required: true),
    ])
}
