import ArgumentParser
import BudgetChecks
import BudgetCore
import BudgetTables
import BudgetWorkbook
import Foundation

/// `--tables NAME|FOLDER`: the disclosure table set (and with it the rules) a command uses, the same
/// way for export, check, serve, compare and narrative.
///
/// Without it, the set the workspace names (workbook.json `tables`, kept in the workspace) is used,
/// and without that the program's default, shanxi-2025.
struct TableSetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("公开表模板集：已安装的名称（如 shanxi-2025、mof-9），或模板集文件夹；默认为工作区记录的模板集（workbook.json 的 tables），否则 \(TableSetCatalog.defaultName)",
                               valueName: "set"))
    var tables: String?

    /// The option's old spelling (a folder path only), kept so existing scripts still run.
    @Option(name: .customLong("template"), help: .hidden) var template: String?

    /// What was asked for, before the workspace's and the program's defaults.
    func requested(for budget: Budget?) -> String {
        tables ?? template ?? budget?.tableSet ?? TableSetCatalog.defaultName
    }

    /// The installed sets (Templates/tables).
    static func catalog() throws -> TableSetCatalog {
        TableSetCatalog(folder: try ResourceRoot.locate().templates.appendingPathComponent("tables"))
    }

    /// The folder of the chosen set; an unknown name lists the sets installed.
    func folder(for budget: Budget?) throws -> URL {
        try Self.catalog().locate(requested(for: budget))
    }

    /// The chosen set, loaded (every template checked).
    func load(for budget: Budget?) throws -> TableTemplateSet {
        try TableTemplateSet.load(try folder(for: budget))
    }

    /// The set a budget names, or the default set (for commands without `--tables`: demo, bench).
    static func namedSet(for budget: Budget?) throws -> TableTemplateSet {
        try catalog().load(budget?.tableSet ?? TableSetCatalog.defaultName)
    }

    /// The set's rules (or `file`, a rule file given by hand), checked against its templates.
    static func rules(for set: TableTemplateSet, file: String? = nil) throws -> RuleSet {
        try RuleSet.load(for: set, file: file.map { URL(fileURLWithPath: $0) })
    }
}
