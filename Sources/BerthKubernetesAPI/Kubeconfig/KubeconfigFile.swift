import Foundation
import Yams

/// The parts of a kubeconfig file Berth reads, with kubectl's field names.
///
/// Kubeconfig is YAML (JSON is valid YAML too), written by `kubectl`, `az aks get-credentials`,
/// `kind`, `k3s` and others. Berth reads it as kubectl does so that a file that works with
/// `kubectl --kubeconfig PATH` works with `berth computetarget attach kubernetes --kubeconfig PATH`.
/// Unknown fields are ignored, as kubectl ignores them.
struct KubeconfigFile: Decodable, Sendable {
    var currentContext: String?
    var clusters: [Named<Cluster>]?
    var contexts: [Named<Context>]?
    var users: [Named<User>]?

    enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case clusters, contexts, users
    }

    /// A `- name: … <member>: {…}` list entry.
    struct Named<Value: Decodable & Sendable>: Decodable, Sendable {
        var name: String
        var value: Value?

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            name = try container.decode(String.self, forKey: Key(stringValue: "name"))
            // The member is `cluster`, `context` or `user` after the list it sits in.
            let member = container.allKeys.first { $0.stringValue != "name" }
            value = try member.flatMap { try container.decodeIfPresent(Value.self, forKey: $0) }
        }
    }

    struct Cluster: Decodable, Sendable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
        }
    }

    struct Context: Decodable, Sendable {
        var cluster: String?
        var user: String?
        var namespace: String?
    }

    struct User: Decodable, Sendable {
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var token: String?
        var tokenFile: String?
        var username: String?
        var exec: ExecPlugin?
        var authProvider: AuthProvider?

        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token, tokenFile, username, exec
            case authProvider = "auth-provider"
        }
    }

    /// Only its presence matters: Berth does not run credential plugins (yet).
    struct ExecPlugin: Decodable, Sendable {
        var command: String?
    }

    /// Only its presence matters: the legacy auth providers are not supported.
    struct AuthProvider: Decodable, Sendable {
        var name: String?
    }

    /// Parses kubeconfig text (YAML or JSON).
    static func parse(_ text: String, path: String) throws -> KubeconfigFile {
        do {
            return try YAMLDecoder().decode(KubeconfigFile.self, from: text)
        } catch {
            throw KubernetesError.kubeconfig(
                "The kubeconfig file \(path) could not be read as YAML (\(Self.describe(error))). Check it with 'kubectl --kubeconfig \(path) config view'."
            )
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return "at \(path.joined(separator: ".")): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
