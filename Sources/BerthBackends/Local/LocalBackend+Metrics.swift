import AsyncHTTPClient
import BerthCore
import NIOCore
import NIOHTTP1

extension LocalBackend {
    /// Reads `GET /metrics` of every running replica of the current revision at once, each within
    /// `metricsTimeout` (over its private socket, as the probes do).
    public func metrics(ofDeployment name: String) async -> [ReplicaMetricsText] {
        guard let deployment = deployments[name] else { return [] }
        let targets = deployment.slots.compactMap { slot -> (String, String)? in
            guard slot.process?.isRunning == true, let base = slot.probeBase else { return nil }
            return (replicaID(name, slot.index), base + "/metrics")
        }
        let http = self.http
        return await withTaskGroup(of: ReplicaMetricsText.self) { group in
            for (id, url) in targets {
                group.addTask { ReplicaMetricsText(replica: id, text: await Self.text(at: url, http)) }
            }
            var texts: [ReplicaMetricsText] = []
            for await text in group { texts.append(text) }
            return texts.sorted { $0.replica < $1.replica }
        }
    }

    /// How long one replica's `/metrics` may take.
    static let metricsTimeout: Int64 = 2

    /// The body of a 200 answer at `url`, or nil.
    private static func text(at url: String, _ http: HTTPClient) async -> String? {
        guard let response = try? await http.execute(HTTPClientRequest(url: url), timeout: .seconds(metricsTimeout)),
            response.status == .ok,
            let body = try? await response.body.collect(upTo: 16 << 20)
        else { return nil }
        return String(buffer: body)
    }
}
