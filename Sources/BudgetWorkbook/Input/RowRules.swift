import BudgetCore

/// The rules of one row of each table, written once over `InputRecord`: `budget load` reads a
/// workbook folder's CSV files with them, `budget import` its sheets and CSV files. Each returns
/// the row's value, or nil after adding every problem the row has (file, line, column, value, rule).
public enum RowRules {
    typealias I = TableSchema.ItemColumn

    /// A line of 支出明细 (items.csv).
    public static func item<R: InputRecord>(_ r: inout R, unit amountUnit: AmountUnit,
                                            problems: inout ProblemCollector) -> LineItem? {
        var omitted = false
        return item(&r, unit: amountUnit, problems: &problems, basisColumn: nil, amountOmitted: &omitted)
    }

    /// A line of 支出明细 with its 测算依据 in column `basisColumn` (`TableSchema.itemBasisColumn`, of
    /// a record read by `TableSchema.itemsWithBasis`); `amountOmitted` tells that a line with a basis
    /// left its amount empty (its amount is 0 until the basis is computed; no stated amount to compare).
    public static func item<R: InputRecord>(_ r: inout R, unit amountUnit: AmountUnit, problems: inout ProblemCollector,
                                            basisColumn: Int?, amountOmitted: inout Bool) -> LineItem? {
        var ok = true
        func required(_ c: I, _ empty: String, _ r: inout R) -> String {
            guard let v = r.code(c.rawValue, &problems) else { ok = false; return "" }
            if v.isEmpty {
                problems.add(Problem(rule: .emptyValue, location: r.location(c.rawValue), message: empty))
                ok = false
            }
            return v
        }
        let unit = required(.unit, "单位为空", &r)
        let function = required(.function, "功能分类科目为空", &r)
        let economic = required(.economic, "经济分类科目为空", &r)
        let source = choice(&r, I.source.rawValue, Source.self, .source, &problems) {
            "资金来源 `\($0)` 不对，应为 一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金 或 单位资金"
        }
        let carry = choice(&r, I.carryover.rawValue, Carryover.self, .carryover, &problems) { "`\($0)` 不对，应为 当年 或 上年结转" }
        let kind = choice(&r, I.kind.rawValue, ExpenditureKind.self, .kind, &problems) { "支出类型 `\($0)` 不对，应为 基本支出 或 项目支出" }
        var basisText: String? = ""
        if let c = basisColumn { basisText = r.text(c, &problems) }
        let basis = basisText.map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 }
        amountOmitted = basis != nil && r.shown(I.amount.rawValue).isEmpty
        let amount = amountOmitted ? Money.zero : r.amount(I.amount.rawValue, unit: amountUnit, &problems)
        let project = r.code(I.project.rawValue, &problems)
        let gov = r.code(I.governmentEconomic.rawValue, &problems)
        let memo = r.text(I.memo.rawValue, &problems)
        guard ok, let source, let carry, let kind, let amount, let project, let gov, let memo, basisText != nil else { return nil }
        return LineItem(unit: unit, function: function, economic: economic, source: source, carryover: carry, kind: kind,
                        project: project.isEmpty ? nil : project, amount: amount,
                        governmentEconomic: gov.isEmpty ? nil : gov, memo: memo, basis: basis)
    }

    /// A parameter (parameters.csv): a unit, a name a basis can use, a value; `seen` holds the
    /// (unit, name) pairs before it. The unit is checked against units.csv by the caller.
    public static func parameter<R: InputRecord>(_ r: inout R, seen: inout Set<[String]>, problems: inout ProblemCollector) -> Parameter? {
        let unit = r.code(0, &problems)
        let name = basisName(&r, 1, what: "参数名称", &problems)
        let value = basisValue(&r, 2, &problems)
        let memo = r.text(3, &problems)
        if unit == "" { problems.add(Problem(rule: .emptyValue, location: r.location(0), message: "单位为空")) }
        guard let unit, !unit.isEmpty, let name, let value, let memo else { return nil }
        guard seen.insert([unit, name]).inserted else {
            problems.add(Problem(rule: .basisDuplicateParameter, location: r.location(1), value: name,
                                 message: "单位 `\(unit)` 的参数 `\(name)` 重复"))
            return nil
        }
        return Parameter(unit: unit, name: name, value: value, memo: memo)
    }

    /// A standard (standards.csv): a name a basis can use and a value; `seen` holds the names before it.
    public static func standard<R: InputRecord>(_ r: inout R, seen: inout Set<String>, problems: inout ProblemCollector) -> Standard? {
        let name = basisName(&r, 0, what: "标准名称", &problems)
        let value = basisValue(&r, 1, &problems)
        let memo = r.text(2, &problems)
        guard let name, let value, let memo else { return nil }
        guard seen.insert(name).inserted else {
            problems.add(Problem(rule: .basisDuplicateStandard, location: r.location(0), value: name, message: "标准 `\(name)` 重复"))
            return nil
        }
        return Standard(name: name, value: value, memo: memo)
    }

    /// A roster row (staff.csv): unit, name, category, count (empty = 1) and the monthly amounts of
    /// `fields` (columns 4…, 元; an empty cell is 0). The unit is checked by the caller.
    public static func staffRow<R: InputRecord>(_ r: inout R, fields: [String], problems: inout ProblemCollector) -> StaffRow? {
        let unit = r.code(0, &problems)
        let name = r.name(1, &problems)
        let category = r.name(2, &problems)
        let countText = r.name(3, &problems)
        if unit == "" { problems.add(Problem(rule: .emptyValue, location: r.location(0), message: "单位为空")) }
        if name == "" { problems.add(Problem(rule: .emptyValue, location: r.location(1), message: "姓名（或岗位）为空")) }
        if category == "" { problems.add(Problem(rule: .emptyValue, location: r.location(2), message: "人员类别为空（如 在职、退休、遗属）")) }
        var count: Int64? = 1
        if let t = countText, !t.isEmpty {
            count = staffCount(t)
            if count == nil {
                problems.add(Problem(rule: .basisStaffCount, location: r.location(3), value: t,
                                     message: "人数 `\(t)` 应为 0 至 \(BasisLimits.staffCount) 的整数（留空为 1）"))
            }
        }
        var amounts: [String: Money] = [:]
        var ok = true
        for (k, field) in fields.enumerated() {
            let c = 4 + k
            if r.shown(c).isEmpty { amounts[field] = .zero; continue }
            if let m = r.amount(c, unit: .yuan, &problems) { amounts[field] = m } else { ok = false }
        }
        guard ok, let unit, !unit.isEmpty, let name, !name.isEmpty, let category, !category.isEmpty, let count else { return nil }
        return StaffRow(unit: unit, name: name, category: category, count: count, amounts: amounts)
    }

    /// A roster header cell that is not a fixed column: an amount field named by it, which must be a
    /// name a basis can use (`工资(岗位工资, 在职)`), once (a repeat is the header's duplicate column),
    /// and at most `BasisLimits.staffFields` of them. Appends it to `fields`; false past the limit.
    public static func staffField(_ text: String, fields: inout [String], at location: Location,
                                  problems: inout ProblemCollector) -> Bool {
        if fields.contains(text) { return true }
        if let why = BasisName.problem(text) {
            problems.add(Problem(rule: .basisBadName, location: location, value: text,
                                 message: "人员信息的金额列名：\(why)（列名即测算依据中 工资(列名) 的字段名）"))
            return true
        }
        guard fields.count < BasisLimits.staffFields else {
            problems.add(Problem(rule: .basisLimit, location: location, value: text,
                                 message: "人员信息的金额列超过 \(BasisLimits.staffFields) 列的上限"))
            return false
        }
        fields.append(text)
        return true
    }

    /// Counts a data row of a parameters, standards or roster table against `BasisLimits.tableRows`:
    /// the first row past it is a problem naming the limit; false for it and every row after (not kept).
    public static func withinTableRows(_ rows: inout Int, title: String, at location: Location,
                                       problems: inout ProblemCollector) -> Bool {
        rows += 1
        if rows == BasisLimits.tableRows + 1 {
            problems.add(Problem(rule: .basisLimit, location: location, message: "\(title)超过 \(BasisLimits.tableRows) 行的上限"))
        }
        return rows <= BasisLimits.tableRows
    }

    /// A head count: ASCII or full-width digits, 0 … `BasisLimits.staffCount`.
    static func staffCount(_ t: String) -> Int64? {
        var n: Int64 = 0
        for u in t.unicodeScalars {
            let d: UInt32
            switch u.value {
            case 0x30...0x39: d = u.value - 0x30
            case 0xFF10...0xFF19: d = u.value - 0xFF10
            default: return nil
            }
            n = n * 10 + Int64(d)
            if n > BasisLimits.staffCount { return nil }
        }
        return n
    }

    /// A name a basis can refer to (`BasisName.problem`).
    static func basisName<R: InputRecord>(_ r: inout R, _ c: Int, what: String, _ problems: inout ProblemCollector) -> String? {
        guard let name = r.name(c, &problems) else { return nil }
        if name.isEmpty { problems.add(Problem(rule: .emptyValue, location: r.location(c), message: "\(what)为空")); return nil }
        if let why = BasisName.problem(name) {
            problems.add(Problem(rule: .basisBadName, location: r.location(c), value: name, message: "\(what)：\(why)"))
            return nil
        }
        return name
    }

    /// A parameter's or standard's value (`BasisNumber.parse`: `23`, `0.16`, `16%`).
    static func basisValue<R: InputRecord>(_ r: inout R, _ c: Int, _ problems: inout ProblemCollector) -> BasisNumber? {
        guard let text = r.name(c, &problems) else { return nil }
        do { return try BasisNumber.parse(text) } catch {
            problems.add(Problem(rule: text.trimmingSpaces.hasPrefix("-") ? .basisNegativeValue : .basisValue,
                                 location: r.location(c), value: text, message: error.description))
            return nil
        }
    }

    /// A unit (units.csv, the 单位 sheet); `seen` holds the codes of the rows before it.
    public static func unit<R: InputRecord>(_ r: inout R, seen: inout Set<String>, problems: inout ProblemCollector) -> BudgetUnit? {
        let code = r.code(0, &problems)
        let name = r.name(1, &problems)
        let type = choice(&r, 2, UnitType.self, .unitType, &problems) { "单位类型 `\($0)` 不对，应为 行政单位、参公事业单位 或 事业单位" }
        if let code {
            if code.isEmpty { problems.add(Problem(rule: .emptyValue, location: r.location(0), message: "单位编码为空")) }
            else if !seen.insert(code).inserted {
                problems.add(Problem(rule: .duplicateUnit, location: r.location(0), value: code, message: "单位编码 `\(code)` 重复"))
            }
        }
        if name == "" { problems.add(Problem(rule: .emptyValue, location: r.location(1), message: "单位名称为空")) }
        guard let code, let name, let type else { return nil }
        return BudgetUnit(code: code, name: name, type: type)
    }

    /// A project (projects.csv, the 项目 sheet); `seen` holds the (unit, code) pairs before it.
    public static func project<R: InputRecord>(_ r: inout R, seen: inout Set<[String]>, problems: inout ProblemCollector) -> Project? {
        let code = r.code(0, &problems)
        let unit = r.code(1, &problems)
        let name = r.name(2, &problems)
        let category = choice(&r, 3, ProjectCategory.self, .projectCategory, &problems) {
            "项目类别 `\($0)` 不对，应为 其他运转类、特定目标类 或留空"
        }
        if code == "" { problems.add(Problem(rule: .emptyValue, location: r.location(0), message: "项目编码为空")) }
        if name == "" { problems.add(Problem(rule: .emptyValue, location: r.location(2), message: "项目名称为空")) }
        if let code, let unit, !seen.insert([unit, code]).inserted {
            problems.add(Problem(rule: .duplicateProject, location: r.location(0), value: code,
                                 message: "单位 `\(unit)` 的项目编码 `\(code)` 重复"))
        }
        guard let code, let unit, let name, let category else { return nil }
        return Project(code: code, unit: unit, name: name, category: category)
    }

    /// A revenue line (revenue.csv, the 收入 sheet), amounts in `unit`.
    public static func revenue<R: InputRecord>(_ r: inout R, unit amountUnit: AmountUnit,
                                               problems: inout ProblemCollector) -> RevenueLine? {
        let source = choice(&r, 0, Source.self, .source, &problems) { "收入来源 `\($0)` 不对，应为 政府性基金预算 或 国有资本经营预算" }
        let code = r.code(1, &problems)
        let amount = r.amount(2, unit: amountUnit, &problems)
        guard let source, let code, let amount else { return nil }
        return RevenueLine(source: source, code: code, amount: amount)
    }

    /// A row of a code list (`code,name`): the code must be well formed for `set`, once, and named.
    public static func codeListEntry<R: InputRecord>(_ r: inout R, set: CodeSet, seen: inout Set<String>,
                                                     problems: inout ProblemCollector) -> (String, String)? {
        guard let code = r.code(0, &problems),
              let name = r.name(1, &problems) else { return nil }
        codeListRules(code, name: name, set: set, seen: &seen, location: { r.location($0 == "code" ? 0 : 1) }, problems: &problems)
        return set.isWellFormed(code) && !name.isEmpty ? (code, name) : nil
    }

    /// The rules for one row of a code list.
    public static func codeListRules(_ code: String, name: String, set: CodeSet, seen: inout Set<String>,
                                     location: (String) -> Location, problems: inout ProblemCollector) {
        if !set.isWellFormed(code) {
            problems.add(Problem(rule: .malformedCode, location: location("code"), value: code,
                                 message: "科目编码 `\(code)` 格式不对（\(set.chineseName)的编码为 \(set.levels.map(String.init).joined(separator: "/")) 位数字）"))
        } else if !seen.insert(code).inserted {
            problems.add(Problem(rule: .duplicateCode, location: location("code"), value: code, message: "科目编码 `\(code)` 重复"))
        }
        if name.isEmpty {
            problems.add(Problem(rule: .emptyValue, location: location("name"), value: code, message: "科目 `\(code)` 的名称为空"))
        }
    }

    /// A row of codes.csv: a code the workbook adds or renames.
    public static func workbookCode<R: InputRecord>(_ r: inout R, problems: inout ProblemCollector) -> (CodeSet, String, String)? {
        guard let s = r.name(0, &problems),
              let code = r.code(1, &problems),
              let name = r.name(2, &problems) else { return nil }
        guard let set = CodeSet(rawValue: s) else {
            problems.add(Problem(rule: .codeSet, location: r.location(0), value: s,
                                 message: "科目集 `\(s)` 不对，应为 function、economic、government-economic 或 revenue"))
            return nil
        }
        guard set.isWellFormed(code) else {
            problems.add(Problem(rule: .malformedCode, location: r.location(1), value: code,
                                 message: "科目编码 `\(code)` 格式不对（\(set.chineseName)的编码为 \(set.levels.map(String.init).joined(separator: "/")) 位数字）"))
            return nil
        }
        if name.isEmpty { problems.add(Problem(rule: .emptyValue, location: r.location(2), message: "科目名称为空")); return nil }
        return (set, code, name)
    }

    /// A row of economic-map.csv: three 5-digit economic codes.
    public static func economicMapping<R: InputRecord>(_ r: inout R, problems: inout ProblemCollector) -> (String, EconomicMapping)? {
        var codes: [String] = []
        for (c, set) in [(0, CodeSet.economic), (1, .governmentEconomic), (2, .governmentEconomic)] {
            guard let v = r.code(c, &problems) else { return nil }
            guard v.utf8.count == set.lineLevel, set.isWellFormed(v) else {
                problems.add(Problem(rule: .malformedCode, location: r.location(c), value: v, message: "`\(v)` 不是 5 位的款级经济分类编码"))
                return nil
            }
            codes.append(v)
        }
        return (codes[0], EconomicMapping(administrative: codes[1], institution: codes[2]))
    }

    /// A word of a vocabulary; an unknown word is a problem with `message(word)`.
    static func choice<R: InputRecord, T: InputChoice>(_ r: inout R, _ c: Int, _ type: T.Type, _ rule: RuleID,
                                                       _ problems: inout ProblemCollector,
                                                       _ message: (String) -> String) -> T? {
        guard let v = r.choice(c, as: T.self, &problems) else { return nil }
        if let v { return v }
        let word = r.shown(c)
        problems.add(Problem(rule: rule, location: r.location(c), value: word, message: message(word)))
        return nil
    }
}

