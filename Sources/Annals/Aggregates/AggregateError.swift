#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AnnalsLog

/// Every way an aggregate operation can fail.
///
/// Switch on the case to handle a failure, or read ``code`` for a closed set of kinds. The
/// context properties (``eventType``, ``stream``, ``version``, ``position``, ``eventID``) say
/// which event, whichever the case: a failure to decode a stored event names the event's
/// stream, version, position and id.
///
/// ```swift
/// do {
///     let product = try await products.load(id: "apple")
/// } catch {
///     // such as: undecodable product-apple 3 cannot decode the event: … [type ProductSold, …]
///     print(error.code, error.stream ?? "-", error.version ?? 0, error)
/// }
/// ```
public enum AggregateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream moved on since it was loaded: its version is not the expected one, and
    /// nothing was written. Reload and decide again (`Repository.execute` does this).
    case conflict(stream: StreamName, expected: ExpectedVersion, actual: UInt64?)
    /// A stored event has a type the aggregate's event enum does not know. The context names
    /// the type and, when the event was read from the store, where it is.
    case unknownEventType(Context)
    /// A stored event could not be decoded (bad JSON, or JSON of another shape). The context's
    /// message is the decoder's reason; it names the event.
    case undecodable(Context)
    /// An event stored at schema version `fromVersion` has no upcaster to the next version.
    case missingUpcaster(Context, fromVersion: Int)
    /// An event was stored at schema version `version`, newer than `current`, the one this
    /// code writes.
    case newerSchema(Context, version: Int, current: Int)
    /// The upcaster from schema version `fromVersion` threw (its error is the context's message).
    case upcastFailed(Context, fromVersion: Int)
    /// An event, or an aggregate's state for a snapshot, could not be encoded.
    case encoding(Context)
    /// The event store failed (for example `.streamDeleted`, `.closed` or a storage error).
    case store(EventStoreError)

    /// The kind of failure, one word a caller can switch on or count.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// ``AggregateError/conflict(stream:expected:actual:)``.
        case conflict
        /// ``AggregateError/unknownEventType(_:)``.
        case unknownEventType
        /// ``AggregateError/undecodable(_:)``.
        case undecodable
        /// ``AggregateError/missingUpcaster(_:fromVersion:)``.
        case missingUpcaster
        /// ``AggregateError/newerSchema(_:version:current:)``.
        case newerSchema
        /// ``AggregateError/upcastFailed(_:fromVersion:)``.
        case upcastFailed
        /// ``AggregateError/encoding(_:)``.
        case encoding
        /// ``AggregateError/store(_:)``: the store's own ``EventStoreError/code`` says more.
        case store
    }

    /// The kind of failure.
    public var code: Code {
        switch self {
        case .conflict: .conflict
        case .unknownEventType: .unknownEventType
        case .undecodable: .undecodable
        case .missingUpcaster: .missingUpcaster
        case .newerSchema: .newerSchema
        case .upcastFailed: .upcastFailed
        case .encoding: .encoding
        case .store: .store
        }
    }

    /// The context of the cases that carry one.
    var context: Context? {
        switch self {
        case .unknownEventType(let context), .undecodable(let context), .missingUpcaster(let context, _),
             .newerSchema(let context, _, _), .upcastFailed(let context, _), .encoding(let context):
            context
        case .conflict, .store: nil
        }
    }

    /// The event type concerned, when the failure concerns one.
    public var eventType: String? { context?.eventType }

    /// The stream concerned, when the failure concerns one.
    public var stream: StreamName? {
        switch self {
        case .conflict(let stream, _, _): stream
        case .store(let error): error.stream
        default: context?.stream
        }
    }

    /// The stream version of the event concerned, when it is a stored event.
    public var version: UInt64? { context?.version }

    /// The log position of the event concerned, when it is a stored event.
    public var position: LogPosition? {
        if case .store(let error) = self { return error.position }
        return context?.position
    }

    /// The id of the event concerned, when known.
    public var eventID: UUID? {
        if case .store(let error) = self { return error.eventID }
        return context?.eventID
    }

    /// What failed, in one line a person can act on, with the event concerned.
    public var description: String {
        switch self {
        case .conflict(let stream, let expected, let actual):
            "conflict on \(stream): expected \(expected), actual \(actual.map(String.init) ?? "no stream")"
        case .unknownEventType(let context): "unknown event type: \(context)"
        case .undecodable(let context): "cannot decode the event: \(context)"
        case .missingUpcaster(let context, let version): "no upcaster from schema version \(version): \(context)"
        case .newerSchema(let context, let version, let current):
            "stored at schema version \(version), newer than this code's \(current): \(context)"
        case .upcastFailed(let context, let version): "upcasting from schema version \(version) failed: \(context)"
        case .encoding(let context): "encoding: \(context)"
        case .store(let error): "\(error)"
        }
    }

    /// The same failure, its context completed with where `recorded` is (fields already set
    /// are kept). Store errors and conflicts are returned unchanged.
    func locating(_ recorded: RecordedEvent) -> AggregateError {
        switch self {
        case .unknownEventType(let context): .unknownEventType(context.locating(recorded))
        case .undecodable(let context): .undecodable(context.locating(recorded))
        case .missingUpcaster(let context, let version): .missingUpcaster(context.locating(recorded), fromVersion: version)
        case .newerSchema(let context, let version, let current): .newerSchema(context.locating(recorded), version: version, current: current)
        case .upcastFailed(let context, let version): .upcastFailed(context.locating(recorded), fromVersion: version)
        case .encoding(let context): .encoding(context.locating(recorded))
        case .conflict, .store: self
        }
    }

    /// Maps a store error, turning a version mismatch into `.conflict`.
    init(_ error: EventStoreError) {
        if case .wrongExpectedVersion(let stream, let expected, let actual) = error {
            self = .conflict(stream: stream, expected: expected, actual: actual)
        } else {
            self = .store(error)
        }
    }
}
