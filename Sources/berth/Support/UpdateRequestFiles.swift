import ArgumentParser
import BerthCore
import Foundation

extension UpdateServiceRequest {
    /// The update `berth service update` and `berth endpoint version update` send: the models, the
    /// text of a new inference config (with the folder its paths are relative to) and of a
    /// partial deployment config, each when given.
    static func reading(models: [String], inferenceConfigFile: String?, deployConfigText: String?) throws
        -> UpdateServiceRequest
    {
        var request = UpdateServiceRequest(models: models.isEmpty ? nil : models, deploymentConfig: deployConfigText)
        if let inferenceConfigFile {
            let url = URL(fileURLWithPath: inferenceConfigFile).standardizedFileURL
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw ValidationError("Cannot read --inference-config-file '\(inferenceConfigFile)'.")
            }
            request.inferenceConfig = text
            request.baseDirectory = url.deletingLastPathComponent().path
        }
        return request
    }
}
