/// What `Log.verify()` found: every problem with the file and offset where it lies.
public struct VerifyReport: Sendable, Equatable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var offset: UInt64?
        public var message: String

        public init(file: String, offset: UInt64?, message: String) {
            self.file = file
            self.offset = offset
            self.message = message
        }

        public var description: String {
            "\(file)" + (offset.map { " at offset \($0)" } ?? "") + ": \(message)"
        }
    }

    public var problems: [Problem] = []
    public var segmentsChecked = 0
    public var recordsChecked = 0
    public var bytesChecked: UInt64 = 0
    public var indexEntriesChecked = 0

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
