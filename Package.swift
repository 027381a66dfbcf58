// swift-tools-version:6.1
import PackageDescription

/// Settings every target of ours shares: Swift 6 language mode plus explicit `any` for existentials.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "paisa",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "paisa", targets: ["Paisa"]),
        .executable(name: "paisa-load", targets: ["PaisaLoadCLI"]),
    ],
    dependencies: [
        // Without its default ConfigurationSupport trait, which would build swift-configuration for nothing we use.
        .package(
            url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // The domain: money, charges, refunds, the idempotency state machine, the ledger postings and
        // the ports it needs. It imports neither Hummingbird nor PostgresNIO.
        .target(
            name: "Payments",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL: one transaction per phase, the retry loop, SQLSTATE → domain errors.
        .target(
            name: "PaymentsStore",
            dependencies: [
                "Payments",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Only for classifying the pool's errors (a dead database trips its circuit breaker).
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The sandbox card and UPI processor behind the domain's processor port.
        .target(
            name: "SandboxProcessor",
            dependencies: [
                "Payments",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP: routes, authentication, form and JSON decoding, versions, wire errors, background services.
        .target(
            name: "PaymentsAPI",
            dependencies: [
                "Payments",
                "PaymentsStore",
                "SandboxProcessor",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                "OutboundHTTP",
                // Timers on the event loops (DeadlineRace), not through Dispatch.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP/1.1 client of webhook deliveries and paisa-load: pooled connections, TLS, a timeout per request.
        .target(
            name: "OutboundHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The load generator's engine: schedule, traffic, histograms, thresholds, audit and reports.
        .target(
            name: "PaisaLoad",
            dependencies: [
                "OutboundHTTP",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                // The webhook receiver: an HTTP/1 server on loopback, and the signatures it checks.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Paisa",
            dependencies: [
                "Payments",
                "PaymentsStore",
                "PaymentsAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "PaisaLoadCLI",
            dependencies: [
                "PaisaLoad",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the database-backed test targets share: a migrated test database, accounts and keys.
        .target(
            name: "PaisaTestSupport",
            dependencies: [
                "Payments",
                "PaymentsStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PaisaTestSupport",
            swiftSettings: swiftSettings
        ),
        // Tests that need no database, each in seconds: the domain and the idempotency layer (against a scripted
        // store), then the wire (form and JSON decoding, the key cache, log lines), then the load generator.
        .testTarget(
            name: "PaymentsTests",
            dependencies: ["Payments", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WireTests",
            dependencies: ["Payments", "PaymentsAPI", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Tests against a real PostgreSQL: the store on its own, then the HTTP API over it.
        .testTarget(
            name: "PaymentsStoreTests",
            dependencies: [
                "PaisaTestSupport",
                "Payments",
                "PaymentsStore",
                "SandboxProcessor",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PaymentsAPITests",
            dependencies: [
                "PaisaTestSupport",
                "Payments",
                "PaymentsStore",
                "SandboxProcessor",
                "PaymentsAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // The suite's client: every test talks to a server on loopback.
                "OutboundHTTP",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                // An event loop whose clock a test moves (the deadline race).
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            // The golden transcripts per API version, read by the compatibility tests from the checkout.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PaisaLoadTests",
            dependencies: [
                "PaisaLoad",
                // The client itself, and posting to the webhook receiver over loopback.
                "OutboundHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
