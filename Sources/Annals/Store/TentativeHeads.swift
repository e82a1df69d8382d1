import AnnalsLog

/// What the commit thread has decided but the log has not yet acknowledged: the stream heads
/// and event ids of jobs written into the current group. Decisions for later jobs of the same
/// group see them, so two appends to one stream in one group are numbered one after the other.
///
/// Touched only on the commit thread. Jobs finish in the order they were decided (the log
/// finishes a group's requests in queue order), except a job refused alone, which `discard`
/// takes out wherever it is.
///
/// The common case is one job at a time (a single appender awaits each append). Its ids are put
/// into a lookup table only when a later job of the same group asks about one (`contains`), so
/// a lone large batch pays no id indexing.
struct TentativeHeads {
    private struct Job {
        var job: ObjectIdentifier
        /// Numbers jobs in push order, so a merged head knows which job set it.
        var sequence: UInt64
        var heads: [String: StreamHead]
        var ids: [EventID]
        /// What the job will write, from position `first` on (for append conditions).
        var entries: [LogEntry]
        var first: LogPosition
    }

    private var jobs: [Job] = []
    /// The heads of every job in `jobs`, later jobs' heads over earlier ones'.
    private var heads: [String: StreamHead] = [:]
    /// For each head in `heads` set by a job pushed while others were pending, that job's
    /// sequence. A head without an entry was set by the job pushed onto an empty list, which is
    /// the oldest job for as long as it is listed (its dictionary is taken as `heads` whole).
    private var setBy: [String: UInt64] = [:]
    private var nextSequence: UInt64 = 0
    /// The ids of `jobs[0..<idsIndexed]` (the position is a placeholder: only membership counts).
    private var ids = EventIDTable()
    /// How many of `jobs`, from the first, have their ids in `ids`. Invariant: ≤ `jobs.count`.
    private var idsIndexed = 0

    var isEmpty: Bool { jobs.isEmpty }

    /// The head `stream` will have once every decided job is acknowledged; nil when no decided
    /// job names it (no hashing at all when no job is decided, the common case).
    func head(_ stream: String) -> StreamHead? { jobs.isEmpty ? nil : heads[stream] }

    /// True when a decided job holds `id`. Indexes the ids of jobs pushed since the last call.
    mutating func contains(_ id: EventID) -> Bool {
        precondition(idsIndexed <= jobs.count, "only pushed jobs are indexed")
        guard !jobs.isEmpty else { return false }
        while idsIndexed < jobs.count {
            for id in jobs[idsIndexed].ids { ids.insert(id, at: .first) }
            idsIndexed += 1
        }
        return ids[id] != nil
    }

    /// Notes what `job` will make true once it is acknowledged.
    mutating func push(_ job: AppendJob, heads after: [String: StreamHead], ids new: [EventID], first: LogPosition) {
        precondition(jobs.last.map { $0.first.rawValue + UInt64($0.entries.count) == first.rawValue } ?? true,
                     "a group's jobs take consecutive positions")
        let sequence = nextSequence
        nextSequence += 1
        if jobs.isEmpty {
            heads = after  // nothing earlier to merge with: share the job's dictionary
        } else {
            for (stream, head) in after {
                heads[stream] = head
                setBy[stream] = sequence
            }
        }
        jobs.append(Job(job: ObjectIdentifier(job), sequence: sequence, heads: after, ids: new, entries: job.entries, first: first))
    }

    /// The position of the first entry after `after` that a decided job will write and that
    /// passes `matches`, or nil.
    func firstPosition(after: LogPosition?, where matches: (LogEntry) -> Bool) -> LogPosition? {
        for job in jobs {
            for (offset, entry) in job.entries.enumerated() where matches(entry) {
                let position = job.first.advanced(by: UInt64(offset))
                if after.map({ position > $0 }) ?? true { return position }
            }
        }
        return nil
    }

    /// Forgets `job`: acknowledged (its heads are now the store's) or failed.
    ///
    /// The usual case is the oldest job (jobs finish in the order they were decided): only the
    /// merged heads it set itself, which no later job overwrote, are dropped, so finishing a
    /// group of n jobs costs the streams they name, not n merges of every remaining job (which
    /// took a sixth of the CPU with 64 appenders). A job refused alone, anywhere in the list,
    /// makes the merged heads be rebuilt from the jobs left.
    mutating func remove(_ job: AppendJob) {
        guard let slot = jobs.firstIndex(where: { $0.job == ObjectIdentifier(job) }) else { return }
        let removed = jobs.remove(at: slot)
        if idsIndexed > 0 {
            ids.removeAll()
            idsIndexed = 0
        }
        guard !jobs.isEmpty else {
            heads = [:]
            setBy = [:]
            return
        }
        if slot == 0 {
            // Drop the heads this job set that no later job overwrote.
            for stream in removed.heads.keys {
                let setter = setBy[stream]
                guard setter == nil || setter == removed.sequence else { continue }
                heads[stream] = nil
                setBy[stream] = nil
            }
        } else {
            heads = [:]
            setBy = [:]
            for remaining in jobs {
                for (stream, head) in remaining.heads {
                    heads[stream] = head
                    setBy[stream] = remaining.sequence
                }
            }
        }
    }
}
