import BudgetCore
import Foundation

/// Reads and writes the disclosure files of a workbook folder (the only file I/O of this target;
/// the parsing is `DisclosureFormat`).
public enum DisclosureFolder {
    /// Reads whichever disclosure files `folder` has. A file larger than the limit is refused
    /// without reading it whole. `glossaryTemplate` is the province's Templates/disclosure/glossary.md.
    public static func read(_ folder: URL, glossaryTemplate: URL? = nil) throws -> DisclosureData {
        var files: [String: [UInt8]] = [:]
        var problems = ProblemCollector()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            // A mistyped folder must not give a document of markers as if nothing had been entered.
            throw ProblemsError([Problem(rule: .notAFolder, location: Location(file: folder.path),
                                         message: "找不到公开资料文件夹 \(folder.path)")])
        }
        for name in DisclosureFormat.allFiles {
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            switch readBounded(url) {
            case .success(let b): files[name] = b
            case .failure(let message): problems.add(Problem(rule: .unreadableFile, location: Location(file: name), message: message))
            }
        }
        var template: [UInt8]?
        if let g = glossaryTemplate {
            switch readBounded(g) {
            case .success(let b): template = b
            case .failure(let message):
                problems.add(Problem(rule: .unreadableFile, location: Location(file: g.path), message: message))
            }
        }
        try problems.throwIfErrors()
        return try DisclosureFormat.parse(files: files, glossaryTemplate: template)
    }

    /// Writes the files of `data` into `folder` (creating texts/), each replaced atomically, and
    /// removes the disclosure files that `data` no longer has.
    public static func write(_ data: DisclosureData, to folder: URL, includeGlossary: Bool = true) throws {
        let files = DisclosureFormat.write(data, includeGlossary: includeGlossary)
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("texts"), withIntermediateDirectories: true)
        for name in DisclosureFormat.allFiles {
            let url = folder.appendingPathComponent(name)
            if let bytes = files[name] {
                try Data(bytes).write(to: url, options: .atomic)
            } else if fm.fileExists(atPath: url.path), name != DisclosureFormat.glossaryFile || includeGlossary {
                try fm.removeItem(at: url)
            }
        }
    }

    enum ReadResult { case success([UInt8]), failure(String) }

    static func readBounded(_ url: URL) -> ReadResult {
        guard let h = try? FileHandle(forReadingFrom: url) else { return .failure("无法打开文件 \(url.path)") }
        defer { try? h.close() }
        do {
            let limit = DisclosureFormat.maxFileBytes
            let data = try h.read(upToCount: limit + 1) ?? Data()
            if data.count > limit { return .failure("文件超过上限 \(limit) 字节") }
            return .success([UInt8](data))
        } catch {
            return .failure("无法读取文件（\(error.localizedDescription)）")
        }
    }
}
