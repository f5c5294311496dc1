import BudgetCore
import BudgetStore
import Foundation

/// The workbench's user model (IronCalc's `UserModel`): the page sends intentions — set this
/// line, add a line, paste this block, remove these, undo, redo — and the server applies each as
/// one step, in one SQLite transaction, then answers with what changed (`API.Outcome`).
///
/// Undo and redo stacks belong to a **session**, one per browser tab (the page keeps its id in
/// `sessionStorage`, so a reload of the tab keeps its steps): two tabs of the same clerk, or two
/// clerks, never undo each other's work. A step is remembered as the range of change-log ids its
/// transaction wrote; undo reverts those rows (`Workspace.revert`) and is refused, changing
/// nothing, when anyone changed one of its lines since. The stacks live in the server's memory:
/// they end when `budget serve` stops (the change log keeps every change for good).
struct UserModel: Sendable {
    /// Steps kept per session (older ones can no longer be undone).
    static let stepLimit = 100
    /// Sessions kept; the one unused longest is forgotten first.
    static let sessionLimit = 200
    /// The most lines one paste may hold.
    static let pasteLimit = 5000

    struct Step: Sendable {
        var log: ClosedRange<Int64>
        var label: String
    }

    struct Session: Sendable {
        var undo: [Step] = []
        var redo: [Step] = []
        var used: UInt64 = 0
    }

    private var sessions: [String: Session] = [:]
    private var clock: UInt64 = 0

    /// A new step: undoable, and the end of what could be redone.
    mutating func record(_ step: Step, in id: String) {
        touch(id) { s in
            s.undo.append(step)
            if s.undo.count > Self.stepLimit { s.undo.removeFirst(s.undo.count - Self.stepLimit) }
            s.redo.removeAll()
        }
    }

    mutating func popUndo(_ id: String) -> Step? { var out: Step?; touch(id) { out = $0.undo.popLast() }; return out }
    mutating func popRedo(_ id: String) -> Step? { var out: Step?; touch(id) { out = $0.redo.popLast() }; return out }
    mutating func pushUndo(_ step: Step, _ id: String) { touch(id) { $0.undo.append(step) } }
    mutating func pushRedo(_ step: Step, _ id: String) { touch(id) { $0.redo.append(step) } }

    /// The labels of the next undo and redo of a session.
    func next(_ id: String?) -> (undo: String?, redo: String?) {
        guard let id, let s = sessions[id] else { return (nil, nil) }
        return (s.undo.last?.label, s.redo.last?.label)
    }

    private mutating func touch(_ id: String, _ body: (inout Session) -> Void) {
        clock += 1
        var s = sessions[id] ?? Session()
        body(&s)
        s.used = clock
        sessions[id] = s
        if sessions.count > Self.sessionLimit, let oldest = sessions.min(by: { $0.value.used < $1.value.used })?.key {
            sessions.removeValue(forKey: oldest)
        }
    }
}

extension API {
    /// One intention of the page. `op` is `set`, `add`, `paste`, `remove`, `undo` or `redo`.
    struct Intent: Decodable, Sendable {
        var op: String
        /// The browser tab's session (undo and redo are per session); without one, nothing is undoable.
        var session: String?
        var author: String?
        /// The tree the page shows (`function`, `economic`, `unit`, `project`): the answer carries its changed rows.
        var view: String?
        /// `yuan` or `wan`: the unit amounts are typed in and shown in.
        var money: String?
        /// `set`: the line and the version the page saw.
        var id: Int64?
        var version: Int64?
        /// `set`, `add`: column key → the text as typed (`"amount": "１２３４"`, `"function": "2010101 行政运行"`).
        var fields: [String: String]?
        /// `remove`: the lines; `paste`: the existing lines under the block, top down.
        var lines: [LineRef]?
        /// `paste`: the column the cursor is in, the block (rows of cells), and the new-line row's
        /// fields for block rows below the last line.
        var column: String?
        var cells: [[String]]?
        var draft: [String: String]?
    }

    struct LineRef: Decodable, Sendable { var id: Int64; var version: Int64 }

    /// What a step changed, for the page to draw: it keeps no rule of its own.
    struct Outcome: Encodable, Sendable {
        /// For the status bar: `已粘贴 3 行（新增 3 行）`.
        var message: String
        /// How a pasted block was placed, when it was not simply where the cursor was.
        var notes: [String]
        /// The lines as they are now (added, changed or restored).
        var items: [Item]
        var added: [Int64]
        var removed: [Int64]
        var tree: TreeDelta
        var last: Int64
        /// Labels of the session's next undo and redo (nil: nothing to undo or redo).
        var undo: String?
        var redo: String?
        /// The first line the step wrote, for the cursor.
        var focus: Int64?
        /// Lines nobody edited whose amount moved with the step (their bases read what changed);
        /// they are in `items` too, and their tree rows in `tree`.
        var moved: [Int64] = []
    }

    /// The rows of the page's tree that changed; `reload` when rows appear or disappear (or too many changed).
    struct TreeDelta: Encodable, Sendable {
        var view: String
        var reload: Bool
        var total: TreeRow?
        var rows: [TreeRow]
    }
}

/// Turns the texts a clerk typed or pasted into a line, through `API.ItemInput.lineItem` (the
/// one place a line is read from the page) and the one amount parser.
struct LineDraft {
    var input: API.ItemInput
    /// An amount typed in 万元, parsed before `lineItem` (which reads 元).
    private var wanAmount: String?
    /// 测算依据: `=…` typed in the amount cell sets it (without the `=`); a plain amount clears it.
    var basis: String?

    /// A line as it is, as texts.
    init(_ i: LineItem) {
        input = API.ItemInput(unit: i.unit, function: i.function, economic: i.economic, source: i.source.name,
                              carryover: i.carryover.name, kind: i.kind.name, project: i.project, amount: i.amount.yuanText,
                              memo: i.memo, version: nil, author: nil)
        governmentEconomic = i.governmentEconomic
        basis = i.basis
    }

    /// The grid's new-line row: only what the page filled in.
    init(draft fields: [String: String], context: Budget, money: MoneyUnit) {
        input = API.ItemInput(unit: "", function: "", economic: "", source: Source.generalPublic.name, carryover: Carryover.currentYear.name,
                              kind: ExpenditureKind.basic.name, project: nil, amount: "0", memo: "", version: nil, author: nil)
        set(fields, context: context, money: money)
    }

    /// The 政府经济分类 override the grid does not show: kept as stored.
    var governmentEconomic: String?

    /// Sets fields from cell texts, in grid order (the project is read within the unit).
    mutating func set(_ fields: [String: String], context: Budget, money: MoneyUnit) {
        for key in GridColumns.editable {
            guard let text = fields[key] else { continue }
            set(key, text, context: context, money: money, kindGiven: fields["project"] == nil)
        }
    }

    private mutating func set(_ key: String, _ text: String, context: Budget, money: MoneyUnit, kindGiven clearProject: Bool) {
        let t = text.trimmingSpaces
        let first = t.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }).first.map(String.init) ?? ""
        switch key {
        case "unit":
            // `080001`, `080001 泽州县自然资源局` or the unit's name.
            input.unit = context.units.first { $0.code == first || $0.name == t }?.code ?? first
        // `2080501 行政单位离退休` as typed: the input rules (`FieldRules.code`) take the code from it.
        case "function": input.function = t
        case "economic": input.economic = t
        case "source": input.source = t
        case "carryover": input.carryover = t
        case "kind":
            input.kind = t
            // A line turned 基本支出 names no project (unless the same edit gives one).
            if ExpenditureKind(name: t) == .basic, clearProject { input.project = nil }
        case "project":
            let unit = input.unit
            input.project = first.isEmpty ? nil
                : (context.projects.first { $0.unit == unit && ($0.code == first || $0.name == t) }?.code ?? first)
        case "amount":
            // `=…` (or `＝…`, as an input method types it) is a basis, in 元 whatever the page shows:
            // the store computes the amount. Anything else is an amount and the line is no longer computed.
            if let expression = Self.basisText(t) {
                basis = expression
                wanAmount = nil
                return
            }
            basis = nil
            if money == .wan { wanAmount = text } else { input.amount = text; wanAmount = nil }
        case "memo": input.memo = text
        default: break
        }
    }

    /// The line, or every problem at once (`row` numbers a pasted line in the messages).
    func line(row: Int?) throws(ProblemsError) -> LineItem {
        var draft = input
        var problems: [Problem] = []
        if let w = wanAmount {
            do { draft.amount = try MoneyUnit.wan.parse(w).yuanText } catch {
                problems.append(Problem(rule: .amount, location: Location(file: row == nil ? nil : "粘贴的内容", line: row, column: "金额"),
                                        value: w, message: error.description))
                draft.amount = "0"
            }
        }
        var line: LineItem
        do { line = try draft.lineItem(row: row) } catch { throw ProblemsError(problems + error.problems) }
        if !problems.isEmpty { throw ProblemsError(problems) }
        line.governmentEconomic = governmentEconomic
        line.basis = basis
        return line
    }

    /// The expression of a typed `=…` (trimmed, without the `=`), nil for anything else. A lone `=`
    /// is an empty expression: the engine refuses it with its own message.
    static func basisText(_ typed: String) -> String? {
        guard let first = typed.first, first == "=" || first == "＝" else { return nil }
        return String(typed.dropFirst()).trimmingSpaces
    }
}

extension Workbench {
    /// Applies one intention as one step and answers with what changed.
    func perform(_ intent: API.Intent) throws -> API.Outcome {
        try refresh()
        let money = try MoneyUnit(intent.money)
        let view = try TreeKind(intent.view)
        let author = API.authorName(intent.author)
        let session = try Self.sessionID(intent.session)
        for key in (intent.fields ?? [:]).keys.sorted() + (intent.draft ?? [:]).keys.sorted() where !GridColumns.editable.contains(key) {
            throw APIError(.badRequest, "没有“\(key)”这一列（可填：\(GridColumns.editable.joined(separator: "、"))）")
        }
        var notes: [String] = []
        let step: AppliedStep
        var message: String
        switch intent.op {
        case "undo", "redo":
            let undoing = intent.op == "undo"
            guard let s = session else { throw APIError(.badRequest, "缺少 session（浏览器标签页的编号），无法撤销或重做") }
            guard let target = undoing ? userModel.popUndo(s) : userModel.popRedo(s) else {
                return try outcome(AppliedStep(), before: [:], view: view, money: money, session: session,
                                   message: undoing ? "没有可撤销的操作" : "没有可重做的操作", notes: [])
            }
            do {
                step = try workspace.revert(target.log, author: author)
            } catch let e as WorkspaceError {
                if case .changedSince = e {
                    throw APIError(.conflict, "无法\(undoing ? "撤销" : "重做")“\(target.label)”：\(e.description)。这一步已从\(undoing ? "撤销" : "重做")列表中去掉。")
                }
                if undoing { userModel.pushUndo(target, s) } else { userModel.pushRedo(target, s) }
                throw e
            }
            let before = try absorb(step)
            if let log = step.log {
                let back = UserModel.Step(log: log, label: target.label)
                if undoing { userModel.pushRedo(back, s) } else { userModel.pushUndo(back, s) }
            }
            message = (undoing ? "已撤销：" : "已重做：") + target.label
            return try outcome(step, before: before, view: view, money: money, session: session, message: message, notes: notes)
        case "set":
            guard let id = intent.id, let version = intent.version else {
                throw APIError(.badRequest, "缺少 id 或 version（你看到的版本号），无法防止覆盖他人的修改")
            }
            let fields = intent.fields ?? [:]
            guard let current = stored[id] else {
                throw WorkspaceError.versionConflict(current: nil, expected: version)
            }
            var draft = LineDraft(current.item)
            draft.set(fields, context: context, money: money)
            let line = try draft.line(row: nil)
            if line == current.item {
                return try outcome(AppliedStep(), before: [:], view: view, money: money, session: session, message: "没有改动", notes: [])
            }
            let names = GridColumns.editable.filter { fields[$0] != nil }
                .map { "「\($0 == "amount" && line.basis != nil ? GridColumns.title("basis") : GridColumns.title($0))」" }.joined()
            message = "已修改明细 #\(id) 的\(names)"
            let before: [Int64: StoredItem]
            (step, before) = try commit([.set(id: id, to: line, expectedVersion: version)], author: author,
                              locate: { _, c in Location(column: GridColumns.title(c), item: id) }, keepingBases: false)
            record(step, session, label: "修改明细 #\(id) 的\(names)")
            return try outcome(step, before: before, view: view, money: money, session: session, message: message, notes: notes)
        case "add":
            let line = try LineDraft(draft: intent.fields ?? [:], context: context, money: money).line(row: nil)
            let before: [Int64: StoredItem]
            (step, before) = try commit([.add(line)], author: author, locate: { _, c in Location(column: GridColumns.title(c)) })
            message = "已新增明细 #\(step.saved.first?.id ?? 0)"
            record(step, session, label: "新增明细 #\(step.saved.first?.id ?? 0)")
            return try outcome(step, before: before, view: view, money: money, session: session, message: message, notes: notes)
        case "remove":
            let lines = intent.lines ?? []
            guard !lines.isEmpty else { throw APIError(.badRequest, "没有要删除的明细") }
            guard lines.count <= UserModel.pasteLimit else { throw APIError(.contentTooLarge, "一次最多删除 \(UserModel.pasteLimit) 行（这次 \(lines.count) 行）") }
            let before: [Int64: StoredItem]
            (step, before) = try commit(lines.map { .remove(id: $0.id, expectedVersion: $0.version) }, author: author,
                              locate: { _, c in Location(column: c) })
            let label = lines.count == 1 ? "删除明细 #\(lines[0].id)" : "删除 \(lines.count) 行明细"
            message = "已" + label
            record(step, session, label: label)
            return try outcome(step, before: before, view: view, money: money, session: session, message: message, notes: notes)
        case "paste":
            let plan = try pastePlan(intent, money: money)
            notes = plan.notes
            let before: [Int64: StoredItem]
            (step, before) = try commit(plan.edits, author: author, locate: { i, c in GridColumns.pastedAt(plan.rows[i] - 1, c) },
                                        keepingBases: false)
            let changed = plan.edits.filter { if case .set = $0 { return true } else { return false } }.count
            let added = plan.edits.count - changed
            var parts: [String] = []
            if changed > 0 { parts.append("改了 \(changed) 行") }
            if added > 0 { parts.append("新增 \(added) 行") }
            let unchanged = plan.blockRows - plan.edits.count
            if unchanged > 0 { parts.append("\(unchanged) 行与原来相同") }
            message = "已粘贴 \(plan.blockRows) 行 × \(plan.width) 列（\(plan.span)）：" + parts.joined(separator: "，")
            record(step, session, label: "粘贴 \(plan.blockRows) 行")
            return try outcome(step, before: before, view: view, money: money, session: session, message: message, notes: notes)
        default:
            throw APIError(.badRequest, "未知的操作 `\(intent.op)`，应为 set、add、paste、remove、undo 或 redo")
        }
    }

    private func record(_ step: AppliedStep, _ session: String?, label: String) {
        guard let s = session, let log = step.log else { return }
        userModel.record(UserModel.Step(log: log, label: label), in: s)
    }

    /// A session id from the page: letters, digits and `-`, at most 64.
    static func sessionID(_ raw: String?) throws(APIError) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.utf8.count <= 64, raw.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || $0 == 45 }) else {
            throw APIError(.badRequest, "session 不对（只能是字母、数字和 -，最多 64 个字符）")
        }
        return raw
    }

    /// What a pasted block becomes: one edit per block row that changes something.
    struct PastePlan {
        var edits: [LineEdit] = []
        /// The block row (1-based, as pasted) of each edit.
        var rows: [Int] = []
        var notes: [String] = []
        var blockRows = 0
        var width = 0
        var span = ""
    }

    private func pastePlan(_ intent: API.Intent, money: MoneyUnit) throws -> PastePlan {
        guard var cells = intent.cells, !cells.isEmpty else { throw APIError(.badRequest, "没有要粘贴的内容") }
        let columns = GridColumns.editable
        guard let column = intent.column, var start = columns.firstIndex(of: column) else {
            throw APIError(.badRequest, "粘贴的起始列 `\(intent.column ?? "")` 不对")
        }
        var plan = PastePlan()
        var firstRow = 1
        // A header row copied with the block is not a line.
        if let head = cells.first, Self.isHeader(head, from: start, columns) {
            cells.removeFirst()
            firstRow = 2
            plan.notes.append("第 1 行是表头（\(head.filter { !$0.isEmpty }.prefix(4).joined(separator: "、"))…），没有作为明细粘贴")
            guard !cells.isEmpty else { throw APIError(.unprocessableContent, "粘贴的内容只有表头，没有明细") }
        }
        guard cells.count <= UserModel.pasteLimit else {
            throw APIError(.contentTooLarge, "一次最多粘贴 \(UserModel.pasteLimit) 行（这次 \(cells.count) 行）")
        }
        let width = cells.map(\.count).max() ?? 0
        if start + width > columns.count {
            if width == columns.count || (width == columns.count + 1 && Self.looksLikeIDs(cells.map { $0.first ?? "" })) {
                let skipID = width == columns.count + 1
                if skipID { cells = cells.map { Array($0.dropFirst()) } }
                plan.notes.append("粘贴的内容有 \(width) 列，正好是一整行明细\(skipID ? "（第 1 列是明细编号 #，未粘贴）" : "")："
                                  + "已从第一列「\(GridColumns.title(columns[0]))」开始放入，而不是从光标所在的「\(GridColumns.title(column))」列")
                start = 0
            } else {
                let room = columns.count - start
                throw APIError(.unprocessableContent,
                               "粘贴的内容有 \(width) 列，从光标所在的「\(GridColumns.title(column))」列开始只放得下 \(room) 列"
                               + "（到「\(GridColumns.title(columns[columns.count - 1]))」为止），没有粘贴。"
                               + "请把光标移到更靠左的列（整行明细从「\(GridColumns.title(columns[0]))」列开始）再粘贴，或少复制几列。")
            }
        }
        let used = cells.map(\.count).max() ?? 0
        plan.width = used
        plan.blockRows = cells.count
        plan.span = used <= 1 ? "「\(GridColumns.title(columns[start]))」列"
            : "「\(GridColumns.title(columns[start]))」到「\(GridColumns.title(columns[start + used - 1]))」"
        let targets = intent.lines ?? []
        var problems = ProblemCollector()
        for (i, row) in cells.enumerated() {
            let number = i + firstRow
            var fields: [String: String] = [:]
            for (j, text) in row.enumerated() { fields[columns[start + j]] = text }
            let line: LineItem
            if i < targets.count {
                let t = targets[i]
                guard let current = stored[t.id] else { throw WorkspaceError.versionConflict(current: nil, expected: t.version) }
                if current.version != t.version { throw WorkspaceError.versionConflict(current: current, expected: t.version) }
                var draft = LineDraft(current.item)
                draft.set(fields, context: context, money: money)
                do { line = try draft.line(row: number) } catch { for p in error.problems { problems.add(p) }; continue }
                if line == current.item { continue }
                plan.edits.append(.set(id: t.id, to: line, expectedVersion: t.version))
            } else {
                if row.allSatisfy({ $0.trimmingSpaces.isEmpty }) {
                    problems.add(Problem(rule: .emptyRow, location: Location(file: "粘贴的内容", line: number),
                                         message: "是空行：请删掉空行再粘贴"))
                    continue
                }
                var draft = LineDraft(draft: intent.draft ?? [:], context: context, money: money)
                draft.set(fields, context: context, money: money)
                do { line = try draft.line(row: number) } catch { for p in error.problems { problems.add(p) }; continue }
                plan.edits.append(.add(line))
            }
            plan.rows.append(number)
        }
        // Every row's data rules too, before anything is written: all problems at once.
        for (k, e) in plan.edits.enumerated() {
            switch e {
            case .add(let l), .set(_, let l, _):
                validator.validate(l, at: { GridColumns.pastedAt(plan.rows[k] - 1, $0) }, into: &problems)
            default: break
            }
        }
        do { try problems.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }
        if plan.edits.isEmpty { throw APIError(.unprocessableContent, "粘贴的内容与原来的明细完全相同，没有改动") }
        return plan
    }

    /// True when every filled cell of a row names the column it would land in (a copied header).
    static func isHeader(_ row: [String], from start: Int, _ columns: [String]) -> Bool {
        var named = 0
        for (j, text) in row.enumerated() {
            let t = text.trimmingSpaces
            if t.isEmpty { continue }
            let k = start + j
            // A header copied with the `#` column, or a whole-row header pasted anywhere.
            let candidates = [k < columns.count ? columns[k] : nil, j < columns.count ? columns[j] : nil,
                              j >= 1 && j - 1 < columns.count ? columns[j - 1] : nil].compactMap { $0 }
            if t == "#" || candidates.contains(where: { GridColumns.headerNames[$0]?.contains(t) == true }) { named += 1 } else { return false }
        }
        return named >= 2
    }

    /// A first column of `#` ids as the grid shows them (digits, or empty / `＋` for the new-line row).
    static func looksLikeIDs(_ cells: [String]) -> Bool {
        cells.allSatisfy { c in
            let t = c.trimmingSpaces
            return t.isEmpty || t == "＋" || t.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        }
    }

    /// The answer: the lines as they are now and the page's tree rows that changed.
    func outcome(_ step: AppliedStep, before: [Int64: StoredItem], view: TreeKind, money: MoneyUnit, session: String?,
                 message: String, notes: [String]) throws -> API.Outcome {
        let touched = step.saved.map(\.id) + step.removed.map(\.id)
        var keys: [String] = []
        var seen = Set<String>()
        for id in touched {
            var lines: [LineItem] = []
            if let b = before[id] { lines.append(b.item) }
            if let a = stored[id] { lines.append(a.item) }
            for l in lines { for k in TreeBuilder.keys(of: l, in: view) where seen.insert(k).inserted { keys.append(k) } }
            if keys.count > 400 { break }
        }
        let builder = treeBuilder(money)
        var tree = API.TreeDelta(view: view.rawValue, reload: keys.count > 400, total: nil, rows: [])
        if !tree.reload && !touched.isEmpty {
            // A row that becomes zero disappears and one that leaves zero appears: the page reloads
            // the tree. Amounts are ≥ 0, so a row is zero when its 合计 is; its 合计 before the step
            // is now's, less the lines as they are, plus the lines as they were.
            var then: [String: Int64] = [:]
            for id in touched {
                if let b = before[id] { for k in TreeBuilder.keys(of: b.item, in: view) { then[k, default: 0] &+= b.item.amount.fen } }
                if let a = stored[id] { for k in TreeBuilder.keys(of: a.item, in: view) { then[k, default: 0] &-= a.item.amount.fen } }
            }
            for k in keys {
                guard let n = builder.row(key: k, in: view) else { continue }
                if k == "total" { tree.total = n; continue }
                let shownNow = !builder.isZero(n)
                let shownThen = n.values[0] &+ (then[k] ?? 0) != 0 || (n.prior ?? 0) != 0
                if shownNow != shownThen { tree.reload = true; break }
                tree.rows.append(n)
            }
        }
        if tree.reload { tree.rows = []; tree.total = nil }
        let next = userModel.next(session)
        let ctx = context
        var message = message
        if !step.moved.isEmpty {
            let shown = step.moved.prefix(8).map { "#\($0.id)" }.joined(separator: " ")
            message += "；另有 \(step.moved.count) 行明细随之重算（\(shown)\(step.moved.count > 8 ? " …" : "")）"
        }
        return API.Outcome(message: message, notes: notes,
                           items: step.saved.compactMap { stored[$0.id] }.map { API.Item($0, context: ctx, money: money) },
                           added: step.saved.filter { before[$0.id] == nil }.map(\.id), removed: step.removed.map(\.id),
                           tree: tree, last: lastChange, undo: next.undo, redo: next.redo, focus: step.saved.first?.id,
                           moved: step.moved.map(\.id))
    }
}

extension API {
    /// The name written in the change log: what the page sent, trimmed, at most 40 characters.
    static func authorName(_ name: String?) -> String {
        let n = (name ?? "").trimmingSpaces
        return n.isEmpty ? "（未署名）" : String(n.prefix(40))
    }
}
