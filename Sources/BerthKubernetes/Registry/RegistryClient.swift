import AsyncHTTPClient
import BerthCore
import BerthKubernetesAPI
import Foundation
import NIOCore
import NIOHTTP1

/// Asks a container registry (Docker Registry HTTP API v2, as ACR, ECR, GCR, Docker Hub and the
/// `registry` server speak it) whether an environment image exists, so Pods either run it or build
/// the environment at start.
///
/// `HEAD /v2/berth/env/manifests/<hash>` with the `Accept` types of OCI and Docker manifests and
/// manifest lists: 200 means it exists, 404 that it does not. A 401 carries a challenge: `Bearer
/// realm=…,service=…,scope=…` is answered by fetching a token from the realm (with the
/// credentials as Basic auth, when there are any) and asking again; `Basic` by sending the
/// credentials.
public struct RegistryClient: Sendable {
    public let settings: RegistrySettings
    let httpClient: HTTPClient
    /// How long one request may take. A deploy waits for the check and falls back to building the
    /// venv when it fails, and an unreachable registry fails only at this deadline (the HTTP
    /// client keeps retrying a refused connection until then), so it is short.
    public let timeout: Duration

    /// The manifest media types Berth accepts, most specific first.
    public static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]

    public init(settings: RegistrySettings, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        self.settings = settings
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// Whether the registry holds `repository:tag`.
    ///
    /// - Throws: `KubernetesError` when the registry cannot be reached, refuses the credentials, or
    ///   answers something else.
    public func hasImage(repository: String = RegistrySettings.repository, tag: String) async throws -> Bool {
        let url = "\(settings.baseURL)/v2/\(repository)/manifests/\(tag)"
        var response = try await head(url, authorization: nil)
        if response.status == .unauthorized {
            let challenge = response.headers.first(name: "WWW-Authenticate") ?? ""
            response = try await head(url, authorization: try await answer(challenge, repository: repository))
        }
        switch response.status.code {
        case 200: return true
        case 404: return false
        case 401, 403:
            throw KubernetesError(
                .unauthorized,
                "The registry \(settings.host) refused to show '\(repository):\(tag)' (HTTP \(response.status.code)); check BERTH_KUBERNETES_REGISTRY_CREDENTIALS.",
                httpStatus: Int(response.status.code))
        default:
            throw KubernetesError(
                .apiError,
                "The registry \(settings.host) answered HTTP \(response.status.code) for '\(repository):\(tag)'.",
                httpStatus: Int(response.status.code))
        }
    }

    func head(_ url: String, authorization: String?) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .HEAD
        request.headers.add(name: "Accept", value: Self.manifestTypes.joined(separator: ", "))
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        return try await send(request)
    }

    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            let (seconds, attoseconds) = timeout.components
            return try await httpClient.execute(
                request, timeout: .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        } catch {
            throw KubernetesError(
                .unreachable,
                "The registry \(settings.host) cannot be reached (\(error)); check BERTH_KUBERNETES_REGISTRY.")
        }
    }

    /// The `Authorization` header that answers a 401's challenge.
    func answer(_ challenge: String, repository: String) async throws -> String? {
        let basic = settings.credentials.map {
            "Basic " + Data("\($0.username):\($0.password)".utf8).base64EncodedString()
        }
        guard let (scheme, parameters) = Self.parse(challenge: challenge), scheme == "bearer" else {
            return basic
        }
        guard let realm = parameters["realm"], var components = URLComponents(string: realm) else {
            throw KubernetesError(.apiError, "The registry \(settings.host) sent a Bearer challenge without a realm.")
        }
        var query = components.queryItems ?? []
        if let service = parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        query.append(URLQueryItem(name: "scope", value: parameters["scope"] ?? "repository:\(repository):pull"))
        components.queryItems = query
        var request = HTTPClientRequest(url: components.string ?? realm)
        if let basic { request.headers.add(name: "Authorization", value: basic) }
        let response = try await send(request)
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok, let json = try? JSONValue(parsing: Data(body.readableBytesView)),
            let token = json["token"]?.stringValue ?? json["access_token"]?.stringValue
        else {
            throw KubernetesError(
                .unauthorized,
                "The registry's token service refused the credentials (HTTP \(response.status.code)); check BERTH_KUBERNETES_REGISTRY_CREDENTIALS.",
                httpStatus: Int(response.status.code))
        }
        return "Bearer \(token)"
    }

    /// `Bearer realm="…",service="…"` → ("bearer", [realm: …, service: …]).
    static func parse(challenge: String) -> (scheme: String, parameters: [String: String])? {
        let trimmed = challenge.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else {
            return trimmed.isEmpty ? nil : (trimmed.lowercased(), [:])
        }
        let scheme = trimmed[..<space].lowercased()
        var parameters: [String: String] = [:]
        var rest = Substring(trimmed[trimmed.index(after: space)...])
        while let equals = rest.firstIndex(of: "=") {
            let key = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " ,")).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let end = rest.firstIndex(of: "\"") ?? rest.endIndex
                value = String(rest[..<end])
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<end]).trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            parameters[key] = value
        }
        return (scheme, parameters)
    }
}
