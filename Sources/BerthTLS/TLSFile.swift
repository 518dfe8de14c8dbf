/// A certificate or key file as errors and logs name it: its role (what it should hold, and so
/// what the fix is) and where it is, or nil when the PEM came from memory.
package struct TLSFile: Hashable, Sendable, CustomStringConvertible {
    /// What the file holds; decides the wording of messages and the suggested fix.
    package enum Role: Hashable, Sendable {
        /// A server's certificate chain, leaf first.
        case certificateChain
        /// A server's private key.
        case privateKey
        /// The workspace CA's certificate (`ca.pem`).
        case authorityCertificate
        /// The workspace CA's private key (`ca-key.pem`).
        case authorityKey

        var expectedContent: String {
            switch self {
            case .certificateChain, .authorityCertificate: "a PEM certificate ('-----BEGIN CERTIFICATE-----')"
            case .privateKey, .authorityKey: "an unencrypted PEM private key ('-----BEGIN PRIVATE KEY-----')"
            }
        }

        var remedy: String {
            switch self {
            case .certificateChain:
                "write the server's certificate chain there in PEM, the server's own certificate first"
            case .privateKey:
                "write the server's private key there in PEM, unencrypted, with mode 0600"
            case .authorityCertificate, .authorityKey:
                "delete the folder's ca.pem and ca-key.pem to make a new CA "
                    + "(certificates the old CA issued are then no longer trusted)"
            }
        }

        var renewal: String {
            switch self {
            case .certificateChain, .privateKey: "renew it and write the new certificate chain and key in its place"
            case .authorityCertificate, .authorityKey: remedy
            }
        }
    }

    package var role: Role
    /// The file's path, or nil for PEM passed in memory.
    package var path: String?

    package init(_ role: Role, path: String?) {
        self.role = role
        self.path = path
    }

    /// "ca-key.pem in /x" for the CA's files, "'/x/server.pem'" for a server's, and a plain
    /// phrase for in-memory PEM.
    package var description: String {
        guard let path else {
            switch role {
            case .certificateChain: return "the in-memory certificate chain"
            case .privateKey: return "the in-memory private key"
            case .authorityCertificate: return "the in-memory CA certificate"
            case .authorityKey: return "the in-memory CA key"
            }
        }
        switch role {
        case .authorityCertificate, .authorityKey:
            let slash = path.lastIndex(of: "/")
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            let folder = slash.map { String(path[..<$0]) } ?? "."
            return "\(name) in \(folder.isEmpty ? "/" : folder)"
        case .certificateChain, .privateKey:
            return "'\(path)'"
        }
    }

    var capitalized: String {
        path == nil ? description.prefix(1).uppercased() + description.dropFirst() : description
    }

    var remedy: String { role.remedy }
    var renewal: String { role.renewal }
}
