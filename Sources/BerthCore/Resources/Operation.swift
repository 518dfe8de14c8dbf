import Foundation

/// Long work (deploy, update, delete, key regeneration, cluster creation) answers 202 with
/// `Operation-Location: /api/v1/operations/<id>`; this is what that URL returns, in Azure's shape,
/// with a streaming log the CLI prints as progress.
public struct Operation: Codable, Sendable, Hashable {
    public var id: String
    /// What the operation does, e.g. `CreateCompute`, `Deploy`, `DeleteService`.
    public var operationType: String
    public var state: OperationState
    /// The resource the operation works on, e.g. `/api/v1/computes/mylocal`.
    public var resourceLocation: String
    public var createdTime: Date
    public var endTime: Date?
    public var error: ErrorDetail?
    /// Progress lines, oldest first.
    public var log: [OperationLogEntry]

    public init(
        id: String = UUID().uuidString.lowercased(), operationType: String, state: OperationState = .notStarted,
        resourceLocation: String, createdTime: Date = Date(), endTime: Date? = nil, error: ErrorDetail? = nil,
        log: [OperationLogEntry] = []
    ) {
        self.id = id
        self.operationType = operationType
        self.state = state
        self.resourceLocation = resourceLocation
        self.createdTime = createdTime
        self.endTime = endTime
        self.error = error
        self.log = log
    }

    /// Whether the operation has ended.
    public var isFinished: Bool { state.isTerminal }
}

/// Azure's operation states.
public enum OperationState: String, Codable, Sendable, Hashable {
    case notStarted = "NotStarted"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
    case cancelled = "Cancelled"
    case timedOut = "TimedOut"

    public var isTerminal: Bool {
        switch self {
        case .succeeded, .failed, .cancelled, .timedOut: true
        case .notStarted, .running: false
        }
    }
}

/// One progress line of an operation.
public struct OperationLogEntry: Codable, Sendable, Hashable {
    public var time: Date
    public var message: String

    public init(time: Date = Date(), message: String) {
        self.time = time
        self.message = message
    }
}

/// The error part of API bodies: `{"error": {"code", "message", "requestId"}}`.
public struct ErrorDetail: Codable, Sendable, Hashable {
    public var code: String
    public var message: String
    public var requestId: String?

    public init(code: String, message: String, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.requestId = requestId
    }

    public init(_ error: BerthError, requestId: String? = nil) {
        self.init(code: error.code.rawValue, message: error.message, requestId: requestId)
    }
}

/// The body of every API error response.
public struct ErrorResponse: Codable, Sendable, Hashable {
    public var error: ErrorDetail

    public init(error: ErrorDetail) { self.error = error }
}
