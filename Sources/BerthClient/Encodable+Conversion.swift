import BerthCore
public import Foundation

extension Encodable {
    /// This value as another type of the same JSON schema: a generated answer as the `BerthCore`
    /// type the CLI prints, or a `BerthCore` request as the generated client's body type. Both
    /// sides encode what `openapi/berth.json` describes, so the value goes through its JSON
    /// (`BerthJSON`: dates with milliseconds, as the server writes them).
    func converted<Target: Decodable>(to type: Target.Type = Target.self) throws -> Target {
        try BerthJSON.decode(Target.self, from: try BerthJSON.encode(self), what: "value of \(Self.self)")
    }

    /// This request as the generated client's body type, checked that no field was dropped on the
    /// way: a field the document does not declare would otherwise vanish from the request without a
    /// word. Checked in every build (one more encoding of a small body) so that the tests, which
    /// may run an optimized build, see it, and a user's request is refused rather than cut.
    func requestBody<Target: Codable>(as type: Target.Type = Target.self) throws -> Target {
        let data = try BerthJSON.encode(self)
        let body = try BerthJSON.decode(Target.self, from: data, what: "request \(Self.self)")
        let sent = try BerthJSON.encode(body)
        if sent != data, !Self.sameJSON(sent, data) {
            throw BerthError(
                .internalError,
                "The request \(String(decoding: data, as: UTF8.self)) would be sent as "
                    + "\(String(decoding: sent, as: UTF8.self)): openapi/berth.json must declare every field of \(Self.self)."
            )
        }
        return body
    }

    /// Whether two JSON texts hold the same values (`1` and `1.0` alike).
    private static func sameJSON(_ first: Data, _ second: Data) -> Bool {
        guard let first = try? JSONSerialization.jsonObject(with: first, options: .fragmentsAllowed) as? NSObject,
            let second = try? JSONSerialization.jsonObject(with: second, options: .fragmentsAllowed) as? NSObject
        else { return false }
        return first.isEqual(second)
    }
}
