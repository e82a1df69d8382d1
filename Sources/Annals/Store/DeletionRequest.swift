/// A soft delete or tombstone on its way to the commit thread (`AppendJob.Kind.delete`).
struct DeletionRequest: Sendable {
    var stream: StreamName
    var expectedVersion: ExpectedVersion
    /// A tombstone rather than a soft delete.
    var hard: Bool
    /// The source's deletion when this one copies it (`EventStore.delete(replicating:)`): the
    /// record takes its id and timestamp, and is refused unless the stream's next version
    /// equals its `truncateBefore`.
    var copying: StreamDeletion?

    init(stream: StreamName, expectedVersion: ExpectedVersion, hard: Bool, copying: StreamDeletion? = nil) {
        precondition(copying.map { ($0.kind == .hard) == hard && $0.stream == stream } ?? true, "a copy keeps the source's kind and stream")
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.hard = hard
        self.copying = copying
    }
}
