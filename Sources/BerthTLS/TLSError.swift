import Foundation

/// What went wrong with a TLS file or certificate, worded for the operator who has to fix it:
/// every message names the file and says what to do next.
///
/// Messages never contain key material; parse errors of private keys are summarised, not echoed.
package enum TLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file is not there.
    case missingFile(TLSFile)
    /// The file is there but cannot be read (permissions, a folder in its place).
    case unreadableFile(TLSFile, reason: String)
    /// The file holds no PEM block of the kind its role needs.
    case notPEM(TLSFile)
    /// The private key is not the one the certificate was issued for.
    case keyDoesNotMatchCertificate(key: TLSFile, certificate: TLSFile)
    /// The (leaf) certificate's validity ended before now.
    case expired(TLSFile, notValidAfter: Date)
    /// The (leaf) certificate's validity starts after now.
    case notYetValid(TLSFile, notValidBefore: Date)
    /// The authority folder has one of its two files but not the other.
    case incompleteAuthority(present: TLSFile, missing: TLSFile)
    /// A file or folder could not be written.
    case cannotWrite(path: String, reason: String)
    /// A server name is neither a DNS name nor an IP address, or none was given.
    case invalidServerName(String)
    /// Building a certificate failed inside the certificate library.
    case cannotIssue(reason: String)
    /// The files parse and match, yet the TLS library refuses them (an unsupported key type, say).
    case rejectedByTLSLibrary(certificate: TLSFile, key: TLSFile, reason: String)

    package var description: String {
        switch self {
        case .missingFile(let file):
            "\(file.capitalized) does not exist; \(file.remedy)."
        case .unreadableFile(let file, let reason):
            "\(file.capitalized) cannot be read (\(reason)); make it readable by the user that runs berth."
        case .notPEM(let file):
            "\(file.capitalized) is not \(file.role.expectedContent); \(file.remedy)."
        case .keyDoesNotMatchCertificate(let key, let certificate) where key.role == .authorityKey:
            "The private key in \(key) does not belong to the certificate in \(certificate); \(key.remedy)."
        case .keyDoesNotMatchCertificate(let key, let certificate):
            "The private key in \(key) does not belong to the certificate in \(certificate); "
                + "install the key that was generated together with this certificate (both files of one renewal)."
        case .expired(let file, let notValidAfter):
            "The certificate in \(file) expired on \(Self.format(notValidAfter)); \(file.renewal)."
        case .notYetValid(let file, let notValidBefore):
            "The certificate in \(file) is not valid before \(Self.format(notValidBefore)); "
                + "check this machine's clock, or \(file.renewal)."
        case .incompleteAuthority(let present, let missing):
            "\(present.capitalized) exists but \(missing) does not; \(TLSFile.Role.authorityCertificate.remedy)."
        case .cannotWrite(let path, let reason):
            "Cannot write '\(path)' (\(reason)); check that its folder exists and is writable by the user that runs berth."
        case .invalidServerName(let name) where name.isEmpty:
            "A server certificate needs at least one non-empty DNS name or IP address."
        case .invalidServerName(let name):
            "'\(name)' is neither a DNS name nor an IP address; pass host names such as localhost as DNS names "
                + "and addresses such as 127.0.0.1 or ::1 as IP addresses."
        case .cannotIssue(let reason):
            "Cannot issue the certificate (\(reason))."
        case .rejectedByTLSLibrary(let certificate, let key, let reason):
            "The TLS library refuses the certificate in \(certificate) with the key in \(key) (\(reason)); "
                + "use an ECDSA P-256/P-384 or RSA (2048 bits or more) key and its certificate."
        }
    }

    private static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
