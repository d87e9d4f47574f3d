// swift-tools-version:6.0
import PackageDescription

let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let lockedValue: Target.Dependency = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")

let package = Package(
    name: "review-stream",
    platforms: [.macOS(.v15)],  // 15 for Synchronization.Mutex (the analysis core's progress counters)
    products: [
        .executable(name: "api-server", targets: ["APIServer"]),
        .executable(name: "stream-processor", targets: ["StreamProcessor"]),
        .executable(name: "gateway", targets: ["Gateway"]),
        .executable(name: "trainer", targets: ["Trainer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", exact: "1.5.0"),
        .package(url: "https://github.com/apple/swift-algorithms.git", exact: "1.2.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        // Deque for the Mongo module's job and event queues (also a dependency of swift-nio).
        .package(url: "https://github.com/apple/swift-collections.git", exact: "1.6.0"),
        // Hummingbird's own dependency, named for the HTTP part types the gateway's pipeline handler reads and writes.
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        // Hummingbird's own dependency, named for NIOLockedValueBox (values shared with librdkafka's and libmongoc's threads).
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        // bcrypt for stored passwords (HummingbirdBcrypt); swift-crypto above also gives the session-token hashes.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
    ],
    targets: [
        // C libraries, touched only by the Kafka and Mongo wrapper modules.
        .systemLibrary(name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CMongoc", path: "Shared/CMongoc", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev", "libbson-dev"])]),

        .target(name: "Kafka", dependencies: ["CRdKafka", logging, serviceLifecycle, lockedValue], path: "Shared/Kafka", exclude: ["README.md"]),
        .target(name: "Mongo", dependencies: ["CMongoc", logging, lockedValue, .product(name: "DequeModule", package: "swift-collections")], path: "Shared/Mongo", exclude: ["README.md"]),
        // The analysis core is numeric code that is 20–50× slower unoptimised; tests and the local stack train models with
        // it, so it is optimised in debug builds too.
        .target(name: "ReviewAnalysis", dependencies: ["CPrefetch"], path: "Shared/ReviewAnalysis", swiftSettings: [.unsafeFlags(["-O"])]),
        // A cache prefetch hint (C's __builtin_prefetch) for the analysis core's table lookups.
        .target(name: "CPrefetch", path: "Shared/CPrefetch"),
        .target(name: "ReviewContracts", dependencies: [.product(name: "Crypto", package: "swift-crypto")], path: "Shared/ReviewContracts"),
        // The one reader of settings from flags and the environment (no server parts, so the trainer can use it too).
        .target(name: "Settings", dependencies: [argumentParser, lockedValue], path: "Shared/Settings"),
        // The processor's analysis of a polled batch (no I/O): a library so the core benchmark links it, not the service.
        .target(name: "StreamCore", dependencies: ["Kafka", "ReviewAnalysis", "ReviewContracts"], path: "Shared/StreamCore"),
        .target(name: "ServiceSupport", dependencies: ["Settings", hummingbird, argumentParser, logging, metrics, prometheus, serviceLifecycle], path: "Shared/ServiceSupport"),
        // The Kafka security options of the services that talk to Kafka; apart from ServiceSupport so the gateway does not link librdkafka.
        .target(name: "KafkaOptions", dependencies: ["Kafka", "ServiceSupport", "Settings", argumentParser], path: "Shared/KafkaOptions"),

        .executableTarget(
            name: "APIServer",
            dependencies: ["Kafka", "KafkaOptions", "Mongo", "ReviewAnalysis", "ReviewContracts", "ServiceSupport", "Settings", hummingbird, argumentParser, logging, metrics, serviceLifecycle,
                           .product(name: "CompressNIO", package: "compress-nio"),
                           .product(name: "Algorithms", package: "swift-algorithms"),
                           .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Services/api-server"
        ),
        .executableTarget(
            name: "StreamProcessor",
            dependencies: ["Kafka", "KafkaOptions", "Mongo", "ReviewAnalysis", "ReviewContracts", "ServiceSupport", "Settings", "StreamCore", hummingbird, argumentParser, logging, metrics, serviceLifecycle,
                           lockedValue],
            path: "Services/stream-processor"
        ),
        .executableTarget(
            name: "Gateway",
            dependencies: ["ServiceSupport", "Settings", hummingbird, asyncHTTPClient, argumentParser, logging, metrics, serviceLifecycle,
                           .product(name: "HummingbirdCore", package: "hummingbird"),
                           .product(name: "NIOHTTPTypes", package: "swift-nio-extras")],
            path: "Services/gateway",
            exclude: ["README.md"]
        ),
        // The analysis-core benchmark `scripts/bench/pipeline` runs (built with the services, shipped with none).
        .executableTarget(name: "processor-core-bench", dependencies: ["StreamCore", "Kafka", "ReviewAnalysis", "ReviewContracts", argumentParser],
                          path: "Benchmarks/ProcessorCore"),
        .executableTarget(
            name: "Trainer",
            dependencies: ["ReviewAnalysis", "ReviewContracts", "Mongo", "Settings", argumentParser,
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "CompressNIO", package: "compress-nio"),
                           .product(name: "NIOCore", package: "swift-nio")],
            path: "Services/trainer",
            exclude: ["README.md"]
        ),

        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "KafkaOptions"], path: "Tests/KafkaTests"),
        .testTarget(name: "MongoTests", dependencies: ["Mongo"], path: "Tests/MongoTests"),
        .testTarget(name: "ReviewContractsTests", dependencies: ["ReviewContracts"], path: "Tests/ReviewContractsTests"),
        .testTarget(name: "ReviewAnalysisTests", dependencies: ["ReviewAnalysis"], path: "Tests/ReviewAnalysisTests"),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "ReviewAnalysis", "ReviewContracts", "Mongo"], path: "Tests/TrainerTests"),
        .testTarget(name: "APIServerTests", dependencies: ["APIServer", "Kafka", "Mongo", "ReviewAnalysis", hummingbirdTesting, asyncHTTPClient,
                                                       .product(name: "CompressNIO", package: "compress-nio")], path: "Tests/APIServerTests"),
        .testTarget(name: "StreamProcessorTests", dependencies: ["StreamProcessor", "StreamCore", "Kafka", "Mongo", "ReviewAnalysis", "ReviewContracts"], path: "Tests/StreamProcessorTests"),
        .testTarget(name: "ServiceSupportTests", dependencies: ["ServiceSupport", "Settings", logging], path: "Tests/ServiceSupportTests"),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "ReviewContracts", hummingbirdTesting, asyncHTTPClient], path: "Tests/GatewayTests"),
    ],
    // Swift 6 language mode, complete concurrency checking, for every target.
    swiftLanguageModes: [.v6]
)
