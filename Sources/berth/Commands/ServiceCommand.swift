import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth service …`, shaped like `az ml service`: list, show, keys, logs, run, delete.
struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "List, inspect, score and delete deployed services.",
        subcommands: [
            List.self, Show.self, ServiceUpdateCommand.self, GetKeys.self, RegenKey.self, GetAccessToken.self,
            GetLogs.self, ServiceTelemetryCommand.self,
            Run.self, Delete.self,
        ])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the services of the workspace.")
        @Option(name: .long, help: "Only services with this tag: key or key=value (repeatable; all must match).")
        var tag: [String] = []
        @Option(name: .long, help: "Only services with this property: key or key=value (repeatable).")
        var property: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let services = try await global.client().services(tags: tag, properties: property)
            if global.output.isStructured { return try Output.structured(global.output, services) }
            Output.table(
                ["NAME", "STATE", "COMPUTE", "MODELS", "REPLICAS", "SCORING URI"],
                services.map {
                    [
                        $0.name, $0.state.rawValue, $0.computeName, $0.models.joined(separator: ","),
                        "\($0.readyReplicas)/\($0.desiredReplicas)", $0.scoringUri ?? "",
                    ]
                })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one service.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let service = try await global.client().service(named: name)
            if global.output.isStructured { return try Output.structured(global.output, service) }
            let config = service.deploymentConfig
            var fields: [(String, String)] = [
                ("name", service.name), ("state", service.state.rawValue), ("compute", service.computeName),
                ("models", service.models.joined(separator: ", ")),
                ("replicas", "\(service.readyReplicas) ready of \(service.desiredReplicas)"),
                ("scoringUri", service.scoringUri ?? "(no router)"),
                ("swaggerUri", service.swaggerUri ?? "(no router)"),
                ("authEnabled", String(config.authEnabled)),
                (
                    "resources",
                    "\(Output.number(config.containerResourceRequirements.cpu)) CPU, "
                        + "\(Output.number(config.containerResourceRequirements.memoryInGB)) GB per replica"
                ),
                ("updated", Output.date(service.updatedTime)),
            ]
            if let description = service.description { fields.append(("description", description)) }
            if let tags = service.kvTags, !tags.isEmpty { fields.append(("tags", Self.pairs(tags))) }
            if let properties = service.properties, !properties.isEmpty {
                fields.append(("properties", Self.pairs(properties)))
            }
            if let error = service.error { fields.append(("error", "\(error.code): \(error.message)")) }
            if let autoscaler = service.autoscaler { fields += Self.autoscalerFields(autoscaler) }
            Output.fields(fields)
            if let events = service.autoscaler?.events, !events.isEmpty {
                print("\nScaling events (newest first):")
                Output.table(
                    ["TIME", "EVENT", "REPLICAS", "REASON"],
                    events.map {
                        [Output.date($0.time), $0.kind.rawValue, "\($0.fromReplicas) → \($0.toReplicas)", $0.reason]
                    })
            }
        }

        /// `k1=v1, k2=v2`, sorted by key.
        static func pairs(_ values: [String: String]) -> String {
            values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }

        static func autoscalerFields(_ autoscaler: AutoscalerStatus) -> [(String, String)] {
            guard autoscaler.enabled else {
                return [("autoscale", "off (\(autoscaler.desiredReplicas) replicas fixed)")]
            }
            var fields: [(String, String)] = [
                (
                    "autoscale",
                    "\(autoscaler.minReplicas)–\(autoscaler.maxReplicas) replicas, target \(autoscaler.targetUtilization) %"
                ),
                (
                    "utilization",
                    autoscaler.utilization.map { "\(Output.number($0)) %" } ?? "(no ready replica or no sample yet)"
                ),
            ]
            if let inFlight = autoscaler.averageInFlight { fields.append(("inFlight", Output.number(inFlight))) }
            if let decision = autoscaler.lastDecision { fields.append(("lastDecision", decision)) }
            if let limit = autoscaler.limitedBy { fields.append(("limitedBy", limit)) }
            return fields
        }
    }

    struct GetKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-keys", abstract: "Print the service's primary and secondary keys.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let keys = try await global.client().serviceKeys(named: name)
            if global.output.isStructured { return try Output.structured(global.output, keys) }
            Output.fields([("primaryKey", keys.primaryKey), ("secondaryKey", keys.secondaryKey)])
        }
    }

    struct RegenKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "regen-key",
            abstract: "Regenerate one key; the old value stops working at once.")
        @Option(name: [.short, .long]) var name: String
        @Option(name: [.short, .long], help: "Primary or Secondary.") var key: String
        @Option(name: [.short, .customLong("set-key")], help: "Use this value instead of a random one.") var setKey:
            String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let keys = try await global.client().regenerateKey(
                named: name, RegenerateKeyRequest(keyType: key, keyValue: setKey))
            if global.output.isStructured { return try Output.structured(global.output, keys) }
            Output.fields([("primaryKey", keys.primaryKey), ("secondaryKey", keys.secondaryKey)])
        }
    }

    struct GetLogs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-logs", abstract: "Print the replicas' logs (init output, worker output, restarts).",
            discussion: """
                With --init, prints how the service came to run instead: the log of its last deploy or update \
                (sources, environment build with pip's output, warnings), then each replica's start-up and its \
                workers' output while init() ran.
                """)
        @Option(name: [.short, .long]) var name: String
        @Option(
            name: [.customShort("l"), .customLong("num-lines"), .customLong("num_lines")],
            help: "Only the last N lines of each replica's log (default 5000).")
        var numLines: Int?
        @Option(name: .long, help: "Only this replica (ids as in 'service show -o json').") var replica: String?
        @Flag(name: [.short, .customLong("init")], help: "The last deploy's log and the replicas' init() output.")
        var initLogs = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let text = try await global.client().serviceLogs(
                named: name, lines: numLines, replica: replica, initOnly: initLogs)
            if global.output.isStructured { return try Output.structured(global.output, ["content": text]) }
            print(text, terminator: "")
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score the service once with its key, through the router.")
        @Option(name: [.short, .long]) var name: String
        @Option(name: [.customShort("d"), .customLong("input-data")], help: "The request body (JSON).")
        var inputData: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            let service = try await client.service(named: name)
            guard let uri = service.scoringUri else {
                throw BerthError(.unavailable, "Service '\(name)' has no scoring URI: the server runs no router.")
            }
            let config = service.deploymentConfig
            let key =
                config.authEnabled
                ? try await client.serviceKeys(named: name).primaryKey
                : config.aadAuthEnabled ? try await client.accessToken(forService: name).accessToken : nil
            let (status, body) = try await client.score(uri: uri, key: key, body: inputData)
            print(body)
            if !(200..<300).contains(status) {
                throw BerthError(.unavailable, "The service answered HTTP \(status).")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a service and stop its replicas.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            let operation = try await client.deleteService(named: name)
            _ = try await client.waitForOperation(id: operation.id)
            if global.output.isStructured { return try Output.structured(global.output, ["deleted": name]) }
            print("Deleted service '\(name)'.")
        }
    }
}
