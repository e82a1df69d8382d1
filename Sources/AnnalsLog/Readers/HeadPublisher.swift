import Logging

/// The writer's side of the `HEAD` file: publishes the durable watermark after every sync and
/// roll, for read-only openers in other processes.
///
/// Only the commit thread (and open and close, which exclude it) publishes, so `sequence` needs
/// no lock. A failed write costs readers freshness, never correctness (they keep the last
/// watermark they read, which stays true), so it is logged and never fails an append.
final class HeadPublisher: @unchecked Sendable {
    private let file: any StorageFile
    private let writerID: UInt64
    private var sequence: UInt64
    private var last: DurableHead?
    private let logger: Logger
    private var failureLogged = false

    /// Opens or creates `HEAD` in `directory`, continuing after the sequence it holds so
    /// readers never prefer an older writer's slot.
    init(fileSystem: any StorageFileSystem, directory: String, logger: Logger) throws(LogError) {
        let path = joinPath(directory, SegmentFileName.headFile)
        file = fileSystem.exists(path) ? try fileSystem.open(path, writable: true) : try fileSystem.create(path)
        sequence = HeadFile.read(file)?.sequence ?? 0
        var random: UInt64 = 0
        while random == 0 { random = UInt64.random(in: 1...UInt64.max) }
        writerID = random
        self.logger = logger
    }

    /// Publishes into the slot the current publication is not in.
    func publish(durableNext: LogPosition, activeBase: LogPosition, activeDurableEnd: UInt64) {
        if let last, last.durableNext == durableNext, last.activeBase == activeBase, last.activeDurableEnd == activeDurableEnd { return }
        precondition(last.map { durableNext >= $0.durableNext && activeBase >= $0.activeBase } ?? true,
                     "the durable watermark never moves back")
        sequence += 1
        let head = DurableHead(sequence: sequence, writerID: writerID, durableNext: durableNext,
                               activeBase: activeBase, activeDurableEnd: activeDurableEnd)
        let slot = UInt64(sequence % UInt64(Format.headSlots)) * UInt64(Format.headSlotBytes)
        do throws(LogError) {
            try file.write(at: slot, head.encode())
            last = head
            failureLogged = false
        } catch {
            if !failureLogged { logger.warning("could not publish the durable head for readers", metadata: ["error": "\(error)"]) }
            failureLogged = true
        }
    }

    /// Publishes `head`'s fields into both slots, so a file left by an earlier writer holds
    /// nothing older than this writer's first publication.
    func publishBoth(durableNext: LogPosition, activeBase: LogPosition, activeDurableEnd: UInt64) {
        publish(durableNext: durableNext, activeBase: activeBase, activeDurableEnd: activeDurableEnd)
        last = nil
        publish(durableNext: durableNext, activeBase: activeBase, activeDurableEnd: activeDurableEnd)
    }

    func close() { file.close() }
}
