import BerthCore
import Foundation
import Testing

/// Every field of `deploymentconfig.json` is read, and every default applies when it is left out.
struct DeploymentConfigFileTests {
    static let everyField = """
        {
          "computeType": "AKS",
          "containerResourceRequirements": {"cpu": 0.5, "memoryInGB": 1.5, "cpuLimit": 2, "memoryInGBLimit": 4},
          "gpuCores": 1,
          "autoScaler": {"autoscaleEnabled": true, "minReplicas": 2, "maxReplicas": 5,
                         "refreshPeriodInSeconds": 3, "targetUtilization": 60},
          "authEnabled": false,
          "tokenAuthEnabled": true,
          "scoringTimeoutMs": 30000,
          "maxConcurrentRequestsPerContainer": 4,
          "maxQueueWaitMs": 2000,
          "livenessProbeRequirements": {"periodSeconds": 20, "initialDelaySeconds": 30, "timeoutSeconds": 5,
                                        "failureThreshold": 6, "successThreshold": 2},
          "namespace": "team-a",
          "appInsightsEnabled": true,
          "dataCollection": {"storageEnabled": true, "eventHubEnabled": false},
          "keys": {"primaryKey": "p-key-0123456789ab", "secondaryKey": "s-key-0123456789ab"},
          "computeTargetName": "aks-1"
        }
        """

    @Test func readsEveryField() throws {
        let parsed = try ConfigTestSupport.deployment(Self.everyField)
        #expect(parsed.warnings.isEmpty)
        let file = parsed.value
        #expect(file.computeType == .aks)
        #expect(
            file.containerResourceRequirements
                == .init(cpu: 0.5, memoryInGB: 1.5, cpuLimit: 2, memoryInGBLimit: 4)
        )
        #expect(file.gpuCores == 1)
        #expect(
            file.autoScaler
                == .init(
                    autoscaleEnabled: true,
                    minReplicas: 2,
                    maxReplicas: 5,
                    refreshPeriodInSeconds: 3,
                    targetUtilization: 60
                )
        )
        #expect(file.numReplicas == nil)
        #expect(file.authEnabled == false)
        #expect(file.tokenAuthEnabled == true)
        #expect(file.scoringTimeoutMs == 30000)
        #expect(file.maxConcurrentRequestsPerContainer == 4)
        #expect(file.maxQueueWaitMs == 2000)
        #expect(
            file.livenessProbeRequirements
                == .init(
                    periodSeconds: 20,
                    initialDelaySeconds: 30,
                    timeoutSeconds: 5,
                    failureThreshold: 6,
                    successThreshold: 2
                )
        )
        #expect(file.namespace == "team-a")
        #expect(file.appInsightsEnabled == true)
        #expect(file.dataCollection == .init(storageEnabled: true, eventHubEnabled: false))
        #expect(file.keys == .init(primaryKey: "p-key-0123456789ab", secondaryKey: "s-key-0123456789ab"))
        #expect(file.computeTargetName == "aks-1")
    }

    @Test func resolvedKeepsEveryWrittenValue() throws {
        let config = try ConfigTestSupport.deployment(Self.everyField).value.resolved()
        #expect(config.containerResourceRequirements.cpu == 0.5)
        #expect(config.containerResourceRequirements.memoryInGB == 1.5)
        #expect(config.containerResourceRequirements.cpuLimit == 2)
        #expect(config.containerResourceRequirements.memoryInGBLimit == 4)
        #expect(config.containerResourceRequirements.gpu == 1)
        #expect(config.autoScaler.minReplicas == 2)
        #expect(config.autoScaler.maxReplicas == 5)
        #expect(config.autoScaler.refreshPeriodInSeconds == 3)
        #expect(config.autoScaler.targetUtilization == 60)
        #expect(!config.authEnabled)
        #expect(config.aadAuthEnabled)
        #expect(config.livenessProbeRequirements.timeoutSeconds == 5)
        #expect(config.namespace == "team-a")
        #expect(config.dataCollection.storageEnabled)
        #expect(config.computeTargetName == "aks-1")
    }

    @Test func defaultsApplyToAMinimalFile() throws {
        let config = try ConfigTestSupport.deployment(#"{"computeType": "aks"}"#).value.resolved()
        #expect(config.computeType == .aks)
        #expect(config.containerResourceRequirements.cpu == 0.1)
        #expect(config.containerResourceRequirements.memoryInGB == 0.5)
        #expect(config.containerResourceRequirements.cpuLimit == nil)
        #expect(config.containerResourceRequirements.memoryInGBLimit == nil)
        #expect(config.containerResourceRequirements.gpu == 0)
        #expect(config.autoScaler.autoscaleEnabled)
        #expect(config.autoScaler.minReplicas == 1)
        #expect(config.autoScaler.maxReplicas == 10)
        #expect(config.autoScaler.refreshPeriodInSeconds == 1)
        #expect(config.autoScaler.targetUtilization == 70)
        #expect(config.numReplicas == nil)
        #expect(config.authEnabled)
        #expect(!config.aadAuthEnabled)
        #expect(config.scoringTimeoutMs == 60000)
        #expect(config.maxConcurrentRequestsPerContainer == 1)
        #expect(config.maxQueueWaitMs == 500)
        #expect(config.livenessProbeRequirements.periodSeconds == 10)
        #expect(config.livenessProbeRequirements.initialDelaySeconds == 310)
        #expect(config.livenessProbeRequirements.timeoutSeconds == 2)
        #expect(config.livenessProbeRequirements.successThreshold == 1)
        #expect(config.livenessProbeRequirements.failureThreshold == 3)
        #expect(config.namespace == nil)
        #expect(!config.appInsightsEnabled)
        #expect(!config.dataCollection.storageEnabled)
        #expect(!config.dataCollection.eventHubEnabled)
        #expect(config.computeTargetName == nil)
        #expect(config == DeploymentConfig())
    }

    @Test func numReplicasTurnsAutoscaleOff() throws {
        let config = try ConfigTestSupport.deployment(#"{"computeType": "aks", "numReplicas": 3}"#).value.resolved()
        #expect(!config.autoScaler.autoscaleEnabled)
        #expect(config.numReplicas == 3)
    }

    @Test func tokenAuthAloneTurnsKeyAuthOff() throws {
        let config = try ConfigTestSupport.deployment(#"{"computeType": "aks", "tokenAuthEnabled": true}"#).value
            .resolved()
        #expect(config.aadAuthEnabled)
        #expect(!config.authEnabled)
    }

    @Test(arguments: ["aks", "AKS", "Aks", "aksendpoint", "AKSENDPOINT", "AksEndpoint"])
    func computeTypeIsCaseInsensitive(_ spelling: String) throws {
        let file = try ConfigTestSupport.deployment(#"{"computeType": "\#(spelling)"}"#).value
        #expect(file.computeType == ComputeType(caseInsensitive: spelling))
        #expect(file.computeType != nil)
    }

    @Test func acceptsBothLimitSpellings() throws {
        let json = #"{"computeType": "aks", "containerResourceRequirements": {"cpu_limit": 1, "memory_limit": 2}}"#
        let parsed = try ConfigTestSupport.deployment(json)
        #expect(parsed.warnings.isEmpty)
        #expect(parsed.value.containerResourceRequirements?.cpuLimit == 1)
        #expect(parsed.value.containerResourceRequirements?.memoryInGBLimit == 2)
    }

    @Test func readsEndpointFields() throws {
        let json = """
            {"computeType": "aksendpoint", "versionName": "version-b", "trafficPercentile": 40,
             "isDefault": true, "isControlVersionType": false}
            """
        let file = try ConfigTestSupport.deployment(json).value
        #expect(file.versionName == "version-b")
        #expect(file.trafficPercentile == 40)
        #expect(file.isDefault == true)
        #expect(file.isControlVersionType == false)
        let config = file.resolved()
        #expect(config.computeType == .aksEndpoint)
        #expect(config.versionType == .treatment)
        #expect(config.trafficPercentile == 40)
    }

    @Test func nullMeansDefault() throws {
        let json = #"{"computeType": "aks", "scoringTimeoutMs": null, "autoScaler": null}"#
        let config = try ConfigTestSupport.deployment(json).value.resolved()
        #expect(config.scoringTimeoutMs == 60000)
        #expect(config.autoScaler == DeploymentConfig.AutoScaler())
    }

    @Test func wholeNumbersWrittenWithAFractionAreAccepted() throws {
        let file = try ConfigTestSupport.deployment(#"{"computeType": "aks", "maxQueueWaitMs": 1000.0}"#).value
        #expect(file.maxQueueWaitMs == 1000)
    }

    @Test func updateFilesMayOmitComputeType() throws {
        let parsed = try DeploymentConfigFile.parse(Data(#"{"numReplicas": 2}"#.utf8), requiresComputeType: false)
        #expect(parsed.value.computeType == nil)
        #expect(parsed.value.numReplicas == 2)
    }

    @Test func corpusFilesParse() throws {
        let files = ConfigTestSupport.corpusFiles(named: "deploymentconfig.json")
        #expect(files.count >= 3)
        for url in files {
            let parsed = try DeploymentConfigFile.parse(Data(contentsOf: url))
            #expect(parsed.warnings.isEmpty, "\(url.path)")
            #expect(parsed.value.computeType == .aks)
        }
    }
}
