import AnnalsTestSupport
import Foundation
import Testing

/// kill -9: the real `annals append` process is SIGKILLed at seeded random moments while it
/// ingests; after each kill the store is reopened and checked against every acknowledgement.
/// `scripts/torture --seed S --kills N` runs the same harness for long.
@Suite(.serialized) struct KillNineTests {
    /// Seeds and kills per seed; `ANNALS_TORTURE_SEED` and `ANNALS_TORTURE_KILLS` override them.
    static let seeds: [UInt64] = ProcessInfo.processInfo.environment["ANNALS_TORTURE_SEED"].flatMap(UInt64.init).map { [$0] } ?? [1, 2, 3, 4]
    static let killsPerSeed = ProcessInfo.processInfo.environment["ANNALS_TORTURE_KILLS"].flatMap(Int.init) ?? 30

    /// Proves no acknowledged event is lost or altered, positions stay gapless, nothing torn is
    /// visible and `verify()` is clean after every SIGKILL, under `.always`.
    @Test(arguments: seeds)
    func killNineLosesNothingAcknowledged(seed: UInt64) throws {
        let dir = TemporaryDirectory("annals-kill9")
        defer { dir.remove() }
        let harness = KillNineHarness(directory: dir.path, seed: seed)
        var problems: [String] = []
        while harness.kills < Self.killsPerSeed && problems.isEmpty {
            problems += try harness.killOnce()
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(harness.acknowledgedTotal > 0, "seed \(seed): no event was acknowledged, so nothing was tested")
        print("kill-9 seed \(seed): kills \(harness.kills) acknowledged \(harness.acknowledgedTotal) problems \(problems.count)")
    }
}
