import AnnalsTestSupport
import Dispatch
import Synchronization
import Testing
@testable import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct LogConcurrencyTests {
    /// Proves concurrent appenders (group commit) get disjoint, gapless, contiguous-per-batch
    /// positions while readers run alongside and never see past the committed watermark.
    @Test(arguments: [Durability.always, .none])
    func concurrentAppendersAndReaders(durability: Durability) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: LogOptions(durability: durability, segmentBytes: 64 * 1024))
        let writers = 8
        let batchesPerWriter = 40
        let ranges = Guarded<[Int: [ClosedRange<LogPosition>]]>([:])
        let readerErrors = Guarded<[String]>([])
        let done = Atomic<Bool>(false)
        let readers = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: readers) {
                while !done.load(ordering: .acquiring) {
                    let next = log.nextPosition
                    do {
                        var expected = LogPosition.first
                        try log.forEachRecord(from: .first) { view in
                            if view.position != expected { readerErrors.withLock { $0.append("gap at \(expected)") } }
                            expected = expected.advanced(by: 1)
                            return true
                        }
                        if expected < next { readerErrors.withLock { $0.append("read stopped at \(expected) < \(next)") } }
                    } catch {
                        readerErrors.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for batch in 0..<batchesPerWriter {
                let size = 1 + (writer + batch) % 4
                let range = try! log.append(Entries.make(size, stream: "w-\(writer)", tag: writer * 1000 + batch)).positions
                ranges.withLock { $0[writer, default: []].append(range) }
            }
        }
        done.store(true, ordering: .releasing)
        readers.wait()
        #expect(readerErrors.withLock { $0 }.isEmpty)
        let all = ranges.withLock { $0.values.flatMap { $0 } }.sorted { $0.lowerBound < $1.lowerBound }
        var expected = LogPosition.first
        for range in all {
            #expect(range.lowerBound == expected)
            expected = range.upperBound.advanced(by: 1)
        }
        #expect(log.nextPosition == expected)
        let records = try log.read(from: .first, limit: 10_000)
        for (writer, writerRanges) in ranges.withLock({ $0 }) {
            for (batch, range) in writerRanges.enumerated() {
                let slice = records[Int(range.lowerBound.rawValue - 1)...Int(range.upperBound.rawValue - 1)]
                #expect(slice.allSatisfy { $0.stream == "w-\(writer)" && $0.eventID.high == UInt64(writer * 1000 + batch) })
                #expect(slice.last!.endsBatch)
            }
        }
        #expect(log.verify().isHealthy)
        try log.close()
    }

    /// Proves appends and reads after close fail with `.closed`, and closing twice is harmless.
    @Test func closedLogRefusesWork() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path)
        try log.append(Entries.make(1))
        try log.close()
        try log.close()
        do { try log.append(Entries.make(1)); Issue.record("append after close") } catch { #expect(error.code == .closed) }
        do { _ = try log.read(from: .first, limit: 1); Issue.record("read after close") } catch { #expect(error.code == .closed) }
    }
}
