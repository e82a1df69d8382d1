import AnnalsLog

/// What the commit thread has decided but the log has not yet acknowledged: the stream heads
/// and event ids of jobs written into the current group. Decisions for later jobs of the same
/// group see them, so two appends to one stream in one group are numbered one after the other.
///
/// Touched only on the commit thread. Jobs finish in the order they were decided (the log
/// finishes a group's requests in queue order), except a job refused alone, which `discard`
/// takes out wherever it is.
struct TentativeHeads {
    private struct Job {
        var job: ObjectIdentifier
        var heads: [String: StreamHead]
        var ids: [EventID]
    }

    private var jobs: [Job] = []
    private var heads: [String: StreamHead] = [:]
    /// The ids of every job in `jobs` (the position is a placeholder: only membership counts).
    private var ids = EventIDTable()

    var isEmpty: Bool { jobs.isEmpty }

    func head(_ stream: String) -> StreamHead? { heads[stream] }

    func contains(_ id: EventID) -> Bool { !ids.isEmpty && ids[id] != nil }

    /// Notes what `job` will make true once it is acknowledged.
    mutating func push(_ job: AppendJob, heads after: [String: StreamHead], ids new: [EventID]) {
        jobs.append(Job(job: ObjectIdentifier(job), heads: after, ids: new))
        heads.merge(after) { $1 }
        for id in new { ids.insert(id, at: .first) }
    }

    /// Forgets `job`: acknowledged (its heads are now the store's) or failed.
    mutating func remove(_ job: AppendJob) {
        guard let slot = jobs.firstIndex(where: { $0.job == ObjectIdentifier(job) }) else { return }
        jobs.remove(at: slot)
        heads.removeAll(keepingCapacity: true)
        ids.removeAll()
        for remaining in jobs {
            heads.merge(remaining.heads) { $1 }
            for id in remaining.ids { ids.insert(id, at: .first) }
        }
    }
}
