import Foundation

/// A sheet's rows read on a thread of their own, for a caller that has its own work to do per row
/// (the importer converts and checks each one): the producer inflates and tokenizes while the
/// caller works through the rows already read, so a big sheet's read uses two cores. The caller
/// gets exactly what `XLSXReader.forEachRow` would give it: the same rows in the same order, then
/// the same error, if the file has one, after the same rows. The queue between them is bounded
/// (`RowQueue`).
///
/// The reader is lent to the producer from `init` until `close` (or deinit): the caller must not
/// use it in between. Not thread-safe otherwise: one caller thread.
public final class XLSXRowStream {
    private let reader: XLSXReader
    private let queue = RowQueue()
    private let done = DispatchSemaphore(value: 0)
    private var closed = false
    /// The caller has seen the end of the sheet or the producer's error.
    private var finished = false
    /// The reader's `inflatedBytes` when the last row handed to the caller was read.
    private var inflatedAtLastRow: UInt64?

    /// The reader's `inflatedBytes` when the stream began.
    private let startInflated: UInt64
    /// The most rows, and the most bytes of XML, one batch held (for the tests of the bound).
    private(set) var largestBatch: (rows: Int, bytes: UInt64) = (0, 0)

    /// Starts reading `sheet` on a new thread; a missing sheet or a broken part is thrown by `forEachRow`.
    public init(reader: XLSXReader, sheet: String) {
        self.reader = reader
        startInflated = reader.inflatedBytes
        let lent = Lent(reader: reader), queue = queue, done = done
        let thread = Thread {
            var batch = RowQueue.Batch()
            var error: (any Error)?
            // The inflated count when the batch being filled began: a batch is also cut at
            // `RowQueue.batchBytes` of XML, so wide rows cannot fill the queue with far more than that.
            var batchStart = lent.reader.inflatedBytes
            do {
                try lent.reader.forEachRowCounting(sheet: sheet) { row, inflated in
                    batch.rows.append(row)
                    batch.inflated.append(inflated)
                    if batch.rows.count >= RowQueue.batchRows || inflated &- batchStart >= RowQueue.batchBytes {
                        guard queue.send(batch) else { throw Stopped() }
                        batch = RowQueue.Batch()
                        batchStart = inflated
                    }
                }
            } catch is Stopped {
                done.signal()
                return
            } catch let e {
                error = e
            }
            if batch.rows.isEmpty || queue.send(batch) { queue.end(error) }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Calls `body` for every row in file order, then throws the error that ended the read, if
    /// one did. An error thrown by `body` ends the call; `close` then stops the producer.
    public func forEachRow(_ body: (XLSXRow) throws -> Void) throws {
        while true {
            let batch: RowQueue.Batch?
            do { batch = try queue.next() } catch { finished = true; throw error }
            guard let batch else { finished = true; return }
            if let last = batch.inflated.last {
                largestBatch = (max(largestBatch.rows, batch.rows.count), max(largestBatch.bytes, last &- (inflatedAtLastRow ?? startInflated)))
            }
            for i in batch.rows.indices {
                inflatedAtLastRow = batch.inflated[i]
                try body(batch.rows[i])
            }
        }
    }

    /// Stops the producer (it gives up at its next batch, at most `RowQueue.batchRows` rows on) and
    /// waits for its thread to end, then hands the reader back as a one-thread read stopped at the
    /// same row would leave it: its `inflatedBytes` counts the bytes up to the last row the caller
    /// got, not the producer's read-ahead, so a later sheet meets `maxTotalInflatedBytes` where it
    /// did before. (After an error the read is over; the count is left as it is.)
    public func close() {
        guard !closed else { return }
        closed = true
        queue.stop()
        done.wait()
        if !finished, let inflatedAtLastRow { reader.inflatedBytes = inflatedAtLastRow }
    }

    deinit { close() }

    /// The producer's way out of `forEachRow` once the caller stopped.
    private struct Stopped: Error {}

    /// The reader on the producer's thread. `@unchecked Sendable`: `XLSXReader` is not thread-safe,
    /// but only the producer uses it until `close` has waited for the producer's thread to end.
    private struct Lent: @unchecked Sendable { let reader: XLSXReader }
}
