import Annals
import AnnalsLog
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EventStoreReader {
    /// The store's last change (event or deletion), or nil when it holds none: where a
    /// replicator's catch-up ends and where a restore resumes. Walks back over trailing control
    /// records of a kind this version does not know (none today).
    func lastChange() throws(ReplicationError) -> StoreChange? {
        var position = lastPosition
        while let at = position {
            let found: StoreChange?
            do { found = try readChanges(fromPosition: at, limit: 1).first } catch { throw .store(error) }
            if let found, found.position == at { return found }
            position = at > .first ? LogPosition(rawValue: at.rawValue - 1) : nil
        }
        return nil
    }
}

extension StoreChange {
    /// How an error message names a change of the local store.
    var summary: String {
        switch self {
        case .event(let event): "event \(event.id.uuidString.lowercased()) at position \(event.position)"
        case .deletion(let deletion): "\(deletion.kind) deletion \(deletion.id.uuidString.lowercased()) of stream \(deletion.stream) at position \(deletion.position)"
        }
    }
}
