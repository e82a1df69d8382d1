// swift-tools-version:6.1
import PackageDescription

/// The benchmark suite is its own package so that the root's `swift build` / `swift test`
/// never resolve or build GRDB, libpq or the benchmark harness.
let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "AnnalsBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Annals", path: ".."),
        // The ARC metrics of the default RuntimeInterposer trait crash here: malloc counts only.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // libpq, PostgreSQL's own C client: a synchronous peer driver with no event loop in the way.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // Small C helpers: raw LZ4 calls for the machine-limit measurements.
        .target(name: "CBenchSupport", linkerSettings: [.linkedLibrary("lz4")]),
        // SQLite peers' connections: WAL at a chosen synchronous level, read back.
        .target(name: "SQLiteWAL", dependencies: [.product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strictSwift),
        // The workload: order lifecycles as JSON lines and TSV, deterministic from a seed.
        .executableTarget(name: "WorkloadGen", swiftSettings: strictSwift),
        .executableTarget(
            name: "AnnalsBench",
            dependencies: [
                .product(name: "AnnalsLog", package: "Annals"),
                .product(name: "Annals", package: "Annals"),
                .product(name: "GRDB", package: "GRDB.swift"),
                "CLibPQ",
                "CBenchSupport",
                "SQLiteWAL",
            ],
            swiftSettings: strictSwift
        ),
        // Aggregate loads with and without snapshots, and projection throughput into SQLite
        // beside a hand-written batch insert: `Benchmarks/Sources/AggregateBench/main.swift`.
        .executableTarget(
            name: "AggregateBench",
            dependencies: [
                .product(name: "AnnalsLog", package: "Annals"),
                .product(name: "Annals", package: "Annals"),
                .product(name: "AnnalsSQLite", package: "Annals"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSwift
        ),
        // The CLI's JSON scanner alone in MB/s beside a memchr-over-lines baseline; the CLI
        // section of `Benchmarks/run` (Scripts/cli_bench.sh) runs it.
        .executableTarget(
            name: "JSONScanBench",
            dependencies: [.product(name: "AnnalsJSON", package: "Annals")],
            swiftSettings: strictSwift
        ),
        // Readers beside a writer across processes (issue 12): read-only open while a writer
        // appends, append-to-delivery latency, writer throughput with followers.
        .executableTarget(
            name: "ReadersBench",
            dependencies: [.product(name: "Annals", package: "Annals"), .product(name: "AnnalsLog", package: "Annals")],
            swiftSettings: strictSwift
        ),
        // Issue 16: tag queries against a scan and SQLite's indexed tag table, category and type
        // reads against the scan, conditional appends (64 writers; batches of 512 against SQLite).
        .executableTarget(
            name: "DCBBench",
            dependencies: [
                .product(name: "Annals", package: "Annals"),
                .product(name: "AnnalsLog", package: "Annals"),
                .product(name: "GRDB", package: "GRDB.swift"),
                "SQLiteWAL",
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "AnnalsMicro",
            dependencies: [
                .product(name: "AnnalsLog", package: "Annals"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AnnalsMicro",
            swiftSettings: strictSwift,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
