import Foundation

extension Encodable {
    /// This value as another type of the same JSON schema: a type generated from
    /// `openapi/berth.json` as the `BerthCore` type, or the other way round. Both sides encode what
    /// the document describes, so the value goes through its JSON (`BerthJSON`: dates with
    /// milliseconds, as the server writes them). The client turns answers into `BerthCore` types
    /// with it, the server request bodies; `what` names the value in the error a failed reading
    /// throws (`BerthJSON.decode`).
    package func converted<Target: Decodable>(to type: Target.Type = Target.self, what: String? = nil) throws
        -> Target
    {
        try BerthJSON.decode(Target.self, from: try BerthJSON.encode(self), what: what ?? "value of \(Self.self)")
    }

    /// This value as a generated type that is sent: the client's request bodies, the server's
    /// answers. When `ConversionCheck.isOn`, also checks that no field was dropped on the way: a
    /// field the document does not declare would otherwise vanish without a word.
    package func checkedConversion<Target: Codable>(to type: Target.Type = Target.self) throws -> Target {
        let data = try BerthJSON.encode(self)
        let converted = try BerthJSON.decode(Target.self, from: data, what: "\(Self.self)")
        if ConversionCheck.isOn {
            let sent = try BerthJSON.encode(converted)
            if sent != data, !Self.sameJSON(sent, data) {
                throw BerthError(
                    .internalError,
                    "\(String(decoding: data, as: UTF8.self)) would be sent as "
                        + "\(String(decoding: sent, as: UTF8.self)): openapi/berth.json must declare every field of \(Self.self)."
                )
            }
        }
        return converted
    }

    /// Whether two JSON texts hold the same values (`1` and `1.0` alike; a member that is null
    /// and one that is absent alike, as the document's optional fields mean the same by both).
    private static func sameJSON(_ first: Data, _ second: Data) -> Bool {
        guard let first = try? JSONSerialization.jsonObject(with: first, options: .fragmentsAllowed),
            let second = try? JSONSerialization.jsonObject(with: second, options: .fragmentsAllowed),
            let first = withoutNulls(first) as? NSObject, let second = withoutNulls(second) as? NSObject
        else { return false }
        return first.isEqual(second)
    }

    /// A parsed JSON value without its objects' null members.
    private static func withoutNulls(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]: object.filter { !($0.value is NSNull) }.mapValues(withoutNulls)
        case let array as [Any]: array.map(withoutNulls)
        default: value
        }
    }
}

/// Whether `checkedConversion` compares what is sent with what was meant: in debug builds always,
/// in optimized ones when `BERTH_CHECK_CONVERSIONS=1` — `scripts/test.sh` sets it, so CI's tests of
/// the optimized build check every request and answer, while a user's server spends nothing on it.
package enum ConversionCheck {
    package static let isOn: Bool = {
        #if DEBUG
            return true
        #else
            return ProcessInfo.processInfo.environment["BERTH_CHECK_CONVERSIONS"] == "1"
        #endif
    }()
}
