import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The certificates one listener serves by the name a client asks for (TLS SNI): one per compute
/// target with an `sslConfiguration`, registered and replaced while the server runs.
///
/// The local router serves every local compute target on one port, so each compute's cname
/// selects its own certificate. Each certificate is a `ReloadingTLSContext`: renewal by replacing
/// its files reaches new connections within seconds (`run()` checks them all).
package final class ServerNameCertificates: Sendable {
    private struct Entry: Sendable {
        var serverName: String
        var context: ReloadingTLSContext
    }

    /// By owner (a compute target's name).
    private let entries = Mutex<[String: Entry]>([:])
    let logger: Logger

    package init(logger: Logger = Logger(label: "berth.tls")) {
        self.logger = logger
    }

    /// Serves `context` for `serverName` (case-insensitive) in place of what `owner` had.
    package func register(owner: String, serverName: String, context: ReloadingTLSContext) {
        entries.withLock { $0[owner] = Entry(serverName: serverName.lowercased(), context: context) }
    }

    /// Stops serving `owner`'s certificate.
    package func remove(owner: String) {
        _ = entries.withLock { $0.removeValue(forKey: owner) }
    }

    /// Whether any certificate is registered: a plain listener need not look for TLS before.
    package var isEmpty: Bool {
        entries.withLock { $0.isEmpty }
    }

    /// The certificate for the name a client sent, or nil when no registered one matches.
    package func context(forServerName name: String) -> ReloadingTLSContext? {
        let name = name.lowercased()
        return entries.withLock { entries in entries.values.first { $0.serverName == name }?.context }
    }

    /// A TLS handler for a connection that asked for `serverName` (nil: the client sent none),
    /// falling back to `fallback`, and, without one, to the only registered certificate.
    package func makeServerHandler(serverName: String?, fallback: ReloadingTLSContext?) -> NIOSSLServerHandler? {
        if let serverName, let context = context(forServerName: serverName) { return context.makeServerHandler() }
        if let fallback { return fallback.makeServerHandler() }
        let only = entries.withLock { $0.count == 1 ? $0.values.first?.context : nil }
        return only?.makeServerHandler()
    }

    /// Re-reads every registered pair of files (see `ReloadingTLSContext.reloadIfChanged`).
    package func reloadChanged() {
        let contexts = entries.withLock { $0.values.map(\.context) }
        for context in contexts { _ = try? context.reloadIfChanged() }
    }
}

extension ServerNameCertificates: Service {
    /// Checks every certificate's files every 5 s until graceful shutdown or cancellation.
    package func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(5)) } catch { return }
                self.reloadChanged()
            }
        }
    }
}
