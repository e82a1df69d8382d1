/// A value set once by one thread and waited for by another (a blocking caller of the commit
/// thread). Built on the core's pthread lock, which ThreadSanitizer can see.
final class OneShot<Value>: @unchecked Sendable {
    private let mutex = PosixMutex()
    private var value: Value?

    func set(_ newValue: Value) {
        mutex.withLock {
            precondition(value == nil, "a one-shot value is set once")
            value = newValue
            mutex.broadcast()
        }
    }

    func wait() -> Value {
        mutex.withLock {
            while value == nil { mutex.wait() }
            return value!
        }
    }
}
