import BudgetCore
import BudgetStore
import Foundation

/// The sheets of what bases read (docs/basis.md): 参数 (a unit's parameters), 标准 (the county's
/// standards) and 人员 (the roster). Each edit is one store transaction (`Workspace.setParameter`
/// and the others: the engine refuses an edit that would leave a line with a problem, and nothing
/// changes), and the answer is an `API.Outcome` like a grid step's: the lines that moved with it
/// and the tree rows they changed, so the page repaints every dependent line and subtotal at once.
/// These edits are not undo steps (the change log's undo reverts line rows only); basis_log keeps them.
extension API {
    struct ParameterRow: Encodable, Sendable { var unit: String; var unitName: String; var name: String; var value: String; var memo: String }
    struct StandardRow: Encodable, Sendable { var name: String; var value: String; var memo: String }

    struct StaffLine: Encodable, Sendable {
        var id: Int64
        var unit: String
        var unitName: String
        var name: String
        var category: String
        var count: Int64
        /// Monthly amounts in 元 by field, as edited (`2780.00`); a field the row lacks is absent.
        var amounts: [String: String]
    }

    /// The roster with its amount fields (every field some row has, in name order: the columns).
    struct StaffSheet: Encodable, Sendable { var fields: [String]; var rows: [StaffLine] }

    /// An edit of a sheet. `op`: `setParameter`, `removeParameter` (unit, name, value, memo),
    /// `setStandard`, `removeStandard` (name, value, memo), `addStaff`, `setStaff`, `removeStaff`
    /// (id; unit, name, category, count, amounts: field → 元 as typed). A field left out keeps its value.
    struct BasisIntent: Decodable, Sendable {
        var op: String
        var author: String?
        var view: String?
        var money: String?
        var unit: String?
        var name: String?
        var value: String?
        var memo: String?
        var id: Int64?
        var category: String?
        var count: String?
        var amounts: [String: String]?
    }
}

extension Workbench {
    func parameterRows() throws -> [API.ParameterRow] {
        try refresh()
        let ctx = context
        return try workspace.parameters().map {
            API.ParameterRow(unit: $0.unit, unitName: ctx.unit($0.unit)?.name ?? "", name: $0.name, value: $0.value.text, memo: $0.memo)
        }
    }

    func standardRows() throws -> [API.StandardRow] {
        try workspace.standards().map { API.StandardRow(name: $0.name, value: $0.value.text, memo: $0.memo) }
    }

    func staffSheet() throws -> API.StaffSheet {
        try refresh()
        let ctx = context
        let rows = try workspace.staff()
        let fields = Set(rows.flatMap { $0.row.amounts.keys }).sorted()
        return API.StaffSheet(fields: fields, rows: rows.map { s in
            API.StaffLine(id: s.id, unit: s.row.unit, unitName: ctx.unit(s.row.unit)?.name ?? "", name: s.row.name, category: s.row.category,
                          count: s.row.count, amounts: s.row.amounts.mapValues(\.yuanText))
        })
    }

    /// Applies one sheet edit and answers with the lines that moved and the tree rows they changed.
    func performBasis(_ intent: API.BasisIntent) throws -> API.Outcome {
        try refresh()
        let money = try MoneyUnit(intent.money)
        let view = try TreeKind(intent.view)
        let author = API.authorName(intent.author)
        let done: BasisOutcome
        let message: String
        switch intent.op {
        case "setParameter":
            let unit = try Self.unitCode(intent.unit), name = try Self.required(intent.name, "参数名称")
            let old = try workspace.parameters().first { $0.unit == unit && $0.name == name }
            let p = Parameter(unit: unit, name: name, value: try Self.number(intent.value, what: "参数 `\(name)`"),
                              memo: intent.memo ?? old?.memo ?? "")
            done = try workspace.setParameter(p, author: author)
            message = "已\(old == nil ? "新增" : "修改")单位 \(unit) 的参数 \(name) = \(p.value.text)"
        case "removeParameter":
            let unit = try Self.unitCode(intent.unit), name = try Self.required(intent.name, "参数名称")
            done = try workspace.removeParameter(unit: unit, name: name, author: author)
            message = "已删除单位 \(unit) 的参数 \(name)"
        case "setStandard":
            let name = try Self.required(intent.name, "标准名称")
            let old = try workspace.standards().first { $0.name == name }
            let s = Standard(name: name, value: try Self.number(intent.value, what: "标准 `\(name)`"), memo: intent.memo ?? old?.memo ?? "")
            done = try workspace.setStandard(s, author: author)
            message = "已\(old == nil ? "新增" : "修改")标准 \(name) = \(s.value.text)"
        case "removeStandard":
            let name = try Self.required(intent.name, "标准名称")
            done = try workspace.removeStandard(name: name, author: author)
            message = "已删除标准 \(name)"
        case "addStaff":
            let unit = try Self.unitCode(intent.unit)
            let row = try Self.staffRow(StaffRow(unit: unit, name: "", category: "在职"), intent)
            done = try workspace.importStaff([row], replace: false, author: author)
            message = "已新增人员信息：\(row.name)（\(row.category)，\(row.count) 人）"
        case "setStaff":
            guard let id = intent.id else { throw APIError(.badRequest, "缺少 id（人员信息的行号）") }
            guard let current = try workspace.staff().first(where: { $0.id == id }) else {
                throw APIError(.notFound, "人员信息第 \(id) 行不存在（可能已被他人删除），请刷新")
            }
            var base = current.row
            if let u = intent.unit { base.unit = try Self.unitCode(u) }
            let row = try Self.staffRow(base, intent)
            if row == current.row { return try outcome(AppliedStep(), before: [:], view: view, money: money, session: nil, message: "没有改动", notes: []) }
            done = try workspace.setStaffRow(id, to: row, author: author)
            message = "已修改人员信息第 \(id) 行（\(row.name)）"
        case "removeStaff":
            guard let id = intent.id else { throw APIError(.badRequest, "缺少 id（人员信息的行号）") }
            done = try workspace.removeStaffRow(id, author: author)
            message = "已删除人员信息第 \(id) 行"
        default:
            throw APIError(.badRequest, "未知的操作 `\(intent.op)`，应为 setParameter、removeParameter、setStandard、removeStandard、addStaff、setStaff 或 removeStaff")
        }
        // The moved lines were written and logged in the same transaction: take them in from the log.
        var before: [Int64: StoredItem] = [:]
        for c in done.moved { before[c.id] = stored[c.id] }
        try refresh()
        var step = AppliedStep()
        step.saved = done.moved.compactMap { stored[$0.id] }
        step.moved = done.moved
        return try outcome(step, before: before, view: view, money: money, session: nil, message: message, notes: [])
    }

    /// A roster row with the intent's fields over `base` (a field left out keeps its value).
    static func staffRow(_ base: StaffRow, _ intent: API.BasisIntent) throws -> StaffRow {
        var row = base
        var problems: [String] = []
        if let n = intent.name { row.name = n.trimmingSpaces }
        if let c = intent.category { row.category = c.trimmingSpaces }
        if row.name.isEmpty { problems.append("人员信息 列 name：姓名或岗位不能为空") }
        if row.category.isEmpty { problems.append("人员信息 列 category：类别不能为空（如 在职、退休、遗属）") }
        if let t = intent.count {
            let digits = t.trimmingSpaces
            if digits.isEmpty { row.count = 1 } else if digits.utf8.count <= 7, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                                                       let n = Int64(digits), n <= 1_000_000 {
                row.count = n
            } else {
                problems.append("人员信息 列 count：人数 `\(t)` 不对，应为 0 到 1000000 的整数")
            }
        }
        for (field, text) in (intent.amounts ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let why = BasisName.problem(field) { problems.append("人员信息 列 \(field)：\(why)"); continue }
            let t = text.trimmingSpaces
            if t.isEmpty { row.amounts[field] = .zero; continue }
            do {
                let m = try Money.parseYuan(t)
                if m.fen < 0 { problems.append("人员信息 列 \(field)：金额 `\(text)` 不得为负数") } else { row.amounts[field] = m }
            } catch { problems.append("人员信息 列 \(field)：\(error.description)") }
        }
        if !problems.isEmpty { throw APIError(.unprocessableContent, "发现 \(problems.count) 个问题，未做任何更改", problems: problems) }
        return row
    }

    /// A unit as the page sends it: `121001` or `121001 示范县农业农村局`.
    static func unitCode(_ raw: String?) throws -> String {
        let first = (raw ?? "").trimmingSpaces.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).first.map(String.init) ?? ""
        guard !first.isEmpty else { throw APIError(.badRequest, "缺少预算单位") }
        return first
    }

    static func required(_ raw: String?, _ what: String) throws -> String {
        let t = (raw ?? "").trimmingSpaces
        guard !t.isEmpty else { throw APIError(.unprocessableContent, "\(what)不能为空") }
        return t
    }

    /// A parameter or standard value as typed (`16%`, `0.16`, `８０００`), by the loaders' rule.
    static func number(_ raw: String?, what: String) throws -> BasisNumber {
        do { return try BasisNumber.parse(raw ?? "") } catch {
            throw APIError(.unprocessableContent, "发现 1 个问题，未做任何更改", problems: ["\(what) 列 value：\(error.description)"])
        }
    }
}
