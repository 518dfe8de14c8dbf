import Crypto
import Foundation
import Logging
import NIOSSL
import Synchronization

/// The TLS context a server hands to each new connection, renewed without a restart: when the
/// certificate-chain or key file changes, `reloadIfChanged()` checks the new pair and swaps it
/// in for new connections; connections already open keep the context they started with.
///
/// A pair that fails the checks is refused and the previous one keeps serving. Run the context
/// as a `Service` (or call `watch(every:)`) to check the files every few seconds.
package final class ReloadingTLSContext: Sendable {
    private struct State: Sendable {
        var identity: TLSServerIdentity
        /// The digest of the files `identity` came from; nil for in-memory PEM.
        var servedDigest: [UInt8]?
        /// The last pair refused and why, so an unchanged broken pair is not parsed every check.
        var refused: (digest: [UInt8], error: TLSError)?
        /// The last failure logged, so a lasting one is logged once rather than every check.
        var loggedFailure: TLSError?
        /// Whether the expiry warning for `identity` has been logged.
        var warnedOfExpiry = false
    }

    /// What the files on disk are, compared with what the context has seen.
    private enum KnownPair {
        case served
        case refused(TLSError)
        case new
    }

    /// The certificate-chain file, or nil for an identity from memory (which never reloads).
    package let certificateChainURL: URL?
    /// The private-key file, or nil for an identity from memory.
    package let privateKeyURL: URL?
    /// How often the `Service` checks the files.
    package let reloadInterval: Duration
    let logger: Logger
    private let state: Mutex<State>

    /// Loads and checks the two files now; throws a `TLSError` naming the file and the fix.
    package init(
        certificateChainAt chainURL: URL,
        privateKeyAt keyURL: URL,
        reloadInterval: Duration = .seconds(5),
        logger: Logger = Logger(label: "berth.tls"),
        now: Date = Date()
    ) throws(TLSError) {
        let files = try Self.read(chainURL: chainURL, keyURL: keyURL)
        let identity = try TLSServerIdentity(
            certificateChain: files.chain, privateKey: files.key, certificateChainFile: files.chainFile,
            privateKeyFile: files.keyFile, now: now)
        self.certificateChainURL = chainURL
        self.privateKeyURL = keyURL
        self.reloadInterval = reloadInterval
        self.logger = logger
        self.state = Mutex(State(identity: identity, servedDigest: files.digest))
        warnOfExpiryOnce(now: now)
    }

    /// A context that always serves `identity` (e.g. a certificate minted in memory at start).
    package init(identity: TLSServerIdentity, logger: Logger = Logger(label: "berth.tls")) {
        self.certificateChainURL = nil
        self.privateKeyURL = nil
        self.reloadInterval = .seconds(5)
        self.logger = logger
        self.state = Mutex(State(identity: identity))
        warnOfExpiryOnce(now: Date())
    }

    /// The identity new connections get: its names and expiry are for `berth` to print.
    package var identity: TLSServerIdentity {
        state.withLock { $0.identity }
    }

    /// A TLS server handler for one new connection, using the current certificate. Cheap and
    /// non-blocking: call it in a channel initializer on the event loop.
    package func makeServerHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: state.withLock { $0.identity.sslContext })
    }

    /// Re-reads both files and, when their contents changed, checks them and serves them to new
    /// connections. Returns whether it swapped the certificate.
    ///
    /// Throws when the files cannot be used (missing, not PEM, a key of another certificate,
    /// expired); the previous certificate then keeps serving. The failure is logged once per
    /// distinct failure, without key material.
    @discardableResult
    package func reloadIfChanged(now: Date = Date()) throws(TLSError) -> Bool {
        guard let chainURL = certificateChainURL, let keyURL = privateKeyURL else { return false }
        do {
            let swapped = try reload(chainURL: chainURL, keyURL: keyURL, now: now)
            warnOfExpiryOnce(now: now)
            return swapped
        } catch {
            let isNew = state.withLock { state in
                defer { state.loggedFailure = error }
                return state.loggedFailure != error
            }
            if isNew {
                logger.error(
                    "Keeping the current TLS certificate: \(error)",
                    metadata: ["tls.certificate.serial": "\(identity.serialNumber)"])
            }
            throw error
        }
    }

    private func reload(chainURL: URL, keyURL: URL, now: Date) throws(TLSError) -> Bool {
        let files = try Self.read(chainURL: chainURL, keyURL: keyURL)
        let known = state.withLock { state -> KnownPair in
            if state.servedDigest == files.digest {
                state.loggedFailure = nil
                return .served
            }
            if let refused = state.refused, refused.digest == files.digest { return .refused(refused.error) }
            return .new
        }
        switch known {
        case .served: return false
        case .refused(let error): throw error
        case .new: break
        }
        let identity: TLSServerIdentity
        do {
            identity = try TLSServerIdentity(
                certificateChain: files.chain, privateKey: files.key, certificateChainFile: files.chainFile,
                privateKeyFile: files.keyFile, now: now)
        } catch {
            // A certificate that is not valid yet may be by the next check: parse it again then.
            if case .notYetValid = error {} else { state.withLock { $0.refused = (files.digest, error) } }
            throw error
        }
        state.withLock { state in
            state = State(identity: identity, servedDigest: files.digest)
        }
        logger.info(
            "Serving a renewed TLS certificate to new connections",
            metadata: [
                "tls.certificate.path": "\(chainURL.path)",
                "tls.certificate.serial": "\(identity.serialNumber)",
                "tls.certificate.names": "\(identity.subjectNames.joined(separator: ","))",
                "tls.certificate.not_after": "\(identity.notValidAfter.formatted(.iso8601))",
            ])
        return true
    }

    private func warnOfExpiryOnce(now: Date) {
        let warning = state.withLock { state -> String? in
            guard !state.warnedOfExpiry, let warning = state.identity.expiryWarning(now: now) else { return nil }
            state.warnedOfExpiry = true
            return warning
        }
        if let warning { logger.warning("\(warning)") }
    }

    private static func read(chainURL: URL, keyURL: URL) throws(TLSError)
        -> (chain: Data, key: Data, chainFile: TLSFile, keyFile: TLSFile, digest: [UInt8])
    {
        let chainFile = TLSFile(.certificateChain, path: chainURL.path)
        let keyFile = TLSFile(.privateKey, path: keyURL.path)
        let chain = try PEMFileIO.read(chainFile)
        let key = try PEMFileIO.read(keyFile)
        // Contents, not modification times: a rewrite within the same clock tick is still seen.
        var hasher = SHA256()
        hasher.update(data: SHA256.hash(data: chain).withUnsafeBytes { Data($0) })
        hasher.update(data: SHA256.hash(data: key).withUnsafeBytes { Data($0) })
        return (chain, key, chainFile, keyFile, Array(hasher.finalize()))
    }
}
