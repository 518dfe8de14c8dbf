import Foundation

/// The names a deployment can have: the router's tables, its load and the control plane's store
/// key a deployment by this name, whether it is a service or an endpoint version.
extension NameKind {
    /// Whether `name` can name a deployment: a service name, or an endpoint version's deployment
    /// (`<endpoint>--<version>`, `EndpointVersion.deploymentName`) whose two parts follow the
    /// endpoint and version rules.
    public static func isValidDeploymentName(_ name: String) -> Bool {
        if NameKind.service.isValid(name) { return true }
        var searchStart = name.startIndex
        while let separator = name[searchStart...].range(of: "--") {
            if NameKind.endpoint.isValid(String(name[..<separator.lowerBound]))
                && NameKind.endpointVersion.isValid(String(name[separator.upperBound...]))
            {
                return true
            }
            searchStart = name.index(after: separator.lowerBound)
        }
        return false
    }
}
