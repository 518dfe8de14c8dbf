import Foundation
import SwiftASN1
import X509

/// Turns PEM text into certificates and keys, mapping every parse failure to a `TLSError` that
/// names the file. Text between PEM blocks is ignored, as OpenSSL does.
enum PEMContents {
    /// The discriminators of the unencrypted private-key formats: PKCS #8, SEC 1 and PKCS #1.
    private static let keyDiscriminators: Set<String> = ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"]

    /// Every `CERTIFICATE` block in `data`, in order; at least one.
    static func certificates(in data: Data, file: TLSFile) throws(TLSError) -> [Certificate] {
        guard let documents = try? PEMDocument.parseMultiple(pemString: String(decoding: data, as: UTF8.self))
        else { throw .notPEM(file) }
        let certificates = documents.filter { $0.discriminator == "CERTIFICATE" }.compactMap {
            try? Certificate(pemDocument: $0)
        }
        guard !certificates.isEmpty,
            certificates.count == documents.filter({ $0.discriminator == "CERTIFICATE" }).count
        else { throw .notPEM(file) }
        return certificates
    }

    /// The first private key in `data` and its PEM block on its own (without other blocks, such
    /// as the `EC PARAMETERS` that `openssl ecparam -genkey` writes first).
    static func privateKey(in data: Data, file: TLSFile) throws(TLSError) -> (key: Certificate.PrivateKey, pem: String)
    {
        guard let documents = try? PEMDocument.parseMultiple(pemString: String(decoding: data, as: UTF8.self)),
            let document = documents.first(where: { keyDiscriminators.contains($0.discriminator) }),
            let key = try? Certificate.PrivateKey(pemDocument: document)
        else { throw .notPEM(file) }
        return (key, document.pemString)
    }

    /// `certificate` as a PEM block.
    static func pem(_ certificate: Certificate) throws(TLSError) -> String {
        do {
            return try certificate.serializeAsPEM().pemString
        } catch {
            throw .cannotIssue(reason: "cannot encode the certificate: \(error)")
        }
    }
}
