import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error of the blob facade, answered as Azure Blob Storage answers it: a status, the code in
/// `x-ms-error-code` and an XML `<Error><Code>…</Code><Message>…</Message></Error>` body, so Azure's
/// SDK raises the exception it raises against Azure (`ResourceExistsError` on `BlobAlreadyExists`,
/// say) and shows the message.
///
/// Codes are Azure's own (bounded, safe as metric labels); messages say what was wrong with which
/// blob and what to do, and never contain a signature or key.
struct BlobStorageError: Error, HTTPResponseError, CustomStringConvertible {
    var status: HTTPResponse.Status
    var code: BerthError.Code
    var message: String
    /// The request this error answers (`x-ms-request-id`), added by `BlobResponseMiddleware`.
    var requestID: String?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = BerthError.Code(code)
        self.message = message
    }

    var description: String { "\(code): \(message)" }

    var headers: HTTPFields {
        [.contentType: "application/xml", BlobHeader.errorCode: code.rawValue]
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        // Azure ends every message with the request id and the time, which its SDK shows too.
        let time = Date().formatted(.iso8601)
        let text = message + (requestID.map { "\nRequestId:\($0)" } ?? "") + "\nTime:\(time)"
        let body =
            #"<?xml version="1.0" encoding="utf-8"?><Error><Code>"# + code.rawValue + "</Code><Message>"
            + Self.xmlEscaped(text) + "</Message></Error>"
        var headers = self.headers
        if let requestID { headers[.requestID] = requestID }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension BlobStorageError {
    /// 403 `AuthenticationFailed`: no SAS, a wrong signature (altered, or for another blob) or an
    /// expired one.
    static func authenticationFailed(_ message: String) -> Self { Self(.forbidden, "AuthenticationFailed", message) }
    /// 403 `AuthorizationPermissionMismatch`: a valid SAS that does not grant this operation.
    static func permissionMismatch(_ message: String) -> Self {
        Self(.forbidden, "AuthorizationPermissionMismatch", message)
    }
    /// 404 `BlobNotFound`.
    static func blobNotFound(container: String, name: String) -> Self {
        Self(
            .notFound, "BlobNotFound",
            "The specified blob does not exist: no blob '\(name)' in container '\(container)'. Upload it first.")
    }
    /// 409 `BlobAlreadyExists`: `If-None-Match: *` and the name is taken.
    static func blobAlreadyExists(container: String, name: String) -> Self {
        Self(
            .conflict, "BlobAlreadyExists",
            "The specified blob already exists: '\(name)' in container '\(container)'. Upload under a new name, "
                + "or without 'If-None-Match: *' (overwrite=True) to replace it.")
    }
    /// 400 `InvalidBlockList`: a block list naming a block that was never put, or malformed XML.
    static func invalidBlockList(_ message: String) -> Self { Self(.badRequest, "InvalidBlockList", message) }
    /// 400 `Md5Mismatch`: the body does not hash to the `Content-sha256` its client announced.
    ///
    /// Azure has no code for SHA-256 (its SDK sends this header only to Azure ML's own storage);
    /// `Md5Mismatch` is the code Azure gives the same failure with MD5, and what clients retry on.
    static func contentHashMismatch(what: String, announced: String, actual: String) -> Self {
        Self(
            .badRequest, "Md5Mismatch",
            "The SHA-256 of \(what) is '\(actual)', not the '\(announced)' sent in Content-sha256: the bytes "
                + "changed on the way, and nothing was stored. Retry the upload.")
    }
    /// 400 `InvalidHeaderValue`.
    static func invalidHeader(_ name: String, _ problem: String) -> Self {
        Self(.badRequest, "InvalidHeaderValue", "The value of header '\(name)' \(problem).")
    }
    /// 400 `InvalidQueryParameterValue`.
    static func invalidQuery(_ name: String, _ problem: String) -> Self {
        Self(.badRequest, "InvalidQueryParameterValue", "The value of query parameter '\(name)' \(problem).")
    }
    /// 413 `RequestBodyTooLarge`.
    static func bodyTooLarge(limitBytes: Int64, what: String) -> Self {
        Self(
            .contentTooLarge, "RequestBodyTooLarge",
            "The body of \(what) is larger than this server's limit of \(limitBytes) bytes; upload large files in "
                + "blocks (Azure's SDK does so above max_single_put_size) of at most that size each.")
    }
    /// 400 `InvalidUri`: a path that names no blob, or an operation the facade does not serve.
    static func unsupported(_ message: String) -> Self { Self(.badRequest, "InvalidUri", message) }
    /// 416 `InvalidRange`.
    static func invalidRange(_ range: String, size: Int64) -> Self {
        Self(
            .rangeNotSatisfiable, "InvalidRange",
            "The range '\(range)' does not fit a blob of \(size) bytes; ask for bytes 0–\(max(0, size - 1)).")
    }
}

/// The `x-ms-…` headers of the blob protocol, kept in one namespace of the blob facade's own.
enum BlobHeader {
    /// `x-ms-error-code`: Azure's error code, the same as the XML body's.
    static let errorCode = HTTPField.Name("x-ms-error-code")!
    /// `x-ms-client-request-id`: the client's own id, echoed.
    static let clientRequestID = HTTPField.Name("x-ms-client-request-id")!
    /// `x-ms-version`: the storage service version of the answer.
    static let version = HTTPField.Name("x-ms-version")!
    /// `x-ms-blob-type`: always `BlockBlob` here.
    static let blobType = HTTPField.Name("x-ms-blob-type")!
    /// `x-ms-blob-content-type`: the content type a blob is stored with.
    static let blobContentType = HTTPField.Name("x-ms-blob-content-type")!
    /// `Content-sha256`: base64 SHA-256 of a request body, as Azure ML's vendored client sends it.
    static let contentSHA256 = HTTPField.Name("Content-sha256")!
    /// `x-ms-request-server-encrypted`: Azure says true; the bytes sit in the workspace's store.
    static let serverEncrypted = HTTPField.Name("x-ms-request-server-encrypted")!
    /// `x-ms-range`: Azure's name for `Range`, preferred when both are sent.
    static let range = HTTPField.Name("x-ms-range")!
}
