import BerthCore
import Foundation

/// One page of a list, as a real API server cuts it when the client sends `limit`: at most
/// `limit` items, and a `continue` token for the rest whose pages report the first page's
/// `resourceVersion` (so a watch started from it misses nothing).
struct DoubleListPage {
    var items: [JSONValue]
    var resourceVersion: Int
    var continueToken: String?
    var remainingItemCount: Int?

    /// Cuts `items` (sorted by namespace, then name) after the object the token names.
    static func page(items: [JSONValue], version: Int, limit: Int?, continue token: String?) throws(DoubleStatus)
        -> Self
    {
        var version = version
        var rest = items
        if let token, !token.isEmpty {
            guard
                let decoded = Data(base64Encoded: Self.standardBase64(token)).map({
                    String(decoding: $0, as: UTF8.self)
                }),
                case let parts = decoded.split(separator: "\n", omittingEmptySubsequences: false), parts.count == 3,
                let first = Int(parts[0])
            else { throw DoubleStatus.badRequest("continue key is not valid: illegal base64 data") }
            version = first
            let after = (String(parts[1]), String(parts[2]))
            rest = items.filter { position(of: $0) > after }
        }
        guard let limit, limit > 0, rest.count > limit else {
            return Self(items: rest, resourceVersion: version, continueToken: nil, remainingItemCount: nil)
        }
        let page = Array(rest.prefix(limit))
        let (namespace, name) = position(of: page[page.count - 1])
        // URL-safe and unpadded, as a real API server's tokens are, so it needs no escaping in a query.
        let next = Data("\(version)\n\(namespace)\n\(name)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return Self(items: page, resourceVersion: version, continueToken: next, remainingItemCount: rest.count - limit)
    }

    private static func standardBase64(_ token: String) -> String {
        let standard = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return standard + String(repeating: "=", count: (4 - standard.count % 4) % 4)
    }

    private static func position(of object: JSONValue) -> (String, String) {
        (object["metadata"]?["namespace"]?.stringValue ?? "", object["metadata"]?["name"]?.stringValue ?? "")
    }

    func body(kind: DoubleKind) -> JSONValue {
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(resourceVersion))]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        if let remainingItemCount { metadata["remainingItemCount"] = .number(Double(remainingItemCount)) }
        return [
            "kind": .string("\(kind.kind)List"), "apiVersion": .string(kind.apiVersion),
            "metadata": .object(metadata), "items": .array(items),
        ]
    }
}
