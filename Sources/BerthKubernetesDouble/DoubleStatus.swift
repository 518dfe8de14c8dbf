import BerthCore

/// A `Status` body, as the API server sends with every error.
struct DoubleStatus: Error, Sendable {
    var code: Int
    var reason: String
    var message: String

    var body: JSONValue {
        [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .number(Double(code)),
        ]
    }

    static func notFound(_ kind: DoubleKind, _ name: String) -> Self {
        Self(code: 404, reason: "NotFound", message: "\(kind.plural) \"\(name)\" not found")
    }

    static func alreadyExists(_ kind: DoubleKind, _ name: String) -> Self {
        Self(code: 409, reason: "AlreadyExists", message: "\(kind.plural) \"\(name)\" already exists")
    }

    static func conflict(_ kind: DoubleKind, _ name: String) -> Self {
        Self(
            code: 409, reason: "Conflict",
            message:
                "Operation cannot be fulfilled on \(kind.plural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again"
        )
    }

    static func invalid(_ kind: DoubleKind, _ name: String, _ detail: String) -> Self {
        Self(code: 422, reason: "Invalid", message: "\(kind.kind) \"\(name)\" is invalid: \(detail)")
    }

    static func gone(_ message: String) -> Self { Self(code: 410, reason: "Expired", message: message) }
    static func badRequest(_ message: String) -> Self { Self(code: 400, reason: "BadRequest", message: message) }
    static func methodNotAllowed() -> Self {
        Self(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
    }
}
