import Foundation

/// A value computed on a thread of its own while the caller goes on: the caller's thread holds a
/// SQLite transaction and the other core would sit idle (an import rolls its new lines up while
/// SQLite writes them). `value()` waits for it.
final class Background<T: Sendable>: @unchecked Sendable {
    // Safe without a lock: the thread writes `result` once, before it signals `done`; it is read
    // only after waiting on `done`.
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        let thread = Thread { [self] in
            result = body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The value, once the thread has computed it.
    func value() -> T {
        done.wait()
        done.signal()
        return result!
    }
}
