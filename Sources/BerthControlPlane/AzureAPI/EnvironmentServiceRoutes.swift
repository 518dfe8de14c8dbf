import BerthCore
import BerthStore
import Foundation
import Hummingbird

/// Azure's environment service (`experimentation` in discovery), for `Environment.register` and
/// `Environment.get`: definitions are stored as sent and versioned per name; the curated names
/// Azure's documentation uses resolve to Berth's equivalents (the worker provides the azureml
/// shims, so `azureml-defaults` needs nothing installed).
struct EnvironmentServiceRoutes<Context: RequestContext> {
    let scope: AzureScope
    let environments: any AzureEnvironmentStore

    /// Curated environments: the documentation's names, on the server's own Python.
    static var curated: [String: JSONValue] {
        let minimal: JSONValue = [
            "python": [
                "userManagedDependencies": false, "interpreterPath": "python",
                "condaDependencies": [
                    "name": "project_environment", "dependencies": ["python", ["pip": ["azureml-defaults"]]],
                ],
            ],
            "environmentVariables": [:], "docker": ["enabled": false, "baseImage": nil],
            "spark": ["repositories": [], "packages": [], "precachePackages": true], "r": nil,
            "inferencingStackVersion": nil, "databricks": nil,
        ]
        return ["AzureML-Minimal": minimal]
    }

    func add(to router: Router<Context>) {
        let base = AzureScope.environments + "/environments/:name"
        router.put(RouterPath(base)) { request, context in try await register(request, context) }
        router.put(RouterPath(base + "/versions/:version")) { request, context in try await register(request, context) }
        router.get(RouterPath(base)) { _, context in try await read(context) }
        router.get(RouterPath(base + "/versions/:version")) { _, context in try await read(context) }
    }

    private func register(_ request: Request, _ context: Context) async throws -> Response {
        try scope.check(context)
        let name = try context.parameters.require("name")
        try NameKind.environment.validate(name)
        guard Self.curated[name] == nil else {
            throw BerthError.badRequest(
                "'\(name)' is a curated environment and cannot be registered; pick another name.")
        }
        let body = try await JSONBody.decode(JSONValue.self, from: request, what: "environment definition")
        let record = try await environments.registerEnvironment(name: name, definition: Self.definition(of: body))
        return try JSONBody.response(
            Self.payload(name: name, version: String(record.version), definition: record.definition))
    }

    private func read(_ context: Context) async throws -> Response {
        try scope.check(context)
        let name = try context.parameters.require("name")
        let versionText = context.parameters.get("version")
        if let curated = Self.curated[name] {
            return try JSONBody.response(Self.payload(name: name, version: "1", definition: curated))
        }
        let version = try versionText.map { text -> Int in
            guard let number = Int(text), number > 0 else {
                throw BerthError.badRequest("Environment version must be a positive whole number, not '\(text)'.")
            }
            return number
        }
        guard let record = try await environments.environment(name: name, version: version) else {
            throw BerthError.notFound(
                "Environment '\(name)'\(versionText.map { " version \($0)" } ?? "") does not exist in this workspace; register it with Environment.register(ws)."
            )
        }
        return try JSONBody.response(
            Self.payload(name: name, version: String(record.version), definition: record.definition))
    }

    /// The request's definition under the answer's lower-camel keys (the SDK sends `Name`,
    /// `Docker`, `EnvironmentVariables`, …).
    static func definition(of body: JSONValue) -> JSONValue {
        var definition: [String: JSONValue] = [:]
        for (key, value) in body.objectValue ?? [:] where key.lowercased() != "name" && key.lowercased() != "version" {
            definition[key.prefix(1).lowercased() + key.dropFirst()] = value
        }
        return .object(definition)
    }

    static func payload(name: String, version: String, definition: JSONValue) -> JSONValue {
        var payload = definition.objectValue ?? [:]
        payload["name"] = .string(name)
        payload["version"] = .string(version)
        return .object(payload)
    }
}
