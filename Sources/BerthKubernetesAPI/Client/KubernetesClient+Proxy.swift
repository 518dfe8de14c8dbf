import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension KubernetesClient {
    /// One `GET` to a Pod's port through the API server's proxy
    /// (`/api/v1/namespaces/NS/pods/NAME:PORT/proxy/PATH`, what `kubectl get --raw` uses), so the
    /// control plane reads a replica's own endpoints (its `/metrics`) from outside the cluster with
    /// the attachment's credentials alone. Needs `get` on `pods/proxy`.
    ///
    /// - Parameters:
    ///   - headers: sent on to the Pod (the API server forwards all but its own credentials).
    /// - Returns: the Pod's status code and body; a Pod that cannot be reached is the API server's
    ///   own 503 (or 404 for a Pod that is gone).
    public func proxyGet(
        namespace: String, pod: String, port: Int, path: String, headers: [(String, String)] = [],
        timeout: TimeAmount = .seconds(5)
    ) async throws -> (status: Int, body: String) {
        let relative = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let proxyPath = KubernetesResource.pods.objectPath(
            namespace: namespace, name: "\(pod):\(port)", subresource: "proxy/\(relative)")
        var request = request(.GET, path: proxyPath)
        request.headers.replaceOrAdd(name: "Accept", value: "*/*")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: timeout)
        } catch {
            throw unreachable(error)
        }
        let bytes = try await response.body.collect(upTo: Self.maxBodyBytes)
        return (Int(response.status.code), String(buffer: bytes))
    }
}
