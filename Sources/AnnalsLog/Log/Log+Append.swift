extension Log {
    /// The most bytes one append batch may take (padded records); a batch must fit in a segment.
    public var batchBytesMax: Int { options.segmentBytes - Format.segmentHeaderBytes }

    /// Appends `entries` as one atomic batch and returns where they went.
    ///
    /// Returns once the batch is acknowledged under the durability policy: under `.always`,
    /// after fdatasync. Concurrent callers are coalesced by the commit thread into one write and
    /// one sync (group commit). After a crash, either the whole batch is visible or none of it.
    @discardableResult
    public func append(_ entries: [LogEntry]) throws(LogError) -> AppendedBatch {
        let paddedBytes = try validate(entries)
        return try wait(for: .append(entries, paddedBytes: paddedBytes))!
    }

    /// Makes every acknowledged record durable now, whatever the policy. Ordered with appends:
    /// it covers every append acknowledged before it was called.
    public func sync() throws(LogError) {
        try checkWritable("sync")
        _ = try wait(for: .sync)
    }

    /// Hands `request` to the commit thread; its `finish` runs there once the request is done.
    /// Under a policy that acknowledges before fdatasync (`.none`, `.interval`), an append
    /// that finds the commit thread idle is committed on the calling thread instead, and
    /// finishes before `submit` returns: the write is a memory copy into the page cache.
    package func submit(_ request: CommitRequest) {
        guard let commitThread else {
            request.finish(.failure(LogError(.readOnly, "cannot append: the store is open read-only (the writer's process does this)")))
            return
        }
        if options.durability != .always, !request.isSync, commitThread.commitInline(request) { return }
        commitThread.enqueue(request)
    }

    /// Checks a batch before it is queued and returns its padded size.
    package func validate(_ entries: [LogEntry]) throws(LogError) -> Int {
        guard !entries.isEmpty else { throw .invalid("an append needs at least one entry") }
        var paddedBytes = 0
        for entry in entries {
            try RecordCodec.validate(entry)
            paddedBytes += RecordCodec.paddedBytes(entry.encodedBytes)
        }
        guard paddedBytes <= batchBytesMax else {
            throw .invalid("a batch of \(paddedBytes) bytes does not fit in a segment of \(options.segmentBytes) bytes")
        }
        return paddedBytes
    }

    /// Submits `work` and blocks the calling thread until the commit thread has finished it.
    private func wait(for work: CommitRequest.Work) throws(LogError) -> AppendedBatch? {
        let done = OneShot<Result<AppendedBatch?, LogError>>()
        submit(CommitRequest(work) { done.set($0) })
        return try done.wait().get()
    }
}
