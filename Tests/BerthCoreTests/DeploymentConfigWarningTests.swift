import BerthCore
import Foundation
import Testing

/// Unknown and ignored fields are accepted with a warning naming each field path.
struct DeploymentConfigWarningTests {
    @Test func unknownFieldsWarnAtEveryLevel() throws {
        let json = """
            {"computeType": "aks", "foo": 1, "autoScaler": {"foo": 2},
             "livenessProbeRequirements": {"bar": 3}, "dataCollection": {"baz": true}}
            """
        let parsed = try ConfigTestSupport.deployment(json)
        #expect(
            parsed.warnings
                == [
                    "deploymentconfig.json: unknown field 'autoScaler.foo' is ignored.",
                    "deploymentconfig.json: unknown field 'livenessProbeRequirements.bar' is ignored.",
                    "deploymentconfig.json: unknown field 'dataCollection.baz' is ignored.",
                    "deploymentconfig.json: unknown field 'foo' is ignored.",
                ].sorted(by: { first, second in
                    // nested objects are read (and warn) before the top level finishes
                    first.contains("'foo'") ? false : second.contains("'foo'") ? true : false
                })
        )
    }

    @Test(arguments: [
        ("containerResourceRequirements", "memoryInGb", "memoryInGB"),
        ("", "gpu_cores", "gpuCores"),
        ("", "scoringtimeoutms", "scoringTimeoutMs"),
        ("autoScaler", "min_replicas", "minReplicas"),
        ("", "ComputeTargetName", "computeTargetName"),
    ])
    func misspellingsGetASuggestion(object: String, key: String, suggestion: String) throws {
        let json =
            object.isEmpty
            ? #"{"computeType": "aks", "\#(key)": 1}"#
            : #"{"computeType": "aks", "\#(object)": {"\#(key)": 1}}"#
        let parsed = try ConfigTestSupport.deployment(json)
        let path = object.isEmpty ? key : "\(object).\(key)"
        #expect(
            parsed.warnings == [
                "deploymentconfig.json: unknown field '\(path)' is ignored; did you mean '\(suggestion)'?"
            ]
        )
    }

    @Test func gpuInsideResourcesPointsToGpuCores() throws {
        let parsed = try ConfigTestSupport.deployment(
            #"{"computeType": "aks", "containerResourceRequirements": {"gpu": 1}}"#
        )
        #expect(parsed.warnings.count == 1)
        #expect(parsed.warnings[0].contains("'containerResourceRequirements.gpu' is ignored; for AKS, GPUs"))
        #expect(parsed.value.resolved().containerResourceRequirements.gpu == 0)
    }

    @Test func endpointFieldsAreIgnoredForAKS() throws {
        let parsed = try ConfigTestSupport.deployment(#"{"computeType": "aks", "trafficPercentile": 20}"#)
        #expect(
            parsed.warnings == [
                "deploymentconfig.json: field 'trafficPercentile' is ignored: it is read only for computeType "
                    + "'aksendpoint'."
            ]
        )
        #expect(parsed.value.trafficPercentile == nil)
    }

    @Test func computeTargetNameIsIgnoredForEndpoints() throws {
        let parsed = try ConfigTestSupport.deployment(#"{"computeType": "aksendpoint", "computeTargetName": "c1"}"#)
        #expect(parsed.warnings.count == 1)
        #expect(parsed.value.computeTargetName == nil)
    }

    @Test func kvTagsPointToTags() throws {
        let parsed = try ConfigTestSupport.deployment(#"{"computeType": "aks", "kvTags": {"a": "b"}}"#)
        #expect(
            parsed.warnings == [
                "deploymentconfig.json: unknown field 'kvTags' is ignored; a deploymentconfig.json gives the "
                    + "service's tags as \"tags\": {\"key\": \"value\"}."
            ]
        )
    }
}
