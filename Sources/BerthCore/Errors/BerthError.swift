/// The one error type Berth's domain reports, shaped like `ServiceGroupError`: a stable `code`
/// that is safe as a metric label and maps to an HTTP status, and a `message` a user can act on.
///
/// Messages name the file, field or resource and say what to do next. They never contain secrets.
public struct BerthError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, bounded error code. New codes are added as static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible, Codable {
        public let rawValue: String

        public init(_ rawValue: String) { self.rawValue = rawValue }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public var description: String { rawValue }

        /// A config file or request body is malformed or has a wrong value (HTTP 400).
        public static let invalidConfiguration = Self("InvalidConfiguration")
        /// A name breaks its naming rule (HTTP 400).
        public static let invalidName = Self("InvalidName")
        /// Any other bad input (HTTP 400).
        public static let badRequest = Self("BadRequest")
        /// The named resource does not exist (HTTP 404).
        public static let notFound = Self("NotFound")
        /// A resource of another workspace, subscription or resource group was named: Azure's ARM
        /// code for it, so Azure's SDK raises what it raises on Azure (HTTP 404).
        public static let resourceNotFound = Self("ResourceNotFound")
        /// A resource of that name already exists (HTTP 409).
        public static let alreadyExists = Self("AlreadyExists")
        /// The resource is in use or another operation runs on it (HTTP 409).
        public static let conflict = Self("Conflict")
        /// Missing or wrong credentials (HTTP 401).
        public static let unauthorized = Self("Unauthorized")
        /// The credentials are valid but do not allow this request (HTTP 403).
        public static let forbidden = Self("Forbidden")
        /// The request is valid but the cluster lacks capacity for it (HTTP 422).
        public static let insufficientCapacity = Self("InsufficientCapacity")
        /// A feature that a later release provides (HTTP 501).
        public static let notImplemented = Self("NotImplemented")
        /// The store or a backend failed (HTTP 500).
        public static let internalError = Self("InternalError")
        /// The server or a backend cannot be reached (HTTP 503).
        public static let unavailable = Self("Unavailable")
        /// A body over the size limit (HTTP 413).
        public static let payloadTooLarge = Self("PayloadTooLarge")

        /// The HTTP status this code maps to at the API boundary.
        public var httpStatus: Int {
            switch self {
            case .invalidConfiguration, .invalidName, .badRequest: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound, .resourceNotFound: 404
            case .alreadyExists, .conflict: 409
            case .payloadTooLarge: 413
            case .insufficientCapacity: 422
            case .notImplemented: 501
            case .unavailable: 503
            default: 500
            }
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func invalidConfiguration(_ message: String) -> Self { Self(.invalidConfiguration, message) }
    public static func invalidName(_ message: String) -> Self { Self(.invalidName, message) }
    public static func badRequest(_ message: String) -> Self { Self(.badRequest, message) }
    public static func notFound(_ message: String) -> Self { Self(.notFound, message) }
    public static func alreadyExists(_ message: String) -> Self { Self(.alreadyExists, message) }
    public static func conflict(_ message: String) -> Self { Self(.conflict, message) }
    public static func forbidden(_ message: String) -> Self { Self(.forbidden, message) }
}
