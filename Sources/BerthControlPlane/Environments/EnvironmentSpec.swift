import BerthCore
import BerthStore
import Foundation

/// What a deployment's Python environment is made of — base image, extra Dockerfile steps and the
/// conda/pip dependency list — reduced to the parts that change what gets built, so identical
/// environments share one cached build however their files were written.
///
/// `hash` is SHA-256 over `canonicalJSON`: an object with sorted keys and no whitespace, so key
/// order, indentation and comments in the user's files never change it. List order does count:
/// pip installs in the order given and later pins can override earlier ones, conda channels are a
/// priority list, and Azure treats the lists as ordered too. Package strings and the Dockerfile
/// text are trimmed (line ends normalised, trailing spaces and blank edge lines dropped); the conda
/// file's `name` is not part of the hash.
package struct EnvironmentSpec: Sendable, Hashable, Codable {
    /// The base image for Kubernetes replicas (`baseImage`, or `environment.docker.baseImage`).
    package var baseImage: String?
    /// The text of the extra Dockerfile steps (or of `environment.docker.baseDockerfile`).
    package var dockerfileSteps: String?
    /// Channels, conda packages and pip packages, in the order written.
    package var dependencies: PythonDependencies
    /// `environment.python.userManagedDependencies`: the user provides Python; nothing is built.
    package var isUserManaged: Bool

    package init(
        baseImage: String? = nil, dockerfileSteps: String? = nil,
        dependencies: PythonDependencies = PythonDependencies(), isUserManaged: Bool = false
    ) {
        self.baseImage = baseImage
        self.dockerfileSteps = dockerfileSteps
        self.dependencies = dependencies
        self.isUserManaged = isUserManaged
    }

    /// The canonical form that is hashed (format version 1).
    package var canonicalJSON: String {
        func list(_ items: [String]) -> JSONValue { .array(items.map { .string($0.trimmingWhitespace()) }) }
        var members: [String: JSONValue] = [
            "format": .number(1),
            "channels": list(dependencies.channels),
            "conda": list(dependencies.condaPackages),
            "pip": list(dependencies.pipPackages),
        ]
        if let image = baseImage?.trimmingWhitespace(), !image.isEmpty { members["baseImage"] = .string(image) }
        if let steps = dockerfileSteps.map(Self.normalizedText), !steps.isEmpty {
            members["dockerfileSteps"] = .string(steps)
        }
        if isUserManaged { members["userManaged"] = .bool(true) }
        return JSONValue.object(members).canonicalJSON
    }

    /// 64 hex digits identifying the environment; the cache folders are named by it.
    package var hash: String { ContentDigest.sha256Hex(Data(canonicalJSON.utf8)) }

    /// The first 12 hex digits, for log lines.
    package var shortHash: String { String(hash.prefix(12)) }

    private static func normalizedText(_ text: String) -> String {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { line -> String in
                var line = Substring(line)
                while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
                return String(line)
            }
        let trimmed = lines.drop(while: \.isEmpty).reversed().drop(while: \.isEmpty).reversed()
        return trimmed.joined(separator: "\n")
    }
}
