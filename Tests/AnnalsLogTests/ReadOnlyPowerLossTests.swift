import AnnalsTestSupport
import Testing
@testable import AnnalsLog

/// Readers and power loss, on the simulated file system: a reader beside the writer records
/// every record it is shown; power is lost at a random operation; after the reboot and the
/// writer's recovery, every record the reader saw must still be there, byte for byte. A
/// reader that was shown a record a power cut could take back would hold a phantom.
@Suite(.timeLimit(.minutes(10))) struct ReadOnlyPowerLossTests {
    static let directory = "/store"
    static let seeds: [UInt64] = Array(1...UInt64(environmentInt("ANNALS_POWER_LOSS_CYCLES") ?? 24))

    @Test(arguments: seeds, [true, false])
    func readerNeverSeesWhatPowerLossTakesBack(seed: UInt64, syncEachAppend: Bool) throws {
        let fs = SimulatedFileSystem(seed: seed, faults: FaultPlan(tornWritesOnCrash: true))
        try fs.createDirectory(Self.directory)
        let options = LogOptions(durability: syncEachAppend ? .always : .none, segmentBytes: 8192, fileSystem: fs)
        let writer = try Log.open(directory: Self.directory, options: options)
        let reader = try Log.open(directory: Self.directory, options: options, mode: .readOnly)
        var random = SeededRandom(seed: seed)
        let ledger = AppendLedger()
        var seen: [LogRecord] = []
        fs.scheduleCrash(afterOperations: 20 + Int(random.next() % 400))
        appending: for round in 0..<200 {
            let batch = ledger.makeBatch(count: 1 + Int(random.next() % 4), using: &random)
            do { _ = try writer.append(batch) } catch { break appending }
            if !syncEachAppend && round % 5 == 4 { do { try writer.sync() } catch { break appending } }
            do {
                try reader.refresh()
                seen += try reader.read(from: LogPosition((seen.last?.position.rawValue ?? 0) + 1), limit: .max)
            } catch { break appending }
        }
        writer.abandonForTesting()
        try? reader.close()
        let rebooted = fs.crash()
        let recovered = try Log.open(directory: Self.directory, options: LogOptions(durability: .always, segmentBytes: 8192, fileSystem: rebooted))
        defer { try? recovered.close() }
        let after = try recovered.read(from: .first, limit: .max)
        if environmentInt("ANNALS_RELIABILITY_SUMMARY") != nil { print("reader power loss seed \(seed) sync \(syncEachAppend): saw \(seen.count), survived \(after.count)") }
        #expect(seen.count <= after.count, "seed \(seed): the reader saw \(seen.count) records, \(after.count) survived")
        #expect(Array(after.prefix(seen.count)) == seen, "seed \(seed): a record the reader saw was taken back")
        let second = try Log.open(directory: Self.directory, options: LogOptions(segmentBytes: 8192, fileSystem: rebooted), mode: .readOnly)
        defer { try? second.close() }
        #expect(try second.read(from: .first, limit: .max) == after, "seed \(seed): a reader after recovery sees the recovered store")
    }
}
