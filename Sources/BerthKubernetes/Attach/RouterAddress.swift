import BerthCore
import BerthKubernetesAPI

/// Where clients reach an attached cluster's router: the address the cloud's load balancer
/// controller wrote to the router Service's `status.loadBalancer.ingress`, or a configured
/// cname. Scoring URIs of services on the cluster are built from it — never from the control
/// plane's own router, which a client outside this machine cannot use for the cluster.
public enum RouterAddress: Sendable, Hashable {
    /// The base URL scoring URIs start with, e.g. `http://20.1.2.3` (the Service's port, 80,
    /// is left out; another port is written).
    case ready(baseURL: String)
    /// No address yet (a load balancer is being provisioned, or the cluster cannot make one);
    /// the message says so and what to check.
    case pending(message: String)

    /// The base URL, when there is one.
    public var baseURL: String? {
        if case .ready(let url) = self { return url }
        return nil
    }

    /// From the router Service as read (nil: it does not exist) and an optional cname, which
    /// wins when set: the name the router's TLS certificate is for, so `https://<cname>`.
    public static func of(routerService: JSONValue?, cname: String?, computeName: String) -> RouterAddress {
        if let cname, !cname.isEmpty {
            return .ready(baseURL: cname.contains("://") ? cname : "https://\(cname)")
        }
        guard let service = routerService else {
            return .pending(
                message:
                    "The router Service '\(RouterInstallation.routerName)' is missing from namespace '\(ManifestLabels.systemNamespace)' of compute target '\(computeName)'. Attach the cluster again to reinstall it."
            )
        }
        let ingress = service["status"]?["loadBalancer"]?["ingress"]?.arrayValue?.first
        let host =
            ingress?["ip"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            ?? ingress?["hostname"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        guard let host else {
            return .pending(
                message:
                    "No scoring URI yet: the load balancer of compute target '\(computeName)' has no address. It usually gets one within a few minutes; see 'kubectl -n \(ManifestLabels.systemNamespace) get service \(RouterInstallation.routerName)' (EXTERNAL-IP) and run 'berth service show' again."
            )
        }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        // The load balancer listens on the Service's port: 80 as attach makes it, 443 with TLS.
        let ports = service["spec"]?["ports"]?.arrayValue ?? []
        let named = ports.first { $0["name"] == "https" || $0["name"] == "http" } ?? ports.first
        let scheme = named?["name"] == "https" ? "https" : "http"
        let standard = scheme == "https" ? 443 : 80
        let port = named?["port"]?.numberValue.map { Int($0) } ?? standard
        return .ready(baseURL: port == standard ? "\(scheme)://\(bracketed)" : "\(scheme)://\(bracketed):\(port)")
    }
}

extension ClusterAttachment {
    /// Where clients reach this cluster's router now (see `RouterAddress`).
    ///
    /// - Throws: `KubernetesError` when the API fails.
    public func routerAddress(computeName: String, cname: String? = nil) async throws -> RouterAddress {
        if let cname, !cname.isEmpty {
            return RouterAddress.of(routerService: nil, cname: cname, computeName: computeName)
        }
        let service = try await client.getIfPresent(
            .services, namespace: ManifestLabels.systemNamespace, name: RouterInstallation.routerName)
        return RouterAddress.of(routerService: service, cname: nil, computeName: computeName)
    }
}
