import Foundation

/// The batches of rows between `XLSXRowStream`'s producer thread and its caller. Bounded, so a
/// caller that falls behind holds the producer back instead of letting parsed rows pile up: at most
/// `capacity` batches of `batchRows` rows, or of `batchBytes` of XML when rows are wide, wait here;
/// with the batch the producer is filling and the one the caller is working through, at most
/// `(capacity + 2) × batchRows` rows (3,072), or about `(capacity + 2) × batchBytes` of XML (24 MiB,
/// plus one row and one inflate chunk a batch), are held:
/// an import of 10^5 input-template rows peaks some 5 MB above its one-thread read. (Bigger
/// batches or a deeper queue were measured no faster: the caller, not the producer, sets the pace.)
///
/// `@unchecked Sendable`: both threads hold it, and every stored property is read and written only
/// under `condition`.
final class RowQueue: @unchecked Sendable {
    static let capacity = 4
    static let batchRows = 512
    /// Bytes of sheet XML after which a batch is sent even if it has fewer rows (the rows' cells
    /// take memory in proportion to their XML).
    static let batchBytes: UInt64 = 4 << 20

    /// Rows in file order, each with the reader's `inflatedBytes` as it stood when the row was delivered.
    struct Batch: Sendable {
        var rows: [XLSXRow] = []
        var inflated: [UInt64] = []

        init() {
            rows.reserveCapacity(RowQueue.batchRows)
            inflated.reserveCapacity(RowQueue.batchRows)
        }
    }

    private let condition = NSCondition()
    private var batches: [Batch] = []
    /// Set by the producer when it is done: nil error for the end of the sheet.
    private var ended = false
    private var error: (any Error)?
    /// Set by the caller when it wants no more rows.
    private var stopped = false

    /// Producer: queues a batch, waiting while `capacity` are queued. False once the caller stopped
    /// (the producer then gives up).
    func send(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= Self.capacity && !stopped { condition.wait() }
        if stopped { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// Producer: no more batches; `error` is what ended the read early, thrown to the caller after
    /// the batches sent before it.
    func end(_ error: (any Error)?) {
        condition.lock(); ended = true; self.error = error; condition.broadcast(); condition.unlock()
    }

    /// Caller: the next batch, waiting for it; nil at the end of the sheet; the producer's error
    /// once every batch before it was taken.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !ended && !stopped { condition.wait() }
        if !batches.isEmpty {
            let batch = batches.removeFirst()
            condition.broadcast()
            return batch
        }
        if let error { throw error }
        return nil
    }

    /// Caller: wants no more rows; the producer's waiting or next `send` returns false.
    func stop() {
        condition.lock(); stopped = true; batches.removeAll(); condition.broadcast(); condition.unlock()
    }
}
