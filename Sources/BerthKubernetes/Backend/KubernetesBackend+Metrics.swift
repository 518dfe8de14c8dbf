import BerthBackends
import BerthCore
import BerthKubernetesAPI
import Logging
import NIOCore

extension KubernetesBackend {
    /// Reads `GET /metrics` of every running replica Pod of the deployment at once, through the API
    /// server's Pod proxy (the control plane usually runs outside the cluster and cannot reach Pod
    /// IPs), presenting the deployment's replica secret as the router does. A Pod that does not
    /// answer 200 within `metricsTimeout` has no text.
    public func metrics(ofDeployment name: String) async -> [ReplicaMetricsText] {
        guard let secret = replicaSecret(name) else { return [] }
        let pods: [String]
        let home: String
        do {
            guard let found = try await namespace(ofDeployment: name) else { return [] }
            home = found
            pods = try await replicaPods(ofDeployment: name, in: home).compactMap { pod in
                guard pod["status"]?["phase"]?.stringValue == "Running", pod["metadata"]?["deletionTimestamp"] == nil
                else { return nil }
                return pod["metadata"]?["name"]?.stringValue
            }
        } catch {
            logger.notice(
                "Could not list a deployment's Pods for their metrics",
                metadata: ["deployment.name": "\(name)", "error": "\(error)"])
            return []
        }
        let client = self.client
        let header = (String(describing: ReplicaAuthentication.headerName), secret)
        return await withTaskGroup(of: ReplicaMetricsText.self) { group in
            for pod in pods {
                group.addTask {
                    let answer = try? await client.proxyGet(
                        namespace: home, pod: pod, port: ReplicaManifests.replicaPort, path: "/metrics",
                        headers: [header], timeout: .seconds(Self.metricsTimeoutSeconds))
                    return ReplicaMetricsText(replica: pod, text: answer?.status == 200 ? answer?.body : nil)
                }
            }
            var texts: [ReplicaMetricsText] = []
            for await text in group { texts.append(text) }
            return texts.sorted { $0.replica < $1.replica }
        }
    }

    /// How long one replica's `/metrics` may take through the proxy.
    static let metricsTimeoutSeconds: Int64 = 5
}
