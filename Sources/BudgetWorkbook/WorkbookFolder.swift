import BudgetCore
import Foundation

/// The workbook folder: the plain-text form of one department's budget for one year
/// (docs/workbook-folder.md). Reading reports every problem found, up to a limit; writing is
/// in a defined order so load → save → load → save is byte-identical.
public enum WorkbookFolder {
    public static let itemColumns = ["unit", "function", "economic", "source", "carryover", "kind", "project",
                                     "amount", "gov_economic", "memo"]
    static let itemRequired = ["unit", "function", "economic", "source", "carryover", "kind", "amount"]

    /// Reads a workbook folder against the default code sets. Throws `ProblemsError` listing every
    /// problem (file, line, column, value, rule), or a `WorkbookError` for a missing folder or file.
    public static func read(_ folder: URL, defaults: CodeBook, limit: Int = 200) throws -> Budget {
        var problems = ProblemCollector(limit: limit)
        var fm: Bool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &fm), fm else {
            throw WorkbookError.notAFolder(folder.path)
        }
        let meta = try readMeta(folder.appendingPathComponent("workbook.json"), problems: &problems)
        var budget = Budget(department: meta.department, departmentCode: meta.departmentCode, year: meta.year,
                            codes: defaults, tableSet: meta.tableSet)

        if let bytes = try optionalFile(folder, "codes.csv") {
            readCodes(bytes, into: &budget.codes, problems: &problems)
        }
        if let bytes = try optionalFile(folder, "economic-map.csv") {
            readEconomicMap(bytes, file: "economic-map.csv", into: &budget.codes, origin: .workbook, problems: &problems)
        }
        budget.units = readUnits(try requiredFile(folder, "units.csv"), problems: &problems)
        budget.projects = readProjects(try requiredFile(folder, "projects.csv"), units: budget.units, problems: &problems)
        // Items are checked against codes, units and projects only when those read cleanly, so
        // one broken units.csv does not bury the clerk under a message per line.
        let contextIsSound = !problems.hasErrors
        let items = readItems(try requiredFile(folder, "items.csv"), file: "items.csv", problems: &problems)
        budget.items = items.items
        let itemLines = LineTable(file: "items.csv", lines: items.lines)
        var revenueLines = LineTable(file: "revenue.csv")
        if let bytes = try optionalFile(folder, "revenue.csv") {
            (budget.revenue, revenueLines.lines) = readRevenue(bytes, problems: &problems)
        }
        if contextIsSound {
            let v = LineItemValidator(codes: budget.codes, units: budget.units, projects: budget.projects)
            v.validate(budget.items, at: { itemLines.location($0, $1) }, into: &problems)
            for (i, r) in budget.revenue.enumerated() {
                v.validate(r, at: { Location(file: "revenue.csv", line: revenueLines.line(i), column: $0) }, into: &problems)
            }
        }
        try problems.throwIfErrors()
        return budget
    }

    struct LineTable {
        var file: String
        var lines: [Int32] = []
        func line(_ i: Int) -> Int? { i < lines.count ? Int(lines[i]) : nil }
        func location(_ i: Int, _ column: String) -> Location { Location(file: file, line: line(i), column: column) }
    }

    struct Meta { var department: String; var departmentCode: String; var year: Int; var tableSet: String? }

    static func readMeta(_ url: URL, problems: inout ProblemCollector) throws -> Meta {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw WorkbookError.missingFile(url.path)
        }
        var meta = Meta(department: "", departmentCode: "", year: 0, tableSet: nil)
        let loc = Location(file: "workbook.json")
        guard let obj = try? JSONSerialization.jsonObject(with: stripBOM(data)) as? [String: Any] else {
            problems.add(Problem(rule: "workbook-json", location: loc, message: "workbook.json 不是有效的 JSON 对象"))
            return meta
        }
        for key in obj.keys where !["department", "department_code", "year", "tables"].contains(key) {
            problems.add(Problem(rule: "unknown-column", location: Location(file: "workbook.json", column: key), value: key,
                                 message: "未知的字段 `\(key)`（可用的字段：department, department_code, year, tables）"))
        }
        // The disclosure table set's name (Templates/tables/<name>); that it is installed is checked where tables are built.
        if let t = obj["tables"] {
            if let name = t as? String, !name.isEmpty, !name.contains("/") { meta.tableSet = name } else {
                problems.add(Problem(rule: "workbook-json", location: Location(file: "workbook.json", column: "tables"), value: "\(t)",
                                     message: "tables 应为公开表模板集的名称，例如 mof-9"))
            }
        }
        if let d = obj["department"] as? String, !d.trimmingSpaces.isEmpty { meta.department = d.trimmingSpaces } else {
            problems.add(Problem(rule: "workbook-json", location: Location(file: "workbook.json", column: "department"),
                                 message: "缺少部门名称 department"))
        }
        meta.departmentCode = (obj["department_code"] as? String) ?? ""
        if let y = obj["year"] as? Int, (2000...2100).contains(y) { meta.year = y } else {
            problems.add(Problem(rule: "workbook-json", location: Location(file: "workbook.json", column: "year"),
                                 value: "\(obj["year"] ?? "")", message: "year 应为 2000 到 2100 之间的年份"))
        }
        return meta
    }

    static func stripBOM(_ d: Data) -> Data { d.starts(with: [0xEF, 0xBB, 0xBF]) ? d.dropFirst(3) : d }

    static func requiredFile(_ folder: URL, _ name: String) throws -> [UInt8] {
        let url = folder.appendingPathComponent(name)
        guard let d = FileManager.default.contents(atPath: url.path) else { throw WorkbookError.missingFile(url.path) }
        return [UInt8](d)
    }

    static func optionalFile(_ folder: URL, _ name: String) throws -> [UInt8]? {
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let d = FileManager.default.contents(atPath: url.path) else { throw WorkbookError.unreadable(url.path) }
        return [UInt8](d)
    }

    static func readUnits(_ bytes: [UInt8], problems: inout ProblemCollector) -> [BudgetUnit] {
        guard var t = CSVTable(file: "units.csv", bytes: bytes, required: ["code", "name", "type"], optional: [],
                               problems: &problems) else { return [] }
        var units: [BudgetUnit] = []
        var seen = Set<String>()
        t.forEachRecord(problems: &problems) { line, r, problems in
            let code = r.text("code"), name = r.text("name"), typeText = r.text("type")
            if code.isEmpty { problems.add(Problem(rule: "empty-value", location: r.location(line, "code"), message: "单位编码为空")) }
            else if !seen.insert(code).inserted {
                problems.add(Problem(rule: "duplicate-unit", location: r.location(line, "code"), value: code, message: "单位编码 `\(code)` 重复"))
            }
            if name.isEmpty { problems.add(Problem(rule: "empty-value", location: r.location(line, "name"), message: "单位名称为空")) }
            guard let type = UnitType(name: typeText) else {
                problems.add(Problem(rule: "unit-type", location: r.location(line, "type"), value: typeText,
                                     message: "单位类型 `\(typeText)` 不对，应为 行政单位、参公事业单位 或 事业单位"))
                return
            }
            units.append(BudgetUnit(code: code, name: name, type: type))
        }
        return units
    }

    static func readProjects(_ bytes: [UInt8], units: [BudgetUnit], problems: inout ProblemCollector) -> [Project] {
        guard var t = CSVTable(file: "projects.csv", bytes: bytes, required: ["code", "unit", "name"], optional: ["category"],
                               problems: &problems) else { return [] }
        let unitCodes = Set(units.map(\.code))
        var out: [Project] = []
        var seen = Set<[String]>()
        t.forEachRecord(problems: &problems) { line, r, problems in
            let code = r.text("code"), unit = r.text("unit"), name = r.text("name"), cat = r.text("category")
            if code.isEmpty { problems.add(Problem(rule: "empty-value", location: r.location(line, "code"), message: "项目编码为空")) }
            if name.isEmpty { problems.add(Problem(rule: "empty-value", location: r.location(line, "name"), message: "项目名称为空")) }
            if !unitCodes.contains(unit) {
                problems.add(Problem(rule: "unknown-unit", location: r.location(line, "unit"), value: unit, message: "单位 `\(unit)` 不在单位表中"))
            }
            if !seen.insert([unit, code]).inserted {
                problems.add(Problem(rule: "duplicate-project", location: r.location(line, "code"), value: code,
                                     message: "单位 `\(unit)` 的项目编码 `\(code)` 重复"))
            }
            guard let category = ProjectCategory(name: cat) else {
                problems.add(Problem(rule: "project-category", location: r.location(line, "category"), value: cat,
                                     message: "项目类别 `\(cat)` 不对，应为 其他运转类、特定目标类 或留空"))
                return
            }
            out.append(Project(code: code, unit: unit, name: name, category: category))
        }
        return out
    }

    static let sourceBytes = Source.allCases.map { (Array($0.name.utf8), $0) }
    static let carryoverBytes = Carryover.allCases.map { (Array($0.name.utf8), $0) }
    static let kindBytes = ExpenditureKind.allCases.map { (Array($0.name.utf8), $0) }

    /// Reads items.csv (or any CSV with its columns), with the line number of each item.
    /// Hot path for large budgets: columns are found once, codes are interned (one String per
    /// distinct value), enumerations are compared as bytes and amounts parsed from bytes.
    public static func readItems(_ bytes: [UInt8], file: String, aliases: [String: String] = [:],
                                 problems: inout ProblemCollector) -> (items: [LineItem], lines: [Int32]) {
        guard var t = CSVTable(file: file, bytes: bytes, required: itemRequired,
                               optional: itemColumns.filter { !itemRequired.contains($0) }, aliases: aliases,
                               problems: &problems) else { return ([], []) }
        var items: [LineItem] = []
        items.reserveCapacity(bytes.count / 80)
        var lines: [Int32] = []
        lines.reserveCapacity(bytes.count / 80)
        var parser = ItemParser(t)
        t.forEachRecord(problems: &problems) { line, r, problems in
            if let item = parser.parse(r, line: line, problems: &problems) {
                items.append(item)
                lines.append(Int32(line))
            }
        }
        return (items, lines)
    }

    /// Parses item records; holds the column positions and the interned codes.
    struct ItemParser {
        let unit, function, economic, source, carryover, kind, amount: Int
        let project, gov, memo: Int?
        var units = TextInterner(), functions = TextInterner(), economics = TextInterner()
        var projects = TextInterner(), governments = TextInterner()
        var memos = TextInterner(limit: 4096)

        init(_ t: CSVTable) {
            // Required columns are present: CSVTable refuses a header without them.
            unit = t.index["unit"]!; function = t.index["function"]!; economic = t.index["economic"]!
            source = t.index["source"]!; carryover = t.index["carryover"]!; kind = t.index["kind"]!
            amount = t.index["amount"]!
            project = t.index["project"]; gov = t.index["gov_economic"]; memo = t.index["memo"]
        }

        static func pick<T>(_ r: CSVTable.Record, _ i: Int, _ table: [([UInt8], T)], init slow: (String) -> T?) -> T? {
            let f = r.fields[i]
            for (b, v) in table where r.table.reader.field(f, equals: b) { return v }
            return slow(r.table.reader.trimmed(f))
        }

        mutating func parse(_ r: CSVTable.Record, line: Int, problems: inout ProblemCollector) -> LineItem? {
            let reader = r.table.reader
            var ok = true
            let unit = reader.interned(r.fields[self.unit], &units)
            let function = reader.interned(r.fields[self.function], &functions)
            let economic = reader.interned(r.fields[self.economic], &economics)
            if unit.isEmpty { problems.add(Problem(rule: "empty-value", location: r.location(line, "unit"), message: "单位为空")); ok = false }
            if function.isEmpty { problems.add(Problem(rule: "empty-value", location: r.location(line, "function"), message: "功能分类科目为空")); ok = false }
            if economic.isEmpty { problems.add(Problem(rule: "empty-value", location: r.location(line, "economic"), message: "经济分类科目为空")); ok = false }
            let source = Self.pick(r, self.source, sourceBytes, init: Source.init(name:))
            if source == nil {
                problems.add(Problem(rule: "source", location: r.location(line, "source"), value: r.text("source"),
                                     message: "资金来源 `\(r.text("source"))` 不对，应为 一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金 或 单位资金"))
                ok = false
            }
            let carry = Self.pick(r, carryover, carryoverBytes, init: Carryover.init(name:))
            if carry == nil {
                problems.add(Problem(rule: "carryover", location: r.location(line, "carryover"), value: r.text("carryover"),
                                     message: "`\(r.text("carryover"))` 不对，应为 当年 或 上年结转"))
                ok = false
            }
            let kind = Self.pick(r, self.kind, kindBytes, init: ExpenditureKind.init(name:))
            if kind == nil {
                problems.add(Problem(rule: "kind", location: r.location(line, "kind"), value: r.text("kind"),
                                     message: "支出类型 `\(r.text("kind"))` 不对，应为 基本支出 或 项目支出"))
                ok = false
            }
            var money = Money.zero
            do {
                money = try reader.withBytes(r.fields[amount]) { b in try Money.parseYuan(bytes: b) }
            } catch {
                // Retry with spaces trimmed (Excel pads), then report.
                do { money = try Money.parseYuan(r.text("amount")) } catch {
                    problems.add(Problem(rule: "amount", location: r.location(line, "amount"), value: r.text("amount"),
                                         message: "\(error)"))
                    ok = false
                }
            }
            guard ok, let source, let carry, let kind else { return nil }
            let projectCode = self.project.map { reader.interned(r.fields[$0], &projects) } ?? ""
            let govCode = gov.map { reader.interned(r.fields[$0], &governments) } ?? ""
            return LineItem(unit: unit, function: function, economic: economic, source: source, carryover: carry, kind: kind,
                            project: projectCode.isEmpty ? nil : projectCode, amount: money,
                            governmentEconomic: govCode.isEmpty ? nil : govCode, memo: memo.map { reader.internedRaw(r.fields[$0], &memos) } ?? "")
        }
    }

    static func readRevenue(_ bytes: [UInt8], problems: inout ProblemCollector) -> ([RevenueLine], [Int32]) {
        guard var t = CSVTable(file: "revenue.csv", bytes: bytes, required: ["source", "code", "amount"], optional: [],
                               problems: &problems) else { return ([], []) }
        var out: [RevenueLine] = []
        var lines: [Int32] = []
        t.forEachRecord(problems: &problems) { line, r, problems in
            let st = r.text("source")
            guard let source = Source(name: st) else {
                problems.add(Problem(rule: "source", location: r.location(line, "source"), value: st,
                                     message: "收入来源 `\(st)` 不对，应为 政府性基金预算 或 国有资本经营预算"))
                return
            }
            do {
                let a = try Money.parseYuan(r.text("amount"))
                out.append(RevenueLine(source: source, code: r.text("code"), amount: a))
                lines.append(Int32(line))
            } catch {
                problems.add(Problem(rule: "amount", location: r.location(line, "amount"), value: r.text("amount"), message: "\(error)"))
            }
        }
        return (out, lines)
    }

    static func readCodes(_ bytes: [UInt8], into book: inout CodeBook, problems: inout ProblemCollector) {
        guard var t = CSVTable(file: "codes.csv", bytes: bytes, required: ["set", "code", "name"], optional: [],
                               problems: &problems) else { return }
        t.forEachRecord(problems: &problems) { line, r, problems in
            let s = r.text("set"), code = r.text("code"), name = r.text("name")
            guard let set = CodeSet(rawValue: s) else {
                problems.add(Problem(rule: "code-set", location: r.location(line, "set"), value: s,
                                     message: "科目集 `\(s)` 不对，应为 function、economic、government-economic 或 revenue"))
                return
            }
            guard set.isWellFormed(code) else {
                problems.add(Problem(rule: "malformed-code", location: r.location(line, "code"), value: code,
                                     message: "科目编码 `\(code)` 格式不对（\(set.chineseName)的编码为 \(set.levels.map(String.init).joined(separator: "/")) 位数字）"))
                return
            }
            if name.isEmpty { problems.add(Problem(rule: "empty-value", location: r.location(line, "name"), message: "科目名称为空")); return }
            book.define(set, code: code, name: name, origin: .workbook)
        }
    }

    /// Reads an economic map (`economic,government_admin,government_institution`).
    public static func readEconomicMap(_ bytes: [UInt8], file: String, into book: inout CodeBook, origin: CodeOrigin,
                                       problems: inout ProblemCollector) {
        guard var t = CSVTable(file: file, bytes: bytes, required: ["economic", "government_admin", "government_institution"],
                               optional: [], problems: &problems) else { return }
        t.forEachRecord(problems: &problems) { line, r, problems in
            let e = r.text("economic"), a = r.text("government_admin"), i = r.text("government_institution")
            for (col, v, set) in [("economic", e, CodeSet.economic), ("government_admin", a, .governmentEconomic),
                                  ("government_institution", i, .governmentEconomic)] where !(v.utf8.count == 5 && set.isWellFormed(v)) {
                problems.add(Problem(rule: "malformed-code", location: r.location(line, col), value: v,
                                     message: "`\(v)` 不是 5 位的款级经济分类编码"))
                return
            }
            book.map(economic: e, to: EconomicMapping(administrative: a, institution: i), origin: origin)
        }
    }
}

/// A workbook folder that cannot be read at all.
public enum WorkbookError: Error, CustomStringConvertible, Sendable {
    case notAFolder(String)
    case missingFile(String)
    case unreadable(String)
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .notAFolder(let p): return "找不到工作簿文件夹 \(p)"
        case .missingFile(let p): return "缺少文件 \(p)"
        case .unreadable(let p): return "无法读取文件 \(p)"
        case .cannotWrite(let p, let why): return "无法写入 \(p)：\(why)"
        }
    }
}
