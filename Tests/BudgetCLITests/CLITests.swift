import ArgumentParser
import BudgetCore
import BudgetStore
import BudgetWorkbook
import Foundation
import Testing
@testable import budget

/// The checkout (Templates/, Workbooks/) and this folder's snapshots.
enum CLIFixtures {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = here.deletingLastPathComponent().deletingLastPathComponent()
    static let snapshots = here.appendingPathComponent("Snapshots")

    static func demo(_ year: Int = 2025) throws -> Budget {
        let codes = try CodeLists.loadDefaults(codesFolder: root.appendingPathComponent("Templates/codes"))
        return try WorkbookFolder.read(root.appendingPathComponent("Workbooks/zezhou-natural-resources-\(year)"), defaults: codes)
    }

    /// A temporary folder with the demo workspaces (2025 and the 2024 prior year).
    static func workspaces(_ name: String = #function) throws -> (dir: URL, current: String, prior: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-cli-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let current = dir.appendingPathComponent("2025.budget").path, prior = dir.appendingPathComponent("2024.budget").path
        try Workspace.create(at: current, budget: try demo(2025)).close()
        try Workspace.create(at: prior, budget: try demo(2024)).close()
        return (dir, current, prior)
    }
}

/// Compares `text` with `Snapshots/<name>.txt`. A missing snapshot (or BUDGET_RECORD_SNAPSHOTS=1)
/// is written and the test fails, so a new snapshot is always looked at once.
func expectSnapshot(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = CLIFixtures.snapshots.appendingPathComponent("\(name).txt")
    let record = ProcessInfo.processInfo.environment["BUDGET_RECORD_SNAPSHOTS"] == "1"
    guard !record, let stored = try? String(contentsOf: url, encoding: .utf8) else {
        try FileManager.default.createDirectory(at: CLIFixtures.snapshots, withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("snapshot \(name) written; check it and run again", sourceLocation: sourceLocation)
        return
    }
    #expect(text == stored, "snapshot \(name) differs:\n\(text)", sourceLocation: sourceLocation)
}

/// The message ArgumentParser prints for a command line (its error, or its help).
func message(_ args: [String]) -> String {
    do {
        _ = try BudgetCommand.parseAsRoot(args)
        return ""
    } catch {
        return BudgetCommand.fullMessage(for: error, columns: 100)
    }
}

/// The message of the error `run()` throws for a command line that parses (the binary prints it
/// after `Error: `, with the command's usage).
func runError(_ args: [String]) throws -> String? {
    var command = try BudgetCommand.parseAsRoot(args)
    do { try command.run() } catch { return BudgetCommand.message(for: error) }
    return nil
}

@Suite("命令行：帮助与错误信息")
struct CLITests {
    @Test("帮助列出中文名称及英文别名（不是 0–4）", arguments: [
        (BudgetCommand.Items.self as any ParsableCommand.Type, "help-items"),
        (BudgetCommand.Item.Set.self, "help-item-set"),
        (BudgetCommand.Item.Add.self, "help-item-add"),
        (BudgetCommand.Tree.self, "help-tree"),
        (BudgetCommand.Codes.Import.self, "help-codes-import"),
        (BudgetCommand.Export.self, "help-export"),
        (BudgetCommand.Compare.self, "help-compare"),
    ])
    func help(_ command: any ParsableCommand.Type, _ name: String) throws {
        // The default author is the login name: the snapshot keeps a placeholder.
        let text = BudgetCommand.helpMessage(for: command, columns: 100)
            .replacingOccurrences(of: "(default: \(defaultAuthor))", with: "(default: <login>)")
        #expect(!text.contains("values: 0"), "\(name) lists raw numbers")
        try expectSnapshot(text, name)
    }

    @Test("枚举选项接受中文名称和英文别名")
    func enumValues() throws {
        func items(_ extra: [String]) throws -> BudgetCommand.Items {
            try #require(try BudgetCommand.parseAsRoot(["items", "ws"] + extra) as? BudgetCommand.Items)
        }
        #expect(try items(["--kind", "基本支出"]).kind == .basic)
        #expect(try items(["--kind", "project"]).kind == .project)
        #expect(try items(["--source", "政府性基金预算"]).source == .governmentFund)
        #expect(try items(["--source", "fund"]).source == .governmentFund)
        #expect(try items(["--source", "general-public"]).source == .generalPublic)
        #expect(try items(["--source", "state-capital"]).source == .stateCapital)
        #expect(try items(["--source", "special-account"]).source == .specialAccount)
        #expect(try items(["--source", "unit-funds"]).source == .unitFunds)
        #expect(try items(["--carryover", "上年结转"]).carryover == .carriedOver)
        #expect(try items(["--carryover", "current"]).carryover == .currentYear)
        let tree = try #require(try BudgetCommand.parseAsRoot(["tree", "ws", "--by", "经济分类", "--columns", "资金来源"]) as? BudgetCommand.Tree)
        #expect(tree.by == .economic && tree.columns == .sources)
        let codes = try #require(try BudgetCommand.parseAsRoot(["codes", "import", "ws", "f.csv", "--set", "收入分类"]) as? BudgetCommand.Codes.Import)
        #expect(codes.set == .revenue)
    }

    @Test("帮助中列出的每个别名都能解析回同一个值")
    func aliasesParse() {
        func check<T: NamedChoice & Equatable>(_: T.Type) {
            for c in T.allCases {
                #expect(T(argument: c.choiceName) == c, "\(c.choiceName)")
                for a in c.choiceAliases { #expect(T(argument: a) == c, "\(a)") }
            }
            #expect(T(argument: "0") == nil, "a raw number is not a name")
        }
        check(Source.self); check(Carryover.self); check(ExpenditureKind.self)
        check(CodeSet.self); check(TreeView.Tree.self); check(TreeView.Columns.self)
    }

    @Test("错误的枚举值：列出中文名称", arguments: [
        (["items", "ws", "--kind", "1"], "error-items-kind"),
        (["items", "ws", "--source", "4"], "error-items-source"),
    ])
    func badEnum(_ args: [String], _ name: String) throws {
        let text = message(args)
        #expect(text.contains("基本支出") || text.contains("一般公共预算"))
        try expectSnapshot(text, name)
    }

    @Test("--amount -100 是一个值，由金额规则拒绝并说明原因")
    func negativeAmount() throws {
        let set = try #require(try BudgetCommand.parseAsRoot(["item", "set", "ws", "1", "--amount", "-100"]) as? BudgetCommand.Item.Set)
        #expect(set.fields.amount == "-100")
        do {
            _ = try set.fields.apply(to: LineItem(unit: "080001", function: "2080501", economic: "30302", amount: .zero))
            Issue.record("a negative amount must be refused")
        } catch {
            let text = BudgetCommand.message(for: error)
            #expect(text.contains("为负数"))
            try expectSnapshot(text, "error-item-set-negative-amount")
        }
        #expect(message(["compare", "ws", "--prior", "p", "--threshold", "-5"]).contains("不能为负数"))
        #expect(message(["items", "ws", "--limit", "-1"]).contains("正整数"))
    }

    @Test("export/template --out 不是 .xlsx 时拒绝")
    func outMustBeXLSX() throws {
        let text = message(["export", "ws", "--out", "x.txt"])
        #expect(text.contains(".xlsx"))
        try expectSnapshot(text, "error-export-out-txt")
        #expect(message(["template", "ws", "--out", "x.csv"]).contains(".xlsx"))
        #expect(message(["export", "ws", "--out", "公开表.XLSX"]) == "")
    }

    @Test("tree --unit 未知单位：报错并列出单位；--unit 不能与 --by economic 同用")
    func unknownUnit() throws {
        let w = try CLIFixtures.workspaces()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let text = try #require(try runError(["tree", w.current, "--unit", "999999"]))
        #expect(text.contains("999999") && text.contains("080001 泽州县自然资源局"))
        try expectSnapshot(text, "error-tree-unknown-unit")
        #expect(try runError(["items", w.current, "--unit", "999999"])?.contains("080001") == true)
        #expect(message(["tree", w.current, "--unit", "080001", "--by", "economic"]).contains("--by function"))
    }

    @Test("--prior 同年、以后年度、其他部门：拒绝并说明；更早年度加 --force 可用")
    func priorYear() throws {
        let w = try CLIFixtures.workspaces()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let same = try #require(try runError(["compare", w.current, "--prior", w.current]))
        #expect(same.contains("2025") && same.contains("上年"))
        try expectSnapshot(same, "error-compare-same-year")
        #expect(try runError(["narrative", w.current, "--prior", w.current])?.contains("同一年") == true)
        #expect(try runError(["check", w.current, "--prior", w.current])?.contains("同一年") == true)
        // The years swapped: 2024 compared with 2025 as its "prior".
        #expect(try runError(["compare", w.prior, "--prior", w.current, "--force"])?.contains("以后") == true)
        // Another department.
        var other = try CLIFixtures.demo(2024)
        other.department = "泽州县教育局"
        other.departmentCode = "081"
        let otherPath = w.dir.appendingPathComponent("other.budget").path
        try Workspace.create(at: otherPath, budget: other).close()
        #expect(try runError(["compare", w.current, "--prior", otherPath])?.contains("泽州县教育局") == true)
        #expect(try runError(["compare", w.current, "--prior", otherPath, "--force", "--out", w.dir.appendingPathComponent("c.xlsx").path]) == nil)
        // An older year is refused without --force, compared with it.
        var older = try CLIFixtures.demo(2024)
        older.year = 2023
        let olderPath = w.dir.appendingPathComponent("2023.budget").path
        try Workspace.create(at: olderPath, budget: older).close()
        #expect(try runError(["narrative", w.current, "--prior", olderPath])?.contains("--force") == true)
        #expect(try runError(["narrative", w.current, "--prior", olderPath, "--force", "--out", w.dir.appendingPathComponent("n.txt").path]) == nil)
        // The real prior year passes.
        #expect(try runError(["compare", w.current, "--prior", w.prior, "--out", w.dir.appendingPathComponent("ok.xlsx").path]) == nil)
    }
}
