import Annals
import AnnalsLog
import AnnalsSQLite
import Foundation
import GRDB

/// The child process of the projection kill -9 test (issue 15 §4): catches a SQLite projection
/// of `{"amount": n}` events up with the store, in small batches, and prints
/// `through <position>` once each batch's transaction has committed. The test kills it at a
/// seeded number of batches, while it is inside the next one.
///
///     annals-projection-child <store directory> <database path> <events per batch>
final class BalancesModel: SQLiteReadModel {
    struct Amount: Decodable { var amount: Int }

    func createTables(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS balances(stream TEXT PRIMARY KEY, balance INTEGER NOT NULL, events INTEGER NOT NULL, last INTEGER NOT NULL)")
    }

    func dropTables(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS balances")
    }

    func apply(_ event: RecordedEvent, _ db: Database) throws {
        let amount = try JSONDecoder().decode(Amount.self, from: Data(event.data)).amount
        try db.execute(sql: """
            INSERT INTO balances(stream, balance, events, last) VALUES (?, ?, 1, ?)
            ON CONFLICT(stream) DO UPDATE SET balance = balance + excluded.balance, events = events + 1, last = excluded.last
            """, arguments: [event.stream.rawValue, amount, Int64(event.version)])
    }
}

/// Passes every call to the SQLite projection and reports each committed batch on stdout.
struct ReportingProjection: Projection {
    let inner: SQLiteProjection<BalancesModel>

    func checkpoint() async throws -> LogPosition? { try await inner.checkpoint() }

    func apply(_ events: [RecordedEvent], through: LogPosition) async throws {
        try await inner.apply(events, through: through)
        FileHandle.standardOutput.write(Data("through \(through.rawValue)\n".utf8))
    }

    func reset() async throws { try await inner.reset() }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let batch = Int(arguments[3]), batch > 0 else {
    FileHandle.standardError.write(Data("usage: annals-projection-child <store> <database> <events per batch>\n".utf8))
    exit(2)
}
do {
    let store = try await EventStore.open(directory: arguments[1])
    let projection = ReportingProjection(inner: try SQLiteProjection(name: "balances", model: BalancesModel(), path: arguments[2]))
    try await ProjectionRunner(store: store, projection: projection, batchEvents: batch).catchUp()
    try await store.close()
    FileHandle.standardOutput.write(Data("done\n".utf8))
} catch {
    FileHandle.standardError.write(Data("annals-projection-child: \(error)\n".utf8))
    exit(1)
}
