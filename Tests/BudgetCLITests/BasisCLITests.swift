import ArgumentParser
import Foundation
import BudgetXLSX
import Testing
@testable import budget

/// The built `budget` executable (`swift build` runs before `swift test`).
func budgetBinary() throws -> URL {
    for c in [".build/debug/budget", ".build/release/budget"] {
        let u = CLIFixtures.root.appendingPathComponent(c)
        if FileManager.default.isExecutableFile(atPath: u.path) { return u }
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "budget binary not built: run `swift build` first"])
}

/// Runs `budget args…` and gives `$ budget …`, its standard output and error, and the exit status.
func session(_ args: [String], in dir: URL) throws -> String {
    let p = Process()
    p.executableURL = try budgetBinary()
    p.arguments = args
    p.currentDirectoryURL = dir
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: o, as: UTF8.self) + String(decoding: e, as: UTF8.self)
    return "$ budget \(args.joined(separator: " "))\n" + text.replacingOccurrences(of: #"（\d+ ms）"#, with: "（… ms）", options: .regularExpression)
        + (p.terminationStatus == 0 ? "" : "[exit \(p.terminationStatus)]\n")
}

@Suite("命令行：测算依据", .serialized)
struct BasisCLITests {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-cli-basis-\(UUID().uuidString)")
        let f = dir.appendingPathComponent("f")
        try FileManager.default.createDirectory(at: f, withIntermediateDirectories: true)
        let files = [
            "workbook.json": "{\"department\": \"测试局\", \"department_code\": \"900\", \"year\": 2026}\n",
            "units.csv": "code,name,type\n900001,测试局,行政单位\n900002,测试中心,事业单位\n",
            "projects.csv": "code,unit,name,category\nP01,900001,设备购置,特定目标类\n",
            "items.csv": """
                unit,function,economic,source,carryover,kind,project,amount,gov_economic,memo,basis
                900001,2010101,30101,一般公共预算,当年,基本支出,,,,,工资(基本工资) × 12
                900001,2010101,30108,一般公共预算,当年,基本支出,,100.00,,,经济(30101) × 养老保险单位缴费比例
                900001,2010101,30201,一般公共预算,当年,基本支出,,,,,公用经费定额 × 人数(在职)
                900001,2010101,31002,一般公共预算,当年,项目支出,P01,,,,3 × 单价
                900002,2010101,30101,一般公共预算,当年,基本支出,,5000.00,,,

                """,
            "parameters.csv": "unit,name,value,memo\n900001,单价,4500.5,元/台\n",
            "standards.csv": "name,value,memo\n养老保险单位缴费比例,16%,县定\n公用经费定额,8000,元/人·年\n",
            "staff.csv": "unit,name,category,count,基本工资,津贴补贴\n900001,科员,在职,3,3000,\n900001,张三,退休,,2500.5,100\n",
        ]
        for (name, text) in files { try text.write(to: f.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try "unit,name,category,count,基本工资\n900001,新人,在职,2,1000\n".write(to: dir.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test("load, list, change a standard, explain, edit a basis, import staff: every change prints the lines that moved")
    func transcript() throws {
        let dir = try folder()
        var text = ""
        for args in [
            ["load", "f", "--into", "w.budget"],
            ["items", "w.budget"],
            ["standard", "set", "w.budget", "养老保险单位缴费比例", "20%", "--author", "张会计"],
            ["explain", "w.budget", "2"],
            ["explain", "w.budget", "5"],
            ["param", "set", "w.budget", "--unit", "900001", "单价", "5000", "--author", "张会计"],
            ["param", "list", "w.budget"],
            ["standard", "list", "w.budget"],
            ["standard", "rm", "w.budget", "公用经费定额"],
            ["item", "set", "w.budget", "5", "--basis", "８０００×２", "--author", "张会计"],
            ["item", "set", "w.budget", "2", "--basis", "经济(301)*16%"],
            ["item", "set", "w.budget", "5", "--amount", "100", "--author", "张会计"],
            ["item", "add", "w.budget", "--unit", "900001", "--function", "2010101", "--economic", "30101", "--amount", "10000", "--author", "张会计"],
            ["staff", "import", "w.budget", "new.csv", "--author", "张会计"],
            ["staff", "list", "w.budget", "--unit", "900001"],
            ["save", "w.budget", "--to", "out"],
        ] {
            text += try session(args, in: dir) + "\n"
        }
        try expectSnapshot(text, "basis-session")
        let saved = try String(contentsOf: dir.appendingPathComponent("out/items.csv"), encoding: .utf8)
        #expect(saved.contains(",经济(30101) × 养老保险单位缴费比例\n"))
    }

    /// Writes rows of text cells (a number when it parses as one) as sheet `sheet` of an XLSX file.
    func writeXLSX(_ url: URL, sheets: [(String, [[String]])]) throws {
        let wb = try XLSXWorkbook(path: url.path)
        for (name, rows) in sheets {
            let s = try wb.addSheet(name: name)
            for (r, row) in rows.enumerated() {
                for (c, t) in row.enumerated() where !t.isEmpty {
                    if let n = Double(t), r > 0, c >= 3 { try s.writeNumber(r, c, n) } else { try s.writeString(r, c, t) }
                }
            }
        }
        try wb.close()
    }

    @Test("staff import reads an XLSX roster (its 人员 sheet, else the first) by the rules and messages of the CSV")
    func staffImportXLSX() throws {
        let dir = try folder()
        _ = try session(["load", "f", "--into", "w.budget"], in: dir)
        let good = [["单位", "姓名", "类别", "人数", "基本工资"], ["900001", "新人", "在职", "2", "1000"]]
        try writeXLSX(dir.appendingPathComponent("new.xlsx"), sheets: [("说明", [["填写说明"]]), ("人员", good)])
        try writeXLSX(dir.appendingPathComponent("first.xlsx"), sheets: [("Sheet1", good)])
        let bad = [["unit", "name", "category", "count", "基本工资"], ["900001", "新人", "在职", "2.5", "-1"], ["900009", "某人", "在职", "1", "100"]]
        try writeXLSX(dir.appendingPathComponent("bad.xlsx"), sheets: [("人员", bad)])
        try bad.map { $0.joined(separator: ",") + "\n" }.joined().write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        var text = ""
        for args in [
            ["staff", "import", "w.budget", "new.xlsx", "--author", "张会计"],
            ["staff", "import", "w.budget", "first.xlsx", "--author", "张会计"],
            ["staff", "import", "w.budget", "bad.xlsx"],
            ["staff", "import", "w.budget", "bad.csv"],
            ["staff", "list", "w.budget", "--unit", "900001"],
        ] {
            text += try session(args, in: dir) + "\n"
        }
        try expectSnapshot(text, "basis-staff-xlsx")
    }

    @Test("帮助：测算依据的命令", arguments: [
        (BudgetCommand.Param.Set.self as any ParsableCommand.Type, "help-param-set"),
        (BudgetCommand.StandardCommand.Set.self, "help-standard-set"),
        (BudgetCommand.Staff.Import.self, "help-staff-import"),
        (BudgetCommand.Explain.self, "help-explain"),
    ])
    func help(_ command: any ParsableCommand.Type, _ name: String) throws {
        let text = BudgetCommand.helpMessage(for: command, columns: 100)
            .replacingOccurrences(of: "(default: \(defaultAuthor))", with: "(default: <login>)")
        try expectSnapshot(text, name)
    }
}
