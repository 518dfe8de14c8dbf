import BerthCore

/// The one error type of the Kubernetes backend: a kubeconfig Berth cannot use, an API server it
/// cannot reach, or a `Status` body the API server answered with.
///
/// `code` is stable and bounded (safe as a metric label); `message` tells the user what to do.
/// `berthError` maps it onto the control plane's error codes at the API boundary.
public struct KubernetesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable error code. New codes are added as static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The kubeconfig is missing, malformed or names something it does not define.
        public static let kubeconfig = Self("Kubeconfig")
        /// The API server could not be reached (connection, TLS or timeout).
        public static let unreachable = Self("Unreachable")
        /// 401: the credentials were refused.
        public static let unauthorized = Self("Unauthorized")
        /// 403: the credentials lack a permission.
        public static let forbidden = Self("Forbidden")
        /// 404: no such object.
        public static let notFound = Self("NotFound")
        /// 409: the object exists already, or changed since it was read.
        public static let conflict = Self("Conflict")
        /// 422: the API server rejected the object's content.
        public static let invalid = Self("Invalid")
        /// 410: a watch's resourceVersion is too old; list again.
        public static let gone = Self("Gone")
        /// Any other answer the API server gave.
        public static let apiError = Self("APIError")
        /// The cluster does not meet Berth's requirements (capacity, already attached).
        public static let refused = Self("Refused")
        /// A namespace Berth needs is still being deleted after the wait for it ran out.
        public static let namespaceTerminating = Self("NamespaceTerminating")
    }

    public var code: Code
    public var message: String
    /// The HTTP status the API server answered with, when it answered.
    public var httpStatus: Int?
    /// The `reason` of the API server's `Status` body (`NotFound`, `AlreadyExists`, `Invalid`, …).
    public var reason: String?

    public init(_ code: Code, _ message: String, httpStatus: Int? = nil, reason: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.reason = reason
    }

    public var description: String { message }

    static func kubeconfig(_ message: String) -> Self { Self(.kubeconfig, message) }

    /// The same failure as the control plane reports it (HTTP status of Berth's own API).
    public var berthError: BerthError {
        switch code {
        case .kubeconfig: BerthError.invalidConfiguration(message)
        case .notFound: BerthError.notFound(message)
        case .conflict: reason == "AlreadyExists" ? BerthError.alreadyExists(message) : BerthError.conflict(message)
        case .invalid: BerthError.badRequest(message)
        case .unauthorized, .forbidden: BerthError(.unauthorized, message)
        case .refused: BerthError(.insufficientCapacity, message)
        case .unreachable: BerthError(.unavailable, message)
        case .namespaceTerminating: BerthError.conflict(message)
        default: BerthError(.internalError, message)
        }
    }
}
