import Foundation

/// The init container's shell script: download each file from the control plane's artifact API
/// and refuse to start the replica unless its SHA-256 matches.
///
/// POSIX `sh`, `curl` and `sha256sum` only (all in the runtime image). Paths and digests come from
/// the store, which checked them (relative, no `..`; `sha256:` + 64 hex).
///
/// The list of files is itself an artifact (`fileList(files:)`, stored by the control plane and
/// granted to the deployment's token), fetched and checked first, then read line by line: the
/// script and so the container's arguments stay the same size whatever the number of files (an
/// inline list of ~1,000 files would pass the 128 KiB limit of one argument, and ~10,000 the size
/// of an object etcd keeps).
enum FetchScript {
    /// Where the script keeps the list it fetched.
    static let listPath = "/tmp/berth-files"

    /// The script for the file list stored as artifact `listDigest` (`sha256:<hex>`). The list
    /// names each file's folder by a letter (`m`: models, `s`: source) and the script maps the
    /// letters to the mounts, so the list says nothing of where the Pod mounts them.
    static func script(listDigest: String) -> String {
        let lines =
            functionLines + [
                "fetch \(quote(hex(listDigest))) \(listPath)",
                "count=0",
                // `read -r hex place path`: the path is the rest of the line, spaces and all.
                "while IFS=' ' read -r hex place path; do",
                "  case \"$place\" in",
                "    m) folder=\(quote(ReplicaManifests.modelDirectory)) ;;",
                "    s) folder=\(quote(ReplicaManifests.sourceDirectory)) ;;",
                "    *) echo \"unreadable file list line: $hex $place\" >&2; exit 1 ;;",
                "  esac",
                "  fetch \"$hex\" \"$folder/$path\"",
                "  count=$((count + 1))",
                "done < \(listPath)",
                "echo \"fetched $count files\"",
            ]
        return lines.joined(separator: "\n")
    }

    /// The file list the script reads: one `<hex> <m|s> <path>` line per file. Nil when a path
    /// holds a line break, which a line-based list cannot carry (`inlineScript` then serves).
    static func fileList(modelFiles: [ReplicaWorkload.FetchedFile], sourceFiles: [ReplicaWorkload.FetchedFile])
        -> String?
    {
        var lines: [String] = []
        for (place, files) in [("m", modelFiles), ("s", sourceFiles)] {
            for file in files {
                guard !file.path.contains("\n"), !file.path.contains("\r") else { return nil }
                lines.append("\(hex(file.digest)) \(place) \(file.path)\n")
            }
        }
        return lines.joined()
    }

    /// The script with every file named inline, for a list `fileList` cannot write.
    static func inlineScript(files: [(folder: String, file: ReplicaWorkload.FetchedFile)]) -> String {
        var lines = functionLines
        for (folder, file) in files {
            lines.append("fetch \(quote(hex(file.digest))) \(quote("\(folder)/\(file.path)"))")
        }
        lines.append("echo \"fetched \(files.count) files\"")
        return lines.joined(separator: "\n")
    }

    private static let functionLines = [
        "set -eu",
        "fetch() {",
        "  mkdir -p \"$(dirname \"$2\")\"",
        "  curl -fsS --retry 5 --retry-connrefused -H \"Authorization: Bearer $BERTH_ARTIFACT_TOKEN\" \\",
        "    -o \"$2\" \"$BERTH_CONTROL_PLANE_URL/api/v1/artifacts/sha256:$1\" </dev/null",
        "  echo \"$1  $2\" | sha256sum -c - >/dev/null || { echo \"checksum mismatch: $2\" >&2; exit 1; }",
        "}",
    ]

    private static func hex(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
    }

    /// Single-quotes `text` for `sh`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
