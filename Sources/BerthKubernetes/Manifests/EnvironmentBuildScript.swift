/// The shell script of the `build-environment` init container (see `ReplicaPodSpec.buildContainer`).
///
/// It prints one line saying what it did — "reused" (a complete venv was in the cache volume) or
/// "building" then "ready" — so `kubectl logs POD -c build-environment` tells whether the cache
/// served. It refuses, with the versions, when the environment pins a Python `major.minor` that the
/// runtime image's `python3` is not (a venv cannot change the version).
enum EnvironmentBuildScript {
    /// The marker file written last into a finished venv.
    static let markerFileName = "berth-complete"

    static func script(hash: String, requirements: [String], pythonVersion: String?) -> String {
        let short = String(hash.prefix(12))
        let quoted = requirements.map(FetchScript.quote).joined(separator: " ")
        var lines = [
            "set -eu",
            "cache=\(FetchScript.quote(ReplicaManifests.venvCacheDirectory))",
            "venv=\"$cache/\(hash)\"",
            "if [ -f \"$venv/\(markerFileName)\" ]; then",
            "  echo \"Environment \(short): reused the complete venv in the cache volume; nothing to build\"",
            "  exit 0",
            "fi",
        ]
        if let pythonVersion {
            lines += [
                "have=$(python3 -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])')",
                "if [ \"$have\" != \(FetchScript.quote(pythonVersion)) ]; then",
                "  echo \"Environment \(short) pins Python \(pythonVersion) but the runtime image has Python $have: "
                    + "push an environment image to the registry, or use a runtime image with Python \(pythonVersion).\" >&2",
                "  exit 1",
                "fi",
            ]
        }
        lines += [
            "echo \"Environment \(short): no complete venv in the cache volume; building one\"",
            "tmp=\"$cache/.\(hash).tmp-${BERTH_POD_NAME:-$$}\"",
            "rm -rf \"$tmp\"",
            "python3 -m venv \"$tmp\"",
            requirements.isEmpty
                ? "true" : "\"$tmp/bin/python\" -m pip install --no-cache-dir --disable-pip-version-check \(quoted)",
            "echo complete > \"$tmp/\(markerFileName)\"",
            "if [ -f \"$venv/\(markerFileName)\" ]; then",
            "  rm -rf \"$tmp\"",
            "  echo \"Environment \(short): another Pod finished the same venv first; reused it\"",
            "  exit 0",
            "fi",
            "rm -rf \"$venv\"",
            "mv \"$tmp\" \"$venv\"",
            "echo \"Environment \(short): venv ready\"",
        ]
        return lines.joined(separator: "\n")
    }
}
