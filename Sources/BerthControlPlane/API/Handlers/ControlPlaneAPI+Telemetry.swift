import BerthAPITypes
import BerthCore
import BerthStore
import Foundation

/// `GET /api/v1/services/<name>/telemetry`: a service's request telemetry (`appInsightsEnabled`),
/// read from the lines its replicas wrote — or, for replicas in Kubernetes Pods, sent
/// (`ShippedTelemetry`) — (`RequestTelemetryReader`). An endpoint's name reads the records of all
/// its versions.
extension ControlPlaneAPI {
    func getServiceTelemetry(_ input: Operations.GetServiceTelemetry.Input) async throws
        -> Operations.GetServiceTelemetry.Output
    {
        let name = input.path.name
        // The service first: a request about no service is a 404 whatever its filters say.
        let deployments = try await telemetryDeployments(named: name)
        let limit = input.query.limit ?? 100
        guard (1...RequestTelemetryQuery.maxLimit).contains(limit) else {
            throw BerthError.badRequest(
                "--limit (limit) must be a whole number from 1 to \(RequestTelemetryQuery.maxLimit), not '\(limit)'.")
        }
        let query = RequestTelemetryQuery(
            since: try input.query.since.map { try RequestTelemetryQuery.since(parsing: $0, now: Date()) },
            failedOnly: input.query.failed ?? false, limit: limit)
        let readers = deployments.map {
            RequestTelemetryReader(folder: RequestTelemetryFolder.folder(of: $0.name, in: workspace.telemetry))
        }
        let enabled = deployments.contains { $0.deploymentConfig.appInsightsEnabled }
        guard enabled || readers.contains(where: \.hasRecords) else {
            throw BerthError.conflict(
                "Request telemetry is off for '\(name)': set \"appInsightsEnabled\": true in its deploymentconfig.json "
                    + "and run 'berth service update -n \(deployments.first?.name ?? name) --dc deploymentconfig.json' "
                    + "(or 'berth service update -n \(deployments.first?.name ?? name) --enable-app-insights true'); "
                    + "requests scored after that are recorded.")
        }
        var records = readers.flatMap { $0.read(query) }
        records.sort { $0.timestamp < $1.timestamp }
        if records.count > limit { records.removeFirst(records.count - limit) }
        let page = ServiceTelemetry(
            service: name, enabled: enabled, dropped: readers.reduce(0) { $0 + $1.dropped() }, requests: records)
        return .ok(.init(body: .json(try page.checkedConversion())))
    }

    /// The deployments behind `name`: the service, or each version of the endpoint.
    private func telemetryDeployments(named name: String) async throws -> [Webservice] {
        if let service = try await store.service(named: name) { return [service] }
        if let endpoint = try await endpoints.endpoints.endpoint(named: name) {
            var services: [Webservice] = []
            for version in endpoint.versions {
                let deployment = EndpointVersion.deploymentName(endpoint: endpoint.name, version: version.name)
                if let service = try await store.service(named: deployment) { services.append(service) }
            }
            return services
        }
        throw BerthError.notFound(
            "Service '\(name)' does not exist in this workspace (nor an endpoint of that name). "
                + "'berth service list' shows the services.")
    }
}
