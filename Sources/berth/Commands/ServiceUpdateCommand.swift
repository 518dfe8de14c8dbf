import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth service update`, shaped like `az ml service update` and Azure's `Webservice.update()`.
struct ServiceUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a running service: models, inference config, or deployment settings.",
        discussion: """
            New models, a new inference config (entry script, sources, environment) or new resources roll the \
            replicas: new ones start beside the old, which stop only when all new ones are ready, so scoring \
            never fails; if the new ones never become ready the update is rolled back and the service says why. \
            Other settings (auth, maxQueueWaitMs, a shorter scoringTimeoutMs, autoscale bounds, the replica count) \
            apply without restarting replicas, as do --add-tag, --remove-tag, --add-property and --description. \
            Settings given as flags win over the same fields in --dc (-dc and -ic, Azure's spellings, work too).

            Example: berth service update -n myservice -m mymodel:2 --ic inferenceconfig.json
            """)

    @Option(name: [.short, .long]) var name: String
    @Option(
        name: [.short, .customLong("model")],
        help: "The models to run, as name:version (repeatable); replaces the list.")
    var models: [String] = []
    @Option(name: .azure("ic", "inference-config-file"), help: "A new inferenceconfig.json.")
    var inferenceConfigFile: String?
    @Option(
        name: .azure("dc", "deploy-config-file"),
        help: "A deploymentconfig.json; the fields it sets replace the current ones.")
    var deployConfigFile: String?
    @Option(name: .customLong("add-tag"), help: "Add or change a tag key=value (repeatable).")
    var addTags: [String] = []
    @Option(name: .customLong("remove-tag"), help: "Remove the tag with this key (repeatable).")
    var removeTags: [String] = []
    @Option(
        name: .customLong("add-property"), help: "Add or change a property key=value (repeatable); none is removed.")
    var addProperties: [String] = []
    @Option(name: [.short, .long], help: "A new description of the service.")
    var description: String?
    @Option(name: .customLong("auth-enabled"), help: "Key auth: true or false.") var authEnabled: Bool?
    @Option(name: .customLong("token-auth-enabled"), help: "Token auth: true or false.") var tokenAuthEnabled: Bool?
    @Option(name: .customLong("autoscale-enabled"), help: "Autoscaling: true or false (false needs --replicas).")
    var autoscaleEnabled: Bool?
    @Option(name: .customLong("autoscale-min-replicas")) var minReplicas: Int?
    @Option(name: .customLong("autoscale-max-replicas")) var maxReplicas: Int?
    @Option(name: .customLong("autoscale-refresh-seconds")) var refreshSeconds: Int?
    @Option(name: .customLong("autoscale-target-utilization"), help: "Percent.") var targetUtilization: Int?
    @Option(name: .customLong("replicas"), help: "A fixed replica count (numReplicas; turns autoscaling off).")
    var replicas: Int?
    @Option(name: .customLong("scoring-timeout-ms")) var scoringTimeoutMs: Int?
    @Option(name: .customLong("max-request-wait-time"), help: "maxQueueWaitMs.") var maxQueueWaitMs: Int?
    @Option(name: .customLong("replica-max-concurrent-requests"), help: "maxConcurrentRequestsPerContainer.")
    var maxConcurrent: Int?
    @Option(name: .customLong("cpu-cores")) var cpu: Double?
    @Option(name: .customLong("memory-gb")) var memoryGB: Double?
    @Option(
        name: [.customLong("collect-model-data"), .customLong("md")],
        help: "Model data collection (ModelDataCollector in the entry script): true or false; restarts the replicas.")
    var collectModelData: Bool?
    @Option(
        name: [.customLong("enable-app-insights"), .customLong("ai")],
        help:
            "Request telemetry (appInsightsEnabled; read it with 'service get-telemetry'): true or false; restarts the replicas."
    )
    var enableAppInsights: Bool?
    @Flag(name: .customLong("no-wait"), help: "Return once the update started; follow it with 'berth service show'.")
    var noWait = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var request = try UpdateServiceRequest.reading(
            models: models, inferenceConfigFile: inferenceConfigFile, deployConfigText: try deploymentConfigText())
        let client = try global.client()
        try await ServiceMetadataChange(
            addTags: addTags, removeTags: removeTags, addProperties: addProperties, description: description
        ).apply(to: &request, service: name, client: client)
        let operation = try await client.updateService(named: name, request)
        if noWait {
            if global.output.isStructured { return try Output.structured(global.output, operation) }
            print("Updating '\(name)' (operation \(operation.id)); follow it with 'berth service show -n \(name)'.")
            return
        }
        if global.output == .table { print("Updating '\(name)'…") }
        _ = try await client.waitForOperation(id: operation.id) { entry in
            if global.output == .table { print("  \(entry.message)") }
        }
        let service = try await client.service(named: name)
        if global.output.isStructured { return try Output.structured(global.output, service) }
        print(
            "Service '\(name)' is \(service.state.rawValue) with \(service.readyReplicas) of \(service.desiredReplicas) replicas ready."
        )
    }

    /// The --dc file's JSON object with the setting flags laid over it, as the server's partial config.
    ///
    /// The file is the user's and may carry any field (the server warns about unknown ones), so it
    /// is kept as a `JSONValue` and written back with `BerthJSON`.
    private func deploymentConfigText() throws -> String? {
        var object: [String: JSONValue] = [:]
        if let deployConfigFile {
            guard let data = FileManager.default.contents(atPath: deployConfigFile) else {
                throw ValidationError("Cannot read --deploy-config-file '\(deployConfigFile)'.")
            }
            guard case .object(let parsed)? = try? JSONValue(parsing: data) else {
                // Let the server name the syntax error with its line and column.
                guard anySettingFlag else { return String(decoding: data, as: UTF8.self) }
                throw ValidationError("--deploy-config-file '\(deployConfigFile)' is not a JSON object.")
            }
            object = parsed
        }
        func number(_ value: Int) -> JSONValue { .number(Double(value)) }
        func members(_ key: String) -> [String: JSONValue] {
            if case .object(let members)? = object[key] { return members }
            return [:]
        }
        if let authEnabled { object["authEnabled"] = .bool(authEnabled) }
        if let tokenAuthEnabled { object["tokenAuthEnabled"] = .bool(tokenAuthEnabled) }
        var scaler = members("autoScaler")
        if let autoscaleEnabled { scaler["autoscaleEnabled"] = .bool(autoscaleEnabled) }
        if let minReplicas { scaler["minReplicas"] = number(minReplicas) }
        if let maxReplicas { scaler["maxReplicas"] = number(maxReplicas) }
        if let refreshSeconds { scaler["refreshPeriodInSeconds"] = number(refreshSeconds) }
        if let targetUtilization { scaler["targetUtilization"] = number(targetUtilization) }
        if !scaler.isEmpty { object["autoScaler"] = .object(scaler) }
        if let replicas { object["numReplicas"] = number(replicas) }
        if let scoringTimeoutMs { object["scoringTimeoutMs"] = number(scoringTimeoutMs) }
        if let maxQueueWaitMs { object["maxQueueWaitMs"] = number(maxQueueWaitMs) }
        if let maxConcurrent { object["maxConcurrentRequestsPerContainer"] = number(maxConcurrent) }
        var resources = members("containerResourceRequirements")
        if let cpu { resources["cpu"] = .number(cpu) }
        if let memoryGB { resources["memoryInGB"] = .number(memoryGB) }
        if !resources.isEmpty { object["containerResourceRequirements"] = .object(resources) }
        if let collectModelData {
            var collection = members("dataCollection")
            collection["storageEnabled"] = .bool(collectModelData)
            object["dataCollection"] = .object(collection)
        }
        if let enableAppInsights { object["appInsightsEnabled"] = .bool(enableAppInsights) }
        guard !object.isEmpty || deployConfigFile != nil else { return nil }
        return String(decoding: try BerthJSON.encode(JSONValue.object(object)), as: UTF8.self)
    }

    private var anySettingFlag: Bool {
        authEnabled != nil || tokenAuthEnabled != nil || autoscaleEnabled != nil || minReplicas != nil
            || maxReplicas != nil || refreshSeconds != nil || targetUtilization != nil || replicas != nil
            || scoringTimeoutMs != nil || maxQueueWaitMs != nil || maxConcurrent != nil || cpu != nil || memoryGB != nil
            || collectModelData != nil || enableAppInsights != nil
    }
}
