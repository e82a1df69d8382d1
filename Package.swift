// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode plus the upcoming features that keep
/// imports and existentials explicit (the same set swift-log enables).
let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Annals",
    products: [
        .library(name: "AnnalsLog", targets: ["AnnalsLog"]),
        .library(name: "Annals", targets: ["Annals"]),
        .library(name: "AnnalsSQLite", targets: ["AnnalsSQLite"]),
        // The CLI's JSON scanner and writer, a product so the micro-benchmarks can measure it.
        .library(name: "AnnalsJSON", targets: ["AnnalsJSON"]),
        // Replication into NATS JetStream: a product of its own, so the core never links libnats.
        .library(name: "AnnalsNATS", targets: ["AnnalsNATS"]),
        .executable(name: "annals-nats-bench", targets: ["annals-nats-bench"]),
        .executable(name: "annals", targets: ["annals"]),
        .executable(name: "annals-shop", targets: ["annals-shop"]),
        .executable(name: "FuzzRecordDecoder", targets: ["FuzzRecordDecoder"]),
        .executable(name: "FuzzSegmentOpen", targets: ["FuzzSegmentOpen"]),
        .executable(name: "FuzzIndexOpen", targets: ["FuzzIndexOpen"]),
        .executable(name: "FuzzSealedOpen", targets: ["FuzzSealedOpen"]),
        .executable(name: "FuzzDerivedIndex", targets: ["FuzzDerivedIndex"]),
        .executable(name: "FuzzHeadsFile", targets: ["FuzzHeadsFile"]),
        .executable(name: "FuzzSnapshotFile", targets: ["FuzzSnapshotFile"]),
        .executable(name: "FuzzCheckpointFile", targets: ["FuzzCheckpointFile"]),
        .executable(name: "FuzzEventLine", targets: ["FuzzEventLine"]),
        .executable(name: "FuzzRecordFields", targets: ["FuzzRecordFields"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Only AnnalsSQLite and the shop demo link GRDB; the core, Annals and the CLI do not.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Server conventions (docs/OBSERVABILITY.md): metrics in the core and the store, spans and
        // the `Service` conformances in the store and the replicator.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // `swift package generate-documentation` (DocC); a command plugin only, never linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .target(name: "CCRC32C"),
        .systemLibrary(
            name: "CNATS",
            pkgConfig: "libnats",
            providers: [.apt(["libnats-dev"])]
        ),
        .target(
            name: "AnnalsNATS",
            dependencies: [
                "Annals",
                "CNATS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        // Replication throughput, lag and synchronous-append latency against a local R3
        // cluster, beside the raw JetStream publish rate (docs/SCALEOUT.md, "Benchmark").
        .executableTarget(
            name: "annals-nats-bench",
            dependencies: ["Annals", "AnnalsNATS", "AnnalsTestSupport", "CNATS"],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AnnalsLog",
            dependencies: [
                "CCRC32C",
                "CLZ4",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "Annals",
            dependencies: [
                "AnnalsLog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AnnalsSQLite",
            dependencies: [
                "Annals",
                "AnnalsLog",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "annals-shop",
            dependencies: ["Annals", "AnnalsLog", "AnnalsSQLite"],
            swiftSettings: strictSwift
        ),
        // Strict JSON validation and field extraction straight over bytes, and a buffered
        // writer: what `annals` reads and writes. No dependencies.
        .target(name: "AnnalsJSON", swiftSettings: strictSwift),
        .executableTarget(
            name: "annals",
            dependencies: [
                "Annals",
                "AnnalsLog",
                "AnnalsJSON",
                "AnnalsNATS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // No unsafe flags here: they would stop other packages from depending on this one.
            // Build the tool with `swift build -c release --static-swift-stdlib --product annals`
            // (scripts/build-cli), which links the Swift runtime and FoundationEssentials in
            // (README: "Process startup").
            swiftSettings: strictSwift
        ),
        .target(
            name: "AnnalsTestSupport",
            dependencies: ["AnnalsLog"],
            path: "Tests/AnnalsTestSupport",
            swiftSettings: strictSwift
        ),
        // libFuzzer targets (Fuzz/README.md): `swift build --sanitize=fuzzer --product <name>`.
        // Without the sanitizer they link too, and replay the files they are given.
        .target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: ["AnnalsLog", "AnnalsTestSupport"],
            path: "Fuzz/FuzzSupport",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzRecordDecoder",
            dependencies: ["FuzzDriver", "FuzzSupport"],
            path: "Fuzz/FuzzRecordDecoder",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzSegmentOpen",
            dependencies: ["FuzzDriver", "FuzzSupport"],
            path: "Fuzz/FuzzSegmentOpen",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzRecordFields",
            dependencies: ["FuzzDriver", "FuzzSupport", "AnnalsLog"],
            path: "Fuzz/FuzzRecordFields",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzIndexOpen",
            dependencies: ["FuzzDriver", "FuzzSupport", "AnnalsLog", "AnnalsTestSupport"],
            path: "Fuzz/FuzzIndexOpen",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzSealedOpen",
            dependencies: ["FuzzDriver", "FuzzSupport", "AnnalsLog", "AnnalsTestSupport"],
            path: "Fuzz/FuzzSealedOpen",
            swiftSettings: strictSwift
        ),
        // The stream layer's files and the CLI's input: these reach internal decoders through
        // `@testable import`, which the fuzz build (debug) allows.
        .executableTarget(
            name: "FuzzDerivedIndex",
            dependencies: ["FuzzDriver", "FuzzSupport", "Annals", "AnnalsLog"],
            path: "Fuzz/FuzzDerivedIndex",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzHeadsFile",
            dependencies: ["FuzzDriver", "FuzzSupport", "Annals", "AnnalsLog"],
            path: "Fuzz/FuzzHeadsFile",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzSnapshotFile",
            dependencies: ["FuzzDriver", "FuzzSupport", "Annals", "AnnalsLog"],
            path: "Fuzz/FuzzSnapshotFile",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzCheckpointFile",
            dependencies: ["FuzzDriver", "FuzzSupport", "Annals", "AnnalsLog", "AnnalsTestSupport"],
            path: "Fuzz/FuzzCheckpointFile",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "FuzzEventLine",
            dependencies: ["FuzzDriver", "FuzzSupport", "AnnalsJSON"],
            path: "Fuzz/FuzzEventLine",
            swiftSettings: strictSwift
        ),
        // The projection kill -9 test's child: a SQLite projection catching up in its own process.
        .executableTarget(
            name: "annals-projection-child",
            dependencies: ["Annals", "AnnalsLog", "AnnalsSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/ProjectionChild",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AnnalsTests",
            dependencies: [
                "Annals", "AnnalsLog", "AnnalsTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AnnalsCLITests",
            dependencies: ["Annals", "AnnalsLog", "AnnalsJSON", "AnnalsTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AnnalsSQLiteTests",
            dependencies: ["Annals", "AnnalsLog", "AnnalsSQLite", "AnnalsTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "GuideTests",
            dependencies: ["Annals", "AnnalsLog", "AnnalsSQLite", "AnnalsTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AnnalsNATSTests",
            dependencies: [
                "Annals", "AnnalsNATS", "AnnalsTestSupport", "CNATS",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AnnalsLogTests",
            dependencies: ["AnnalsLog", "AnnalsTestSupport", "CCRC32C"],
            swiftSettings: strictSwift
        ),
    ]
)
