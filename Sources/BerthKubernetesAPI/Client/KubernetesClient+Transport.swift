import AsyncHTTPClient
import BerthCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

extension KubernetesClient {
    /// Builds a request to the API server with the connection's credentials.
    func request(
        _ method: HTTPMethod, path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        contentType: String = "application/json"
    ) -> HTTPClientRequest {
        var components = URLComponents(url: connection.server, resolvingAgainstBaseURL: false)!
        components.path =
            components.path.hasSuffix("/")
            ? String(components.path.dropLast()) + path
            : components.path + path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = HTTPClientRequest(url: components.url!.absoluteString)
        request.method = method
        request.tlsConfiguration = tls
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "berth")
        if let token = connection.bearerToken {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body.canonicalData))
        }
        return request
    }

    /// Sends one request and reads the whole JSON answer; non-2xx answers throw.
    @discardableResult
    func send(
        _ method: HTTPMethod, path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        contentType: String = "application/json"
    ) async throws -> JSONValue {
        let request = request(method, path: path, query: query, body: body, contentType: contentType)
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .seconds(30))
        } catch {
            throw unreachable(error)
        }
        let bytes = try await response.body.collect(upTo: Self.maxBodyBytes)
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            throw Self.statusError(status: Int(response.status.code), body: data, method: method, path: path)
        }
        logger.debug(
            "Kubernetes API call",
            metadata: ["http.method": "\(method)", "url.path": "\(path)", "status": "\(response.status.code)"])
        if data.isEmpty { return .null }
        do {
            return try JSONValue(parsing: data)
        } catch {
            throw KubernetesError(
                .apiError,
                "The API server at \(connection.server.absoluteString) answered \(method) \(path) with a body that is not JSON.",
                httpStatus: Int(response.status.code))
        }
    }

    /// The last `tailLines` lines of a Pod's `replica` container log (plain text).
    public func podLog(namespace: String, pod: String, tailLines: Int) async throws -> String {
        let path = KubernetesResource.pods.objectPath(namespace: namespace, name: pod, subresource: "log")
        var request = request(.GET, path: path, query: [("container", "replica"), ("tailLines", String(tailLines))])
        request.headers.replaceOrAdd(name: "Accept", value: "text/plain")
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .seconds(30))
        } catch {
            throw unreachable(error)
        }
        let data = Data(try await response.body.collect(upTo: Self.maxBodyBytes).readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            throw Self.statusError(status: Int(response.status.code), body: data, method: .GET, path: path)
        }
        return String(decoding: data, as: UTF8.self)
    }

    func unreachable(_ error: any Error) -> KubernetesError {
        KubernetesError(
            .unreachable,
            "The Kubernetes API server at \(connection.server.absoluteString) cannot be reached (\(error)). Check the server URL and the network, and that 'kubectl --context \(connection.contextName) get nodes' works from this machine."
        )
    }

    /// A `Status` body (`{"kind":"Status","reason":"NotFound","message":"…"}`) as an error.
    static func statusError(status: Int, body: Data, method: HTTPMethod, path: String) -> KubernetesError {
        let parsed = try? JSONValue(parsing: body)
        let reason = parsed?["reason"]?.stringValue
        let apiMessage = parsed?["message"]?.stringValue ?? String(decoding: body.prefix(300), as: UTF8.self)
        let code: KubernetesError.Code =
            switch status {
            case 401: .unauthorized
            case 403: .forbidden
            case 404: .notFound
            case 409: .conflict
            case 410: .gone
            case 422: .invalid
            default: .apiError
            }
        let hint =
            switch code {
            case .unauthorized: " The kubeconfig's credentials were refused; get fresh ones."
            case .forbidden: " The kubeconfig's user lacks this permission; docs/kubernetes.md lists what Berth needs."
            default: ""
            }
        return KubernetesError(
            code, "Kubernetes API \(method) \(path) failed (\(status) \(reason ?? "")): \(apiMessage).\(hint)",
            httpStatus: status, reason: reason)
    }
}
