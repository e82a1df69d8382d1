import Dispatch
public import AnnalsLog

/// What tools need from a store without handing out its log: counts and sizes, a full check,
/// and the limits an append must respect.
extension EventStore {
    /// Segments, records, bytes and positions (what `annals stats` prints).
    public func stats() throws(EventStoreError) -> LogStats {
        do { return try engine.log.stats() } catch { throw EventStoreError(error) }
    }

    /// Checks every record, position and index entry against its checksum and order, then
    /// every full segment's stream-layer index files (stream, event id, time and query
    /// indexes) byte for byte against a rebuild from its records.
    ///
    /// `progress` is called on the caller's thread after each segment of each pass, with the
    /// report so far: the log's pass counts `bytesChecked` up to the segments' total size, then
    /// the index pass adds `indexEntriesChecked`.
    public func verify(progress: (VerifyReport) -> Void = { _ in }) -> VerifyReport {
        var report = engine.log.verify(progress: progress)
        engine.verifyDerivedIndexes(into: &report, progress: progress)
        return report
    }

    /// The index pass of ``verify(progress:)`` for a tool that holds the store's `Log` rather than
    /// an open `EventStore` (`annals verify`, which must report on a store too damaged to open):
    /// adds to `report` every full segment's stream-layer index file that differs from a rebuild
    /// from its records. `options` must carry the store's stream hash (the default for every
    /// store but tests').
    public static func verifyDerivedIndexes(
        of log: Log, options: EventStoreOptions = EventStoreOptions(), into report: inout VerifyReport,
        progress: (VerifyReport) -> Void = { _ in }
    ) {
        StoreEngine(log: log, options: options).verifyDerivedIndexes(into: &report, progress: progress)
    }

    /// Seals every full raw segment now (see `LogOptions.sealing`), calling `progress` after each.
    @discardableResult
    public func sealFullSegments(progress: ((SealReport) -> Void)? = nil) throws(EventStoreError) -> [SealReport] {
        do { return try engine.log.sealFullSegments(progress: progress) } catch { throw EventStoreError(error) }
    }

    /// The most bytes one append may take in the log (its records, headers and padding
    /// included). A larger batch is refused with `.invalidArgument`.
    public var batchBytesMax: Int { engine.log.batchBytesMax }

    /// The last position readers can see (an event or a control record), or nil when empty.
    public var lastPosition: LogPosition? { reader.lastPosition }
}

extension EventStore {
    /// The storage core underneath, for tests that check what reached the log. Not API: an
    /// append made through it would bypass the stream layer's checks and watermark.
    @_spi(Testing) public var log: Log { engine.log }
}

extension EventStore {
    /// Returns once the index files of every full segment handed to the background index
    /// queue so far are written and published. For tests that inspect the files.
    @_spi(Testing) public func waitForIndexWrites() {
        engine.indexQueue.sync {}
    }
}
