// swift-tools-version:6.2
import PackageDescription

/// Whether the libFuzzer targets under `Fuzz/` are declared (`BERTH_FUZZ=1`,
/// `scripts/reliability/fuzz.sh`): they link only with `-sanitize=fuzzer`, so the ordinary build
/// and tests never see them.
let fuzzing = Context.environment["BERTH_FUZZ"] == "1"

/// Settings every Berth target shares (STYLE.md §2.1). A fuzzing build also compiles every module
/// for `@testable import`, so the fuzz targets drive the internal framers and state machines.
let swiftSettings: [SwiftSetting] =
    [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility")]
    + (fuzzing ? [.unsafeFlags(["-enable-testing"])] : [])

/// The router's hot path runs on one event loop per connection and keeps its per-connection
/// state in handler classes touched only there, so release builds skip the dynamic exclusivity
/// checks on it (about 2 % of its CPU time under load); debug builds, and so the tests, keep them,
/// and so does a fuzzing build, where an exclusivity violation is a finding.
let routerSwiftSettings: [SwiftSetting] =
    swiftSettings
    + (fuzzing ? [] : [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))])

/// Test code itself is compiled without optimization even in a release build: CI runs the tests
/// on the optimized build of the code users run, and optimizing the tests (and their fixtures'
/// helpers) would only lengthen a two-core machine's build.
let testSwiftSettings: [SwiftSetting] =
    swiftSettings + (fuzzing ? [] : [.unsafeFlags(["-Onone"], .when(configuration: .release))])

let package = Package(
    name: "berth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "berth", targets: ["berth"]),
        // The router alone (`berth router`'s twin), which router Pods run: it links no GRDB, control
        // plane or Kubernetes backend (scripts/test.sh checks its symbols).
        .executable(name: "berth-router", targets: ["berth-router"]),
        // The benchmarks' floor (scripts/bench/router-vs-nginx.sh): a bare SwiftNIO proxy.
        .executable(name: "bare-nio-proxy", targets: ["bare-nio-proxy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // OTLP/HTTP only: the default traits would also build the gRPC exporter and its stack.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(
            name: "BerthCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthAutoscaling",
            dependencies: ["BerthCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The trace-context plumbing the router and the replica share (headers in and out, span
        // instants): the swift-distributed-tracing API only, no exporter.
        .target(
            name: "BerthTracing",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // The OTLP/HTTP exporter (swift-otel) behind `OTEL_EXPORTER_OTLP_ENDPOINT`: only the
        // executables' wiring imports it, so the libraries see the tracing API alone.
        .target(
            name: "BerthTraceExport",
            dependencies: [
                "BerthCore",
                "BerthTracing",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthAuth",
            dependencies: [
                "BerthCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthStore",
            dependencies: [
                "BerthCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthBackends",
            dependencies: [
                "BerthCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthKubernetesAPI",
            dependencies: [
                "BerthCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthKubernetes",
            dependencies: [
                "BerthCore",
                "BerthBackends",
                "BerthKubernetesAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthRouter",
            dependencies: [
                "BerthCore",
                "BerthAuth",
                "BerthAutoscaling",
                "BerthMetrics",
                "BerthTLS",
                "BerthTracing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: routerSwiftSettings
        ),
        .target(
            name: "BerthRouterFeed",
            dependencies: [
                "BerthCore",
                "BerthKubernetesAPI",
                "BerthTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthReplica",
            dependencies: [
                "BerthCore",
                "BerthAuth",
                "BerthMetrics",
                "BerthTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                "BerthTracing",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthControlPlane",
            dependencies: [
                "BerthAPIServer",
                "BerthAPITypes",
                "BerthCore",
                "BerthAuth",
                "BerthStore",
                "BerthBackends",
                "BerthAutoscaling",
                "BerthMetrics",
                "BerthKubernetes",
                "BerthKubernetesAPI",
                "BerthTLS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            // The dashboard's page, script and style sheet, compiled into the binary (`DashboardAssets`).
            resources: [
                .embedInCode("Dashboard/Assets/index.html"),
                .embedInCode("Dashboard/Assets/dashboard.js"),
                .embedInCode("Dashboard/Assets/dashboard.css"),
            ],
            swiftSettings: swiftSettings
        ),
        // The types generated from openapi/berth.json (`scripts/api/generate.sh`), shared by the
        // generated client (BerthClient) and the generated server (BerthControlPlane), so that
        // neither side depends on the other and the types are generated once.
        .target(
            name: "BerthAPITypes",
            dependencies: [
                "BerthCore",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings
        ),
        // The server generated from openapi/berth.json (`registerHandlers(on:)`), apart from
        // BerthControlPlane, whose handlers (`ControlPlaneAPI`) it registers: generated code imports
        // Foundation with `package` access, which the control plane's own files would otherwise
        // all have to spell out.
        .target(
            name: "BerthAPIServer",
            dependencies: [
                "BerthAPITypes",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthClient",
            dependencies: [
                "BerthAPITypes",
                "BerthCore",
                "BerthTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthTLS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bare-nio-proxy",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthRouterCommand",
            dependencies: [
                "BerthClient",
                "BerthCore",
                "BerthKubernetesAPI",
                "BerthRouter",
                "BerthRouterFeed",
                "BerthTLS",
                "BerthTraceExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthReplicaCommand",
            dependencies: [
                "BerthCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "berth-router",
            dependencies: [
                "BerthRouterCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "berth",
            dependencies: [
                "BerthAutoscaling",
                "BerthBackends",
                "BerthCore",
                "BerthClient",
                "BerthControlPlane",
                "BerthKubernetesAPI",
                "BerthReplica",
                "BerthReplicaCommand",
                "BerthRouter",
                "BerthRouterCommand",
                "BerthTLS",
                "BerthTraceExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BerthTesting",
            dependencies: [
                "BerthCore",
                "BerthStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .target(
            name: "BerthKubernetesDouble",
            dependencies: [
                "BerthCore",
                "BerthTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BerthKubernetesTests",
            dependencies: [
                "BerthBackends", "BerthClient", "BerthCore", "BerthKubernetes", "BerthKubernetesAPI",
                "BerthKubernetesDouble", "BerthMetrics", "BerthRouterFeed", "BerthTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthTLSTests",
            dependencies: [
                "BerthTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthCoreTests",
            dependencies: ["BerthCore", "BerthAutoscaling"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthTracingTests",
            dependencies: [
                "BerthTraceExport", "BerthTracing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthMetricsTests",
            dependencies: ["BerthMetrics", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthAutoscalingTests",
            dependencies: ["BerthCore", "BerthAutoscaling", "BerthTesting"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthAuthTests",
            dependencies: ["BerthAuth", "BerthCore", "BerthTesting"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthStoreTests",
            dependencies: [
                "BerthCore", "BerthStore", "BerthTesting", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthReplicaTests",
            dependencies: [
                "BerthCore", "BerthReplica", "BerthTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthReplicaCommandTests",
            dependencies: [
                "BerthBackends", "BerthCore", "BerthKubernetes", "BerthReplicaCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthRouterTests",
            dependencies: [
                "BerthAuth", "BerthAutoscaling", "BerthCore", "BerthMetrics", "BerthRouter", "BerthTesting", "BerthTLS",
                "BerthTraceExport", "BerthTracing",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthControlPlaneTests",
            dependencies: [
                "BerthAuth", "BerthAutoscaling", "BerthBackends", "BerthCore", "BerthStore", "BerthControlPlane",
                "BerthMetrics", "BerthTesting", "BerthTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthClientTests",
            dependencies: [
                "BerthAPITypes", "BerthClient", "BerthCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BerthEndToEndTests",
            dependencies: [
                "BerthAuth", "BerthCore", "BerthClient", "BerthMetrics", "BerthTesting", "BerthTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
    ]
)

/// The libFuzzer executables, one per harness (`Fuzz/Sources/<name>`).
let fuzzTargets = [
    "fuzz-client-requests", "fuzz-replica-responses", "fuzz-worker-frames", "fuzz-inference-config",
    "fuzz-deployment-config", "fuzz-json-value", "fuzz-load-report",
]

/// The fuzz harnesses replayed over their seeds and fixed mutations of them in the ordinary tests
/// (`Fuzz/Replay`): the short fuzzing run CI can afford, without the sanitized build. A fuzzing
/// build declares the same harnesses as the library its libFuzzer targets link instead.
if !fuzzing {
    package.targets.append(
        .testTarget(
            name: "BerthFuzzReplayTests",
            dependencies: [
                "BerthAuth", "BerthControlPlane", "BerthCore", "BerthReplica", "BerthRouter", "BerthTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz",
            exclude: [
                "README.md", "corpus", "dictionaries", "Sources/CLibFuzzer", "Sources/BerthFuzzing/FuzzDriver.swift",
            ]
                + fuzzTargets.map { "Sources/\($0)" },
            sources: ["Sources/BerthFuzzing", "Replay"],
            swiftSettings: testSwiftSettings
        )
    )
}

/// The libFuzzer targets (`Fuzz/README.md`): one executable per target over the shared harnesses
/// in `BerthFuzzing`. lld links them: gold fails on libFuzzer's `main` beside SwiftPM's entry point.
if fuzzing {
    package.targets += [
        .target(name: "CLibFuzzer", path: "Fuzz/Sources/CLibFuzzer"),
        .target(
            name: "BerthFuzzing",
            dependencies: [
                "BerthAuth", "BerthControlPlane", "BerthCore", "BerthReplica", "BerthRouter", "CLibFuzzer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz/Sources/BerthFuzzing",
            swiftSettings: swiftSettings
        ),
    ]
    package.targets += fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["BerthFuzzing"],
            path: "Fuzz/Sources/\(name)",
            swiftSettings: swiftSettings,
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        )
    }
}
