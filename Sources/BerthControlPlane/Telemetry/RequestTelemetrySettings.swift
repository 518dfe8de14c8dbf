import BerthCore
import Foundation

/// Request telemetry (`appInsightsEnabled`, Azure's `enable_app_insights`): the variable that turns
/// it on in a deployment's replicas and says where their lines go (`RequestTelemetryContext`).
enum RequestTelemetrySettings {
    /// The variables a replica of `service` gets: none unless its config has `appInsightsEnabled`.
    ///
    /// On this machine the lines go to `$BERTH_HOME/telemetry/<service>/`. In a Kubernetes Pod they
    /// must not stay in the Pod, so the context has no folder there: the replica sends them to the
    /// control plane (`RequestTelemetryShipper`, with the `ControlPlaneUpload` its container gets),
    /// which writes them into the same folder.
    static func environment(for service: Webservice, computeKind: ComputeTargetKind, telemetryRoot: URL)
        -> [String: String]
    {
        guard service.deploymentConfig.appInsightsEnabled else { return [:] }
        let directory =
            computeKind == .kubernetes
            ? nil : RequestTelemetryFolder.folder(of: service.name, in: telemetryRoot).path
        let context = RequestTelemetryContext(deployment: service.name, models: service.models, directory: directory)
        return [RequestTelemetryContext.environmentVariable: context.environmentValue]
    }
}
