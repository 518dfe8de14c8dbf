import BerthCore

extension Deployer {
    /// What an update's partial deployment config sets that an update does not change, each
    /// said in the operation log rather than dropped: a service keeps its keys (regenerated one
    /// at a time) and its compute target.
    static func updateWarnings(_ file: DeploymentConfigFile, of service: Webservice) -> [String] {
        var warnings: [String] = []
        if file.keys?.primaryKey != nil || file.keys?.secondaryKey != nil {
            warnings.append(
                "deploymentconfig.json: keys are not changed by an update; set one with 'berth service regen-key "
                    + "-n \(service.name) -k Primary --set-key KEY' (or -k Secondary).")
        }
        if let target = file.computeTargetName, target != service.computeName {
            warnings.append(
                "deploymentconfig.json: computeTargetName '\(target)' is not used: an update keeps the service on "
                    + "'\(service.computeName)'; to move it, delete it and deploy it again with --ct \(target).")
        }
        return warnings
    }
}
