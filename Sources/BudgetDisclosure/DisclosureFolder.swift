import BudgetCore
import BudgetFiles
import Foundation

/// Reads and writes the disclosure files of a workbook folder (the only file I/O of this target;
/// the parsing is `DisclosureFormat`).
public enum DisclosureFolder {
    /// Reads whichever disclosure files `folder` has. A file larger than the limit is refused
    /// without reading it whole. `glossaryTemplate` is the province's Templates/disclosure/glossary.md.
    public static func read(_ folder: URL, glossaryTemplate: URL? = nil) throws -> DisclosureData {
        var problems = ProblemCollector()
        let files = try present(in: folder, problems: &problems)
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

    /// The disclosure files of `folder` as `budget load` keeps them: parsed (any error refuses them
    /// all) and written back in the canonical form (`DisclosureFormat.write`), so that a save of what
    /// was loaded, loaded again, gives the same bytes. The glossary is the folder's own, if any; a
    /// file that holds nothing (an empty texts/duties.md) is not kept.
    public static func canonicalFiles(in folder: URL) throws -> [String: [UInt8]] {
        var problems = ProblemCollector()
        let files = try present(in: folder, problems: &problems)
        try problems.throwIfErrors()
        return DisclosureFormat.write(try DisclosureFormat.parse(files: files), includeGlossary: true)
    }

    /// The disclosure files in `folder`, read within the size limit.
    static func present(in folder: URL, problems: inout ProblemCollector) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
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
        return files
    }

    /// Writes the files of `data` into `folder` (creating texts/), each replaced atomically, and
    /// removes the disclosure files that `data` no longer has.
    public static func write(_ data: DisclosureData, to folder: URL, includeGlossary: Bool = true) throws {
        var files = DisclosureFormat.write(data, includeGlossary: includeGlossary)
        // Without the glossary, a folder's own texts/glossary.md stays as it is.
        if !includeGlossary, let own = try? Data(contentsOf: folder.appendingPathComponent(DisclosureFormat.glossaryFile)) {
            files[DisclosureFormat.glossaryFile] = [UInt8](own)
        }
        try write(files: files, to: folder)
    }

    /// Writes exactly `files` (name → bytes, names from `DisclosureFormat.allFiles`) into `folder`,
    /// each replaced atomically (`AtomicFile`), and removes every other disclosure file there (and
    /// texts/ when it is left empty). Files that are not disclosure files are not touched.
    public static func write(files: [String: [UInt8]], to folder: URL) throws {
        let fm = FileManager.default
        let texts = folder.appendingPathComponent("texts")
        if files.keys.contains(where: { $0.hasPrefix("texts/") }) {
            try fm.createDirectory(at: texts, withIntermediateDirectories: true)
        }
        for name in DisclosureFormat.allFiles {
            let url = folder.appendingPathComponent(name)
            if let bytes = files[name] {
                try AtomicFile.write(Data(bytes), to: url)
            } else if fm.fileExists(atPath: url.path) {
                try fm.removeItem(at: url)
            }
        }
        if let left = try? fm.contentsOfDirectory(atPath: texts.path), left.isEmpty { try fm.removeItem(at: texts) }
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
