import ArgumentParser
import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import Foundation

/// The lines that moved with a change, `#id old → new`; a long list is cut after `limit` lines.
func printMoved(_ moved: [AmountChange], limit: Int = 50) {
    guard !moved.isEmpty else { return }
    print("随之变动的明细 \(moved.count) 条：")
    for c in moved.prefix(limit) {
        print("  #\(c.id)  \(Money.hundredthsText(c.old.fen, grouped: true)) → \(Money.hundredthsText(c.new.fen, grouped: true)) 元")
    }
    if moved.count > limit { print("  ……（另有 \(moved.count - limit) 条，见 budget items 或 budget item history）") }
}

/// A refusal as the clerk reads it: a problem placed on a stored line (`明细 #12`) names its column
/// by the header the clerk sees (测算依据, 金额), as the browser does, not by the workbook folder's
/// key (`basis`); problems placed in a file keep that file's own column names.
func namingColumns(_ error: any Error) -> any Error {
    func renamed(_ e: ProblemsError) -> ProblemsError {
        var out = e
        out.problems = e.problems.map { p in
            var p = p
            if p.location.item != nil, p.location.file == nil, let key = p.location.column,
               let column = TableSchema.itemsWithBasis.columns.first(where: { $0.key == key }) {
                p.location.column = column.chinese
            }
            return p
        }
        return out
    }
    switch error {
    case let e as ProblemsError: return renamed(e)
    case WorkspaceError.invalid(let e): return WorkspaceError.invalid(renamed(e))
    default: return error
    }
}

/// `（测算依据 = …）` after a line's amount when it is computed.
func basisNote(_ item: LineItem) -> String { item.basis.map { "（测算依据 = \($0)）" } ?? "" }

/// A value as `budget param set` and `budget standard set` take it.
func parseBasisValue(_ text: String) throws -> BasisNumber {
    do { return try BasisNumber.parse(text) } catch { throw ValidationError("数值：\(error.description)") }
}

extension BudgetCommand {
    struct Param: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "单位的参数（在职人数、取暖面积 …）：测算依据中用它的名称。",
            discussion: "每次修改一个事务，记入修改日志；用到它的明细随之重算并列出。",
            subcommands: [Set.self, Remove.self, List.self])

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "增加或修改一个参数。")
            @OptionGroup var ws: WorkspaceArgument
            @Option(help: "单位编码") var unit: String
            @Argument(help: "参数名称，如 在职人数") var name: String
            @Argument(help: "数值，如 23、1200、0.16 或 16%") var value: String
            @Option(help: "说明") var memo: String = ""
            @Option(help: "修改人") var author: String = defaultAuthor

            func run() throws {
                try runReporting {
                    let p = Parameter(unit: unit, name: name, value: try parseBasisValue(value), memo: memo)
                    let out = try ws.open().setParameter(p, author: author)
                    print("已设置单位 \(unit) 的参数 \(name) = \(p.value.text)")
                    printMoved(out.moved)
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "rm", abstract: "删除一个参数（有明细用它时不能删除）。")
            @OptionGroup var ws: WorkspaceArgument
            @Option(help: "单位编码") var unit: String
            @Argument(help: "参数名称") var name: String
            @Option(help: "修改人") var author: String = defaultAuthor

            func run() throws {
                try runReporting {
                    let out = try ws.open().removeParameter(unit: unit, name: name, author: author)
                    print("已删除单位 \(unit) 的参数 \(name)")
                    printMoved(out.moved)
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出参数。")
            @OptionGroup var ws: WorkspaceArgument
            @Option(help: "单位编码") var unit: String?

            func run() throws {
                try runReporting {
                    let rows = try ws.open().parameters().filter { unit == nil || $0.unit == unit }
                    var table = [["单位", "参数", "数值", "说明"]]
                    for p in rows { table.append([p.unit, p.name, p.value.text, p.memo]) }
                    print(TextTable.render(table, rightAligned: [2]), terminator: "")
                    print("共 \(rows.count) 个参数")
                }
            }
        }
    }

    struct StandardCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "standard",
            abstract: "县里的标准（缴费比例、定额 …）：测算依据中用它的名称；单位的同名参数优先。",
            discussion: "每次修改一个事务，记入修改日志；用到它的明细随之重算并列出。",
            subcommands: [Set.self, Remove.self, List.self])

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "增加或修改一个标准。")
            @OptionGroup var ws: WorkspaceArgument
            @Argument(help: "标准名称，如 养老保险单位缴费比例") var name: String
            @Argument(help: "数值，如 16%、0.16 或 8000") var value: String
            @Option(help: "说明") var memo: String?
            @Option(help: "修改人") var author: String = defaultAuthor

            func run() throws {
                try runReporting {
                    let w = try ws.open()
                    let old = try w.standards().first { $0.name == name }
                    let s = Standard(name: name, value: try parseBasisValue(value), memo: memo ?? old?.memo ?? "")
                    let out = try w.setStandard(s, author: author)
                    print("已设置标准 \(name)：\(old.map { $0.value.text + " → " } ?? "")\(s.value.text)")
                    printMoved(out.moved)
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "rm", abstract: "删除一个标准（有明细用它时不能删除）。")
            @OptionGroup var ws: WorkspaceArgument
            @Argument(help: "标准名称") var name: String
            @Option(help: "修改人") var author: String = defaultAuthor

            func run() throws {
                try runReporting {
                    let out = try ws.open().removeStandard(name: name, author: author)
                    print("已删除标准 \(name)")
                    printMoved(out.moved)
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出标准。")
            @OptionGroup var ws: WorkspaceArgument

            func run() throws {
                try runReporting {
                    let rows = try ws.open().standards()
                    var table = [["标准", "数值", "说明"]]
                    for s in rows { table.append([s.name, s.value.text, s.memo]) }
                    print(TextTable.render(table, rightAligned: [1]), terminator: "")
                    print("共 \(rows.count) 个标准")
                }
            }
        }
    }

    struct Staff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "人员信息（花名册）：测算依据中的 人数(类别) 和 工资(字段, 类别) 由它算出。",
            subcommands: [Import.self, List.self])

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入人员信息（CSV 或 XLSX，列同 staff.csv：unit,name,category,count,各月金额列；中文表头 单位、姓名、类别、人数 亦可）。",
                discussion: "一个事务：全部通过才写入。--replace 替换文件中出现的单位的全部人员（其他单位的不动）；若有明细因此无法计算，整个导入不做。")
            @OptionGroup var ws: WorkspaceArgument
            @Argument(help: "CSV 或 XLSX 文件（XLSX 读“人员”表，没有则读第一张表）") var file: String
            @Option(help: "XLSX 中人员信息所在的工作表") var sheet: String?
            @Flag(help: "替换文件中各单位原有的人员信息") var replace = false
            @Option(help: "修改人") var author: String = defaultAuthor

            func run() throws {
                try runReporting {
                    let url = URL(fileURLWithPath: file)
                    guard FileManager.default.fileExists(atPath: file) else { throw WorkbookError.missingFile(file) }
                    var problems = ProblemCollector()
                    let rows: ReadRows<StaffRow>
                    if ["xlsx", "xlsm"].contains(url.pathExtension.lowercased()) {
                        // The 人员 sheet of an input template, or the given or first sheet: the same
                        // columns and row rules as the CSV.
                        var warnings: [Problem] = []
                        rows = try FileImporter.readStaff(url, sheet: sheet, warnings: &warnings, problems: &problems)
                        var stderr = StandardError()
                        for w in warnings { print("警告：\(w)", to: &stderr) }
                    } else {
                        guard sheet == nil else { throw ValidationError("--sheet 只用于 XLSX 文件") }
                        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("无法读取文件 \(file)") }
                        rows = WorkbookFolder.readStaff([UInt8](data), file: url.lastPathComponent, problems: &problems)
                    }
                    let w = try ws.open()
                    let units = Swift.Set(try w.budgetWithoutItems().budget.units.map(\.code))
                    for (i, r) in rows.rows.enumerated() where !units.contains(r.unit) {
                        problems.add(Problem(rule: .unknownUnit, location: rows.location(i, "unit"), value: r.unit,
                                             message: "单位 `\(r.unit)` 不在工作区中"))
                    }
                    try problems.throwIfErrors()
                    let out = try w.importStaff(rows.rows, replace: replace, author: author)
                    let people = rows.rows.reduce(Int64(0)) { $0 + $1.count }
                    print("已导入人员信息 \(rows.rows.count) 行（\(people) 人）\(replace ? "，替换了这些单位原有的人员信息" : "")")
                    printMoved(out.moved)
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出人员信息（月金额，元）。")
            @OptionGroup var ws: WorkspaceArgument
            @Option(help: "单位编码") var unit: String?

            func run() throws {
                try runReporting {
                    let rows = try ws.open().staff(unit: unit)
                    let fields = WorkbookFolder.staffFields(rows.map(\.row))
                    var table = [["#", "单位", "姓名", "类别", "人数"] + fields]
                    for (id, r) in rows {
                        table.append([String(id), r.unit, r.name, r.category, String(r.count)]
                                     + fields.map { Money.hundredthsText((r.amounts[$0] ?? .zero).fen, grouped: true) })
                    }
                    print(TextTable.render(table, rightAligned: Swift.Set([0] + Array(4..<(5 + fields.count)))), terminator: "")
                    print("共 \(rows.count) 行，\(rows.reduce(Int64(0)) { $0 + $1.row.count }) 人")
                }
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "一条明细的金额是怎样由测算依据算出的：每个名称的值和来源。")
        @OptionGroup var ws: WorkspaceArgument
        @Argument(help: "明细编号") var id: Int64

        func run() throws {
            try runReporting {
                let w = try ws.open()
                guard let e = try w.explain(id) else {
                    let a = try w.item(id)?.item.amount ?? .zero
                    print("明细 #\(id) 没有测算依据：金额 \(Money.hundredthsText(a.fen, grouped: true)) 元是直接填写的")
                    return
                }
                print(explanationText(e), terminator: "")
            }
        }
    }
}

/// `budget explain`'s text: the expression and its amount, then each term, its value and origin.
func explanationText(_ e: BasisExplanation) -> String {
    var out = "明细 #\(e.id)：\(e.expression)\n"
    out += "  = \(Money.hundredthsText(e.amount.fen, grouped: true)) 元"
    // The exact value only when rounding to the 分 changed it.
    out += (try? Rational(fen: e.amount.fen)) == e.value ? "\n" : "（精确值 \(e.value.decimalText)，四舍五入到分）\n"
    var table: [[String]] = []
    for t in e.terms {
        let origin: String
        switch t.origin {
        case .parameter(let p): origin = "参数（单位 \(p.unit)）" + (p.memo.isEmpty ? "" : "，\(p.memo)")
        case .standard(let s): origin = "标准" + (s.memo.isEmpty ? "" : "，\(s.memo)")
        case .headcount(let c, let rows): origin = "人员信息 \(rows) 行" + (c.map { "（类别 \($0)）" } ?? "（全部类别）")
        case .wage(let f, let c, let rows): origin = "人员信息 \(rows) 行的 \(f) × 人数，元/月" + (c.map { "（类别 \($0)）" } ?? "")
        case .economic(let codes, let lines): origin = "本单位同资金来源、年度、支出类型的经济分类 \(codes.joined(separator: "、")) 明细 \(lines) 笔"
        }
        table.append(["  " + t.text, "=", t.value.decimalText, origin])
    }
    if !table.isEmpty { out += TextTable.render(table, rightAligned: [2]) }
    return out
}
