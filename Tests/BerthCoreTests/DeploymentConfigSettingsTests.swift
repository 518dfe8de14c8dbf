import BerthCore
import Foundation
import Testing

/// The deploymentconfig.json settings Berth used to accept and drop: tags, properties and the
/// description of the service, chosen keys, the compute target, and Event Hub collection (refused).
struct DeploymentConfigSettingsTests {
    @Test func tagsPropertiesAndDescriptionAreRead() throws {
        let parsed = try ConfigTestSupport.deployment(
            #"{"computeType": "aks", "tags": {"team": "ml", "stage": "dev"}, "properties": {"owner": "ana"}, "#
                + #""description": "Scores diabetes progression", "computeTargetName": "myaks"}"#)
        #expect(parsed.warnings.isEmpty)
        #expect(parsed.value.tags == ["team": "ml", "stage": "dev"])
        #expect(parsed.value.properties == ["owner": "ana"])
        #expect(parsed.value.description == "Scores diabetes progression")
        #expect(parsed.value.computeTargetName == "myaks")
    }

    @Test func aTagThatIsNotAStringIsAnError() throws {
        let error = try #require(
            ConfigTestSupport.deploymentError(#"{"computeType": "aks", "tags": {"n": 1, "": "x"}}"#))
        #expect(error.contains("deploymentconfig.json: tags has an empty key; every entry needs a name."), "\(error)")
        #expect(error.contains("deploymentconfig.json: tags.n must be a string, got 1"), "\(error)")
        let properties = try #require(
            ConfigTestSupport.deploymentError(#"{"computeType": "aks", "properties": ["a"]}"#))
        #expect(properties.contains("deploymentconfig.json: properties must be an object"), "\(properties)")
    }

    @Test func chosenKeysAreRead() throws {
        let parsed = try ConfigTestSupport.deployment(
            #"{"computeType": "aks", "keys": {"primaryKey": "primary-key-0123456789", "secondaryKey": null}}"#)
        #expect(parsed.value.keys == .init(primaryKey: "primary-key-0123456789", secondaryKey: nil))
    }

    @Test(arguments: [
        ("short", "keys.primaryKey must be at least 16 characters without spaces (the one given has 5)"),
        (
            "has a space in it here",
            "keys.primaryKey must be at least 16 characters without spaces (the one given "
                + "has 22 and contains whitespace)"
        ),
    ])
    func aWeakKeyIsRefusedWithoutQuotingIt(key: String, message: String) throws {
        let error = try #require(
            ConfigTestSupport.deploymentError(#"{"computeType": "aks", "keys": {"primaryKey": "\#(key)"}}"#))
        #expect(error.contains(message), "\(error)")
        #expect(error.contains("leave the field out to have one generated"))
        #expect(!error.contains(key))
    }

    @Test func theKeyRuleIsTheOneRegenerationUses() {
        #expect(ServiceKeyRule.accepts(String(repeating: "k", count: 16)))
        #expect(!ServiceKeyRule.accepts(String(repeating: "k", count: 15)))
        #expect(!ServiceKeyRule.accepts("sixteen chars ok"))
        #expect(ServiceKeyRule.problem(with: "a-long-enough-key-value", field: "keys.secondaryKey") == nil)
    }

    @Test func eventHubCollectionIsRefusedNamingTheField() {
        let error = ConfigTestSupport.deploymentError(
            #"{"computeType": "aks", "dataCollection": {"storageEnabled": true, "eventHubEnabled": true}}"#)
        #expect(
            error
                == "InvalidConfiguration: deploymentconfig.json: dataCollection.eventHubEnabled is true, but Berth has "
                + "no Event Hub to send model data to; set it to false (or leave it out) and use \"dataCollection\": "
                + "{\"storageEnabled\": true} so that ModelDataCollector writes its rows as CSV files under the "
                + "workspace's modeldata folder.")
        #expect(
            ConfigTestSupport.deploymentError(
                #"{"computeType": "aks", "dataCollection": {"storageEnabled": true, "eventHubEnabled": false}}"#)
                == nil)
    }

    @Test func anUpdateRefusesEventHubToo() throws {
        let file = try DeploymentConfigFile.parse(
            Data(#"{"dataCollection": {"eventHubEnabled": false}}"#.utf8), requiresComputeType: false)
        #expect(file.value.dataCollection?.eventHubEnabled == false)
        #expect(
            ConfigTestSupport.errorMessage {
                _ = try DeploymentConfigFile.parse(
                    Data(#"{"dataCollection": {"eventHubEnabled": true}}"#.utf8), requiresComputeType: false)
            }?.contains("dataCollection.eventHubEnabled is true") == true)
    }
}
