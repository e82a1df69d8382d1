/// What the command line asked for.
struct RunSettings {
    var tsvPath = ""
    var jsonlPath = ""
    var workRoot = ""
    var reportPath: String?
    var size = "small"
    var quick = false
    var command = ""
    /// "key=value" machine facts gathered by the run script (kernel, fs, Swift version...).
    var facts: [(String, String)] = []
    /// The unix-socket directory of a running PostgreSQL, if the script started one.
    var postgresSocket: String?
    var postgresNote: String?
    /// Sections to run (`--only`, repeatable); empty means all of them.
    var only: Set<Section> = []

    /// The parts of a run, in the order they run.
    enum Section: String, CaseIterable {
        /// fdatasync, sequential write, memcpy, CRC32C, LZ4.
        case limits
        /// The storage core alone (`Log`): ingest, concurrency, scan, open after a crash.
        case core
        /// Sealing and sealed segments through `Log`.
        case sealed
        /// Reads, latency and delivery through `EventStore`.
        case streams
        /// Appends, open, memory, growth, sealing and footprint through `EventStore`.
        case store
        case sqlite
        case postgres
    }

    func wants(_ section: Section) -> Bool { only.isEmpty || only.contains(section) }

    /// How long a time-limited measurement (durable batch 1) may run.
    var timeLimitSeconds: Double { quick ? 3 : 8 }
    /// Repeats of the read measurements; the best is kept.
    var repeats: Int { quick ? 2 : 3 }
    /// Streams read in the random whole-stream measurement.
    var streamSample: Int { quick ? 5_000 : 20_000 }

    static func parse(_ arguments: [String]) throws -> RunSettings {
        var settings = RunSettings()
        var iterator = arguments.dropFirst().makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else { throw BenchError("\(flag) needs a value") }
            return next
        }
        while let argument = iterator.next() {
            switch argument {
            case "--tsv": settings.tsvPath = try value(argument)
            case "--jsonl": settings.jsonlPath = try value(argument)
            case "--work": settings.workRoot = try value(argument)
            case "--report": settings.reportPath = try value(argument)
            case "--size": settings.size = try value(argument)
            case "--quick": settings.quick = true
            case "--only":
                let name = try value(argument)
                guard let section = Section(rawValue: name) else {
                    throw BenchError("--only takes one of \(Section.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
                }
                settings.only.insert(section)
            case "--command": settings.command = try value(argument)
            case "--postgres-socket": settings.postgresSocket = try value(argument)
            case "--postgres-note": settings.postgresNote = try value(argument)
            case "--fact":
                let fact = try value(argument)
                guard let equals = fact.firstIndex(of: "=") else { throw BenchError("--fact wants key=value, got \(fact)") }
                settings.facts.append((String(fact[..<equals]), String(fact[fact.index(after: equals)...])))
            default: throw BenchError("unknown argument \(argument)")
            }
        }
        guard !settings.tsvPath.isEmpty, !settings.jsonlPath.isEmpty, !settings.workRoot.isEmpty else {
            throw BenchError("usage: AnnalsBench --tsv FILE --jsonl FILE --work DIR [--report FILE] [--quick] [--only SECTION]... ...")
        }
        return settings
    }
}
