import CNATS

/// libnats' global state, opened once per process before any other libnats call (connecting
/// opens it implicitly, but building a message does not, and would use an uninitialised lock).
enum NATSLibrary {
    private static let opened: Bool = nats_Open(-1) == NATS_OK

    /// Opens the library if needed; false if it cannot be (out of memory).
    @discardableResult
    static func open() -> Bool { opened }
}
