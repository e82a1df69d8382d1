/// The names of the rows measured through `EventStore`: one per line of issue 10's Targets
/// table, so that the suites, the peers and the assessment name each row the same way.
enum StoreRow {
    static let durableIngest = "Durable ingest, 1000-event batches (events/s)"
    static let concurrentAppenders = "64 concurrent single-event durable appenders (events/s)"
    static let singleDurable = "Single task, single-event durable appends (events/s)"
    static let singleNone = "Single-event appends, .none (events/s)"
    static let readsHot = "Random whole-stream reads, hot (streams/s)"
    static let readsCold = "Random whole-stream reads, cold: fresh open (streams/s)"
    static let tenEventAsync = "10-event hot stream read, async, p50"
    static let tenEventSync = "10-event hot stream read, sync (store.reader), p50"
    static let delivery = "Append-to-delivery to a live subscriber, .none, p50"
    static let openCrashFull = "EventStore.open after a crash, full 64 MiB active segment"
    static let openCrashSealedPrefix = "EventStore.open after a crash, "
    static let openManyStreams = "EventStore.open of a store with many streams"
    static let residentMemory = "Resident memory after random stream reads"
    static let ingestGrowth = "Ingest cost per event, 4th part against the 1st"
    static let footprintSealed = "Whole store after sealing, indexes included ÷ input JSONL"
    static let sealing = "Sealing (events/s)"

    /// The rows in the order of issue 10's Targets table; a name with the sealed-crash prefix
    /// sorts with that prefix.
    static let order = [durableIngest, concurrentAppenders, singleDurable, singleNone, readsHot, readsCold, tenEventAsync,
                        tenEventSync, delivery, openCrashFull, openCrashSealedPrefix, openManyStreams, residentMemory,
                        ingestGrowth, footprintSealed, sealing]

    /// Where `name` sorts in the `EventStore` table.
    static func rank(_ name: String) -> Int {
        order.firstIndex(of: name) ?? order.firstIndex { name.hasPrefix($0) } ?? order.count
    }
}
