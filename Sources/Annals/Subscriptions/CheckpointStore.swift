import AnnalsLog

/// Named, durable subscription checkpoints (docs/FORMAT.md §7 S3): the last position a
/// consumer finished with, saved by the consumer. Delivery is at-least-once: events after the
/// saved position are delivered again after a restart, even if they were handled before it.
final class CheckpointStore: @unchecked Sendable {
    /// "ANSC" read as little-endian bytes: ANnals Subscription Checkpoints.
    static let magic: UInt32 = 0x4353_4E41
    static let formatVersion: UInt16 = 1
    static let headerBytes = 16
    static let fileName = "subscriptions.checkpoints"

    private let fileSystem: any StorageFileSystem
    private let directory: String
    /// Guards `positions` and orders the file writes.
    private let lock = PosixMutex()
    private var positions: [String: LogPosition]

    /// Loads the file; a missing one means no checkpoints, a bad one is an error (it is not
    /// derived data: it cannot be rebuilt).
    init(fileSystem: any StorageFileSystem, directory: String) throws(LogError) {
        self.fileSystem = fileSystem
        self.directory = directory
        let path = StoreFiles.path(directory, Self.fileName)
        guard fileSystem.exists(path) else {
            positions = [:]
            return
        }
        guard let bytes = StoreFiles.readAll(fileSystem, path), let decoded = Self.decode(bytes) else {
            throw LogError(.corruption, "subscription checkpoints fail their checksum", file: Self.fileName, offset: 0)
        }
        positions = decoded
    }

    func position(named name: String) -> LogPosition? { lock.withLock { positions[name] } }

    /// Saves `position` under `name` durably (fsync, then rename, then directory fsync). A save
    /// that fails (a full disk, EIO) leaves the checkpoint this store reports unchanged.
    func save(_ position: LogPosition, named name: String) throws(LogError) {
        guard !name.isEmpty, name.utf8.count <= 1024 else {
            throw LogError(.invalidArgument, "a checkpoint name must be 1...1024 UTF-8 bytes")
        }
        try lock.withLock { () throws(LogError) in
            var saved = positions
            saved[name] = position
            try StoreFiles.replace(fileSystem, directory: directory, name: Self.fileName,
                                   bytes: Self.encode(saved), durable: true)
            positions = saved
        }
    }

    static func encode(_ positions: [String: LogPosition]) -> [UInt8] {
        var body = ByteWriter()
        for (name, position) in positions.sorted(by: { $0.key < $1.key }) {
            body.write(UInt16(name.utf8.count))
            body.write(bytes: name.utf8)
            body.write(position.rawValue)
        }
        var file = ByteWriter()
        file.write(magic)
        file.write(formatVersion)
        file.write(UInt16(0))
        file.write(CRC32C.checksum(body.bytes))
        file.write(CRC32C.checksum(file.bytes))
        file.write(bytes: body.bytes)
        return file.bytes
    }

    static func decode(_ bytes: [UInt8]) -> [String: LogPosition]? {
        bytes.withUnsafeBytes { raw -> [String: LogPosition]? in
            guard raw.count >= headerBytes,
                  raw.readLE(at: 0, as: UInt32.self) == magic,
                  raw.readLE(at: 4, as: UInt16.self) == formatVersion,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<12])) == raw.readLE(at: 12, as: UInt32.self),
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[headerBytes...])) == raw.readLE(at: 8, as: UInt32.self)
            else { return nil }
            var positions: [String: LogPosition] = [:]
            var offset = headerBytes
            while offset < raw.count {
                guard offset + 2 <= raw.count else { return nil }
                let length = Int(raw.readLE(at: offset, as: UInt16.self))
                guard offset + 2 + length + 8 <= raw.count else { return nil }
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: raw[(offset + 2)..<(offset + 2 + length)]), as: UTF8.self)
                positions[name] = LogPosition(raw.readLE(at: offset + 2 + length, as: UInt64.self))
                offset += 2 + length + 8
            }
            return positions
        }
    }
}
