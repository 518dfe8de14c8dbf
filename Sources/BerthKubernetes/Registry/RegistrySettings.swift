import BerthCore
import BerthKubernetesAPI
import Foundation

/// Where environment images live: `BERTH_KUBERNETES_REGISTRY` (`host[:port]`, spoken to over
/// HTTPS; or `http://host:port` for a registry without TLS, e.g. one on this machine) and the
/// optional credentials file `BERTH_KUBERNETES_REGISTRY_CREDENTIALS` (JSON `{"username",
/// "password"}`, mode 0600 — refused otherwise, since it holds a password).
///
/// An environment's image is `HOST/berth/env:<environment hash>`.
public struct RegistrySettings: Sendable, Hashable {
    /// A user name and password (or token) for the registry.
    public struct Credentials: Codable, Sendable, Hashable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// The registry's API root, e.g. `https://registry.example.com`.
    public var baseURL: String
    /// The registry as image names spell it (`registry.example.com`, `127.0.0.1:5000`).
    public var host: String
    public var credentials: Credentials?
    /// The repository of environment images.
    public static let repository = "berth/env"

    public init(registry: String, credentials: Credentials? = nil) throws {
        var text = registry.trimmingCharacters(in: .whitespaces)
        var scheme = "https"
        for prefix in ["https://", "http://"] where text.hasPrefix(prefix) {
            scheme = String(prefix.dropLast(3))
            text = String(text.dropFirst(prefix.count))
        }
        while text.hasSuffix("/") { text.removeLast() }
        guard !text.isEmpty, !text.contains("/"), URL(string: "\(scheme)://\(text)")?.host != nil else {
            throw KubernetesError(
                .kubeconfig,
                "BERTH_KUBERNETES_REGISTRY ('\(registry)') must be a registry host such as 'myregistry.azurecr.io' or 'http://127.0.0.1:5000', without a path."
            )
        }
        self.baseURL = "\(scheme)://\(text)"
        self.host = text
        self.credentials = credentials
    }

    /// Reads the credentials file, refusing one that others may read.
    ///
    /// - Throws: `KubernetesError` naming the file and what to do.
    public static func credentials(atPath path: String) throws -> Credentials {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw KubernetesError(
                .kubeconfig,
                "The registry credentials file '\(path)' cannot be read; check BERTH_KUBERNETES_REGISTRY_CREDENTIALS.")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw KubernetesError(
                .kubeconfig,
                "The registry credentials file '\(path)' may be read by other users (mode \(String(mode, radix: 8))); run 'chmod 600 \(path)'."
            )
        }
        do {
            return try JSONDecoder().decode(Credentials.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw KubernetesError(
                .kubeconfig,
                "The registry credentials file '\(path)' must be JSON with 'username' and 'password'.")
        }
    }

    /// The image of an environment.
    public func image(environmentHash hash: String) -> String { "\(host)/\(Self.repository):\(hash)" }

    /// The `.dockerconfigjson` of an `imagePullSecret` for these credentials, or nil without any.
    public var dockerConfigJSON: String? {
        guard let credentials else { return nil }
        let auth = Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
        let config: JSONValue = [
            "auths": .object([
                host: [
                    "username": .string(credentials.username), "password": .string(credentials.password),
                    "auth": .string(auth),
                ]
            ])
        ]
        return String(decoding: config.canonicalData, as: UTF8.self)
    }
}
