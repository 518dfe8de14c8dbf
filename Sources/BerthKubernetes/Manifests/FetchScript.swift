/// The init container's shell script: download each file from the control plane's artifact API
/// and refuse to start the replica unless its SHA-256 matches.
///
/// POSIX `sh`, `curl` and `sha256sum` only (all in the runtime image). Paths and digests come from
/// the store, which checked them (relative, no `..`; `sha256:` + 64 hex), and are single-quoted.
enum FetchScript {
    static func script(files: [(folder: String, file: ReplicaWorkload.FetchedFile)]) -> String {
        var lines = [
            "set -eu",
            "fetch() {",
            "  mkdir -p \"$(dirname \"$2\")\"",
            "  curl -fsS --retry 5 --retry-connrefused -H \"Authorization: Bearer $BERTH_ARTIFACT_TOKEN\" \\",
            "    -o \"$2\" \"$BERTH_CONTROL_PLANE_URL/api/v1/artifacts/sha256:$1\"",
            "  echo \"$1  $2\" | sha256sum -c - >/dev/null || { echo \"checksum mismatch: $2\" >&2; exit 1; }",
            "}",
        ]
        for (folder, file) in files {
            let hex = file.digest.hasPrefix("sha256:") ? String(file.digest.dropFirst(7)) : file.digest
            lines.append("fetch \(quote(hex)) \(quote("\(folder)/\(file.path)"))")
        }
        lines.append("echo \"fetched \(files.count) files\"")
        return lines.joined(separator: "\n")
    }

    /// Single-quotes `text` for `sh`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
