#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AnnalsLog

extension AggregateError {
    /// Which event an ``AggregateError`` is about, and what went wrong with it in words.
    ///
    /// A failure to decode a stored event names its type, stream, stream version, log position
    /// and id; a failure to encode names what is known before the write (the type, or the
    /// stream and version of a snapshot). It is `ExpressibleByStringInterpolation`, so
    /// `throw AggregateError.encoding("…")` gives a context with a message only.
    public struct Context: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
        /// What went wrong, in words (for a decoding failure, the decoder's reason).
        public var message: String
        /// The event type concerned, if any.
        public var eventType: String?
        /// The stream concerned, if any.
        public var stream: StreamName?
        /// The event's version in its stream, if it is a stored event (or a snapshot's version).
        public var version: UInt64?
        /// The event's log position, if it is a stored event.
        public var position: LogPosition?
        /// The event's id, if known.
        public var eventID: UUID?

        /// A context with `message` and whatever of the event's description applies.
        public init(
            _ message: String, eventType: String? = nil, stream: StreamName? = nil, version: UInt64? = nil,
            position: LogPosition? = nil, eventID: UUID? = nil
        ) {
            self.message = message
            self.eventType = eventType
            self.stream = stream
            self.version = version
            self.position = position
            self.eventID = eventID
        }

        /// A context holding only `message`.
        public init(stringLiteral message: String) { self.init(message) }

        /// A context holding only the interpolated message.
        public init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }

        /// The message, then the type, stream, version, position and event id where known.
        public var description: String {
            var parts: [String] = []
            if let eventType { parts.append("type \(eventType)") }
            if let stream { parts.append("stream \(stream)") }
            if let version { parts.append("version \(version)") }
            if let position { parts.append("position \(position)") }
            if let eventID { parts.append("event \(eventID)") }
            return parts.isEmpty ? message : message + " [" + parts.joined(separator: ", ") + "]"
        }

        /// This context, with the fields it lacks taken from `recorded`.
        func locating(_ recorded: RecordedEvent) -> Context {
            var located = self
            located.eventType = eventType ?? recorded.type
            located.stream = stream ?? recorded.stream
            located.version = version ?? recorded.version
            located.position = position ?? recorded.position
            located.eventID = eventID ?? recorded.id
            return located
        }
    }
}
