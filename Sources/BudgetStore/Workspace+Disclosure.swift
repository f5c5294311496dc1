import BudgetCore
import Foundation
import GRDB

/// The disclosure files a workspace carries (绩效目标, 政府采购, 国有资产, texts), as bytes by their
/// name in the workbook folder. BudgetDisclosure parses and writes them; the store only keeps them,
/// so that `budget save` gives back what `budget load` read.
extension Workspace {
    /// Set in `meta` once a load carried the folder's disclosure files (even none): a workspace from
    /// before, or from `budget init`, has not, and `budget save` then leaves a folder's files alone.
    static let disclosureCarriedKey = "disclosure_files"

    static func insert(disclosureFiles files: [String: [UInt8]], _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, 'carried')", arguments: [disclosureCarriedKey])
        try db.execute(sql: "DELETE FROM disclosure_file")
        for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "INSERT INTO disclosure_file(name, content) VALUES (?, ?)", arguments: [name, Data(bytes)])
        }
    }

    /// The disclosure files by name; nil when the workspace never carried any (see `disclosureCarriedKey`).
    public func disclosureFiles() throws -> [String: [UInt8]]? {
        do {
            return try dbWriter.read { db -> [String: [UInt8]]? in
                guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [Workspace.disclosureCarriedKey]) != nil
                else { return nil }
                var out: [String: [UInt8]] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT name, content FROM disclosure_file") {
                    out[row["name"]] = [UInt8](row["content"] as Data)
                }
                return out
            }
        } catch { throw WorkspaceError.database("\(error)") }
    }

    /// Replaces the disclosure files in one transaction.
    public func replaceDisclosureFiles(_ files: [String: [UInt8]]) throws {
        do { try dbWriter.write { db in try Workspace.insert(disclosureFiles: files, db) } } catch {
            throw WorkspaceError.database("\(error)")
        }
    }
}
