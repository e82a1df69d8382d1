#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AnnalsLog

/// Every way an `EventStore` operation can fail.
///
/// Switch on the case to handle a failure, or read ``code`` for a closed set of kinds that also
/// splits storage failures (corruption, I/O, not found). The context properties (``stream``,
/// ``eventID``, ``position``, ``file``, ``offset``, ``errno``) say where, whichever the case.
///
/// ```swift
/// do {
///     try await store.append(to: "order-17", [event], expectedVersion: .exact(4))
/// } catch .wrongExpectedVersion(let stream, _, let actual) {
///     print("\(stream) is at \(actual.map(String.init) ?? "no stream"); reload and retry")
/// } catch {
///     print(error.code, error.file ?? "-", error.offset ?? 0, error)
/// }
/// ```
public enum EventStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream's version did not match the append's expectation; nothing was written.
    /// `actual` is the stream's last live version, or nil when it has no live events.
    case wrongExpectedVersion(stream: StreamName, expected: ExpectedVersion, actual: UInt64?)
    /// The stream was soft-deleted (and not revived since): it reads as deleted.
    case streamDeleted(StreamName)
    /// The stream was hard-deleted: its name is refused forever.
    case streamTombstoned(StreamName)
    /// A batch reused some stored event ids but not all, or reused ids stored under another
    /// stream. The context names the stream and the event id where known.
    case idempotencyConflict(Context)
    /// An append's condition (``AppendCondition``) failed: an event matching its query was
    /// appended after its position. Nothing was written. The context's position is the first
    /// such event's.
    case appendConditionFailed(Context)
    /// The caller passed something the store cannot accept. The context names the stream, event
    /// id or position concerned, where there is one.
    case invalidArgument(Context)
    /// The store was closed.
    case closed
    /// The storage core failed; the `LogError` carries its code, the file and offset, and errno.
    case storage(LogError)

    /// The kind of failure, one word a caller can switch on or count.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// ``EventStoreError/wrongExpectedVersion(stream:expected:actual:)``.
        case wrongExpectedVersion
        /// ``EventStoreError/streamDeleted(_:)``.
        case streamDeleted
        /// ``EventStoreError/streamTombstoned(_:)``.
        case streamTombstoned
        /// ``EventStoreError/idempotencyConflict(_:)``.
        case idempotencyConflict
        /// ``EventStoreError/appendConditionFailed(_:)``.
        case appendConditionFailed
        /// ``EventStoreError/invalidArgument(_:)``, or a storage call refused its argument.
        case invalidArgument
        /// ``EventStoreError/closed``.
        case closed
        /// Bytes on disk failed a checksum or broke a format rule.
        case corruption
        /// The operating system refused an I/O call (see ``EventStoreError/errno``), or an
        /// fsync failed earlier and the store must be reopened.
        case io
        /// A file or directory the store needs does not exist.
        case notFound
        /// Another process holds the store, or an operation raced a conflicting one.
        case conflict
        /// The store was opened read-only, and the operation would change it.
        case readOnly
    }

    /// What an ``EventStoreError/invalidArgument(_:)``, ``EventStoreError/idempotencyConflict(_:)``
    /// or ``EventStoreError/appendConditionFailed(_:)`` is about: a message a person can act on, and the stream, event and position concerned.
    ///
    /// It is `ExpressibleByStringInterpolation`, so `throw .invalidArgument("…")` gives a
    /// context with a message only.
    public struct Context: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
        /// What went wrong, in words.
        public var message: String
        /// The stream concerned, if any.
        public var stream: StreamName?
        /// The event concerned, if any.
        public var eventID: UUID?
        /// The log position concerned, if any.
        public var position: LogPosition?

        /// A context with `message` and whatever of stream, event id and position applies.
        public init(_ message: String, stream: StreamName? = nil, eventID: UUID? = nil, position: LogPosition? = nil) {
            self.message = message
            self.stream = stream
            self.eventID = eventID
            self.position = position
        }

        /// A context holding only `message`.
        public init(stringLiteral message: String) { self.init(message) }

        /// A context holding only the interpolated message.
        public init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }

        /// The message, then the stream, event and position where known.
        public var description: String {
            var text = message
            var parts: [String] = []
            if let stream { parts.append("stream \(stream)") }
            if let eventID { parts.append("event \(eventID)") }
            if let position { parts.append("position \(position)") }
            if !parts.isEmpty { text += " [" + parts.joined(separator: ", ") + "]" }
            return text
        }
    }

    /// The kind of failure; storage failures are split by the core's code.
    public var code: Code {
        switch self {
        case .wrongExpectedVersion: .wrongExpectedVersion
        case .streamDeleted: .streamDeleted
        case .streamTombstoned: .streamTombstoned
        case .idempotencyConflict: .idempotencyConflict
        case .appendConditionFailed: .appendConditionFailed
        case .invalidArgument: .invalidArgument
        case .closed: .closed
        case .storage(let error):
            switch error.code {
            case .corruption: .corruption
            case .io: .io
            case .notFound: .notFound
            case .invalidArgument: .invalidArgument
            case .closed: .closed
            case .conflict: .conflict
            case .readOnly: .readOnly
            }
        }
    }

    /// The stream the failure concerns, when it concerns one.
    public var stream: StreamName? {
        switch self {
        case .wrongExpectedVersion(let stream, _, _), .streamDeleted(let stream), .streamTombstoned(let stream): stream
        case .idempotencyConflict(let context), .invalidArgument(let context), .appendConditionFailed(let context): context.stream
        case .closed, .storage: nil
        }
    }

    /// The event the failure concerns, when it concerns one.
    public var eventID: UUID? {
        switch self {
        case .idempotencyConflict(let context), .invalidArgument(let context), .appendConditionFailed(let context): context.eventID
        default: nil
        }
    }

    /// The log position the failure concerns, when it concerns one.
    public var position: LogPosition? {
        switch self {
        case .idempotencyConflict(let context), .invalidArgument(let context), .appendConditionFailed(let context): context.position
        default: nil
        }
    }

    /// For a storage failure, the file involved, named inside the store's directory.
    public var file: String? {
        if case .storage(let error) = self { error.file } else { nil }
    }

    /// For a storage failure, the byte offset inside ``file`` where the problem was found.
    public var offset: UInt64? {
        if case .storage(let error) = self { error.offset } else { nil }
    }

    /// For an I/O failure, the operating system's error number.
    public var errno: Int32? {
        if case .storage(let error) = self { error.errno } else { nil }
    }

    /// One line a person can act on: what failed, and where.
    public var description: String {
        switch self {
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "wrong expected version for stream \(stream): expected \(expected), actual \(actual.map(String.init) ?? "no stream")"
        case .streamDeleted(let stream): "stream \(stream) is deleted"
        case .streamTombstoned(let stream): "stream \(stream) is hard-deleted and can never be written again"
        case .idempotencyConflict(let context): "idempotency conflict: \(context)"
        case .appendConditionFailed(let context): "append condition failed: \(context)"
        case .invalidArgument(let context): "invalid argument: \(context)"
        case .closed: "the event store is closed"
        case .storage(let error): "storage: \(error)"
        }
    }

    /// Maps a core error, keeping `.closed` distinct.
    init(_ error: LogError) {
        self = error.code == .closed ? .closed : .storage(error)
    }
}
