import BerthAuth
import BerthCore
import Foundation
import Synchronization

/// Tokens for the Pods of Kubernetes deployments: a token lets its holder `GET
/// /api/v1/artifacts/sha256:…` for the files of one deployment and `POST
/// /api/v1/services/<that deployment>/telemetry|modeldata` (its request telemetry and collected
/// model data, `ShippedTelemetry`, `ShippedModelData`), and nothing else — so a Pod never holds
/// the admin token.
///
/// A token is minted each time a deployment's objects are (re)created and put in its Secret; the
/// grant of the revision before stays valid too, so old Pods that restart during a rolling update
/// still fetch their files. Only the SHA-256 of each token is kept (`artifact-grants.json`, mode
/// 0600) and compared in constant time; deleting the deployment revokes its grants.
final class ArtifactGrants: Sendable {
    /// One token's rights.
    struct Grant: Codable, Sendable, Hashable {
        /// Lowercase hex SHA-256 of the token.
        var tokenDigest: String
        /// The `sha256:<hex>` artifacts it may read.
        var artifacts: Set<String>
    }

    /// What a presented token may do with one request.
    enum Decision: Sendable, Hashable {
        /// Not an artifact token (the caller checks other credentials).
        case unknownToken
        /// An artifact token, and the request is a read of one of its deployment's files or a
        /// batch of that deployment's request telemetry or model data.
        case allowed
        /// An artifact token asking for anything else: the deployment it belongs to.
        case refused(deployment: String)
    }

    /// Grants kept per deployment: the current revision's and the one before.
    static let grantsKept = 2

    let file: URL
    private let grants: Mutex<[String: [Grant]]>

    /// Loads the grants saved in `file` (none when it does not exist).
    init(file: URL) throws {
        self.file = file
        var loaded: [String: [Grant]] = [:]
        if let text = try SecretFile.read(at: file) {
            loaded = try BerthJSON.decode([String: [Grant]].self, from: Data(text.utf8), what: file.lastPathComponent)
        }
        grants = Mutex(loaded)
    }

    /// A new token reading exactly `artifacts` (`sha256:<hex>` each) for `deployment`.
    ///
    /// - Throws: when the grants cannot be saved (then the token is not valid either).
    func mint(deployment: String, artifacts: some Sequence<String>) throws -> String {
        let token = "berth-artifacts-" + SecretFile.randomToken()
        let grant = Grant(tokenDigest: KeyDigest.sha256Hex(token), artifacts: Set(artifacts))
        try grants.withLock { all in
            var updated = all
            updated[deployment] = Array(([grant] + (all[deployment] ?? [])).prefix(Self.grantsKept))
            // Saved under the lock so two mints never land on disk out of order; minting is rare
            // (once per revision) and the file small.
            try save(updated)
            all = updated
        }
        return token
    }

    /// Forgets every grant of `deployment`: its tokens read nothing from now on.
    func revoke(deployment: String) throws {
        try grants.withLock { all in
            guard all[deployment] != nil else { return }
            var updated = all
            updated[deployment] = nil
            try save(updated)
            all = updated
        }
    }

    /// Whether `token` may make the request `method path`.
    func decision(token: String, method: String, path: String) -> Decision {
        let digest = KeyDigest.sha256Hex(token)
        let match: (deployment: String, grant: Grant)? = grants.withLock { all in
            var found: (deployment: String, grant: Grant)?
            // Every digest is compared (no early exit), each in constant time.
            for (deployment, list) in all {
                for grant in list where ConstantTime.equals(grant.tokenDigest, digest) {
                    found = (deployment: deployment, grant: grant)
                }
            }
            return found
        }
        guard let match else { return .unknownToken }
        if method == "GET", let artifact = Self.artifact(inPath: path), match.grant.artifacts.contains(artifact) {
            return .allowed
        }
        if method == "POST", Self.handOverPaths(of: match.deployment).contains(path) { return .allowed }
        return .refused(deployment: match.deployment)
    }

    /// The `sha256:<hex>` of an artifact download path (`/api/v1/artifacts/sha256:<hex>`), or nil.
    static func artifact(inPath path: String) -> String? {
        let prefix = "/api/v1/artifacts/"
        guard path.hasPrefix(prefix) else { return nil }
        let digest = String(path.dropFirst(prefix.count)).removingPercentEncoding ?? ""
        return digest.hasPrefix("sha256:") && !digest.contains("/") ? digest : nil
    }

    /// Where a deployment's Pods send their request telemetry and collected model data.
    static func handOverPaths(of deployment: String) -> Set<String> {
        ["/api/v1/services/\(deployment)/telemetry", "/api/v1/services/\(deployment)/modeldata"]
    }

    private func save(_ all: [String: [Grant]]) throws {
        let data = try JSONEncoder.sorted.encode(all)
        try SecretFile.write(String(decoding: data, as: UTF8.self), to: file)
    }
}

extension JSONEncoder {
    /// Sorted keys, so the saved grants are stable to read.
    fileprivate static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
