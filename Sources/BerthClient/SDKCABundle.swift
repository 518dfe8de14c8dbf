import BerthCore
import BerthTLS
public import Foundation

/// The PEM file `berth sdk env` points `REQUESTS_CA_BUNDLE` at: the system's trusted CAs plus the
/// workspace's own CA (and the router's CA file, when the server names another one).
///
/// `requests` replaces its whole trust store with that variable's file, so the workspace CA alone
/// would break every other https call the Python session makes; the system CAs alone would refuse
/// the upload proxy, whose certificates the workspace CA issues. Written to
/// `$BERTH_HOME/sdk/ca-bundle.pem` (0644: certificates are public) on every run, so a renewed CA
/// is picked up.
public enum SDKCABundle {
    /// Where systems keep their CA bundle: Debian, Ubuntu and Alpine; Fedora and RHEL; openSUSE; macOS.
    static let systemBundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ]

    /// The bundle file of a workspace.
    public static func url(in layout: WorkspaceLayout) -> URL {
        layout.sdk.appendingPathComponent("ca-bundle.pem")
    }

    /// The workspace CA certificate (`$BERTH_HOME/tls/ca.pem`), which exists once the server made it.
    public static func workspaceCA(in layout: WorkspaceLayout) -> URL {
        layout.root.appendingPathComponent("tls", isDirectory: true)
            .appendingPathComponent(WorkspaceCertificateAuthority.certificateFileName)
    }

    /// Writes the bundle and returns it with what it had to leave out.
    ///
    /// - Parameter environment: the caller's environment; `SSL_CERT_FILE` there names the system
    ///   bundle when it is not in a usual place.
    /// - Returns: the file and warnings for the user (a missing system bundle or workspace CA).
    public static func write(layout: WorkspaceLayout, server: ServerInfo, environment: [String: String]) throws
        -> (url: URL, warnings: [String])
    {
        var warnings: [String] = []
        var parts: [String] = []
        let systemCandidates = (environment["SSL_CERT_FILE"].map { [$0] } ?? []) + systemBundles
        let system = systemCandidates.lazy.compactMap { path in certificates(at: path).map { (path: path, pem: $0) } }
            .first
        if let system {
            parts.append("# System CAs (\(system.path))\n" + system.pem)
        } else {
            warnings.append(
                "No system CA bundle found (looked at SSL_CERT_FILE and \(systemBundles.joined(separator: ", "))), so "
                    + "the SDK trusts only Berth's CA; set SSL_CERT_FILE to your CA bundle and run this again.")
        }
        let workspaceCA = workspaceCA(in: layout).path
        if let pem = certificates(at: workspaceCA) {
            parts.append("# Berth workspace CA (\(workspaceCA))\n" + pem)
        } else if server.sdkProxyURL != nil {
            warnings.append(
                "The workspace CA '\(workspaceCA)' does not exist yet, so the SDK will not trust the upload proxy; "
                    + "restart 'berth server' and run this again.")
        }
        if let routerCA = server.routerCAFile, routerCA != workspaceCA, let pem = certificates(at: routerCA) {
            parts.append("# Berth router CA (\(routerCA))\n" + pem)
        }
        let file = url(in: layout)
        do {
            try FileManager.default.createDirectory(at: layout.sdk, withIntermediateDirectories: true)
            try Data(parts.joined(separator: "\n").utf8).write(to: file, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        } catch {
            throw BerthError(
                .internalError,
                "Cannot write the SDK's CA bundle '\(file.path)' (\(error.localizedDescription)); run the CLI as the "
                    + "user who runs the server.")
        }
        return (file, warnings)
    }

    /// The text of a readable PEM file holding at least one certificate, ending in a newline; else nil.
    private static func certificates(at path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            text.contains("-----BEGIN CERTIFICATE-----")
        else { return nil }
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
