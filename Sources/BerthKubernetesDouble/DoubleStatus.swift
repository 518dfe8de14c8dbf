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
        Self(code: 422, reason: "Invalid", message: "\(kind.qualifiedKind) \"\(name)\" is invalid: \(detail)")
    }

    static func gone(_ message: String) -> Self { Self(code: 410, reason: "Expired", message: message) }
    static func badRequest(_ message: String) -> Self { Self(code: 400, reason: "BadRequest", message: message) }
    static func methodNotAllowed() -> Self {
        Self(
            code: 405, reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested resource")
    }
}

extension DoubleStatus {
    /// What the API server answers a create in a namespace that is being deleted.
    static func namespaceTerminating(_ kind: DoubleKind, _ name: String, namespace: String) -> Self {
        Self(
            code: 403, reason: "Forbidden",
            message:
                "\(kind.plural) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated"
        )
    }

    /// What the API server answers an object carrying a label that is not a valid label.
    static func invalidLabel(_ kind: DoubleKind, _ name: String, field: String, value: String, isKey: Bool) -> Self {
        let rule =
            isKey
            ? "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
            : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        return invalid(kind, name, "\(field): Invalid value: \"\(value)\": \(rule)")
    }
}
