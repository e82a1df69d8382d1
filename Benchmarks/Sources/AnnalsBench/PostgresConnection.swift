import CLibPQ

/// A small synchronous libpq connection over a unix socket: just what the peer needs.
final class PostgresConnection {
    private let connection: OpaquePointer

    init(socketDirectory: String) throws {
        guard let connection = PQconnectdb("host=\(socketDirectory) dbname=postgres user=postgres") else {
            throw BenchError("libpq could not allocate a connection")
        }
        self.connection = connection
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            throw BenchError("cannot connect to PostgreSQL in \(socketDirectory): \(message)")
        }
    }

    deinit { PQfinish(connection) }

    private var errorMessage: String { String(cString: PQerrorMessage(connection)) }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw BenchError("\(sql): \(errorMessage)") }
    }

    /// Runs a query and returns its rows as text.
    func query(_ sql: String) throws -> [[String]] {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw BenchError("\(sql): \(errorMessage)") }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { String(cString: PQgetvalue(result, row, $0)) }
        }
    }

    func prepare(name: String, sql: String) throws {
        let result = PQprepare(connection, name, sql, 0, nil)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw BenchError("prepare \(name): \(errorMessage)") }
    }

    /// BEGIN, one prepared statement per row of `range`, COMMIT: sent as one pipeline, then
    /// every result is read and checked.
    func pipelineTransaction(statement: String, rows: PostgresRows, range: Range<Int>) throws {
        guard PQenterPipelineMode(connection) == 1 else { throw BenchError("pipeline mode: \(errorMessage)") }
        defer { PQexitPipelineMode(connection) }
        guard PQsendQueryParams(connection, "BEGIN", 0, nil, nil, nil, nil, 0) == 1 else { throw BenchError("BEGIN: \(errorMessage)") }
        for index in range {
            guard PQsendQueryPrepared(connection, statement, Int32(PostgresRows.columns), rows.parameters(index), nil, nil, 0) == 1 else {
                throw BenchError("send insert: \(errorMessage)")
            }
        }
        guard PQsendQueryParams(connection, "COMMIT", 0, nil, nil, nil, nil, 0) == 1, PQpipelineSync(connection) == 1 else {
            throw BenchError("COMMIT: \(errorMessage)")
        }
        try drainPipeline(expecting: range.count + 2)
    }

    private func drainPipeline(expecting statements: Int) throws {
        var seen = 0
        var failure: String?
        var nullsInARow = 0
        while true {
            // A NULL ends one statement's results; two in a row mean the pipeline is gone.
            guard let result = PQgetResult(connection) else {
                nullsInARow += 1
                if nullsInARow > 1 || PQstatus(connection) != CONNECTION_OK { throw BenchError("pipeline broke: \(errorMessage)") }
                continue
            }
            nullsInARow = 0
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_PIPELINE_SYNC { break }
            if status == PGRES_COMMAND_OK { seen += 1 } else if failure == nil { failure = errorMessage }
        }
        if let failure { throw BenchError("pipeline failed: \(failure)") }
        guard seen == statements else { throw BenchError("pipeline: \(seen) of \(statements) statements succeeded") }
    }

    /// Reads a query through a server-side cursor, `fetch` rows at a time, touching the
    /// data column of each row. Returns the row count.
    func scan(_ sql: String, fetch: Int, dataColumn: Int32) throws -> Int {
        try execute("BEGIN")
        try execute("DECLARE scan NO SCROLL CURSOR FOR \(sql)")
        var rows = 0
        while true {
            let result = PQexec(connection, "FETCH \(fetch) FROM scan")
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw BenchError("FETCH: \(errorMessage)") }
            let count = PQntuples(result)
            if count == 0 { break }
            for row in 0..<count where PQgetlength(result, row, dataColumn) > 0 { rows += 1 }
        }
        try execute("CLOSE scan")
        try execute("COMMIT")
        return rows
    }

    /// Runs a prepared one-parameter query and counts rows whose data column is not empty.
    func rowsOfPrepared(_ name: String, parameter: String, dataColumn: Int32) throws -> Int {
        let result = parameter.withCString { text -> OpaquePointer? in
            var values: [UnsafePointer<CChar>?] = [text]
            return PQexecPrepared(connection, name, 1, &values, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw BenchError("\(name): \(errorMessage)") }
        var rows = 0
        for row in 0..<PQntuples(result) where PQgetlength(result, row, dataColumn) > 0 { rows += 1 }
        return rows
    }
}
