import BerthCore
import BerthTesting
import Foundation
import Testing

/// `berth environment list|prune` against a real server and real cache folders.
struct EnvironmentPruneTests {
    /// A complete cached environment as the builder leaves it: `bin/python` and its marker.
    static func makeEnvironment(at folder: URL, lastUsed: Date) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let python = folder.appendingPathComponent("bin/python")
        try Data("#!/bin/sh\n".utf8).write(to: python)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: python.path)
        let marker = folder.appendingPathComponent("berth-environment.json")
        try Data(String(repeating: "x", count: 5000).utf8).write(to: marker)
        try FileManager.default.setAttributes([.modificationDate: lastUsed], ofItemAtPath: marker.path)
    }

    /// A made-up environment hash: 64 lowercase hex digits.
    static func randomHash() -> String {
        String((UUID().uuidString + UUID().uuidString).lowercased().filter(\.isHexDigit).prefix(64))
    }

    @Test("Unused environments are listed and pruned; the one a service runs and a recently used one stay")
    func listAndPrune() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let home = workspace.home
            let deployed = try await workspace.deploy("env-svc")
            try #require(deployed.succeeded, "\(deployed)")
            let service = try await berthJSON(Webservice.self, "service", "show", "-n", "env-svc", home: home)
            let inUse = try #require(service.environmentHash)
            let envs = home.appendingPathComponent("envs")
            let twoHoursAgo = Date().addingTimeInterval(-7200)
            let idle = Self.randomHash()
            let recent = Self.randomHash()
            try Self.makeEnvironment(at: envs.appendingPathComponent(inUse), lastUsed: twoHoursAgo)
            try Self.makeEnvironment(at: envs.appendingPathComponent(idle), lastUsed: twoHoursAgo)
            try Self.makeEnvironment(at: envs.appendingPathComponent(recent), lastUsed: Date())

            let listed = try await berthJSON([CachedEnvironment].self, "environment", "list", home: home)
                .filter { $0.location == .workspace }
            #expect(Set(listed.map(\.hash)) == [inUse, idle, recent])
            #expect(listed.first { $0.hash == inUse }?.services == ["env-svc"])
            #expect(listed.allSatisfy { $0.sizeBytes >= 5000 }, "\(listed)")
            let table = try await berth("environment", "list", home: home)
            #expect(table.stdout.contains("env-svc") && table.stdout.contains(String(idle.prefix(12))), "\(table)")

            // A dry run names only the idle one and removes nothing.
            let dry = try await berthJSON(
                PruneEnvironmentsResult.self, "environment", "prune", "--dry-run", "--older-than-days", "100000",
                home: home)
            #expect(dry.dryRun && dry.removed.map(\.hash) == [idle], "\(dry)")
            #expect(FileManager.default.fileExists(atPath: envs.appendingPathComponent(idle).path))

            let pruned = try await berth("environment", "prune", "--older-than-days", "100000", home: home)
            #expect(pruned.stdout.contains("Freed"), "\(pruned)")
            #expect(!FileManager.default.fileExists(atPath: envs.appendingPathComponent(idle).path))
            #expect(FileManager.default.fileExists(atPath: envs.appendingPathComponent(inUse).path))
            #expect(FileManager.default.fileExists(atPath: envs.appendingPathComponent(recent).path))
            let again = try await berth("environment", "prune", "--older-than-days", "100000", home: home)
            #expect(again.stdout.contains("Nothing to remove"), "\(again)")
            try await berthFails(
                "environment", "prune", "--older-than-days=-1", home: home, exitCode: 64, saying: "0 or more")
            // The service still scores: pruning did not touch what it runs.
            #expect(try await berthJSON(Webservice.self, "service", "show", "-n", "env-svc", home: home).state == .healthy)
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }
}
