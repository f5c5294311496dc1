import ArgumentParser
import BudgetCore
import BudgetStore

extension BudgetCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "核对工作区：由明细重算全部小计，与工作区保存的小计逐项比较，并运行 SQLite 完整性检查。",
            discussion: "全部一致时退出码为 0；有任何不一致时列出每一处（节点、口径、保存值与重算值，单位元），退出码非 0。")

        @OptionGroup var ws: WorkspaceArgument

        func run() throws {
            try runReporting {
                let w = try ws.open()
                let report = try w.verify()
                let budget = try w.budgetWithoutItems().budget
                let lines = VerifyText.lines(report, codes: budget.codes)
                for l in lines { print(l) }
                if !report.isClean { throw ExitCode.failure }
            }
        }
    }
}

/// `budget verify`'s report in the tables' words: a node as a table names its row, a slot as
/// the columns it sums (资金来源、当年/上年结转、基本/项目、人员/公用), amounts in 元.
enum VerifyText {
    static func lines(_ r: VerifyReport, codes: CodeBook) -> [String] {
        var out: [String] = []
        for d in r.lineCounts {
            let place = d.slot.map { "  \(slot($0))" } ?? ""
            out.append("小计不一致：\(node(d.node, codes))\(place)  明细条数  保存 \(d.kept) 条，重算 \(d.recomputed) 条")
        }
        for d in r.sums {
            out.append("小计不一致：\(node(d.node, codes))  \(slot(d.slot))  保存 \(Money(fen: d.kept).yuanText) 元，重算 \(Money(fen: d.recomputed).yuanText) 元")
        }
        for u in r.unreadable { out.append("小计无法读取：\(u)") }
        for l in r.lineLimits { out.append("金额超过上限：\(l)") }
        for i in r.integrity { out.append("SQLite 完整性检查：\(i)") }
        for f in r.foreignKeys { out.append("SQLite 外键检查：\(f)") }
        if r.isClean {
            out.append("工作区一致：\(r.lines) 条明细重算的 \(r.nodes) 个汇总节点与保存的小计全部相同；SQLite 完整性检查、外键检查通过。")
        } else {
            let n = r.sums.count + r.lineCounts.count + r.unreadable.count + r.lineLimits.count + r.integrity.count + r.foreignKeys.count
            out.append("工作区不一致：共 \(n) 处（\(r.lines) 条明细，\(r.nodes) 个汇总节点）。可用 budget save 导出明细后用 budget load 重建工作区。")
        }
        return out
    }

    static func node(_ n: RollupNode, _ codes: CodeBook) -> String {
        func named(_ set: CodeSet, _ c: String) -> String { codes.name(set, c).map { "\(c) \($0)" } ?? c }
        switch n {
        case .department: return "部门合计"
        case .function(let c): return "功能分类 \(named(.function, c))"
        case .economic(let c): return "部门经济分类 \(named(.economic, c))"
        case .economicPair(let e, let g):
            return "部门经济分类 \(named(.economic, e)) / 政府经济分类 \(g.isEmpty ? "（未对应）" : named(.governmentEconomic, g))"
        case .unit(let u): return "单位 \(u)"
        case .project(let u, let c): return "单位 \(u) 项目 \(c)"
        case .unitFunction(let u, let f): return "单位 \(u) 功能分类 \(named(.function, f))"
        }
    }

    /// The slot's four coordinates, in `Slot.index`'s order.
    static func slot(_ s: Int) -> String {
        let nature = CostNature(rawValue: s % 2) ?? .personnel
        let kind = ExpenditureKind(rawValue: (s / 2) % 2) ?? .basic
        let carry = Carryover(rawValue: (s / 4) % 2) ?? .currentYear
        let source = Source(rawValue: s / 8) ?? .generalPublic
        let natureName = nature == .personnel ? "人员经费" : "公用经费"
        return "\(source.name)·\(carry.name)·\(kind.name)·\(natureName)"
    }
}
