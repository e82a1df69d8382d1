/// Annals: an embedded event store. This module is the API a service imports.
///
/// It does not re-export the storage core (`AnnalsLog`): a service appends and reads through
/// `EventStore` only, so nothing can bypass the stream layer's checks. The core's value types
/// that appear in this API are named here, so `import Annals` is enough to use it.
public import AnnalsLog

/// A record's global position in the log, counting from 1.
public typealias LogPosition = AnnalsLog.LogPosition
/// How the log underneath a store is opened: durability, segment size, sealing, caches.
public typealias LogOptions = AnnalsLog.LogOptions
/// When an append is acknowledged, and so what a crash can lose.
public typealias Durability = AnnalsLog.Durability
/// When full segments are sealed into compressed files.
public typealias SealingMode = AnnalsLog.SealingMode
/// Which way a read walks the log or a stream.
public typealias ReadDirection = AnnalsLog.ReadDirection
/// A storage failure, with a code, the file and offset, and the errno.
public typealias LogError = AnnalsLog.LogError
/// What opening the log found and repaired.
public typealias RecoveryReport = AnnalsLog.RecoveryReport
/// Segments, records and bytes of a store.
public typealias LogStats = AnnalsLog.LogStats
/// What a full check of a store found.
public typealias VerifyReport = AnnalsLog.VerifyReport
/// What sealing one segment did.
public typealias SealReport = AnnalsLog.SealReport
/// The file-system seam the log writes through (tests pass a fault-injecting one).
public typealias StorageFileSystem = AnnalsLog.StorageFileSystem
/// The real file system.
public typealias PosixFileSystem = AnnalsLog.PosixFileSystem
/// How a store is opened: the one writer, or a reader beside it.
public typealias OpenMode = AnnalsLog.OpenMode
