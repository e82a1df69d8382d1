import AnnalsLog

/// A value guarded by the core's `PosixMutex` (which ThreadSanitizer can see, unlike
/// `Synchronization.Mutex` on Linux).
final class Locked<Value>: @unchecked Sendable {
    private let lock = PosixMutex()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
