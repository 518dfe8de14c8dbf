import Instrumentation

/// The trace-context header fields of one request: what a tracer reads to continue a caller's
/// trace (`traceparent`, `tracestate`) and what it writes for the next hop.
///
/// The router reads the client's fields straight from its bytes and the replica from NIO's
/// `HTTPHeaders`; both hand them to the tracer in this one shape, so neither module needs a carrier
/// type of the other's HTTP stack. Names are kept lowercase, as the propagators write them.
public struct TraceHeaders: Sendable, Equatable {
    /// One header field, name lowercase.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        /// A field; `name` is lowercased.
        public init(name: String, value: String) {
            self.name = name.lowercased()
            self.value = value
        }
    }

    /// The fields in the order they were set.
    public private(set) var fields: [Field] = []

    /// No fields: a request that starts a new trace.
    public init() {}

    /// The W3C trace-context fields of a request, either or both absent.
    public init(traceparent: String?, tracestate: String? = nil) {
        if let traceparent { set("traceparent", traceparent) }
        if let tracestate { set("tracestate", tracestate) }
    }

    /// Whether no field is set.
    public var isEmpty: Bool { fields.isEmpty }

    /// The value of field `name` (any case), if set.
    public subscript(name: String) -> String? {
        let name = name.lowercased()
        return fields.first { $0.name == name }?.value
    }

    /// Sets field `name`, replacing an earlier value.
    public mutating func set(_ name: String, _ value: String) {
        let field = Field(name: name, value: value)
        if let index = fields.firstIndex(where: { $0.name == field.name }) {
            fields[index] = field
        } else {
            fields.append(field)
        }
    }

    /// The header names of W3C Trace Context (level 1): the fields a hop replaces with its own.
    public static let w3cNames = ["traceparent", "tracestate"]
}

/// Reads `TraceHeaders` for a tracer's `extract`.
public struct TraceHeadersExtractor: Extractor {
    public init() {}

    public func extract(key: String, from carrier: TraceHeaders) -> String? { carrier[key] }
}

/// Writes `TraceHeaders` for a tracer's `inject`.
public struct TraceHeadersInjector: Injector {
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout TraceHeaders) {
        carrier.set(key, value)
    }
}
