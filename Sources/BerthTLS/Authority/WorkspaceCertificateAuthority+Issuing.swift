import Crypto
import Foundation
import SwiftASN1
import X509

extension WorkspaceCertificateAuthority {
    /// How long a server certificate is valid unless the caller says otherwise: one year.
    package static let defaultServerValidity: Duration = .seconds(365 * 86_400)

    /// A new server certificate for `dnsNames` and `ipAddresses`, with its own new P-256 key,
    /// signed by this CA (extended key usage serverAuth).
    ///
    /// The certificate is valid from five minutes before `now` (clients with a slightly slow
    /// clock accept it at once) for `validity`. Its common name is the first name given.
    package func issueServerCertificate(
        dnsNames: [String],
        ipAddresses: [String] = [],
        validity: Duration = defaultServerValidity,
        now: Date = Date()
    ) throws(TLSError) -> IssuedServerCertificate {
        let names = try Self.subjectAlternativeNames(dnsNames: dnsNames, ipAddresses: ipAddresses)
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let leaf: Certificate
        do {
            let authorityKeyID = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            leaf = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-300),
                notValidAfter: now.addingTimeInterval(TimeInterval(validity.components.seconds)),
                issuer: certificate.subject,
                subject: try DistinguishedName { CommonName(dnsNames.first ?? ipAddresses[0]) },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(names)
                    SubjectKeyIdentifier(hash: key.publicKey)
                    AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                },
                issuerPrivateKey: privateKey)
        } catch {
            throw .cannotIssue(reason: "cannot build the server certificate: \(error)")
        }
        let leafPEM = try PEMContents.pem(leaf)
        return IssuedServerCertificate(
            certificatePEM: leafPEM,
            certificateChainPEM: leafPEM + "\n" + certificatePEM.trimmingCharacters(in: .newlines) + "\n",
            privateKeyPEM: signingKey.pemRepresentation + "\n",
            notValidAfter: leaf.notValidAfter)
    }

    /// The subjectAltName entries, after checking each name is of the kind it is passed as.
    private static func subjectAlternativeNames(dnsNames: [String], ipAddresses: [String]) throws(TLSError)
        -> [GeneralName]
    {
        guard !(dnsNames + ipAddresses).isEmpty else { throw .invalidServerName("") }
        var names: [GeneralName] = []
        for name in dnsNames {
            guard isDNSName(name) else { throw .invalidServerName(name) }
            names.append(.dnsName(name))
        }
        for address in ipAddresses {
            guard let bytes = IPAddressBytes.parse(address) else { throw .invalidServerName(address) }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        return names
    }

    /// Letters, digits, hyphens and dots (a leading "*." for a wildcard), and not an IP address:
    /// clients match an address only against an IP entry.
    private static func isDNSName(_ name: String) -> Bool {
        let body = name.hasPrefix("*.") ? name.dropFirst(2) : Substring(name)
        let allowed = body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
        return !body.isEmpty && allowed && !body.hasPrefix(".") && IPAddressBytes.parse(name) == nil
    }
}
