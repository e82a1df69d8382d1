import Annals
import AnnalsTestSupport
import Foundation
import Testing

/// `annals streams`: every stream with its state, version, event count and last timestamp.
@Suite(.timeLimit(.minutes(10))) struct StreamsCommandTests {
    /// Proves the table and the JSON lines list each stream with the right version, count,
    /// state and a timestamp, including a soft-deleted stream, by appending and deleting.
    @Test func listsStreamsAsTableAndJSON() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = ["a-1", "b-1", "a-1", "a-1", "gone"].map { #"{"stream":"\#($0)","type":"T","data":1}"# }.joined(separator: "\n")
        #expect(try CLIProcess.run(["append", "--dir", dir.path], input: input).status == 0)
        let store = try await EventStore.open(directory: dir.path)
        try await store.softDelete(stream: "gone")
        try await store.close()

        let table = try CLIProcess.run(["streams", "--dir", dir.path])
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdoutLines.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.first == ["stream", "state", "version", "events", "last", "timestamp"])
        #expect(rows.dropFirst(2).prefix(3).map { Array($0.prefix(4)) } == [
            ["a-1", "live", "2", "3"], ["b-1", "live", "0", "1"], ["gone", "softDeleted", "-", "0"],
        ])
        #expect(rows.last == ["3", "stream(s)"])

        let json = try CLIProcess.run(["streams", "--dir", dir.path, "--json"])
        #expect(json.status == 0)
        let objects = json.stdoutLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 3)
        #expect(objects.map { $0["stream"] as? String } == ["a-1", "b-1", "gone"])
        #expect(objects.map { ($0["version"] as? NSNumber)?.intValue } == [2, 0, nil])
        #expect(objects.map { ($0["eventCount"] as? NSNumber)?.intValue } == [3, 1, 0])
        #expect(objects.map { $0["state"] as? String } == ["live", "live", "softDeleted"])
        for object in objects {
            let time = object["lastTimestamp"] as? String ?? ""
            #expect(time.hasSuffix("Z") && time.count == 24, "\(time)")
        }
    }

    /// Proves an empty store lists no stream, and a missing store is a clear error, not a new store.
    @Test func emptyAndMissingStores() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try CLIProcess.run(["append", "--dir", dir.path], input: "")
        let empty = try CLIProcess.run(["streams", "--dir", dir.path, "--json"])
        #expect(empty.status == 0)
        #expect(empty.stdout.isEmpty)
        let missing = try CLIProcess.run(["streams", "--dir", dir.file("nothing-here")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no store at"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("nothing-here")))
    }
}
