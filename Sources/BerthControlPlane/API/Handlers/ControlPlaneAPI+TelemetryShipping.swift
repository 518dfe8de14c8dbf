import BerthAPITypes
import BerthCore
import BerthStore
import Foundation
import OpenAPIRuntime

/// What replicas in Kubernetes Pods hand over, so it does not stay in the Pod:
/// `POST /api/v1/services/<name>/telemetry`, a batch of request telemetry
/// (`RequestTelemetryShipper`), kept as a local replica's lines are (`ShippedTelemetry`); and
/// `POST /api/v1/services/<name>/modeldata`, rows `ModelDataCollector` wrote (`ModelDataShipper`),
/// kept where a local collector writes them (`ShippedModelData`). The Pods present their
/// deployment's artifact token, which allows these paths for their own deployment only
/// (`ArtifactGrants`).
extension ControlPlaneAPI {
    /// The largest body taken; a replica sends at most 1 MiB at a time.
    static let maxHandOverBytes = 4 << 20

    func shipServiceTelemetry(_ input: Operations.ShipServiceTelemetry.Input) async throws
        -> Operations.ShipServiceTelemetry.Output
    {
        let name = input.path.name
        try await requireHandOverService(name, what: "telemetry")
        var bytes = Data()
        if case .applicationXNdjson(let body)? = input.body {
            bytes = try await Self.collectHandOver(body, what: "telemetry batch")
        }
        let dropped = input.query.dropped ?? 0
        let kept = try shippedTelemetry.append(bytes, service: name, replica: input.query.replica, dropped: dropped)
        return .ok(.init(body: .json(.init(accepted: kept, dropped: dropped))))
    }

    func shipServiceModelData(_ input: Operations.ShipServiceModelData.Input) async throws
        -> Operations.ShipServiceModelData.Output
    {
        let name = input.path.name
        try await requireHandOverService(name, what: "model data")
        var bytes = Data()
        if case .csv(let body)? = input.body {
            bytes = try await Self.collectHandOver(body, what: "model data")
        }
        let outcome = try shippedModelData.append(
            bytes, service: name, replica: input.query.replica, path: input.query.path, offset: input.query.offset)
        return .ok(.init(body: .json(.init(appended: outcome.appended, nextOffset: outcome.nextOffset))))
    }

    /// 404 unless `name` is a service of this workspace.
    private func requireHandOverService(_ name: String, what: String) async throws {
        guard try await store.service(named: name) != nil else {
            throw BerthError.notFound(
                "Service '\(name)' does not exist in this workspace; its \(what) is not kept. "
                    + "'berth service list' shows the services.")
        }
    }

    /// The body, up to `maxHandOverBytes`.
    private static func collectHandOver(_ body: HTTPBody, what: String) async throws -> Data {
        do {
            return try await Data(collecting: body, upTo: maxHandOverBytes)
        } catch {
            throw BerthError(
                .payloadTooLarge, "The \(what) is larger than \(maxHandOverBytes) bytes; send it in smaller parts.")
        }
    }
}
