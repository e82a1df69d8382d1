import AnnalsLog
import Logging

/// Snapshot files in the store's `snapshots/` folder, one per stream (docs/FORMAT.md §8).
///
/// Snapshots are a cache: the events are the truth. So a missing, torn or corrupt file, or an
/// entry from another schema version, means "fold from further back", and is never trusted;
/// damage is reported through the store's logger. Writes replace the file atomically (temp
/// file, fsync, rename, directory fsync).
struct SnapshotStore: Sendable {
    static let folderName = "snapshots"

    let fileSystem: any StorageFileSystem
    let directory: String
    let logger: Logger

    /// Serializes every snapshot write in the process, so the read-modify-write of a file and
    /// its fixed temp name are never shared by two writers. Snapshot writes are rare.
    private static let writes = PosixMutex()

    init(store: EventStore) {
        fileSystem = store.engine.fileSystem
        directory = StoreFiles.path(store.engine.directory, Self.folderName)
        logger = store.engine.options.log.logger
    }

    /// `stream`'s usable snapshots (those at `schemaVersion`), oldest first.
    func entries(for stream: StreamName, schemaVersion: Int) -> [SnapshotEntry] {
        allEntries(for: stream).filter { $0.schemaVersion == UInt32(schemaVersion) }
    }

    /// The newest usable snapshot at or below `version`.
    func newest(for stream: StreamName, schemaVersion: Int, atOrBelow version: UInt64) -> SnapshotEntry? {
        entries(for: stream, schemaVersion: schemaVersion).last { $0.streamVersion <= version }
    }

    /// Adds `entry`, keeping the newest `SnapshotFile.entriesMax` entries of its schema version
    /// (entries of other schema versions can never be used again by this code, so they go).
    func save(_ entry: SnapshotEntry, for stream: StreamName) throws(LogError) {
        try Self.writes.withLock { () throws(LogError) in
            var entries = allEntries(for: stream).filter {
                $0.schemaVersion == entry.schemaVersion && $0.streamVersion != entry.streamVersion
            }
            entries.append(entry)
            entries.sort { $0.streamVersion < $1.streamVersion }
            entries = Array(entries.suffix(SnapshotFile.entriesMax))
            if !fileSystem.exists(directory) {
                try fileSystem.createDirectory(directory)
                try fileSystem.syncDirectory(StoreFiles.parent(of: directory))
            }
            try StoreFiles.replace(fileSystem, directory: directory, name: SnapshotFile.fileName(for: stream),
                                   bytes: SnapshotFile.encode(stream: stream, entries: entries), durable: true)
        }
    }

    /// Removes `stream`'s snapshot file, if any.
    func remove(for stream: StreamName) throws(LogError) {
        try Self.writes.withLock { () throws(LogError) in
            let path = StoreFiles.path(directory, SnapshotFile.fileName(for: stream))
            if fileSystem.exists(path) { try fileSystem.remove(path) }
        }
    }

    private func allEntries(for stream: StreamName) -> [SnapshotEntry] {
        let name = SnapshotFile.fileName(for: stream)
        let path = StoreFiles.path(directory, name)
        guard fileSystem.exists(path) else { return [] }
        guard let bytes = StoreFiles.readAll(fileSystem, path), let decoded = SnapshotFile.decode(bytes) else {
            logger.warning("ignoring a corrupt snapshot file; the aggregate is folded from its events",
                           metadata: ["file": "\(Self.folderName)/\(name)", "stream": "\(stream)"])
            return []
        }
        // A different stream whose file name collides: not ours, so no snapshot.
        guard decoded.stream == stream else { return [] }
        return decoded.entries
    }
}

extension StoreFiles {
    /// The folder holding `path` ("." for a bare name).
    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
