import Annals
import AnnalsLog

/// The one place the harness asks a store about its files.
enum StoreStats {
    /// The log's segment table of an open store.
    // TODO(issue 10): becomes `store.stats()` when main makes `EventStore.log` internal.
    static func of(_ store: EventStore) throws -> LogStats {
        try store.log.stats()
    }
}
