import Foundation

/// The table sets installed in a folder (Templates/tables/), found by the name in their set.json.
///
/// Every command that builds tables chooses its set the same way (`--tables NAME`): a name of an
/// installed set, or a folder path; an unknown name is an error that lists the sets installed.
public struct TableSetCatalog: Sendable {
    /// The set used when neither the command nor the workspace names one.
    public static let defaultName = "shanxi-2025"

    /// Templates/tables/: one folder a set.
    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    /// One installed set, as its set.json names it.
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var title: String
        public var folder: URL
    }

    /// A set name: letters, digits, `-`, `_`, `.`; no path separator, so a name is never a path.
    public static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s != "." && s != ".."
            && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// The sets installed, by id; a folder without a readable set.json is left out (loading it by path
    /// reports why). A set.json without `id` is named by its folder.
    public func installed() -> [Entry] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return [] }
        var out: [Entry] = []
        for name in names.sorted() {
            let dir = folder.appendingPathComponent(name)
            guard let data = fm.contents(atPath: dir.appendingPathComponent("set.json").path),
                  let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { continue }
            let id = obj["id"] as? String ?? name
            out.append(Entry(id: id, title: obj["title"] as? String ?? obj["name"] as? String ?? id, folder: dir))
        }
        return out.sorted { $0.id < $1.id }
    }

    /// The folder of a set chosen by name (an installed set's id) or by path (a folder holding a
    /// set.json). A name is tried first, so a set called `mof-9` is found wherever the command runs.
    public func locate(_ nameOrPath: String) throws(NotFound) -> URL {
        let sets = installed()
        if let e = sets.first(where: { $0.id == nameOrPath }) { return e.folder }
        var isDir: ObjCBool = false
        let url = URL(fileURLWithPath: (nameOrPath as NSString).expandingTildeInPath)
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
            return url
        }
        let listed = sets.isEmpty ? "（\(folder.path) 中没有模板集）"
            : sets.map { "\($0.id)（\($0.title)）" }.joined(separator: "、")
        throw NotFound(name: nameOrPath, installed: listed)
    }

    /// Loads a set chosen by name or path.
    public func load(_ nameOrPath: String) throws -> TableTemplateSet {
        try TableTemplateSet.load(try locate(nameOrPath))
    }

    /// A `--tables` value that is neither an installed set nor a set's folder.
    public struct NotFound: Error, Sendable, CustomStringConvertible {
        public var name: String
        /// The installed sets, as listed for the clerk.
        public var installed: String
        public var description: String { "没有名为 `\(name)` 的公开表模板集，也不是模板集文件夹；已安装的模板集：\(installed)" }
    }
}
