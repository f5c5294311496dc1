import ArgumentParser
import BudgetCore
import BudgetStore
import Foundation

extension BudgetCommand {
    struct Items: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出支出明细。")

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "单位编码") var unit: String?
        @Option(help: "功能分类编码（前缀）") var function: String?
        @Option(help: "经济分类编码（前缀）") var economic: String?
        @Option(help: Source.optionHelp("资金来源")) var source: Source?
        @Option(help: Carryover.optionHelp("当年或上年结转")) var carryover: Carryover?
        @Option(help: ExpenditureKind.optionHelp("支出类型")) var kind: ExpenditureKind?
        @Option(help: "项目编码") var project: String?
        @Option(parsing: .unconditional, help: "最多显示多少行") var limit: Int?

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit 应为正整数：\(limit)") }
        }

        func run() throws {
            try runReporting {
                let w = try ws.open()
                if let unit {
                    let units = try w.budgetWithoutItems().budget.units
                    if !units.contains(where: { $0.code == unit }) { throw unknownUnit(unit, in: units) }
                }
                let rows = try w.items(ItemFilter(unit: unit, functionPrefix: function, economicPrefix: economic, source: source,
                                                          carryover: carryover, kind: kind, project: project, limit: limit))
                // The basis beside the amount, when a listed line has one (a computed line is marked 〔算〕 by it).
                let withBasis = rows.contains { $0.item.basis != nil }
                var table = [["#", "单位", "功能", "经济", "资金来源", "年度", "类型", "项目", "金额（元）"] + (withBasis ? ["测算依据"] : []) + ["备注"]]
                var total = Money.zero
                for s in rows {
                    let i = s.item
                    total += i.amount
                    table.append([String(s.id), i.unit, i.function, i.economic, i.source.name, i.carryover.name, i.kind.name,
                                  i.project ?? "", Money.hundredthsText(i.amount.fen, grouped: true)]
                                 + (withBasis ? [i.basis.map { "= " + $0 } ?? ""] : []) + [i.memo])
                }
                print(TextTable.render(table, rightAligned: [0, 8]), terminator: "")
                print("共 \(rows.count) 条，合计 \(Money.hundredthsText(total.fen, grouped: true)) 元")
            }
        }
    }

    struct Item: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "逐条增加、修改、删除支出明细（每次一个事务，记入修改日志）。",
                                                        subcommands: [Add.self, Set.self, Remove.self, History.self])

        struct Fields: ParsableArguments {
            @Option(help: "单位编码") var unit: String?
            @Option(help: "功能分类项级编码（7 位）") var function: String?
            @Option(help: "经济分类款级编码（5 位）") var economic: String?
            @Option(help: Source.optionHelp("资金来源")) var source: Source?
            @Option(help: Carryover.optionHelp("当年或上年结转")) var carryover: Carryover?
            @Option(help: ExpenditureKind.optionHelp("支出类型")) var kind: ExpenditureKind?
            @Option(help: "项目编码（项目支出必填）") var project: String?
            // Unconditional: `--amount -100` is a value (refused by the amount rule, with its reason),
            // not a missing value followed by an option named -100.
            @Option(parsing: .unconditional, help: "金额（元，最多两位小数，不能为负数）") var amount: String?
            @Option(help: "测算依据：金额由它算出，如 \"工资(岗位工资, 在职) × 12\"、\"经济(30101, 30102) × 养老保险单位缴费比例\"（docs/basis.md）；空字符串去掉测算依据") var basis: String?
            @Option(help: "政府预算经济分类（覆盖对照表）") var govEconomic: String?
            @Option(help: "备注") var memo: String?
            @Option(help: "修改人") var author: String = defaultAuthor

            func apply(to base: LineItem) throws -> LineItem {
                var i = base
                if let unit { i.unit = unit }
                if let function { i.function = function }
                if let economic { i.economic = economic }
                if let source { i.source = source }
                if let carryover { i.carryover = carryover }
                if let kind { i.kind = kind }
                if let project { i.project = project.isEmpty ? nil : project }
                if amount != nil && basis != nil { throw ValidationError("--amount 与 --basis 只能给一个：有测算依据的金额由它算出") }
                if let amount {
                    do { i.amount = try Money.parseYuan(amount) } catch { throw ValidationError("--amount：\(error)") }
                    // A typed amount replaces the basis: the line is no longer computed.
                    i.basis = nil
                }
                if let basis {
                    let t = basis.trimmingCharacters(in: .whitespaces)
                    if t.isEmpty {
                        guard i.basis != nil else { throw ValidationError("--basis 为空：这条明细本来没有测算依据") }
                        i.basis = nil
                    } else {
                        i.basis = t
                    }
                }
                if let govEconomic { i.governmentEconomic = govEconomic.isEmpty ? nil : govEconomic }
                if let memo { i.memo = memo }
                return i
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "增加一条明细。")
            @OptionGroup var ws: WorkspaceArgument
            @OptionGroup var fields: Fields

            func run() throws {
                try runReporting {
                    guard let u = fields.unit, let f = fields.function, let e = fields.economic, fields.amount != nil || fields.basis != nil else {
                        throw ValidationError("增加明细需要 --unit、--function、--economic 和 --amount（或 --basis）")
                    }
                    let item = try fields.apply(to: LineItem(unit: u, function: f, economic: e, amount: .zero))
                    let step = try ws.open().addReporting(item, author: fields.author)
                    let s = step.saved[0]
                    print("已增加明细 #\(s.id)：\(item.function) \(item.economic) \(s.item.amount.yuanText) 元\(basisNote(s.item))")
                    printMoved(step.moved)
                }
            }
        }

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "修改一条明细（只改给出的字段）。")
            @OptionGroup var ws: WorkspaceArgument
            @Argument(help: "明细编号") var id: Int64
            @OptionGroup var fields: Fields

            func run() throws {
                try runReporting {
                    let w = try ws.open()
                    guard let current = try w.item(id) else { throw WorkspaceError.itemNotFound(id) }
                    let item = try fields.apply(to: current.item)
                    let step = try w.setReporting(id, to: item, expectedVersion: current.version, author: fields.author)
                    let s = step.saved[0]
                    print("已修改明细 #\(s.id)（第 \(s.version) 版）：\(current.item.amount.yuanText) → \(s.item.amount.yuanText) 元\(basisNote(s.item))")
                    printMoved(step.moved)
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "rm", abstract: "删除一条明细。")
            @OptionGroup var ws: WorkspaceArgument
            @Argument(help: "明细编号") var id: Int64
            @Option(help: "修改人") var author: String = defaultAuthor

            func run() throws {
                try runReporting {
                    let step = try ws.open().removeReporting(id, author: author)
                    let s = step.removed[0]
                    print("已删除明细 #\(id)：\(s.item.function) \(s.item.economic) \(s.item.amount.yuanText) 元")
                    printMoved(step.moved)
                }
            }
        }

        struct History: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "一条明细的修改记录。")
            @OptionGroup var ws: WorkspaceArgument
            @Argument(help: "明细编号") var id: Int64

            func run() throws {
                try runReporting {
                    for c in try ws.open().history(of: id) {
                        print("\(c.at)  \(c.author)  \(c.action)  \(c.before?.amount.yuanText ?? "—") → \(c.after?.amount.yuanText ?? "—")")
                    }
                }
            }
        }
    }
}
