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

    /// A compute's TLS after a change: what the store keeps, and the pair an attached cluster's
    /// router Secret carries.
    struct Applied: Sendable {
        var configuration: ComputeTLS
        var router: RouterTLS
    }

    /// Checks and applies `request` to `compute` (the TLS it has now, if any): writes the new
    /// files and serves them. Returns the compute's TLS (nil: disabled). Nothing changes when the
    /// request or its certificate is refused.
    func apply(_ request: SSLConfigurationRequest, to compute: ComputeTarget) throws -> Applied? {
        let change = try request.change()
        if change == .disable {
            remove(computeNamed: compute.name)
            return nil
        }
        if compute.computeType == .local, serverNames == nil { throw Self.noRouter(compute.name) }
        let issued = try issue(change, for: compute)
        guard Self.covers(issued.identity.subjectNames, issued.cname) else {
            throw BerthError.badRequest(
                "sslConfiguration.cert is for \(issued.identity.subjectNames.joined(separator: ", ")), not for the "
                    + "cname '\(issued.cname)': clients would refuse it. Give the certificate issued for "
                    + "\(issued.cname), or the cname it was issued for.")
        }
        let files = try write(chainPEM: issued.chainPEM, keyPEM: issued.keyPEM, computeName: compute.name)
        // An attached cluster's router Pods serve it from a Secret; the local router serves the rest.
        if compute.computeType == .local, let serverNames {
            serverNames.register(owner: compute.name, serverName: issued.cname, context: try context(files: files))
        }
        return Applied(
            configuration: ComputeTLS(
                status: issued.status, cname: issued.cname, leafDomainLabel: issued.label,
                subjectNames: issued.identity.subjectNames, notValidAfter: issued.identity.notValidAfter),
            router: RouterTLS(certificateChainPEM: issued.chainPEM, privateKeyPEM: issued.keyPEM, cname: issued.cname))
    }

    /// Why a local compute cannot have TLS on a server without a router.
    static func noRouter(_ name: String) -> BerthError {
        BerthError(
            .notImplemented,
            "This server runs no router that could serve TLS for compute target '\(name)'; start it with "
                + "'berth server'.")
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

    // MARK: Parts

    private var computesFolder: URL { folder.appendingPathComponent("computes", isDirectory: true) }

    private func files(of name: String) -> (chain: URL, key: URL) {
        let folder = computesFolder.appendingPathComponent(name, isDirectory: true)
        return (
            folder.appendingPathComponent(Self.certificateFileName), folder.appendingPathComponent(Self.keyFileName)
        )
    }

    /// A certificate to serve, with the name it is served for.
    private struct Issued {
        var identity: TLSServerIdentity
        var chainPEM: String
        var keyPEM: String
        var status: ComputeTLS.Status
        var cname: String
        /// For `Auto`: the leaf domain label it was issued for (also the cname).
        var label: String?
    }

    /// The certificate to serve: the user's, checked, or one the workspace CA issues.
    private func issue(_ change: SSLConfigurationRequest.Change, for compute: ComputeTarget) throws -> Issued {
        let label: String
        switch change {
        case .enable(let cname, let chain, let key):
            do {
                let identity = try TLSServerIdentity(certificateChainPEM: chain, privateKeyPEM: key)
                return Issued(identity: identity, chainPEM: chain, keyPEM: key, status: .enabled, cname: cname)
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
            return Issued(
                identity: identity, chainPEM: issued.certificateChainPEM, keyPEM: issued.privateKeyPEM, status: .auto,
                cname: label, label: label)
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
