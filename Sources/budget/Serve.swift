import ArgumentParser
import BudgetChecks
import BudgetCore
import BudgetServer
import BudgetStore
import BudgetTables
import Foundation

extension BudgetCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "打开浏览器工作台：像 Excel 一样录入明细，汇总、审核、导出随改随算。",
            discussion: """
            默认只在本机（127.0.0.1）监听。用 --host 0.0.0.0 在办公室网络中共享时必须有访问口令：
            用 --token 指定，或由程序生成并打印；同事用打印出的完整地址打开。
            """)

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "上年的工作区，显示上年数、增减额、增减率") var prior: String?
        @Flag(help: ArgumentHelp(forcePriorHelp)) var force = false
        @Option(help: "端口（0 表示自动选一个空闲端口）") var port = 8080
        @Option(help: "监听地址；不是本机地址时需要访问口令") var host = "127.0.0.1"
        @Option(help: "访问口令（除网页本身外，每个请求都要带上）") var token: String?
        @OptionGroup var tableSet: TableSetOptions

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("端口 \(port) 不对，应在 0 到 65535 之间") }
            if let t = token, t.count < 8 { throw ValidationError("访问口令太短（至少 8 个字符）") }
        }

        func run() async throws {
            let workspace: Workspace
            let priorWorkspace: Workspace?
            let workbench: Workbench
            let tablesFolder: URL
            do {
                workspace = try ws.open()
                priorWorkspace = try prior.map { try Workspace.open($0) }
                if let priorWorkspace {
                    try checkPriorYear(current: .init(try workspace.budgetWithoutItems().budget),
                                       prior: .init(try priorWorkspace.budgetWithoutItems().budget), force: force)
                }
                workbench = try Workbench(workspace: workspace, prior: priorWorkspace)
                // The set is chosen and checked once, at start: a wrong name or template fails here.
                tablesFolder = try tableSet.folder(for: try workspace.budgetWithoutItems().budget)
                _ = try TableTemplateSet.load(tablesFolder)
            } catch { throw reportFailure(error) }
            var config = ServerConfiguration(host: host, port: port, token: token, tableSet: tablesFolder)
            if !config.isLoopback, config.token == nil { config.token = ServerConfiguration.generateToken() }
            let shownHost = config.isLoopback ? (host.contains(":") ? "[\(host)]" : host) : Serve.lanAddress(host)
            let tokenPart = config.token.map { "/?token=\($0)" } ?? "/"
            let path = ws.workspace, shared = !config.isLoopback, token = config.token ?? "", bindHost = host
            let server = { @Sendable (bound: Int) async in
                var text = "预算工作台已启动：\(path)\n请用浏览器打开：http://\(shownHost):\(bound)\(tokenPart)\n"
                if shared { text += "已在网络上共享（\(bindHost)）；访问口令：\(token)。只把这个地址告诉需要的同事。\n" }
                text += "按 Ctrl+C 停止。\n"
                // Unbuffered, so a script reading our output sees the address at once.
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            let finalConfig = config
            do { try await runServer(workbench: workbench, configuration: finalConfig, onRunning: server) } catch {
                throw reportFailure(error)
            }
        }

        /// The address to print when listening on all interfaces.
        static func lanAddress(_ host: String) -> String {
            if host == "0.0.0.0" || host == "::" { return ProcessInfo.processInfo.hostName }
            return host.contains(":") ? "[\(host)]" : host
        }
    }

    /// `budget synthetic-workspace N PATH`: a workspace of N synthetic lines, for measuring the workbench.
    struct SyntheticWorkspace: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synthetic-workspace",
            abstract: "生成一个有 N 条合成明细的工作区（用于测量工作台的速度）。",
            shouldDisplay: false)

        @Argument(help: "明细条数") var count: Int
        @Argument(help: "工作区文件") var path: String

        func run() throws {
            try runReporting {
                guard count > 0, count <= 10_000_000 else { throw ValidationError("明细条数应在 1 到 10000000 之间") }
                let budget = SyntheticBudget.make(items: count, codes: try defaultCodes())
                let t = ContinuousClock.now
                try Workspace.create(at: path, budget: budget)
                print("已生成 \(path)：\(count) 条明细（\(fmt((ContinuousClock.now - t).seconds * 1000)) ms）")
            }
        }
    }
}
