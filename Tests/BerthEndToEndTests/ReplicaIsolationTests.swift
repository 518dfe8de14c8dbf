import BerthCore
import BerthTesting
import Foundation
import Testing

/// Local replicas listen on Unix domain sockets in a folder only the server's user can enter, so
/// nothing but the router, which checks the key, can score them.
@Suite(.timeLimit(.minutes(5)))
struct ReplicaIsolationTests {
    @Test func replicasListenOnlyOnPrivateUnixSockets() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let deployed = try await workspace.deploy("private-svc")
            try #require(deployed.succeeded, "\(deployed)")
            let pids = replicaProcesses(service: "private-svc")
            try #require(pids.count == 1)

            // No TCP listener of the replica process, on any address.
            let listeners = tcpListenerInodes()
            let replicaSockets = socketInodes(of: pids[0])
            #expect(!replicaSockets.isEmpty)
            #expect(replicaSockets.isDisjoint(with: listeners), "the replica listens on no TCP port")

            // Its socket: 0600 in a 0700 folder.
            let folder = workspace.home.appendingPathComponent("run/replicas")
            let sockets = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
                $0.hasSuffix(".sock")
            }
            #expect(sockets.count == 1, "\(sockets)")
            #expect(try permissions(folder.path) == 0o700)
            #expect(try permissions(folder.appendingPathComponent(sockets[0]).path) == 0o600)

            // Scoring through the router still works.
            let scored = try await berth(
                "service", "run", "-n", "private-svc", "-d", #"{"hello": 1}"#, home: workspace.home)
            #expect(scored.stdout.contains("hello"), "\(scored)")
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? 0) & 0o777
    }

    /// The inodes of every listening TCP socket on the machine (`/proc/net/tcp` and `tcp6`, state 0A).
    private func tcpListenerInodes() -> Set<String> {
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                if fields.count > 9, fields[3] == "0A" { inodes.insert(String(fields[9])) }
            }
        }
        return inodes
    }

    /// The inodes of the sockets `pid` holds open.
    private func socketInodes(of pid: Int32) -> Set<String> {
        let folder = "/proc/\(pid)/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Set(
            descriptors.compactMap { descriptor in
                guard
                    let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(descriptor)"),
                    target.hasPrefix("socket:[")
                else { return nil }
                return String(target.dropFirst("socket:[".count).dropLast())
            })
    }
}
