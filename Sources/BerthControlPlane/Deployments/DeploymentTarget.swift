import BerthCore

/// Which compute target a deploy goes to, as Azure chooses it: `--ct` (the request's
/// `computeName`) when given, else the deployment config's `computeTargetName`.
///
/// A deploy with neither is refused with both ways to give one; a config naming another target
/// than `--ct` is said in the deploy log, since only one of them can be used.
struct DeploymentTarget: Sendable, Hashable {
    /// The compute target's name.
    var name: String
    /// Where the name came from, for messages: `--ct` or the config's field.
    var source: String
    /// What the deploy log should say about the choice.
    var warnings: [String] = []

    /// - Parameters:
    ///   - flag: the request's `computeName`; empty when `--ct` was not given.
    ///   - config: the deployment config's `computeTargetName`, if it has one.
    /// - Throws: `BerthError.badRequest` when neither names a target.
    static func choose(flag: String, config: String?) throws(BerthError) -> DeploymentTarget {
        let fromConfig = config.flatMap { $0.isEmpty ? nil : $0 }
        guard !flag.isEmpty else {
            guard let fromConfig else {
                throw BerthError.badRequest(
                    "No compute target given: pass --ct NAME ('berth computetarget list' shows them) or set "
                        + "\"computeTargetName\" in deploymentconfig.json.")
            }
            return DeploymentTarget(name: fromConfig, source: "computeTargetName in deploymentconfig.json")
        }
        var target = DeploymentTarget(name: flag, source: "--ct")
        if let fromConfig, fromConfig != flag {
            target.warnings.append(
                "deploymentconfig.json: computeTargetName '\(fromConfig)' is not used: --ct '\(flag)' was given and "
                    + "wins.")
        }
        return target
    }
}
