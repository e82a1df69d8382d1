import AnnalsLog
/// A value guarded by a pthread mutex (`PosixMutex`, from the core).
///
/// Used instead of `Synchronization.Mutex`, whose futex-based Linux implementation
/// ThreadSanitizer cannot see, so every use would be reported as a race.
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
