import Foundation

/// A value behind a pthread-backed lock (NSLock). Test support uses this rather than
/// `Synchronization.Mutex`, whose futex-based lock ThreadSanitizer cannot see on Linux: the
/// TSan run of the concurrency suites would report its protected accesses as races.
public final class Guarded<Value>: @unchecked Sendable {
    // `value` is only touched inside `withLock`, under `lock`.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
