import AsyncHTTPClient
import BerthCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A small client of the Kubernetes REST API: the verbs Berth uses (get, list, create, replace,
/// merge-patch, delete, watch) on the kinds in `KubernetesResource`, over AsyncHTTPClient.
///
/// Bodies are `JSONValue`s, so manifests go out exactly as generated and answers are read
/// without a model of every Kubernetes type. Non-2xx answers carry a `Status` body, which becomes a
/// `KubernetesError` with the API server's reason and message.
///
/// ```swift
/// let client = try KubernetesClient(connection: Kubeconfig.load(path: "~/.kube/config"))
/// let version = try await client.version()
/// ```
public struct KubernetesClient: Sendable {
    public let connection: KubernetesConnection
    let tls: TLSConfiguration?
    let httpClient: HTTPClient
    let logger: Logger
    /// The largest answer read whole (a list of every Pod of a big namespace fits).
    static let maxBodyBytes = 64 << 20
    /// Items asked for per page of a list (`limit`); the rest come through `continue`, so a list
    /// of every Pod of a large cluster neither outgrows `maxBodyBytes` nor holds the API server
    /// to one huge answer. Default 500, as kubectl's.
    public var listPageSize = 500
    /// How many times `createOrReplace` reads the object again and retries after a 409 Conflict
    /// (someone else changed it between its GET and its PUT) before it gives up. Default 5.
    public var conflictRetries = 5
    /// The wait before the first such retry; it doubles with each one. Default 100 ms.
    public var conflictBackoff = Duration.milliseconds(100)

    /// - Throws: `KubernetesError` (`.kubeconfig`) when a certificate or key cannot be parsed.
    public init(
        connection: KubernetesConnection, httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "berth.kubernetes")
    ) throws {
        self.connection = connection
        self.httpClient = httpClient
        self.logger = logger
        self.tls = connection.server.scheme == "https" ? try Self.tlsConfiguration(for: connection) : nil
    }

    /// TLS settings from the kubeconfig: the cluster's CA (else the system's), the client
    /// certificate and key, or no verification at all for `insecure-skip-tls-verify`.
    static func tlsConfiguration(for connection: KubernetesConnection) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = connection.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca)))
            }
            if connection.insecureSkipTLSVerify { tls.certificateVerification = .none }
            if let certificate = connection.clientCertificatePEM, let key = connection.clientKeyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificate)).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key), format: .pem))
            }
        } catch {
            throw KubernetesError.kubeconfig(
                "The certificates or key of \(connection) could not be parsed as PEM. Check the *-data fields are base64 of PEM text."
            )
        }
        return tls
    }

    /// `GET /version`: proves the API server answers (and the credentials pass).
    public func version() async throws -> JSONValue {
        try await send(.GET, path: "/version")
    }

    /// One object; throws `.notFound` when it does not exist.
    public func get(_ resource: KubernetesResource, namespace: String?, name: String, subresource: String? = nil)
        async throws -> JSONValue
    {
        try await send(.GET, path: resource.objectPath(namespace: namespace, name: name, subresource: subresource))
    }

    /// One object, or nil when it does not exist.
    public func getIfPresent(_ resource: KubernetesResource, namespace: String?, name: String) async throws
        -> JSONValue?
    {
        do {
            return try await get(resource, namespace: namespace, name: name)
        } catch let error as KubernetesError where error.code == .notFound {
            return nil
        }
    }

    /// A `…List` object; its `items` are the objects, `metadata.resourceVersion` where to watch from.
    ///
    /// Read in pages of `listPageSize` (`limit`, then `continue`), joined into one list whose
    /// `resourceVersion` is the first page's, as every page of one list is served from it. A
    /// `continue` token that expired (410) starts the list again, a bounded number of times.
    public func list(_ resource: KubernetesResource, namespace: String?, labelSelector: String? = nil) async throws
        -> JSONValue
    {
        var restarts = 0
        while true {
            do {
                return try await listPages(resource, namespace: namespace, labelSelector: labelSelector)
            } catch let error as KubernetesError where error.code == .gone && restarts < 3 {
                restarts += 1
                logger.debug("List continuation expired; listing again", metadata: ["k8s.kind": "\(resource)"])
            }
        }
    }

    private func listPages(_ resource: KubernetesResource, namespace: String?, labelSelector: String?) async throws
        -> JSONValue
    {
        var items: [JSONValue] = []
        var first: JSONValue?
        var token: String?
        repeat {
            var query: [(String, String)] = [("limit", String(max(1, listPageSize)))]
            if let labelSelector { query.append(("labelSelector", labelSelector)) }
            if let token { query.append(("continue", token)) }
            let page = try await send(.GET, path: resource.collectionPath(namespace: namespace), query: query)
            items += page["items"]?.arrayValue ?? []
            if first == nil { first = page }
            token = page["metadata"]?["continue"]?.stringValue
        } while token?.isEmpty == false
        guard case .object(var list)? = first else { return first ?? .null }
        list["items"] = .array(items)
        if case .object(var metadata)? = list["metadata"] {
            metadata["continue"] = nil
            metadata["remainingItemCount"] = nil
            list["metadata"] = .object(metadata)
        }
        return .object(list)
    }

    /// Creates `manifest` in its `metadata.namespace` (for namespaced kinds); `.conflict` with
    /// reason `AlreadyExists` when an object of that name exists.
    @discardableResult
    public func create(_ manifest: JSONValue) async throws -> JSONValue {
        let (resource, namespace, _) = try Self.identity(of: manifest)
        return try await send(.POST, path: resource.collectionPath(namespace: namespace), body: manifest)
    }

    /// Creates `manifest`, or replaces the object of that name with it (keeping its
    /// `resourceVersion`), so installing twice converges instead of failing.
    ///
    /// A replace that meets 409 Conflict — a controller or another client changed the object
    /// between the GET and the PUT, which on a real cluster happens to Deployments and Services
    /// all the time — reads the object again and retries, waiting `conflictBackoff` (doubling)
    /// between tries, at most `conflictRetries` times.
    ///
    /// - Throws: `.conflict` when the object kept changing through every retry.
    @discardableResult
    public func createOrReplace(_ manifest: JSONValue) async throws -> JSONValue {
        let (resource, namespace, name) = try Self.identity(of: manifest)
        do {
            return try await create(manifest)
        } catch let error as KubernetesError where error.reason == "AlreadyExists" {}
        var delay = conflictBackoff
        var attempt = 0
        while true {
            let current = try await get(resource, namespace: namespace, name: name)
            guard case .object(var members) = manifest, case .object(var metadata)? = members["metadata"] else {
                return current
            }
            metadata["resourceVersion"] = current["metadata"]?["resourceVersion"]
            members["metadata"] = .object(metadata)
            do {
                return try await send(
                    .PUT, path: resource.objectPath(namespace: namespace, name: name), body: .object(members))
            } catch let error as KubernetesError
                where error.code == .conflict && error.reason != "AlreadyExists" && attempt < conflictRetries
            {
                attempt += 1
                logger.debug(
                    "Replace met a concurrent change; reading the object again",
                    metadata: ["k8s.kind": "\(resource)", "k8s.name": "\(name)", "attempt": "\(attempt)"])
                try await Task.sleep(for: delay)
                delay = delay * 2
            }
        }
    }

    /// Replaces the object named in `manifest`; when the manifest carries a
    /// `metadata.resourceVersion` that is no longer current, throws `.conflict`.
    @discardableResult
    public func replace(_ manifest: JSONValue) async throws -> JSONValue {
        let (resource, namespace, name) = try Self.identity(of: manifest)
        return try await send(.PUT, path: resource.objectPath(namespace: namespace, name: name), body: manifest)
    }

    /// A JSON merge patch (RFC 7386) of one object or its subresource.
    @discardableResult
    public func mergePatch(
        _ resource: KubernetesResource, namespace: String?, name: String, subresource: String? = nil,
        patch: JSONValue
    ) async throws -> JSONValue {
        try await send(
            .PATCH, path: resource.objectPath(namespace: namespace, name: name, subresource: subresource),
            body: patch, contentType: "application/merge-patch+json")
    }

    /// Sets a Deployment's replicas through its `scale` subresource.
    public func scaleDeployment(namespace: String, name: String, replicas: Int) async throws {
        try await mergePatch(
            .deployments, namespace: namespace, name: name, subresource: "scale",
            patch: ["spec": ["replicas": .number(Double(replicas))]])
    }

    /// Deletes one object (its dependents in the background); false when it did not exist.
    @discardableResult
    public func delete(_ resource: KubernetesResource, namespace: String?, name: String) async throws -> Bool {
        do {
            try await send(
                .DELETE, path: resource.objectPath(namespace: namespace, name: name),
                body: ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"])
            return true
        } catch let error as KubernetesError where error.code == .notFound {
            return false
        }
    }

    /// The kind, namespace and name of a manifest.
    static func identity(of manifest: JSONValue) throws -> (KubernetesResource, String?, String) {
        guard let apiVersion = manifest["apiVersion"]?.stringValue, let kind = manifest["kind"]?.stringValue,
            let resource = KubernetesResource.of(apiVersion: apiVersion, kind: kind),
            let name = manifest["metadata"]?["name"]?.stringValue
        else {
            throw KubernetesError(
                .invalid, "Berth built a manifest it cannot send (unknown kind or no name); this is a bug.")
        }
        let namespace = resource.isNamespaced ? (manifest["metadata"]?["namespace"]?.stringValue) : nil
        return (resource, namespace, name)
    }
}
