import Foundation

/// Finds the project's data folders (`Templates/`, `Workbooks/`): from `BUDGET_HOME`, else next to
/// the executable or above it (a checkout running `swift run` or `.build/debug/budget`), else above
/// the current directory.
public struct ResourceRoot: Sendable {
    public let url: URL
    public var templates: URL { url.appendingPathComponent("Templates") }
    public var workbooks: URL { url.appendingPathComponent("Workbooks") }
    public var codes: URL { templates.appendingPathComponent("codes") }

    public init(url: URL) { self.url = url }

    public static let environmentVariable = "BUDGET_HOME"

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ResourceRoot {
        let fm = FileManager.default
        if let home = environment[environmentVariable], !home.isEmpty {
            let u = URL(fileURLWithPath: home)
            guard fm.fileExists(atPath: u.appendingPathComponent("Templates").path) else {
                throw ResourceError.notFound("\(environmentVariable)=\(home) 下没有 Templates/ 文件夹")
            }
            return ResourceRoot(url: u)
        }
        var starts: [URL] = []
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        starts.append(exe.deletingLastPathComponent())
        starts.append(URL(fileURLWithPath: fm.currentDirectoryPath))
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                if fm.fileExists(atPath: dir.appendingPathComponent("Templates/codes").path) { return ResourceRoot(url: dir) }
                let up = dir.deletingLastPathComponent()
                if up.path == dir.path { break }
                dir = up
            }
        }
        throw ResourceError.notFound("找不到 Templates/ 文件夹：请在项目目录中运行，或设置环境变量 \(environmentVariable) 为包含 Templates/ 和 Workbooks/ 的目录")
    }
}

public enum ResourceError: Error, CustomStringConvertible, Sendable {
    case notFound(String)
    public var description: String { switch self { case .notFound(let s): return s } }
}
