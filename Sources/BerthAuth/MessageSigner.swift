import BerthCore
import Crypto
import Foundation

/// HMAC-SHA256 with a workspace key kept in a file of its own: signs short messages the server
/// hands out and later checks when they come back (the blob facade's upload URLs), so it keeps no
/// table of what it handed out.
///
/// The key is 32 random bytes, base64url in a mode-0600 file (`SecretFile`) made on first use;
/// signatures are checked in constant time.
///
/// ```swift
/// let signer = try MessageSigner(file: layout.sdk.appendingPathComponent("blob-key"))
/// let signature = signer.signature(of: "rcw\n2026-12-07T02:00:00Z\n/blob/acct/azureml/model.pkl")
/// assert(signer.isValid(signature, for: "rcw\n2026-12-07T02:00:00Z\n/blob/acct/azureml/model.pkl"))
/// ```
public struct MessageSigner: Sendable {
    /// The length of a key.
    public static let keyBytes = 32

    private let key: [UInt8]

    /// A signer with `key` (tests pass their own).
    public init(key: [UInt8]) {
        self.key = key
    }

    /// The key in `file`, read, or made when absent.
    ///
    /// - Throws: `BerthError` when the file cannot be read or written, or does not hold a key.
    /// - Parameter whatBreaks: what a new key invalidates, for the message when the file is bad.
    public init(file: URL, whatBreaks: String = "URLs signed with the old key then stop working") throws {
        let text = try SecretFile.readOrCreate(at: file) { SecretFile.randomToken(byteCount: Self.keyBytes) }
        guard let key = Base64URL.decode(text), key.count == Self.keyBytes else {
            throw BerthError(
                .internalError,
                "The key file '\(file.path)' does not hold a key; move it away and restart 'berth server' to make "
                    + "a new one (\(whatBreaks)).")
        }
        self.init(key: Array(key))
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message`.
    public func signature(of message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }

    /// Whether `signature` is this key's signature of `message`, compared in constant time.
    public func isValid(_ signature: some Collection<UInt8>, for message: String) -> Bool {
        ConstantTime.equals(signature, self.signature(of: message))
    }
}
