import ArgumentParser
import BerthAutoscaling
import BerthClient
import BerthCore
import Foundation

/// `berth endpoint …`, shaped like `az ml endpoint realtime`: an endpoint is one scoring URI in
/// front of up to 6 versions with a traffic split.
struct EndpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoint",
        abstract: "Create and inspect endpoints: one scoring URI, up to 6 versions, a traffic split.",
        subcommands: [
            Create.self, List.self, Show.self, Update.self, Delete.self, GetKeys.self, RegenKey.self,
            GetAccessToken.self,
            EndpointVersionCommand.self, EndpointRealtimeCommand.self,
        ])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an endpoint with its first version (the default).",
            discussion: """
                Example: berth endpoint create -n myendpoint --ct mylocal -m mymodel:1 --ic inferenceconfig.json \
                --version-name blue
                """)
        @Option(name: [.short, .long], help: "Endpoint name: 3–32 characters, lowercase letters, digits and '-'.")
        var name: String
        @Option(name: .azure("ct", "compute-target"), help: "The compute target.")
        var computeTarget: String
        @Option(name: [.short, .long], help: "A description of the endpoint and its first version.")
        var description: String?
        @OptionGroup var version: EndpointVersionOptions
        @Flag(name: .customLong("no-wait"), help: "Return once the first version's deploy started.")
        var noWait = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            var first = try version.request()
            first.description = description
            let operation = try await client.createEndpoint(
                CreateEndpointRequest(name: name, computeName: computeTarget, description: description, version: first))
            try await finishVersionDeploy(operation, client: client, endpoint: name, noWait: noWait, global: global)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the endpoints of the workspace.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let endpoints = try await global.client().endpoints()
            if global.output.isStructured { return try Output.structured(global.output, endpoints) }
            Output.table(
                ["NAME", "COMPUTE", "VERSIONS", "SCORING URI"],
                endpoints.map {
                    [$0.name, $0.computeName, $0.versions.map(\.name).joined(separator: ","), $0.scoringUri ?? ""]
                })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an endpoint, its versions' traffic and state, and their metrics side by side.")
        @Option(name: [.short, .long]) var name: String
        @Option(name: .long, help: "Seconds of metrics to show (1–300, default 60).") var window: Int = 60
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            let endpoint = try await client.endpoint(named: name)
            let metrics = try await client.endpointMetrics(named: name, windowSeconds: window)
            if global.output.isStructured {
                return try Output.structured(global.output, EndpointShowOutput(endpoint: endpoint, metrics: metrics))
            }
            Output.fields([
                ("name", endpoint.name), ("compute", endpoint.computeName),
                ("scoringUri", endpoint.scoringUri ?? "(no router)"), ("authEnabled", String(endpoint.authEnabled)),
                ("tokenAuthEnabled", String(endpoint.aadAuthEnabled)), ("updated", Output.date(endpoint.updatedTime)),
            ])
            print("")
            let shares = TrafficSplit.effectiveShares(endpoint.versions)
            var rows: [[String]] = []
            for (version, share) in zip(endpoint.versions, shares) {
                let deployment = EndpointVersion.deploymentName(endpoint: name, version: version.name)
                let service = try? await client.service(named: deployment)
                let measured = metrics.first { $0.version == version.name }
                rows.append([
                    version.name, version.isDefault ? "yes" : "", version.type.rawValue,
                    Output.number(version.trafficPercentile), Output.number(share.percent) + "%",
                    service?.state.rawValue ?? "-", service.map { "\($0.readyReplicas)/\($0.desiredReplicas)" } ?? "-",
                    String(measured?.requests ?? 0), String(measured?.errors ?? 0), milliseconds(measured?.p50Ms),
                    milliseconds(measured?.p95Ms), milliseconds(measured?.p99Ms),
                ])
            }
            Output.table(
                [
                    "VERSION", "DEFAULT", "TYPE", "PERCENTILE", "EFFECTIVE", "STATE", "REPLICAS",
                    "REQUESTS/\(window)s", "5XX", "P50 MS", "P95 MS", "P99 MS",
                ],
                rows)
        }

        private func milliseconds(_ value: Double?) -> String {
            value.map { String(format: "%.1f", $0) } ?? "-"
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the endpoint's auth (key or token, never both) or description; no replica restarts.")
        @Option(name: [.short, .long]) var name: String
        @Option(name: [.customLong("ae"), .customLong("auth-enabled")], help: "Key auth: true or false.")
        var authEnabled: Bool?
        @Option(name: .customLong("token-auth-enabled"), help: "Token auth: true or false.") var tokenAuthEnabled: Bool?
        @Option(name: [.short, .long], help: "A new description.") var description: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let endpoint = try await global.client().updateEndpoint(
                named: name,
                EndpointUpdate(authEnabled: authEnabled, tokenAuthEnabled: tokenAuthEnabled, description: description))
            if global.output.isStructured { return try Output.structured(global.output, endpoint) }
            print(
                "Updated endpoint '\(name)': authEnabled \(endpoint.authEnabled), tokenAuthEnabled \(endpoint.aadAuthEnabled)."
            )
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an endpoint and all its versions.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            for operation in try await client.deleteEndpoint(named: name) {
                _ = try await client.waitForOperation(id: operation.id)
            }
            if global.output.isStructured { return try Output.structured(global.output, ["deleted": name]) }
            print("Deleted endpoint '\(name)'.")
        }
    }

    struct GetKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-keys", abstract: "Print the endpoint's primary and secondary keys.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let keys = try await global.client().endpointKeys(named: name)
            if global.output.isStructured { return try Output.structured(global.output, keys) }
            Output.fields([("primaryKey", keys.primaryKey), ("secondaryKey", keys.secondaryKey)])
        }
    }

    struct RegenKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "regen-key", abstract: "Regenerate one endpoint key; the old value stops working at once.")
        @Option(name: [.short, .long]) var name: String
        @Option(name: [.short, .long], help: "Primary or Secondary.") var key: String
        @Option(name: [.short, .customLong("set-key")], help: "Use this value instead of a random one.") var setKey:
            String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let keys = try await global.client().regenerateEndpointKey(
                named: name, RegenerateKeyRequest(keyType: key, keyValue: setKey))
            if global.output.isStructured { return try Output.structured(global.output, keys) }
            Output.fields([("primaryKey", keys.primaryKey), ("secondaryKey", keys.secondaryKey)])
        }
    }

    struct GetAccessToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-access-token", abstract: "Print an access token for an endpoint with token auth.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let token = try await global.client().accessToken(forEndpoint: name)
            if global.output.isStructured { return try Output.structured(global.output, token) }
            Output.fields([
                ("accessToken", token.accessToken), ("tokenType", token.tokenType),
                ("refreshAfter", Output.date(token.refreshAfter)), ("expiryOn", Output.date(token.expiryOn)),
            ])
        }
    }
}

/// What `berth endpoint show -o json` prints: the endpoint and its versions' metrics.
struct EndpointShowOutput: Encodable {
    var endpoint: Endpoint
    var metrics: [EndpointVersionMetrics]
}

/// Waits for a version deploy (unless `noWait`), printing its progress, then prints the endpoint.
func finishVersionDeploy(
    _ operation: BerthCore.Operation, client: ControlPlaneClient, endpoint name: String, noWait: Bool,
    global: GlobalOptions
) async throws {
    if noWait {
        if global.output.isStructured { return try Output.structured(global.output, operation) }
        print(
            "Deploying a version of '\(name)' (operation \(operation.id)); follow it with 'berth endpoint show -n \(name)'."
        )
        return
    }
    _ = try await client.waitForOperation(id: operation.id) { entry in
        if global.output == .table { print("  \(entry.message)") }
    }
    let endpoint = try await client.endpoint(named: name)
    if global.output.isStructured { return try Output.structured(global.output, endpoint) }
    print("Endpoint '\(name)': \(endpoint.scoringUri ?? "(no router)")")
}
