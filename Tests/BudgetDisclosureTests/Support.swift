import BudgetCore
import BudgetDisclosure
import BudgetWorkbook
import Foundation

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demo = root.appendingPathComponent("Workbooks/zezhou-natural-resources-2025")
    static let glossary = root.appendingPathComponent("Templates/disclosure/glossary.md")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The published document: in the repository (Tests/Reference) or beside the checkout (../shared/reference).
    static let seed: URL = {
        let inRepo = root.appendingPathComponent("Tests/Reference/zezhou-natural-resources-2025.txt")
        if FileManager.default.fileExists(atPath: inRepo.path) { return inRepo }
        return root.deletingLastPathComponent().appendingPathComponent("shared/reference/zezhou-natural-resources-2025.txt")
    }()
}

func seedText() throws -> String { try String(contentsOf: Paths.seed, encoding: .utf8) }

func demoBudget() throws -> Budget {
    try WorkbookFolder.read(Paths.demo, defaults: CodeLists.loadDefaults(codesFolder: Paths.root.appendingPathComponent("Templates/codes")))
}

func demoData() throws -> DisclosureData { try DisclosureFolder.read(Paths.demo, glossaryTemplate: Paths.glossary) }

/// The disclosure files of the demo as bytes, as the parser takes them.
func demoFiles() throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for name in DisclosureFormat.allFiles {
        let url = Paths.demo.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: url.path) { files[name] = [UInt8](try Data(contentsOf: url)) }
    }
    return files
}

/// The problems a parse throws, or an empty list when it succeeds.
func problems(_ files: [String: [UInt8]]) -> [Problem] {
    do { _ = try DisclosureFormat.parse(files: files); return [] } catch { return error.problems }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A temporary folder removed at the end of the test.
func withTemporaryFolder<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("disclosure-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}
