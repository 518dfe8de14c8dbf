import BerthCore
import Testing

@testable import BerthControlPlane

/// `--ct` first, else the deployment config's `computeTargetName`, else a clear refusal.
struct DeploymentTargetTests {
    @Test func theFlagWins() throws {
        let target = try DeploymentTarget.choose(flag: "flagged", config: nil)
        #expect(target.name == "flagged" && target.source == "--ct" && target.warnings.isEmpty)
    }

    @Test func theConfigNamesTheTargetWithoutTheFlag() throws {
        let target = try DeploymentTarget.choose(flag: "", config: "fromfile")
        #expect(target.name == "fromfile")
        #expect(target.source == "computeTargetName in deploymentconfig.json")
    }

    @Test func bothGivenAndDifferentSaysWhichWins() throws {
        let target = try DeploymentTarget.choose(flag: "flagged", config: "fromfile")
        #expect(target.name == "flagged")
        #expect(
            target.warnings == [
                "deploymentconfig.json: computeTargetName 'fromfile' is not used: --ct 'flagged' was given and wins."
            ])
        #expect(try DeploymentTarget.choose(flag: "same", config: "same").warnings.isEmpty)
    }

    @Test func neitherIsRefusedWithBothWays() {
        #expect(throws: BerthError.self) { try DeploymentTarget.choose(flag: "", config: "") }
        do {
            _ = try DeploymentTarget.choose(flag: "", config: nil)
        } catch {
            #expect(error.code == .badRequest)
            #expect(
                error.message
                    == "No compute target given: pass --ct NAME ('berth computetarget list' shows them) or set "
                    + "\"computeTargetName\" in deploymentconfig.json.")
        }
    }
}
