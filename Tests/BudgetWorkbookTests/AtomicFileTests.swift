import BudgetFiles
import Foundation
import Testing

/// The one atomic file replacement every writer uses (issue 11).
@Suite("Atomic file replacement")
struct AtomicFileTests {
    func leftovers(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
    }

    @Test("a write replaces the file and leaves no temporary file")
    func replaces() throws {
        let dir = temporaryFolder()
        let url = dir.appendingPathComponent("a.csv")
        try AtomicFile.write(Data("old".utf8), to: url)
        try AtomicFile.write(Data("new".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "new")
        #expect(try leftovers(dir).isEmpty)
    }

    @Test("a failed write leaves the old file as it was, and no temporary file")
    func failureKeepsTheOld() throws {
        struct Boom: Error {}
        let dir = temporaryFolder()
        let url = dir.appendingPathComponent("a.csv")
        try AtomicFile.write(Data("old".utf8), to: url)
        #expect(throws: AtomicFileError.self) {
            try AtomicFile.replace(url, companions: ["-wal"]) { tmp in
                try Data("half".utf8).write(to: tmp)
                try Data("wal".utf8).write(to: URL(fileURLWithPath: tmp.path + "-wal"))
                throw Boom()
            }
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "old")
        #expect(try leftovers(dir).isEmpty)
        // A folder that cannot be written to is an error that names the file.
        do { try AtomicFile.write(Data(), to: URL(fileURLWithPath: "/nonexistent/dir/x.csv")); Issue.record("must fail") } catch {
            #expect(error.description.contains("/nonexistent/dir/x.csv"))
        }
    }

    @Test("temporary files of processes no longer running are removed, others kept")
    func staleTemporaries() throws {
        let dir = temporaryFolder()
        let url = dir.appendingPathComponent("ws.budget")
        let fm = FileManager.default
        let names = [".ws.budget.tmp-99999999-3", ".ws.budget.tmp-99999999-3-wal", ".ws.budget.loading-99999998",
                     ".ws.budget.tmp-1-1", ".ws.budget.tmp-\(ProcessInfo.processInfo.processIdentifier)-999", ".other.tmp-99999999-1"]
        for n in names { #expect(fm.createFile(atPath: dir.appendingPathComponent(n).path, contents: Data())) }
        AtomicFile.removeStaleTemporaries(of: url, companions: AtomicFile.sqliteCompanions)
        #expect(try leftovers(dir).sorted() == [".other.tmp-99999999-1", ".ws.budget.tmp-1-1",
                                                ".ws.budget.tmp-\(ProcessInfo.processInfo.processIdentifier)-999"].sorted())
    }
}
