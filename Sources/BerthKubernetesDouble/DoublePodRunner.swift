import AsyncHTTPClient
import BerthCore
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1

/// "Runs" one Pod of the double as local processes: its init containers one after another, then
/// its `replica` container (`berth replica`), on the Pod's own loopback address; marks it ready
/// from its readiness probe, restarts it with a back-off when it exits, and stops it (SIGTERM,
/// then SIGKILL after the grace period) when the Pod is deleted or the double stops.
///
/// Volumes become folders under the runtime's work directory; every path under a mount in the
/// container's command, arguments, environment and working directory is rewritten to its folder.
struct DoublePodRunner: Sendable {
    let store: DoubleStore
    let runtime: KubernetesAPIDouble.PodRuntime
    let wake: @Sendable () -> Void
    let namespace: String
    let name: String
    let uid: JSONValue
    let podIP: String

    private var pod: JSONValue? {
        let pod = store.object(.pod, namespace: namespace, name: name)
        return pod?["metadata"]?["uid"] == uid ? pod : nil
    }

    private func setStatus(_ status: JSONValue) {
        _ = try? store.patch(.pod, namespace: namespace, name: name, ["status": status])
        wake()
    }

    /// Whether the Pod was deleted: gone, or terminating (`deletionTimestamp`).
    private var isDeleted: Bool {
        guard let pod else { return true }
        return pod["metadata"]?["deletionTimestamp"] != nil
    }

    /// Runs until the Pod is gone or the task is cancelled. A deleted Pod's containers are
    /// stopped as the kubelet stops them (`preStop`, SIGTERM, SIGKILL after the grace period);
    /// then the Pod object goes.
    func run() async {
        await runContainers()
        while !Task.isCancelled {
            guard let pod else { return }
            if pod["metadata"]?["deletionTimestamp"] != nil {
                _ = try? store.delete(.pod, namespace: namespace, name: name, force: true)
                wake()
                return
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private func runContainers() async {
        guard let pod else { return }
        let folder = runtime.workDirectory.appendingPathComponent("\(namespace)-\(name)", isDirectory: true)
        for volume in Self.volumeFolders(of: pod, folder: folder, runtime: runtime, namespace: namespace).values {
            try? FileManager.default.createDirectory(at: volume, withIntermediateDirectories: true)
        }
        let secrets = Self.secretValues(store: store, namespace: namespace)
        setStatus([
            "phase": "Pending", "podIP": .string(podIP), "hostIP": "127.0.0.1",
            "conditions": [["type": "PodScheduled", "status": "True"]],
        ])
        var initStatuses: [JSONValue] = []
        for container in pod["spec"]?["initContainers"]?.arrayValue ?? [] {
            var attempts = 0
            while true {
                guard !isDeleted, !Task.isCancelled else { return }
                let exit = await runToEnd(container, folder: folder, secrets: secrets, attempt: attempts)
                let terminated: JSONValue = [
                    "terminated": [
                        "exitCode": .number(Double(exit.code)), "reason": exit.code == 0 ? "Completed" : "Error",
                    ]
                ]
                let status: JSONValue = [
                    "name": container["name"] ?? "", "state": terminated, "restartCount": .number(Double(attempts)),
                    "image": container["image"] ?? "", "imageID": "", "ready": .bool(exit.isSuccess),
                ]
                if exit.isSuccess {
                    initStatuses.append(status)
                    break
                }
                attempts += 1
                setStatus(["phase": "Pending", "initContainerStatuses": .array(initStatuses + [status])])
                try? await Task.sleep(for: .milliseconds(500 * min(attempts, 10)))
            }
        }
        guard let main = pod["spec"]?["containers"]?.arrayValue?.first else { return }
        var restarts = 0
        var lastState: JSONValue = [:]
        while !isDeleted, !Task.isCancelled {
            let process: ChildProcess
            do {
                process = try start(main, folder: folder, secrets: secrets, attempt: restarts)
            } catch {
                setStatus([
                    "phase": "Pending",
                    "containerStatuses": [
                        [
                            "name": main["name"] ?? "", "ready": false, "restartCount": .number(Double(restarts)),
                            "image": main["image"] ?? "", "imageID": "",
                            "state": ["waiting": ["reason": "CreateContainerError", "message": .string("\(error)")]],
                        ]
                    ],
                ])
                return
            }
            var ready = false
            func report(_ state: JSONValue) {
                setStatus([
                    "phase": "Running", "podIP": .string(podIP), "initContainerStatuses": .array(initStatuses),
                    "conditions": [
                        ["type": "PodScheduled", "status": "True"],
                        ["type": "Ready", "status": ready ? "True" : "False"],
                    ],
                    "containerStatuses": [
                        [
                            // Every field the API requires of a container status (clients decode them).
                            "name": main["name"] ?? "", "ready": .bool(ready), "image": main["image"] ?? "",
                            "imageID": "",
                            "restartCount": .number(Double(restarts)), "state": state, "lastState": lastState,
                        ]
                    ],
                ])
            }
            report(["running": [:]])
            while process.exit == nil {
                if isDeleted || Task.isCancelled {
                    let grace = Duration.seconds(pod["spec"]?["terminationGracePeriodSeconds"]?.numberValue ?? 30)
                    let slept = Task.isCancelled ? .zero : await preStop(main, process: process, grace: grace)
                    _ = await process.terminate(grace: max(.seconds(1), grace - slept))
                    return
                }
                if !ready, await probe(main) {
                    ready = true
                    report(["running": [:]])
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
            let exit = await process.waitForExit()
            restarts += 1
            ready = false
            lastState = [
                "terminated": Self.terminated(exit, container: main, logs: folder.appendingPathComponent("logs"))
            ]
            report([
                "waiting": [
                    "reason": "CrashLoopBackOff", "message": .string("back-off restarting failed container (\(exit))"),
                ]
            ])
            try? await Task.sleep(for: .milliseconds(250 * min(1 << min(restarts, 5), 40)))
        }
    }

    /// A container's `terminated` state as the kubelet reports it; with
    /// `terminationMessagePolicy: FallbackToLogsOnError` a failed container's message is the end
    /// of its log (at most 80 lines and 2048 bytes, as in Kubernetes).
    static func terminated(_ exit: ChildProcess.Exit, container: JSONValue, logs: URL) -> JSONValue {
        var state: [String: JSONValue] = [
            "exitCode": .number(Double(exit.code)), "reason": exit.isSignal ? "Killed" : "Error",
        ]
        if container["terminationMessagePolicy"] == "FallbackToLogsOnError", !exit.isSuccess {
            let tail = log(in: logs, container: container["name"]?.stringValue ?? "", lines: 80)
            let bytes = Array(tail.utf8.suffix(2048))
            let message = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !message.isEmpty { state["message"] = .string(message) }
        }
        return .object(state)
    }

    /// Runs the container's `preStop` hook (the `sleep` action, or an `exec` of `sleep N`; the
    /// double runs no other `exec` hooks) while the process keeps serving; returns how long it
    /// took, which counts against the grace period.
    private func preStop(_ container: JSONValue, process: ChildProcess, grace: Duration) async -> Duration {
        let hook = container["lifecycle"]?["preStop"]
        let command = hook?["exec"]?["command"]?.arrayValue ?? []
        let execSleep = command.count == 2 && command[0] == "sleep" ? command[1].stringValue.flatMap(Double.init) : nil
        guard let seconds = hook?["sleep"]?["seconds"]?.numberValue ?? execSleep else { return .zero }
        let start = ContinuousClock.now
        let end = start + min(.seconds(seconds), grace)
        while ContinuousClock.now < end, process.exit == nil, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return start.duration(to: .now)
    }

    private func probe(_ container: JSONValue) async -> Bool {
        guard let path = container["readinessProbe"]?["httpGet"]?["path"]?.stringValue else { return true }
        let port = Self.port(container["readinessProbe"]?["httpGet"]?["port"], container: container)
        var request = HTTPClientRequest(url: "http://\(podIP):\(port)\(path)")
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return (200..<400).contains(response.status.code)
    }

    static func port(_ value: JSONValue?, container: JSONValue) -> Int {
        if let number = value?.numberValue { return Int(number) }
        let named = (container["ports"]?.arrayValue ?? []).first { $0["name"] == value }
        return Int(named?["containerPort"]?.numberValue ?? 80)
    }

    private func runToEnd(_ container: JSONValue, folder: URL, secrets: [String: [String: String]], attempt: Int) async
        -> ChildProcess.Exit
    {
        do {
            let process = try start(container, folder: folder, secrets: secrets, attempt: attempt)
            while process.exit == nil {
                if isDeleted || Task.isCancelled { return await process.terminate(grace: .seconds(2)) }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return await process.waitForExit()
        } catch {
            return ChildProcess.Exit.exited(127)
        }
    }

    private func start(_ container: JSONValue, folder: URL, secrets: [String: [String: String]], attempt: Int) throws
        -> ChildProcess
    {
        let containerName = container["name"]?.stringValue ?? "container"
        let volumes = Self.volumeFolders(of: pod ?? [:], folder: folder, runtime: runtime, namespace: namespace)
        var mounts: [(String, String)] = (container["volumeMounts"]?.arrayValue ?? []).compactMap { mount in
            guard let path = mount["mountPath"]?.stringValue, let volume = mount["name"]?.stringValue else {
                return nil
            }
            return (path, (volumes[volume] ?? folder.appendingPathComponent("volumes/\(volume)")).path)
        }
        mounts.sort { $0.0.count > $1.0.count }
        func local(_ text: String) -> String { Self.rewrite(text, mounts: mounts) }
        var words = ((container["command"]?.arrayValue ?? []) + (container["args"]?.arrayValue ?? [])).compactMap(
            \.stringValue)
        guard let first = words.first else {
            throw DoubleStatus.badRequest("container \(containerName) has no command")
        }
        switch first {
        case "berth":
            words[0] = runtime.berthExecutable.path
            for (index, word) in words.enumerated() where index > 0 {
                if words[index - 1] == "--host", word == "0.0.0.0" { words[index] = podIP }
                if words[index - 1] == "--python", word == "python3" { words[index] = runtime.python }
            }
        case "sh": words[0] = "/bin/sh"
        default: throw DoubleStatus.badRequest("the double runs only 'berth' and 'sh' commands, not \(first)")
        }
        words = [words[0]] + words.dropFirst().map(local)
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in runtime.environment { environment[key] = value }
        for variable in container["env"]?.arrayValue ?? [] {
            guard let key = variable["name"]?.stringValue else { continue }
            if let value = variable["value"]?.stringValue {
                environment[key] = local(value)
            } else if let reference = variable["valueFrom"]?["secretKeyRef"] {
                environment[key] =
                    secrets[reference["name"]?.stringValue ?? ""]?[reference["key"]?.stringValue ?? ""] ?? ""
            } else if variable["valueFrom"]?["fieldRef"]?["fieldPath"] == "metadata.name" {
                environment[key] = name
            }
        }
        let logs = folder.appendingPathComponent("logs")
        if let workingDirectory = container["workingDir"]?.stringValue.map(local) {
            // `exec` keeps the container's process id the one signals go to.
            words = ["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", workingDirectory] + words
        }
        let process = try ChildProcess(
            executable: URL(fileURLWithPath: words[0]), arguments: Array(words.dropFirst()), environment: environment,
            stdoutFile: logs.appendingPathComponent("\(containerName)-\(attempt).out"),
            stderrFile: logs.appendingPathComponent("\(containerName)-\(attempt).err"))
        return process
    }

    /// The folder of each of the Pod's volumes: its own under the Pod's folder, except a
    /// `persistentVolumeClaim`, which is one folder per claim (`claims/NAMESPACE/CLAIM` under the
    /// work directory) shared by every Pod that mounts it, as a ReadWriteMany volume would be.
    static func volumeFolders(
        of pod: JSONValue, folder: URL, runtime: KubernetesAPIDouble.PodRuntime, namespace: String
    ) -> [String: URL] {
        var folders: [String: URL] = [:]
        for volume in pod["spec"]?["volumes"]?.arrayValue ?? [] {
            guard let name = volume["name"]?.stringValue else { continue }
            if let claim = volume["persistentVolumeClaim"]?["claimName"]?.stringValue {
                folders[name] = runtime.workDirectory.appendingPathComponent(
                    "claims/\(namespace)/\(claim)", isDirectory: true)
            } else {
                folders[name] = folder.appendingPathComponent("volumes/\(name)", isDirectory: true)
            }
        }
        return folders
    }

    /// The last `lines` lines a container wrote (stdout and stderr of its latest run), as
    /// `kubectl logs --tail` shows them.
    static func log(in folder: URL?, container: String, lines: Int) -> String {
        guard let folder,
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return "" }
        let runs = names.compactMap { name -> Int? in
            guard name.hasPrefix("\(container)-"), name.hasSuffix(".err") else { return nil }
            return Int(name.dropFirst(container.count + 1).dropLast(4))
        }
        guard let latest = runs.max() else { return "" }
        let text = ["out", "err"].compactMap {
            try? String(contentsOf: folder.appendingPathComponent("\(container)-\(latest).\($0)"), encoding: .utf8)
        }.joined()
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// `text` with every path under a mount (`mountPath` at a path boundary) moved to the mount's
    /// folder, in one pass, so a folder that itself lies under a mount path (`/tmp/…`) is not
    /// rewritten again.
    ///
    /// The double's "image" is this machine's filesystem, so a word that names an existing file
    /// here (the test's Python in a checkout under `/tmp`, say) is the image's file and stays as it
    /// is; a real cluster would have it at that path in the image, outside the emptyDir.
    static func rewrite(_ text: String, mounts: [(String, String)]) -> String {
        let characters = Array(text)
        var result = ""
        var index = 0
        let starts: Set<Character> = [" ", "'", "\"", "=", ":", "\n", "\t"]
        let ends: Set<Character> = ["/", " ", "'", "\"", "\n", "\t", ":"]
        let wordEnds: Set<Character> = [" ", "'", "\"", "\n", "\t", ":"]
        func isImageFile(from start: Int) -> Bool {
            var end = start
            while end < characters.count, !wordEnds.contains(characters[end]) { end += 1 }
            var isDirectory: ObjCBool = false
            let path = String(characters[start..<end])
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        outer: while index < characters.count {
            if index == 0 || starts.contains(characters[index - 1]), characters[index] == "/", !isImageFile(from: index)
            {
                for (path, folder) in mounts {
                    let pattern = Array(path)
                    let end = index + pattern.count
                    guard end <= characters.count, Array(characters[index..<end]) == pattern,
                        end == characters.count || ends.contains(characters[end])
                    else { continue }
                    result += folder
                    index = end
                    continue outer
                }
            }
            result.append(characters[index])
            index += 1
        }
        return result
    }

    /// Every Secret of the namespace, decoded: name → key → value.
    static func secretValues(store: DoubleStore, namespace: String) -> [String: [String: String]] {
        var values: [String: [String: String]] = [:]
        for secret in store.list(DoubleKind.all[4], namespace: namespace, selector: DoubleLabelSelector(nil)).items {
            guard let name = secret["metadata"]?["name"]?.stringValue else { continue }
            for (key, value) in secret["data"]?.objectValue ?? [:] {
                let decoded = value.stringValue.flatMap { Data(base64Encoded: $0) }.map {
                    String(decoding: $0, as: UTF8.self)
                }
                values[name, default: [:]][key] = decoded ?? ""
            }
        }
        return values
    }
}
