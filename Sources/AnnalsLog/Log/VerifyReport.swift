/// What `Log.verify()` found: every problem with the file and offset where it lies.
public struct VerifyReport: Sendable, Equatable {
    /// One thing `verify` found wrong, and where.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The file, named inside the store's directory.
        public var file: String
        /// The byte offset in `file` where it was found, when there is one.
        public var offset: UInt64?
        /// What is wrong.
        public var message: String

        /// A problem in `file` at `offset`.
        public init(file: String, offset: UInt64?, message: String) {
            self.file = file
            self.offset = offset
            self.message = message
        }

        /// The file, the offset where known, and the message.
        public var description: String {
            "\(file)" + (offset.map { " at offset \($0)" } ?? "") + ": \(message)"
        }
    }

    /// Everything found wrong, in the order found; empty for a healthy store.
    public var problems: [Problem] = []
    /// Segments read.
    public var segmentsChecked = 0
    /// Records whose checksum and position were checked.
    public var recordsChecked = 0
    /// Bytes of segment files read.
    public var bytesChecked: UInt64 = 0
    /// Index entries checked against their records.
    public var indexEntriesChecked = 0

    /// An empty report, before any check.
    public init() {}

    /// True when every record and every index checked out.
    public var isHealthy: Bool { problems.isEmpty }

    mutating func add(_ file: String, _ offset: UInt64?, _ message: String) {
        problems.append(Problem(file: file, offset: offset, message: message))
    }

    mutating func add(_ error: LogError, defaultFile: String) {
        add(error.file ?? defaultFile, error.offset, error.message)
    }
}
