import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be replaced. The target is as it was and no temporary file is left.
public enum AtomicFileError: Error, Sendable, CustomStringConvertible {
    /// Writing the temporary file failed: the caller's own error (libxlsxwriter's, SQLite's, …).
    case write(path: String, any Error)
    /// A system call failed: `fsync`, `rename`, `open` (its errno).
    case system(path: String, call: String, errno: Int32)

    /// The errno of a failed system call; nil for the writer's own error.
    public var systemError: Int32? { if case .system(_, _, let e) = self { return e }; return nil }

    /// Why, for a message: the writer's error or the system's text for errno.
    public var reason: String {
        switch self {
        case .write(_, let e): return "\(e)"
        case .system(_, _, let e): return String(cString: strerror(e))
        }
    }

    public var description: String {
        switch self {
        case .write(let p, _), .system(let p, _, _): return "无法写入 \(p)：\(reason)"
        }
    }
}

/// Replaces files so that a crash, a kill or a full disk leaves either the old file or the new one,
/// never a torn one. The one implementation every writer uses (workbook folders, XLSX files, the
/// SQLite workspace a load builds): write a temporary file beside the target, flush it (`fsync`),
/// rename it over the target, flush the folder (a rename is durable only once its directory is).
///
/// It is a target of its own because BudgetXLSX (which knows no BudgetCore), BudgetStore (no CSV)
/// and BudgetWorkbook all need it, and BudgetCore, which they share, does no I/O.
public enum AtomicFile {
    /// SQLite's files beside a database, which a temporary workspace may have too.
    public static let sqliteCompanions = ["-wal", "-shm", "-journal"]

    private static let counter = Counter()

    /// The temporary file for `url` in this process: `.NAME.tmp-PID-N` beside it. The PID lets a
    /// later writer tell a leftover of a killed process from the file of one still writing.
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(counter.next())")
    }

    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws(AtomicFileError) {
        try replace(url) { tmp in try data.write(to: tmp) }
    }

    /// Replaces `url` with the file `body` writes at the temporary URL it is given. A failure at
    /// any step removes the temporary file (and its `companions`, e.g. SQLite's `-wal`) and leaves
    /// `url` as it was. Leftovers of killed writers are removed first (`removeStaleTemporaries`).
    public static func replace(_ url: URL, companions: [String] = [], _ body: (URL) throws -> Void) throws(AtomicFileError) {
        removeStaleTemporaries(of: url, companions: companions)
        let tmp = temporaryURL(for: url)
        func discard() { for suffix in [""] + companions { unlink(tmp.path + suffix) } }
        discard()
        do { try body(tmp) } catch {
            discard()
            throw .write(path: url.path, error)
        }
        do throws(AtomicFileError) {
            try sync(tmp.path)
            if rename(tmp.path, url.path) != 0 { throw .system(path: url.path, call: "rename", errno: errno) }
        } catch {
            discard()
            throw error
        }
        for suffix in companions { unlink(tmp.path + suffix) }
        try sync(url.deletingLastPathComponent().path)
    }

    /// Flushes a file, or a folder (for a rename in it), to disk.
    public static func sync(_ path: String) throws(AtomicFileError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .system(path: path, call: "open", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw .system(path: path, call: "fsync", errno: errno) }
    }

    /// Removes the temporary files of `url` (and their companions) that processes no longer running
    /// left behind: `.NAME.tmp-PID-N`, and `.NAME.loading-PID` of earlier versions of `budget load`.
    /// Only files whose PID is not alive are removed: another process may be writing its own right
    /// now. (A PID the system has since given to another process keeps its file until that one ends.)
    public static func removeStaleTemporaries(of url: URL, companions: [String] = []) {
        let dir = url.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        let own = ".\(url.lastPathComponent)."
        for name in names where name.hasPrefix(own) {
            var rest = Substring(name.dropFirst(own.count))
            for suffix in companions where rest.hasSuffix(suffix) { rest = rest.dropLast(suffix.count); break }
            let pidText: Substring
            if rest.hasPrefix("tmp-") { pidText = rest.dropFirst(4).prefix { $0 != "-" } }
            else if rest.hasPrefix("loading-") { pidText = rest.dropFirst(8) }
            else { continue }
            guard let pid = Int32(pidText), pid > 0, !isAlive(pid) else { continue }
            unlink(dir.appendingPathComponent(name).path)
        }
    }

    /// `kill(pid, 0)`: 0 or EPERM means a process with that id exists.
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}

/// A process-wide counter for temporary names, so two threads never share one.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
