import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

/// The Azure dialect's translation onto Berth's own requests: the SDK's payloads (shaped as
/// `azureml-core` 1.61 sends them) become the deploy and update requests `berth` sends, and what
/// cannot apply is set aside with a note rather than dropped.
@Suite("Azure SDK payload translation")
struct AzureTranslationTests {
    /// An in-memory blob index over a real artifact store: uploads as the blob service leaves them.
    final class Uploads: UploadedBlobs, @unchecked Sendable {
        let artifacts: FileArtifactStore
        var blobs: [UploadedBlob] = []

        init(artifacts: FileArtifactStore) { self.artifacts = artifacts }

        func add(_ name: String, _ text: String) throws {
            let upload = try artifacts.beginUpload()
            try Data(text.utf8).withUnsafeBytes { try upload.write($0) }
            let result = try upload.finish(expecting: nil)
            blobs.append(UploadedBlob(name: name, digest: result.digest, size: result.sizeBytes))
        }

        func contentURI(container: String, name: String, permissions: String, expiresAt: Date) -> String {
            "https://blob.test/\(container)/\(name)?sp=\(permissions)"
        }

        func index(_ blob: UploadedBlob, container: String) async throws { blobs.append(blob) }

        func files(container: String, prefix: String) async throws -> [UploadedBlob] {
            blobs.filter { $0.name.hasPrefix(prefix) }.sorted { $0.name < $1.name }
        }
    }

    static let createPayload = """
        {"numReplicas": null, "computeName": "myaks",
         "autoScaler": {"autoscaleEnabled": true, "minReplicas": 1, "maxReplicas": 3, "targetUtilization": null,
                        "refreshPeriodInSeconds": null},
         "containerResourceRequirements": {"cpu": 1, "cpuLimit": null, "memoryInGB": 1, "memoryInGBLimit": null, "gpu": null},
         "livenessProbeRequirements": {"initialDelaySeconds": null, "periodSeconds": null},
         "name": "myservice", "description": "d", "kvTags": {"team": "a"}, "properties": {},
         "aadAuthEnabled": true, "authEnabled": false, "keys": {"primaryKey": null, "secondaryKey": null},
         "computeType": "AKS",
         "environmentImageRequest": {"driverProgram": "tmp_x.py",
           "assets": [{"id": "tmp_x.py", "url": "aml://artifact/LocalUpload/11f3fb5d/tmp_x.py", "mimeType": "application/x-python"},
                      {"id": "score.py", "url": "aml://artifact/LocalUpload/1bfb3350/score.py", "mimeType": "application/octet-stream"}],
           "modelIds": ["mymodel:1"],
           "environment": {"name": "myenv", "environmentVariables": {"EXAMPLE": "1", "AZUREML_ENTRY_SCRIPT": "score.py"},
             "python": {"userManagedDependencies": false, "condaDependencies": {"name": "myenv",
               "dependencies": ["python=3.8", {"pip": ["--extra-index-url https://pypi.python.org/simple", "azureml-defaults", "numpy"]}]}},
             "docker": {"enabled": false, "baseImage": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"}}}}
        """

    @Test(
        "A service create becomes berth's deploy request; the wrapper, base image, missing Python and pip options are set aside"
    )
    func createTranslation() async throws {
        let folder = try TemporaryDirectory("berth-azure-translation")
        defer { folder.remove() }
        let artifacts = try FileArtifactStore(root: folder.appending("artifacts"))
        let uploads = Uploads(artifacts: artifacts)
        try uploads.add("LocalUpload/11f3fb5d/tmp_x.py", "# the SDK's wrapper\n")
        try uploads.add("LocalUpload/1bfb3350/score.py", "def init(): pass\ndef run(d): return d\n")
        var translation = AzureDeployTranslation(
            workspace: WorkspaceLayout(root: folder.appending("home")), artifacts: artifacts, blobs: uploads)
        translation.hasPython = { _ in false }
        let payload = try JSONValue(parsing: Data(Self.createPayload.utf8))

        let result = try await translation.deployRequest(payload, overwrite: false)

        let request = result.request
        #expect(request.name == "myservice" && request.computeName == "myaks" && request.models == ["mymodel:1"])
        #expect(request.description == "d" && request.kvTags == ["team": "a"])
        let base = URL(fileURLWithPath: request.baseDirectory)
        #expect(FileManager.default.fileExists(atPath: base.appendingPathComponent("score.py").path))
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("tmp_x.py").path))
        let inference = try JSONValue(parsing: Data(request.inferenceConfig.utf8))
        #expect(inference["entryScript"] == "score.py")
        #expect(inference["environment"]?["environmentVariables"] == ["EXAMPLE": "1"])
        #expect(inference["environment"]?["docker"] == nil)
        #expect(
            inference["environment"]?["python"]?["condaDependencies"]?["dependencies"]
                == [["pip": ["azureml-defaults", "numpy"]]])
        let parsed = try InferenceConfig.parse(Data(request.inferenceConfig.utf8))
        #expect(parsed.value.entryScript == "score.py")
        let deployment = try JSONValue(parsing: Data((request.deploymentConfig ?? "").utf8))
        #expect(deployment["computeType"] == "aks")
        #expect(deployment["tokenAuthEnabled"] == true && deployment["authEnabled"] == false)
        #expect(deployment["containerResourceRequirements"] == ["cpu": 1, "memoryInGB": 1])
        #expect(deployment["autoScaler"] == ["autoscaleEnabled": true, "minReplicas": 1, "maxReplicas": 3])
        #expect(deployment["keys"] == nil && deployment["numReplicas"] == nil && deployment["gpuCores"] == nil)
        _ = try DeploymentConfigFile.parse(Data((request.deploymentConfig ?? "").utf8))
        let notes = result.notes.joined(separator: "\n")
        #expect(notes.contains("tmp_x.py") && notes.contains("baseImage") && notes.contains("python=3.8"))
        #expect(notes.contains("--extra-index-url"))
    }

    @Test("A create without a deployment target or entry script is refused with what to pass")
    func createWithoutTarget() async throws {
        let folder = try TemporaryDirectory("berth-azure-translation")
        defer { folder.remove() }
        let artifacts = try FileArtifactStore(root: folder.appending("artifacts"))
        let translation = AzureDeployTranslation(
            workspace: WorkspaceLayout(root: folder.appending("home")), artifacts: artifacts,
            blobs: Uploads(artifacts: artifacts))
        var payload = try JSONValue(parsing: Data(Self.createPayload.utf8)).objectValue ?? [:]
        payload["computeName"] = nil
        await #expect(throws: BerthError.self) {
            try await translation.deployRequest(.object(payload), overwrite: false)
        }
    }

    @Test("Webservice.update's JSON Patch becomes a partial deployment config plus tags and properties")
    func patchTranslation() async throws {
        let folder = try TemporaryDirectory("berth-azure-translation")
        defer { folder.remove() }
        let artifacts = try FileArtifactStore(root: folder.appending("artifacts"))
        let translation = AzureDeployTranslation(
            workspace: WorkspaceLayout(root: folder.appending("home")), artifacts: artifacts,
            blobs: Uploads(artifacts: artifacts))
        let patch = try JSONDecoder().decode(
            [PatchOperation].self,
            from: Data(
                """
                [{"op": "replace", "path": "/autoScaler/maxReplicas", "value": 4},
                 {"op": "replace", "path": "/aadAuthEnabled", "value": true},
                 {"op": "replace", "path": "/containerResourceRequirements/gpu", "value": 0},
                 {"op": "replace", "path": "/kvTags", "value": {"a": "b"}},
                 {"op": "add", "path": "/properties/owner", "value": "me"},
                 {"op": "replace", "path": "/description", "value": "new"}]
                """.utf8))
        let result = try await AzureServicePatch(translation: translation).update(from: patch)
        let settings = try JSONValue(parsing: Data((result.request.deploymentConfig ?? "").utf8))
        #expect(settings == ["autoScaler": ["maxReplicas": 4], "tokenAuthEnabled": true, "gpuCores": 0])
        #expect(result.request.kvTags == ["a": "b"] && result.request.properties == ["owner": "me"])
        #expect(result.request.description == "new" && result.request.models == nil)
        let removal = [PatchOperation(op: "remove", path: "/kvTags", value: nil)]
        await #expect(throws: BerthError.self) {
            try await AzureServicePatch(translation: translation).update(from: removal)
        }
    }

    @Test("An operation's log streams from a character offset, without the SDK's separators in messages")
    func operationLog() {
        var operation = BerthCore.Operation(operationType: "DeployService", resourceLocation: "/api/v1/services/s")
        operation.log = [
            OperationLogEntry(time: Date(timeIntervalSince1970: 0), message: "Building #1 | pip"),
            OperationLogEntry(time: Date(timeIntervalSince1970: 1), message: "Done"),
        ]
        let full =
            AzureOperationPayload.json(operation, resource: "r", offset: 0)["streamingOperationLog"]?.stringValue ?? ""
        #expect(full == "19700101000000|Building ＃1 ¦ pip#19700101000001|Done#")
        let first = "19700101000000|Building ＃1 ¦ pip#"
        let rest = AzureOperationPayload.json(operation, resource: "r", offset: first.count)
        #expect(rest["streamingOperationLog"] == "19700101000001|Done#")
        #expect(AzureOperationPayload.json(operation, resource: "r", offset: 0)["operationType"] == "ServiceCreate")
    }

    @Test("Python pins read as major.minor")
    func pythonPins() {
        #expect(AzureDeployTranslation.pinnedMinor("python=3.8") == "3.8")
        #expect(AzureDeployTranslation.pinnedMinor("python=3.10.18") == "3.10")
        #expect(AzureDeployTranslation.pinnedMinor("python") == nil)
        #expect(AzureDeployTranslation.pinnedMinor("python=3") == nil)
    }
}

@Suite("Azure list filters")
struct AzureTagQueryTests {
    @Test("tags=key=value,key filters on equality and presence; an empty query matches everything")
    func filters() {
        let query = AzureTagQuery(parsing: "stage=two,team")
        #expect(query.matches(["stage": "two", "team": "a"]))
        #expect(!query.matches(["stage": "one", "team": "a"]))
        #expect(!query.matches(["stage": "two"]))
        #expect(!query.matches(nil))
        #expect(AzureTagQuery(parsing: nil).matches(nil))
        #expect(AzureTagQuery(parsing: "").matches(["x": "y"]))
    }
}
