import BerthCore
import Foundation

/// How a conda/pip dependency list becomes a venv build: Berth makes venvs with pip, not conda
/// environments, so each conda entry is mapped and every mapping is said in the build log.
///
/// - `python=X`: not installed; the interpreter that creates the venv must satisfy it
///   (`PythonVersionRequirement`).
/// - `pip`: skipped, a venv has pip.
/// - any other conda package: tried with pip under the same name (a few known renames, such as
///   `pytorch` → `torch`), with conda's `=1.2` turned into pip's `==1.2.*`, and a warning that
///   the PyPI name may differ.
/// - pip packages Berth replaces with its own shims (`azureml-defaults`, `azureml-core`,
///   `azureml-contrib-services`, `azureml-inference-server-http`): skipped, so the shims stay in
///   charge; everything else pip-listed is installed in order, after the mapped conda packages.
struct InstallPlan: Sendable, Hashable {
    /// The conda `python` constraint, e.g. `=3.11`; nil when none is given.
    var pythonRequirement: PythonVersionRequirement?
    /// Requirements for one `pip install`, in order.
    var pipRequirements: [String] = []
    /// Log lines explaining each mapping and skip.
    var notes: [String] = []

    /// Whether nothing needs installing, so the system Python serves.
    var isEmpty: Bool { pipRequirements.isEmpty }

    static let shimmedPackages: Set<String> = [
        "azureml-defaults", "azureml-core", "azureml-contrib-services", "azureml-inference-server-http",
    ]
    static let condaToPyPI = ["pytorch": "torch", "py-xgboost": "xgboost", "pytorch-cpu": "torch"]

    init(_ dependencies: PythonDependencies) throws(BerthError) {
        for package in dependencies.condaPackages {
            try addConda(package.trimmingWhitespace())
        }
        for requirement in dependencies.pipPackages.map({ $0.trimmingWhitespace() }) where !requirement.isEmpty {
            let name = Self.normalizedName(requirement)
            if Self.shimmedPackages.contains(name) {
                notes.append("pip package '\(requirement)' skipped: Berth's worker provides the azureml shims itself.")
            } else {
                pipRequirements.append(requirement)
            }
        }
    }

    private mutating func addConda(_ package: String) throws(BerthError) {
        var spec = Substring(package)
        if let range = spec.range(of: "::") { spec = spec[range.upperBound...] }
        let name = spec.prefix(while: { $0.isLetter || $0.isNumber || "-_.".contains($0) })
        var version = spec.dropFirst(name.count).trimming(" ")
        let lowered = name.lowercased()
        if lowered == "python" {
            pythonRequirement = try PythonVersionRequirement(parsing: version.isEmpty ? nil : version, source: package)
            return
        }
        if lowered == "pip" {
            notes.append("conda package '\(package)' skipped: the venv has pip.")
            return
        }
        // conda's `name=1.2=build` and `name 1.2`: drop the build string, `=1.2` means `1.2.*`.
        if let first = version.first, first.isNumber { version = "=" + version }
        if version.hasPrefix("="), !version.hasPrefix("==") {
            let pin = version.dropFirst().split(separator: "=").first.map(String.init) ?? ""
            version = pin.hasSuffix("*") ? "==" + pin : "==" + pin + ".*"
        }
        let pipName = Self.condaToPyPI[lowered] ?? String(name)
        let requirement = pipName + version
        pipRequirements.append(requirement)
        notes.append(
            "warning: conda package '\(package)' installed with pip as '\(requirement)'; Berth builds venvs, not conda "
                + "environments, and the PyPI name may differ.")
    }

    /// PEP 503 normalisation: lowercase, runs of `-_.` become `-`; only the name part is kept.
    static func normalizedName(_ requirement: String) -> String {
        let name = requirement.prefix(while: { $0.isLetter || $0.isNumber || "-_.".contains($0) })
        var result = ""
        for character in name.lowercased() {
            if "-_.".contains(character) {
                if !result.hasSuffix("-") { result.append("-") }
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A conda `python` constraint (`=3.11`, `==3.11.7`, `>=3.8,<3.13`, `3.11`), checked against
/// the interpreter that will create the venv, since a venv cannot change the Python version.
struct PythonVersionRequirement: Sendable, Hashable, CustomStringConvertible {
    struct Clause: Sendable, Hashable {
        var operation: String
        var version: [Int]
    }

    var clauses: [Clause]
    var description: String

    /// nil `text` (a bare `python`) accepts any version.
    init(parsing text: String?, source: String) throws(BerthError) {
        description = source
        clauses = []
        for part in (text ?? "").split(separator: ",") {
            let clause = part.trimming(" ")
            let operation = String(clause.prefix(while: { "=<>!~".contains($0) }))
            let versionText = clause.dropFirst(operation.count).split(separator: "=").first ?? ""
            let version = versionText.split(separator: ".").compactMap { Int($0) }
            guard ["", "=", "==", ">=", "<=", ">", "<", "!="].contains(operation), !version.isEmpty else {
                throw BerthError.invalidConfiguration(
                    "The conda dependency '\(source)' is not a Python version Berth understands; write e.g. 'python=3.11'."
                )
            }
            clauses.append(Clause(operation: operation.isEmpty ? "=" : operation, version: version))
        }
    }

    /// The `major.minor` a `=`/`==` clause pins, for looking up `python3.X` on `PATH`.
    var pinnedMinor: String? {
        guard let clause = clauses.first(where: { $0.operation == "=" || $0.operation == "==" }),
            clause.version.count >= 2
        else { return nil }
        return "\(clause.version[0]).\(clause.version[1])"
    }

    func isSatisfied(by version: [Int]) -> Bool {
        clauses.allSatisfy { clause in
            let prefix = Array(version.prefix(clause.version.count))
            switch clause.operation {
            case "=": return prefix == clause.version
            case "==":
                return version == clause.version
                    || prefix == clause.version && version.count > clause.version.count && clause.version.count < 3
            case "!=": return prefix != clause.version
            case ">=": return !version.lexicographicallyPrecedes(clause.version)
            case "<=": return prefix == clause.version || version.lexicographicallyPrecedes(clause.version)
            case ">": return prefix != clause.version && !version.lexicographicallyPrecedes(clause.version)
            case "<": return version.lexicographicallyPrecedes(clause.version) && prefix != clause.version
            default: return false
            }
        }
    }
}

extension StringProtocol {
    fileprivate func trimming(_ set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
