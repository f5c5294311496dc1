import BudgetStore
import BudgetWorkbook
import BudgetXLSX
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BudgetServer

/// `budget serve --tables NAME`: the checks and the export follow the chosen table set.
@Suite("Workbench routes follow the chosen table set")
struct TableSetRouteTests {
    struct ChecksJSON: Decodable { var source: String; var errors: Int }

    static func app(_ ws: Workspace, set: String?) throws -> some ApplicationProtocol {
        let folder = try set.map { try ResourceRoot.locate().templates.appendingPathComponent("tables/\($0)") }
        return Application(router: buildRouter(workbench: try Workbench(workspace: ws), configuration: ServerConfiguration(tableSet: folder)))
    }

    @Test("with mof-9 the checks run the nine-table rules and the export holds the nine tables", arguments: [nil, "mof-9"])
    func followsTheSet(_ set: String?) async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await Self.app(ws, set: set).test(.router) { client in
            // The page names the set's tables from the meta (the export button once said 十三张 for every set).
            try await client.execute(uri: "/api/meta", method: .get) { r in
                let meta = try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any]
                let info = meta?["tableSet"] as? [String: Any]
                #expect(info?["count"] as? Int == (set == nil ? 13 : 9), "\(String(describing: info))")
                #expect(info?["id"] as? String == (set ?? "shanxi-2025"))
            }
            try await client.execute(uri: "/api/checks", method: .get) { r in
                #expect(r.status == .ok)
                let c = try decode(ChecksJSON.self, r)
                #expect(c.source.hasPrefix(set == nil ? "山西省 2025 年部门预算公开表勾稽关系" : "财政部部门预算公开九张表勾稽关系"), "\(c.source)")
                // Only the rule that needs the prior year (not given here) is left out.
                #expect(c.source.hasSuffix("条规则，1 条未执行）") && c.errors == 0, "\(c.source)")
            }
            try await client.execute(uri: "/api/export", method: .get) { r in
                #expect(r.status == .ok)
                let xlsx = Data(r.body.readableBytesView)
                let names = set == nil ? ["表10 财政拨款安排三公经费支出预算表"] : ["表7 一般公共预算三公经费支出表", "表9 国有资本经营预算支出表"]
                #expect(xlsx.count > 5000)
                let out = dir.appendingPathComponent("served.xlsx")
                try xlsx.write(to: out)
                let listing = try Self.sheetNames(out)
                #expect(listing.count == (set == nil ? 13 : 9))
                for n in names { #expect(listing.contains(n)) }
            }
        }
    }

    static func sheetNames(_ url: URL) throws -> [String] { try XLSXReader(url: url).sheets.map(\.name) }
}
