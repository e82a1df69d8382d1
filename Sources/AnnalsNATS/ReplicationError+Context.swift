#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import Annals
public import AnnalsLog

extension ReplicationError {
    /// Where a ``ReplicationError`` happened, and what went wrong in words: the JetStream
    /// stream and sequence, the log position, the Annals stream and event, and how long was
    /// waited, each where known.
    ///
    /// It is `ExpressibleByStringInterpolation`, so `ReplicationError.timeout("…")` gives a
    /// context with a message only.
    public struct Context: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
        /// What went wrong, in words.
        public var message: String
        /// The JetStream stream concerned, if any.
        public var jetStreamName: String?
        /// The JetStream sequence concerned, if any.
        public var sequence: UInt64?
        /// The log position concerned (the source's, for a restore), if any.
        public var position: LogPosition?
        /// The Annals stream concerned, if any.
        public var stream: StreamName?
        /// The event concerned, if any.
        public var eventID: UUID?
        /// For a timeout, how long was waited, in milliseconds.
        public var waitedMilliseconds: Int64?

        /// A context with `message` and whatever of the rest applies.
        public init(
            _ message: String, jetStreamName: String? = nil, sequence: UInt64? = nil, position: LogPosition? = nil,
            stream: StreamName? = nil, eventID: UUID? = nil, waitedMilliseconds: Int64? = nil
        ) {
            self.message = message
            self.jetStreamName = jetStreamName
            self.sequence = sequence
            self.position = position
            self.stream = stream
            self.eventID = eventID
            self.waitedMilliseconds = waitedMilliseconds
        }

        /// A context holding only `message`.
        public init(stringLiteral message: String) { self.init(message) }

        /// A context holding only the interpolated message.
        public init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }

        /// The message, then the JetStream stream, sequence, position, stream, event and time
        /// waited, where known.
        public var description: String {
            var parts: [String] = []
            if let jetStreamName { parts.append("JetStream stream \(jetStreamName)") }
            if let sequence { parts.append("sequence \(sequence)") }
            if let position { parts.append("position \(position)") }
            if let stream { parts.append("stream \(stream)") }
            if let eventID { parts.append("event \(eventID)") }
            if let waitedMilliseconds { parts.append("waited \(waitedMilliseconds) ms") }
            return parts.isEmpty ? message : message + " [" + parts.joined(separator: ", ") + "]"
        }
    }
}
