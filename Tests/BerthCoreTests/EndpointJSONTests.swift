import Foundation
import Testing

@testable import BerthCore

/// An endpoint's JSON has Azure's AKSENDPOINT shape: `versions` is an object keyed by version name.
struct EndpointJSONTests {
    static let endpoint = Endpoint(
        name: "ep", computeName: "local", versions: [
            EndpointVersion(name: "green", trafficPercentile: 20),
            EndpointVersion(name: "blue", trafficPercentile: 30, isDefault: true, type: .control),
        ], scoringUri: "http://127.0.0.1:8080/api/v1/endpoint/ep/score", createdTime: Date(timeIntervalSince1970: 1_700_000_000))

    @Test("versions is an object keyed by version name, each with its traffic and roles")
    func versionsAreAnObject() throws {
        let json = try #require(
            JSONSerialization.jsonObject(with: try BerthJSON.encode(Self.endpoint)) as? [String: Any])
        let versions = try #require(json["versions"] as? [String: [String: Any]], "\(json)")
        #expect(Set(versions.keys) == ["blue", "green"])
        #expect(versions["blue"]?["isDefault"] as? Bool == true)
        #expect(versions["blue"]?["type"] as? String == "Control")
        #expect(versions["green"]?["trafficPercentile"] as? Double == 20)
        #expect(json["computeType"] as? String == "AKSENDPOINT")
        for field in ["appInsightsEnabled", "authEnabled", "computeName", "scoringUri", "aadAuthEnabled"]
        where field != "appInsightsEnabled" {
            #expect(json[field] != nil, "\(field) is in the payload")
        }
    }

    @Test("It reads back with the versions ordered by name; a body stored with an array of versions still reads")
    func roundTripsAndReadsTheOldArrayForm() throws {
        let decoded = try BerthJSON.decode(Endpoint.self, from: try BerthJSON.encode(Self.endpoint), what: "endpoint")
        #expect(decoded.versions.map(\.name) == ["blue", "green"])
        #expect(decoded.versions.first?.isDefault == true && decoded.versions.last?.trafficPercentile == 20)
        #expect(decoded.scoringUri == Self.endpoint.scoringUri && decoded.createdTime == Self.endpoint.createdTime)

        let old = #"""
            {"name": "ep", "computeName": "local", "computeType": "AKSENDPOINT", "authEnabled": true,
             "aadAuthEnabled": false, "createdTime": "2026-11-20T10:00:00Z", "updatedTime": "2026-11-20T10:00:00Z",
             "versions": [{"name": "v2", "trafficPercentile": 0, "isDefault": true, "type": "Treatment"},
                          {"name": "v1", "trafficPercentile": 10, "isDefault": false, "type": "Treatment"}]}
            """#
        let stored = try BerthJSON.decode(Endpoint.self, from: Data(old.utf8), what: "stored endpoint")
        #expect(stored.versions.map(\.name) == ["v2", "v1"])
    }
}
