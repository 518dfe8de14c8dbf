import Foundation

/// A blob's container and name, and the request path that addresses them.
///
/// Names are kept unescaped; paths escape each segment (everything but RFC 3986's unreserved
/// characters), as Azure's SDK does.
struct BlobAddress: Hashable, Sendable, CustomStringConvertible {
    var container: String
    var name: String

    /// `/<container>/<name>` with each segment path-escaped.
    var escapedPath: String {
        "/"
            + ([container] + name.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
            .map(Self.escaped).joined(separator: "/")
    }

    var description: String { "'\(container)/\(name)'" }

    /// The addresses a request path may mean, most likely first: its segments unescaped once, then,
    /// when that leaves escapes, twice.
    ///
    /// Azure ML's upload helper passes the path of an upload URL to the blob client as the blob's
    /// name and the client escapes it again, so a name with a space arrives as `a%2520b`; the grant
    /// then tells which reading was signed.
    ///
    /// - Throws: `BlobStorageError.unsupported` when the path names no blob in a valid container.
    static func candidates(fromPath path: String) throws(BlobStorageError) -> [BlobAddress] {
        let segments = path.drop { $0 == "/" }.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard path.hasPrefix("/"), segments.count == 2,
            let container = segments.first.flatMap({ String($0).removingPercentEncoding }),
            let name = segments.last.flatMap({ String($0).removingPercentEncoding }), !name.isEmpty
        else {
            throw .unsupported(
                "The path '\(path)' names no blob: blob requests go to /<container>/<blob name>, as in the upload "
                    + "URL the workspace handed out.")
        }
        guard isValidContainer(container) else {
            throw .unsupported(
                "'\(container)' is not a valid container name: 3–63 lowercase letters, digits and hyphens.")
        }
        var addresses = [BlobAddress(container: container, name: name)]
        if name.contains("%"), let twice = name.removingPercentEncoding, twice != name, !twice.isEmpty {
            addresses.append(BlobAddress(container: container, name: twice))
        }
        return addresses
    }

    /// Azure's rule for container names: 3–63 lowercase letters, digits and hyphens.
    static func isValidContainer(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// `segment` with every byte but RFC 3986's unreserved characters percent-escaped.
    static func escaped(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            let isUnreserved =
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if isUnreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
