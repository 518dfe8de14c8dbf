import BerthCore

/// The security settings every Berth Pod runs with: a non-root user, a read-only root filesystem
/// (writable `emptyDir`s mounted where something must write), no privilege escalation, every
/// capability dropped, the runtime's default seccomp profile.
public enum PodHardening {
    /// The unprivileged user and group of the runtime image (`deploy/Dockerfile`).
    public static let userID = 10001

    /// The Pod-level security context.
    public static var podSecurityContext: JSONValue {
        [
            "runAsNonRoot": true,
            "runAsUser": .number(Double(userID)),
            "runAsGroup": .number(Double(userID)),
            "fsGroup": .number(Double(userID)),
            "seccompProfile": ["type": "RuntimeDefault"],
        ]
    }

    /// The container-level security context.
    public static var containerSecurityContext: JSONValue {
        [
            "runAsNonRoot": true,
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": true,
            "privileged": false,
            "capabilities": ["drop": ["ALL"]],
        ]
    }

    /// An `emptyDir` volume (optionally in memory, with a size limit).
    static func emptyDir(_ name: String, medium: String? = nil, sizeLimit: String? = nil) -> JSONValue {
        var source: [String: JSONValue] = [:]
        if let medium { source["medium"] = .string(medium) }
        if let sizeLimit { source["sizeLimit"] = .string(sizeLimit) }
        return ["name": .string(name), "emptyDir": .object(source)]
    }

    static func mount(_ name: String, at path: String, readOnly: Bool = false) -> JSONValue {
        ["name": .string(name), "mountPath": .string(path), "readOnly": .bool(readOnly)]
    }
}
