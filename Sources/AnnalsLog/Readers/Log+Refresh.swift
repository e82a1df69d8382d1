extension Log {
    /// In a read-only log, catches up with what the writer has made durable since the last
    /// refresh (or the open): new records, rolls and seals. Returns true when records became
    /// readable. A writable log is always current: it returns false.
    ///
    /// Fails with `.corruption` if the writer's durable watermark went back, which only a
    /// store that lost acknowledged records can show.
    @discardableResult
    public func refresh() throws(LogError) -> Bool {
        guard let follower else { return false }
        try checkReadable()
        return try follower.refresh(self)
    }

    /// What the writer last published, as this read-only log applied it (nil when writable).
    public var followedHead: DurableHead? { follower?.head }
}
