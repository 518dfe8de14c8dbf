import BerthAuth
import BerthCore
import Foundation

/// Shared access signatures (SAS) for the blob facade: upload and download URLs that name one
/// blob, what they allow (`r` read, `c` create, `w` write) and until when, signed with HMAC-SHA256
/// and the workspace's blob key (`$BERTH_HOME/sdk/blob-key`, mode 0600).
///
/// Signed rather than stored, so the server keeps no table of URLs it handed out, and a URL is
/// only good for the blob it names: a changed path, permission or expiry breaks the signature.
///
/// ```swift
/// let grants = try BlobGrants(workspace: layout, identity: identity)
/// let uri = grants.contentURI(
///     container: "azureml", name: "LocalUpload/261207T014732-9f2ea0fe/model.pkl", permissions: "rcw",
///     expiresAt: Date().addingTimeInterval(3600))
/// ```
struct BlobGrants: Sendable {
    /// The storage service version the URLs name (`sv`); Azure ML's SDK speaks it.
    static let serviceVersion = "2021-08-06"

    let identity: AzureWorkspaceIdentity
    private let signer: MessageSigner

    /// Grants signed with the workspace's blob key, made on first use.
    ///
    /// - Throws: `BerthError` when the key file cannot be read or written.
    init(workspace: WorkspaceLayout, identity: AzureWorkspaceIdentity) throws {
        self.init(signer: try MessageSigner(file: workspace.blobKeyFile), identity: identity)
    }

    /// Grants signed by `signer` (tests pass their own key).
    init(signer: MessageSigner, identity: AzureWorkspaceIdentity) {
        self.signer = signer
        self.identity = identity
    }

    /// `https://<blobHost>/<container>/<name>?sv=2021-08-06&sr=b&sp=<permissions>&se=<ISO8601>&sig=<base64>`
    /// (name path-escaped per segment): a URL Azure's blob client uploads to or reads from.
    func contentURI(container: String, name: String, permissions: String, expiresAt: Date) -> String {
        let address = BlobAddress(container: container, name: name)
        let expiry = Self.format(expiresAt)
        let signature = signer.signature(
            of: stringToSign(address, permissions: permissions, expiry: expiry, version: Self.serviceVersion))
        let query = [
            ("sv", Self.serviceVersion), ("sr", "b"), ("sp", permissions), ("se", expiry),
            ("sig", Data(signature).base64EncodedString()),
        ]
        return "https://\(identity.blobHost)\(address.escapedPath)?"
            + query.map { "\($0)=\(Self.queryEscaped($1))" }.joined(separator: "&")
    }

    /// The address of `candidates` that the SAS in `query` was signed for, once its expiry and
    /// permissions allow the request.
    ///
    /// - Parameters:
    ///   - query: the request's query parameters, unescaped.
    ///   - candidates: the readings of the request path (`BlobAddress.candidates(fromPath:)`).
    ///   - anyOf: the permission letters of which the request needs one (`"r"`, `"cw"`, `"w"`).
    ///   - operation: what the request does, for messages ("Put Blob").
    /// - Throws: `BlobStorageError` 403: `AuthenticationFailed` for a missing, wrong or expired
    ///   signature, `AuthorizationPermissionMismatch` when the SAS does not grant the operation.
    func authorize(
        _ query: [String: String], candidates: [BlobAddress], anyOf permissions: String, operation: String,
        now: Date = Date()
    ) throws(BlobStorageError) -> BlobAddress {
        let target = candidates.first?.description ?? "this blob"
        guard let version = query["sv"], query["sr"] == "b", let granted = query["sp"], let expiry = query["se"],
            let signatureText = query["sig"]
        else {
            throw .authenticationFailed(
                "The request for \(target) carries no complete shared access signature (sv, sr=b, sp, se, sig). "
                    + "Use the upload URL exactly as the workspace handed it out.")
        }
        let signature = Data(base64Encoded: signatureText).map(Array.init) ?? []
        let signed = candidates.first { address in
            signer.isValid(
                signature, for: stringToSign(address, permissions: granted, expiry: expiry, version: version))
        }
        guard let signed else {
            throw .authenticationFailed(
                "The signature does not match the request for \(target): the URL was changed, or signed for "
                    + "another blob or by another workspace. Use the URL exactly as the workspace handed it out.")
        }
        guard let expiresAt = try? Date(expiry, strategy: .iso8601), now < expiresAt else {
            throw .authenticationFailed(
                "The shared access signature for \(signed) expired at \(expiry). Ask the workspace for a new "
                    + "upload URL (register the model again).")
        }
        guard granted.contains(where: permissions.contains) else {
            let needed = permissions.map { "'\($0)'" }.joined(separator: " or ")
            throw .permissionMismatch(
                "This request is not authorized to perform \(operation) on \(signed): its shared access "
                    + "signature grants '\(granted)', and \(operation) needs \(needed). Ask for a URL with that "
                    + "permission.")
        }
        return signed
    }

    /// What a SAS signs: every parameter that changes its meaning, one per line.
    private func stringToSign(_ address: BlobAddress, permissions: String, expiry: String, version: String) -> String {
        [permissions, expiry, "/blob/\(identity.storageAccount)/\(address.container)/\(address.name)", version, "b"]
            .joined(separator: "\n")
    }

    /// `2026-12-07T01:47:32Z`: whole seconds, as Azure writes `se`.
    static func format(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601)
    }

    /// A query value with everything but RFC 3986's unreserved characters escaped (`+`, `/` and `=`
    /// of a base64 signature, `:` of a time).
    private static func queryEscaped(_ value: String) -> String {
        BlobAddress.escaped(value)
    }
}

extension WorkspaceLayout {
    /// `sdk/blob-key`: the key the blob facade signs its URLs with (0600).
    var blobKeyFile: URL { sdk.appendingPathComponent("blob-key") }
    /// `sdk/blocks`: blocks put but not yet committed by a block list.
    var blobBlocks: URL { sdk.appendingPathComponent("blocks", isDirectory: true) }
}
