import BerthCore
import Foundation
import Testing

/// Each refused value or combination gives an error naming the file, the field and the value.
struct DeploymentConfigValidationTests {
    @Test(arguments: [
        (
            #""numReplicas": 3, "autoScaler": {"autoscaleEnabled": true}"#,
            "numReplicas (3) cannot be set while autoScaler.autoscaleEnabled is true (autoscale enabled and "
                + "num_replicas provided)"
        ),
        (
            #""authEnabled": true, "tokenAuthEnabled": true"#,
            "auth_enabled and token_auth_enabled cannot both be true"
        ),
        (
            #""autoScaler": {"minReplicas": 5, "maxReplicas": 2}"#,
            "deploymentconfig.json: autoScaler.minReplicas (5) cannot be greater than autoScaler.maxReplicas (2)."
        ),
        (
            #""autoScaler": {"minReplicas": 12}"#,
            "autoScaler.minReplicas (12) cannot be greater than autoScaler.maxReplicas (10, the default)."
        ),
        (#""autoScaler": {"targetUtilization": 101}"#, "autoScaler.targetUtilization (101) must be between 1 and 100"),
        (#""autoScaler": {"targetUtilization": 0}"#, "autoScaler.targetUtilization (0) must be greater than zero."),
        (
            #""autoScaler": {"autoscaleEnabled": false, "maxReplicas": 4}, "numReplicas": 2"#,
            "autoScaler.maxReplicas (4) provided without enabling autoscaling;"
        ),
        (
            #""autoScaler": {"minReplicas": 2}, "numReplicas": 2"#,
            "autoScaler.minReplicas (2) provided without enabling autoscaling (numReplicas is set"
        ),
        (
            #""autoScaler": {"autoscaleEnabled": false}"#,
            "autoscale disabled but num_replicas not provided"
        ),
        (#""gpuCores": -1"#, "gpuCores (-1) must be greater than or equal to zero."),
        (#""gpuCores": 1.5"#, "gpuCores must be a whole number, got 1.5."),
        (
            #""containerResourceRequirements": {"cpu": 2, "cpuLimit": 1}"#,
            "containerResourceRequirements.cpuLimit (1) must be greater than or equal to "
                + "containerResourceRequirements.cpu (2)."
        ),
        (
            #""containerResourceRequirements": {"memoryInGBLimit": 0.25}"#,
            "containerResourceRequirements.memoryInGBLimit (0.25) must be greater than or equal to "
                + "containerResourceRequirements.memoryInGB (0.5, the default)."
        ),
        (
            #""containerResourceRequirements": {"cpu_limit": 1, "cpuLimit": 2}"#,
            "containerResourceRequirements.cpuLimit and containerResourceRequirements.cpu_limit are two spellings"
        ),
        (#""namespace": "Team_A""#, "namespace 'Team_A' is invalid: namespace must be a valid Kubernetes namespace."),
        (#""keys": {"primaryKey": ""}"#, "keys.primaryKey is empty"),
        (#"{"#, "Error parsing --deploy-config-file. Must be valid JSON"),
    ])
    func refusesCombination(fields: String, expected: String) throws {
        let json = fields == "{" ? "{" : #"{"computeType": "aks", \#(fields)}"#
        let message = try #require(ConfigTestSupport.deploymentError(json))
        #expect(message.hasPrefix("InvalidConfiguration: "))
        #expect(message.contains(expected), "\(message)")
    }

    @Test(arguments: [
        "containerResourceRequirements\": {\"cpu\": 0}", "containerResourceRequirements\": {\"memoryInGB\": -1}",
        "containerResourceRequirements\": {\"cpuLimit\": 0}",
        "containerResourceRequirements\": {\"memoryInGBLimit\": 0}", "scoringTimeoutMs\": 0",
        "maxConcurrentRequestsPerContainer\": 0", "maxQueueWaitMs\": -5", "numReplicas\": 0",
        "autoScaler\": {\"minReplicas\": 0}", "autoScaler\": {\"maxReplicas\": 0}",
        "autoScaler\": {\"refreshPeriodInSeconds\": 0}", "livenessProbeRequirements\": {\"periodSeconds\": 0}",
        "livenessProbeRequirements\": {\"initialDelaySeconds\": 0}",
        "livenessProbeRequirements\": {\"timeoutSeconds\": 0}",
        "livenessProbeRequirements\": {\"failureThreshold\": 0}",
        "livenessProbeRequirements\": {\"successThreshold\": 0}",
    ])
    func refusesZeroOrNegative(field: String) throws {
        let message = try #require(ConfigTestSupport.deploymentError(#"{"computeType": "aks", "\#(field)}"#))
        #expect(message.contains("must be greater than zero."), "\(message)")
    }

    @Test(arguments: [
        (#""scoringTimeoutMs": "abc""#, #"deploymentconfig.json: scoringTimeoutMs must be a number, got "abc" (a string)."#),
        (#""authEnabled": "yes""#, #"authEnabled must be true or false, got "yes" (a string)."#),
        (#""autoScaler": 3"#, "autoScaler must be an object, got 3 (a number)."),
        (#""autoScaler": {"maxReplicas": "5"}"#, #"autoScaler.maxReplicas must be a number, got "5" (a string)."#),
        (#""namespace": 7"#, "namespace must be a string, got 7 (a number)."),
        (#""numReplicas": [1]"#, "numReplicas must be a number, got [1] (an array)."),
        (#""containerResourceRequirements": {"cpu": true}"#, "containerResourceRequirements.cpu must be a number"),
    ])
    func wrongTypesNameTheFieldAndValue(fields: String, expected: String) throws {
        let message = try #require(ConfigTestSupport.deploymentError(#"{"computeType": "aks", \#(fields)}"#))
        #expect(message.contains(expected), "\(message)")
    }

    @Test func collectsEveryError() throws {
        let json = #"{"computeType": "aks", "scoringTimeoutMs": 0, "maxQueueWaitMs": "x", "gpuCores": -2}"#
        let message = try #require(ConfigTestSupport.deploymentError(json))
        #expect(message.split(separator: "\n").count == 3)
        #expect(message.split(separator: "\n").allSatisfy { $0.contains("deploymentconfig.json: ") })
    }

    @Test func messagesUseTheGivenFileName() throws {
        let message = ConfigTestSupport.errorMessage {
            _ = try DeploymentConfigFile.parse(Data(#"{"computeType": "aks", "numReplicas": 0}"#.utf8), fileName: "dc.json")
        }
        #expect(message?.contains("dc.json: numReplicas (0) must be greater than zero.") == true)
    }

    @Test(arguments: [
        (#"{"numReplicas": 1}"#, "Need to specify computeType in --deploy-config-file"),
        (#"{"computeType": "aci"}"#, "computeType 'aci' is not supported: Berth deploys AKS-style configs"),
        (#"{"computeType": "LOCAL"}"#, "computeType 'LOCAL' is not supported"),
        (#"{"computeType": "mir"}"#, "unknown deployment type: mir"),
        (#"[1, 2]"#, "must hold a JSON object ({ ... }), but it holds an array."),
        ("{\"computeType\": \"aks\",\n \"x\" 1}", "at line 2, column 6"),
    ])
    func refusesFileLevelProblems(json: String, expected: String) throws {
        let message = try #require(ConfigTestSupport.deploymentError(json))
        #expect(message.contains(expected), "\(message)")
    }

    @Test func trafficPercentileMustBeAPercentage() throws {
        for value in ["-1", "100.5"] {
            let message = ConfigTestSupport.deploymentError(#"{"computeType": "aksendpoint", "trafficPercentile": \#(value)}"#)
            #expect(message?.contains("cannot be negative or greater than 100.") == true)
        }
        #expect(ConfigTestSupport.deploymentError(#"{"computeType": "aksendpoint", "trafficPercentile": 0}"#) == nil)
        #expect(ConfigTestSupport.deploymentError(#"{"computeType": "aksendpoint", "trafficPercentile": 100}"#) == nil)
    }

    @Test func versionNameFollowsTheServiceRule() throws {
        let message = ConfigTestSupport.deploymentError(#"{"computeType": "aksendpoint", "versionName": "V_1"}"#)
        #expect(message?.contains("versionName 'V_1' is invalid: Error, provided endpoint version name is invalid.") == true)
    }
}
