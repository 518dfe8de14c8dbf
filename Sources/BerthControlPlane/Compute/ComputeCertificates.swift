import BerthCore
import BerthKubernetes
import BerthTLS
import Foundation
import Logging

/// The TLS certificates of compute targets (Azure's `sslConfiguration`): each compute's
/// certificate chain and key are kept in `$BERTH_HOME/tls/computes/<name>/` (the key 0600) and
/// served by the local router for the compute's cname (`ServerNameCertificates`), or, for an
/// attached cluster, by its router Pods from a Secret (`RouterTLS`).
///
/// Renewal: `computetarget update --ssl-…`, or writing new `certificate.pem` and `key.pem` in
/// that folder; new connections get the new pair within seconds, open ones keep theirs.
struct ComputeCertificates: Sendable {
    /// `$BERTH_HOME/tls`: the workspace CA lives here, compute certificates under `computes/`.
    let folder: URL
    /// What the router serves; nil when this server runs no router that could serve them.
    let serverNames: ServerNameCertificates?
    let logger: Logger

    static let certificateFileName = "certificate.pem"
    static let keyFileName = "key.pem"

    /// Checks and applies `request` to `compute` (the TLS it has now, if any): writes the new
    /// files and serves them. Returns the compute's TLS to store (nil: disabled). Nothing changes
    /// when it throws.
    func apply(_ request: SSLConfigurationRequest, to compute: ComputeTarget) throws -> ComputeTLS? {
        let change = try request.change()
        if change == .disable {
            remove(computeNamed: compute.name)
            return nil
        }
        if compute.computeType == .local, serverNames == nil {
            throw BerthError(
                .notImplemented,
                "This server runs no router that could serve TLS for compute target '\(compute.name)'; start it "
                    + "with 'berth server'.")
        }
        let (identity, chainPEM, keyPEM, status, label) = try issue(change, for: compute)
        let cname =
            label
            ?? {
                if case .enable(let cname, _, _) = change { return cname }
                return compute.sslConfiguration?.cname ?? "localhost"
            }()
        guard Self.covers(identity.subjectNames, cname) else {
            throw BerthError.badRequest(
                "sslConfiguration.cert is for \(identity.subjectNames.joined(separator: ", ")), not for the cname "
                    + "'\(cname)': clients would refuse it. Give the certificate issued for \(cname), or the cname "
                    + "it was issued for.")
        }
        let files = try write(chainPEM: chainPEM, keyPEM: keyPEM, computeName: compute.name)
        // An attached cluster's router Pods serve it from a Secret; the local router serves the rest.
        if compute.computeType == .local, let serverNames {
            serverNames.register(owner: compute.name, serverName: cname, context: try context(files: files))
        }
        return ComputeTLS(
            status: status, cname: cname, leafDomainLabel: label, subjectNames: identity.subjectNames,
            notValidAfter: identity.notValidAfter)
    }

    /// Serves the certificates of computes stored with TLS (at server start).
    func serveStored(_ computes: [ComputeTarget]) {
        guard let serverNames else { return }
        for compute in computes where compute.computeType == .local {
            guard let tls = compute.sslConfiguration else { continue }
            do {
                let context = try context(files: files(of: compute.name))
                serverNames.register(owner: compute.name, serverName: tls.cname, context: context)
            } catch {
                logger.error(
                    """
                    Compute target '\(compute.name)' has TLS, but its certificate cannot be served: \(error). Its \
                    services get no TLS connections until 'berth computetarget update -n \(compute.name) --ssl-…' \
                    gives a new one.
                    """)
            }
        }
    }

    /// Stops serving `name`'s certificate and deletes its files.
    func remove(computeNamed name: String) {
        serverNames?.remove(owner: name)
        try? FileManager.default.removeItem(at: computesFolder.appendingPathComponent(name, isDirectory: true))
    }

    /// The certificate and key kept for `compute`, for its cluster's router Secret; nil without TLS.
    func routerTLS(of compute: ComputeTarget) throws -> RouterTLS? {
        guard let tls = compute.sslConfiguration else { return nil }
        let files = files(of: compute.name)
        do {
            return RouterTLS(
                certificateChainPEM: try String(contentsOf: files.chain, encoding: .utf8),
                privateKeyPEM: try String(contentsOf: files.key, encoding: .utf8), cname: tls.cname)
        } catch {
            throw BerthError(
                .internalError,
                "The certificate of compute target '\(compute.name)' is missing from \(files.chain.deletingLastPathComponent().path); "
                    + "give it again with 'berth computetarget update -n \(compute.name) --ssl-…'.")
        }
    }

    // MARK: Parts

    private var computesFolder: URL { folder.appendingPathComponent("computes", isDirectory: true) }

    private func files(of name: String) -> (chain: URL, key: URL) {
        let folder = computesFolder.appendingPathComponent(name, isDirectory: true)
        return (
            folder.appendingPathComponent(Self.certificateFileName), folder.appendingPathComponent(Self.keyFileName)
        )
    }

    /// The certificate to serve: the user's, checked, or one the workspace CA issues.
    private func issue(_ change: SSLConfigurationRequest.Change, for compute: ComputeTarget) throws -> (
        TLSServerIdentity, String, String, ComputeTLS.Status, String?
    ) {
        var label: String
        switch change {
        case .enable(_, let chain, let key):
            do {
                return (
                    try TLSServerIdentity(certificateChainPEM: chain, privateKeyPEM: key), chain, key, .enabled, nil
                )
            } catch {
                throw BerthError.badRequest("sslConfiguration.cert/key cannot be served: \(error)")
            }
        case .auto(let given):
            label = given
        case .renew:
            guard let current = compute.sslConfiguration, current.status == .auto, let given = current.leafDomainLabel
            else {
                throw BerthError.badRequest(
                    "Invalid configuration. When renew is set the cluster should have the leaf domain label set for SSL."
                )
            }
            label = given
        case .disable:
            preconditionFailure("handled by apply")
        }
        do {
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let names = label == "localhost" ? ["localhost"] : [label, "localhost"]
            let issued = try authority.issueServerCertificate(dnsNames: names, ipAddresses: ["127.0.0.1", "::1"])
            let identity = try TLSServerIdentity(
                certificateChainPEM: issued.certificateChainPEM, privateKeyPEM: issued.privateKeyPEM)
            return (identity, issued.certificateChainPEM, issued.privateKeyPEM, .auto, label)
        } catch {
            throw BerthError(.internalError, "The workspace CA cannot issue a certificate: \(error)")
        }
    }

    private func write(chainPEM: String, keyPEM: String, computeName: String) throws -> (chain: URL, key: URL) {
        let files = files(of: computeName)
        do {
            try PEMFileIO.createPrivateFolder(folder)
            try PEMFileIO.createPrivateFolder(computesFolder)
            try PEMFileIO.createPrivateFolder(files.chain.deletingLastPathComponent())
            // The key first: a reload between the two writes then sees a mismatched pair and keeps
            // the previous one until the chain follows.
            try PEMFileIO.write(keyPEM, to: files.key, mode: 0o600)
            try PEMFileIO.write(chainPEM, to: files.chain, mode: 0o600)
        } catch {
            throw BerthError(.internalError, "Cannot keep the certificate of '\(computeName)': \(error)")
        }
        return files
    }

    private func context(files: (chain: URL, key: URL)) throws -> ReloadingTLSContext {
        try ReloadingTLSContext(certificateChainAt: files.chain, privateKeyAt: files.key, logger: logger)
    }

    /// Whether a certificate for `names` is valid for `host` (exactly, or by a `*.` wildcard
    /// covering one label).
    static func covers(_ names: [String], _ host: String) -> Bool {
        let host = host.lowercased()
        return names.contains { name in
            let name = name.lowercased()
            if name == host { return true }
            guard name.hasPrefix("*."), let dot = host.firstIndex(of: ".") else { return false }
            return host[host.index(after: dot)...] == name.dropFirst(2)
        }
    }
}
