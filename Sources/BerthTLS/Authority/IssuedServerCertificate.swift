import Foundation

/// A server certificate the workspace CA issued, in the PEM forms servers and files take.
///
/// Its description and mirror leave the private key out, so logging or dumping it by mistake
/// does not leak the key.
package struct IssuedServerCertificate: Sendable, CustomStringConvertible, CustomReflectable {
    /// The server's own certificate.
    package var certificatePEM: String
    /// The server's certificate followed by the CA's: what a server presents.
    package var certificateChainPEM: String
    /// The server's private key (PKCS #8). Keep it in a 0600 file or in memory only.
    package var privateKeyPEM: String
    /// When the certificate expires.
    package var notValidAfter: Date

    /// Writes the key (mode 0600, from its first byte) and the chain (mode 0644), each replaced
    /// atomically. Between the two renames the pair does not match; `ReloadingTLSContext`
    /// refuses such a pair and takes the new one once both files are in place.
    package func write(certificateChainTo chainURL: URL, privateKeyTo keyURL: URL) throws(TLSError) {
        try PEMFileIO.write(privateKeyPEM, to: keyURL, mode: 0o600)
        try PEMFileIO.write(certificateChainPEM, to: chainURL, mode: 0o644)
    }

    package var description: String {
        "IssuedServerCertificate(notValidAfter: \(notValidAfter.formatted(.iso8601)))"
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["notValidAfter": notValidAfter])
    }
}
