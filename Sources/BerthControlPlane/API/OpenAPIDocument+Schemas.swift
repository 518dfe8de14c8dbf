import Foundation

extension OpenAPIDocument {
    /// The document's top level, parsed once.
    /// Never written after it is parsed, so reading it from any task is safe.
    nonisolated(unsafe) private static let object: [String: Any] = {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            preconditionFailure("openapi/berth.json is not a JSON object")
        }
        return object
    }()

    /// The values the document allows at `path` (JSON keys and array indexes, as a decoding error's
    /// coding path names them) of operation `operationID`'s JSON request body, or of its parameter
    /// `path[0]` when the body has none there; nil where it declares no `enum`. Used to tell a
    /// client what to send instead of a value the generated types refuse.
    static func allowedValues(operationID: String, at path: [String]) -> [String]? {
        guard let operation = operation(id: operationID) else { return nil }
        let body =
            (((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"]
            as? [String: Any])?["schema"]
        if let body, let values = enumValues(of: schema(body, at: path)) { return values }
        guard path.count == 1 else { return nil }
        let parameters = (operation["parameters"] as? [Any] ?? []).compactMap { resolved($0) }
        let parameter = parameters.first { $0["name"] as? String == path[0] }
        return enumValues(of: parameter?["schema"])
    }

    private static func operation(id: String) -> [String: Any]? {
        for case let item as [String: Any] in (object["paths"] as? [String: Any] ?? [:]).values {
            for case let operation as [String: Any] in item.values where operation["operationId"] as? String == id {
                return operation
            }
        }
        return nil
    }

    /// The schema at `path` under `schema`, through `$ref`s, `allOf` and array items.
    private static func schema(_ schema: Any?, at path: [String]) -> [String: Any]? {
        guard var current = resolved(schema) else { return nil }
        for key in path {
            if Int(key) != nil, let items = resolved(current["items"]) {
                current = items
                continue
            }
            let parts = [current] + (current["allOf"] as? [Any] ?? []).compactMap { resolved($0) }
            guard let next = parts.lazy.compactMap({ resolved(($0["properties"] as? [String: Any])?[key]) }).first
            else { return nil }
            current = next
        }
        return current
    }

    /// A schema with its `$ref` followed (components only).
    private static func resolved(_ schema: Any?) -> [String: Any]? {
        guard let schema = schema as? [String: Any] else { return nil }
        guard let reference = schema["$ref"] as? String else { return schema }
        let parts = reference.split(separator: "/").dropFirst().map(String.init)
        var node: Any? = object
        for part in parts { node = (node as? [String: Any])?[part] }
        return resolved(node)
    }

    private static func enumValues(of schema: Any?) -> [String]? {
        guard let schema = resolved(schema) else { return nil }
        if let values = schema["enum"] as? [Any] { return values.map { "\($0)" } }
        let parts = (schema["allOf"] as? [Any] ?? []).compactMap { resolved($0) }
        return parts.lazy.compactMap { $0["enum"] as? [Any] }.first.map { $0.map { "\($0)" } }
    }
}
