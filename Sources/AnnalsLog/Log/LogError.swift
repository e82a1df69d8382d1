/// The one error type of the storage core. Every failure carries a code a caller can switch on,
/// a message a person can act on, and, where a file is involved, the file and byte offset.
public struct LogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, one word a caller can switch on.
    public enum Code: String, Sendable, Equatable {
        /// Bytes on disk failed a checksum or broke a format rule.
        case corruption
        /// The operating system refused an I/O call (`errno` says why), or an fsync failed earlier.
        case io
        /// A file or directory the operation needs does not exist.
        case notFound
        /// The caller passed something the log cannot accept (too large, malformed, out of range).
        case invalidArgument
        /// The log was closed.
        case closed
        /// Another process holds the store, or the operation raced a conflicting one.
        case conflict
        /// The store was opened read-only, and the operation would change it.
        case readOnly
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, in words a person can act on.
    public var message: String
    /// The file involved, as a name inside the store's directory (or a full path outside it).
    public var file: String?
    /// The byte offset inside `file` where the problem was found.
    public var offset: UInt64?
    /// The operating system's error number, for `.io`.
    public var errno: Int32?

    /// An error of kind `code` saying `message`, with the file, offset and errno where known.
    public init(_ code: Code, _ message: String, file: String? = nil, offset: UInt64? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.errno = errno
    }

    /// The code, the message, then the file, offset and errno where known.
    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let file { text += " [file \(file)" + (offset.map { " offset \($0)" } ?? "") + "]" }
        if let errno { text += " (errno \(errno))" }
        return text
    }

    static func corruption(_ message: String, file: String, offset: UInt64) -> LogError {
        LogError(.corruption, message, file: file, offset: offset)
    }

    static func invalid(_ message: String) -> LogError {
        LogError(.invalidArgument, message)
    }
}
