import BerthCore
import BerthTesting
import Foundation
import Testing

/// The articles' controlled-rollout sequence, line by line as `az ml` lines with only `az ml`
/// replaced by `berth`: an endpoint made by `model deploy` with an `aksendpoint` config, a second
/// version with traffic, tags and a description, that version made the default and the control,
/// and the first one deleted.
extension AzureSettingsTests {
    /// The endpoint as `endpoint list` shows it.
    static func endpoint(_ name: String, home: URL) async throws -> Endpoint {
        let endpoints = try await berthJSON([Endpoint].self, "endpoint", "list", home: home)
        return try #require(endpoints.first { $0.name == name })
    }

    @Test("model deploy with aksendpoint, create-version, update-version --is-default, delete-version, as written")
    func endpointSequence() async throws {
        try await Self.withWorkspace { folder, home in
            try await berth("computetarget", "create", "aks", "-n", "myaks", home: home)
            let inferenceconfig = Self.echoInferenceConfig
            let endpointconfig = try folder.write(
                Data(
                    #"""
                    {"computeType": "aksendpoint", "versionName": "versiona", "trafficPercentile": 20,
                     "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25},
                     "tags": {"sckitlearn": "demo"}, "description": "testing versions"}
                    """#.utf8), to: "endpointconfig.json"
            ).path

            let deployed = try await berth(
                "model", "deploy", "-n", "myendpoint", "-m", "echo-model:1", "-ic", inferenceconfig, "-dc",
                endpointconfig, "-ct", "myaks", home: home)
            #expect(deployed.stdout.contains("Endpoint 'myendpoint': http"), "\(deployed)")
            var endpoint = try await Self.endpoint("myendpoint", home: home)
            #expect(endpoint.description == "testing versions")
            #expect(endpoint.versions.map(\.name) == ["versiona"])
            #expect(endpoint.versions[0].isDefault)
            #expect(endpoint.versions[0].trafficPercentile == 20)
            #expect(endpoint.versions[0].kvTags == ["sckitlearn": "demo"])
            #expect(endpoint.versions[0].description == "testing versions")
            #expect(try await Self.listed(home).isEmpty, "an endpoint is not a service")

            try await berth(
                "endpoint", "realtime", "create-version", "-n", "myendpoint", "--vn", "versionb", "-m", "echo-model:1",
                "--ic", inferenceconfig, "--tp", "10", "--add-tag", "modelVersion=b", "-d", "my second version",
                home: home)
            endpoint = try await Self.endpoint("myendpoint", home: home)
            #expect(endpoint.versions.map(\.name) == ["versiona", "versionb"])
            let added = try #require(endpoint.versions.last)
            #expect(!added.isDefault && added.trafficPercentile == 10)
            #expect(added.kvTags == ["modelVersion": "b"])
            #expect(added.description == "my second version")

            // The default cannot go while another version exists: refused, and nothing changes.
            try await berthFails(
                "endpoint", "realtime", "delete-version", "-n", "myendpoint", "--vn", "versiona", home: home,
                saying: "Version 'versiona' is the default of endpoint 'myendpoint' and cannot be deleted")
            #expect(try await Self.endpoint("myendpoint", home: home).versions == endpoint.versions)

            try await berth(
                "endpoint", "realtime", "update-version", "-n", "myendpoint", "--vn", "versionb", "-d",
                "my second version update", "--tp", "40", "--is-default", "--cvt", home: home)
            endpoint = try await Self.endpoint("myendpoint", home: home)
            let updated = try #require(endpoint.versions.last)
            #expect(updated.isDefault && updated.type == .control && updated.trafficPercentile == 40)
            #expect(updated.description == "my second version update")
            #expect(updated.kvTags == ["modelVersion": "b"])
            #expect(endpoint.versions[0].isDefault == false && endpoint.versions[0].type == .treatment)

            try await berth(
                "endpoint", "realtime", "delete-version", "-n", "myendpoint", "--vn", "versiona", home: home)
            endpoint = try await Self.endpoint("myendpoint", home: home)
            #expect(endpoint.versions.map(\.name) == ["versionb"])
            let key = try await berthJSON(ServiceKeys.self, "endpoint", "get-keys", "-n", "myendpoint", home: home)
            let scored = try await TestHTTP.post(
                try #require(endpoint.scoringUri), #"{"n": 1}"#,
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(key.primaryKey)")])
            #expect(scored.status == 200, "\(scored.text)")
            #expect(scored.header("x-berth-endpoint-version") == "versionb")
        }
    }
}
