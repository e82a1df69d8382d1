/// Recovery's proof that no segment at the end of the log was lost, from the last `HEAD` the
/// writer published (FORMAT.md §9), for a store that was not closed cleanly (after a clean close
/// the `CLEAN` marker proves it; DURABILITY.md "Lost files").
///
/// Why a `HEAD` is evidence: the writer publishes a head only after everything it names was
/// synced, including the header and directory entry of the segment at `activeBase`, which a
/// roll syncs before it publishes. The file itself is never synced, so a power loss can leave
/// it stale or take it, but never make it name a segment the disk does not hold. Nothing in the
/// store deletes that segment: recovery removes only a last segment whose header never reached
/// the disk (never named by a head), and a seal replaces a full raw segment by its sealed copy
/// at the same base. So a head whose `activeBase` has no segment file, raw or sealed, proves
/// the segment the writer was writing into was deleted or lost outside the store, with every
/// record in it (and any after it): the open fails with a typed `.corruption` naming it, instead
/// of reading as a shorter log.
///
/// What it cannot see: a head a power loss took or left stale (then the stream layer's index
/// files may still prove the loss, `StoreEngine.checkNoSegmentLostAfter`), and records cut
/// from a segment that is still there (that is a torn tail to recovery, or, when valid records
/// follow, corruption: `ActiveSegmentRecovery`).
struct LostSegmentCheck {
    /// The last publication found in the `HEAD` file.
    let head: DurableHead
    /// The bases of every segment file recovery found, raw and sealed.
    let bases: Set<LogPosition>

    /// Throws when the log, recovered up to `recoveredNext`, has lost the segment `head` names.
    func check(recoveredNext: LogPosition) throws(LogError) {
        guard bases.contains(head.activeBase) else { throw Self.missingActiveSegment(head, logEndsBefore: recoveredNext) }
    }

    /// The error for a store whose segment at `head.activeBase` is gone: recovery's, and a
    /// read-only open's when the head it reads names a segment that is not there.
    static func missingActiveSegment(_ head: DurableHead, logEndsBefore recoveredNext: LogPosition?) -> LogError {
        let active = SegmentFileName(base: head.activeBase, kind: .log).description
        let end = recoveredNext.map { ", but the log now ends before position \($0)" } ?? ""
        return .corruption(
            "\(active) is missing: the writer's HEAD file shows it was writing into it from position \(head.activeBase), with positions up to \(head.durableNext.rawValue - 1) durable\(end)",
            file: active, offset: 0)
    }
}
