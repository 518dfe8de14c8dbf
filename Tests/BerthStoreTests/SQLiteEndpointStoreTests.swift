import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

/// Endpoints in the SQLite store (migration `v3-endpoints`): round trip, keys kept across saves,
/// deletion with the keys, everything surviving a reopen.
struct SQLiteEndpointStoreTests {
    @Test func endpointsRoundTripKeepKeysAndSurviveReopen() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.appending("berth.sqlite")
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        var endpoint = Endpoint(
            name: "ep-one", computeName: "mylocal",
            versions: [
                EndpointVersion(name: "blue", trafficPercentile: 20, isDefault: true, type: .control),
                EndpointVersion(name: "green", trafficPercentile: 10),
            ], createdTime: created)
        do {
            let store = try SQLiteMetadataStore(path: path)
            try await store.saveEndpoint(endpoint)
            #expect(try await store.endpoint(named: "ep-one") == endpoint)
            #expect(try await store.endpointKeys(forEndpoint: "ep-one") == nil)
            let keys = ServiceKeys(primaryKey: "p-key-0123456789", secondaryKey: "s-key-0123456789")
            try await store.saveEndpointKeys(keys, forEndpoint: "ep-one")
            endpoint.versions[1].trafficPercentile = 40
            try await store.saveEndpoint(endpoint)
            #expect(try await store.endpointKeys(forEndpoint: "ep-one") == keys, "a save keeps the keys")
            await #expect(throws: BerthError.self) {
                try await store.saveEndpointKeys(keys, forEndpoint: "no-such")
            }
        }
        let reopened = try SQLiteMetadataStore(path: path)
        #expect(try await reopened.endpoints() == [endpoint])
        try await reopened.deleteEndpoint(named: "ep-one")
        #expect(try await reopened.endpoint(named: "ep-one") == nil)
        #expect(try await reopened.endpointKeys(forEndpoint: "ep-one") == nil)
    }

    /// The in-memory store that unit tests use keeps the same rules (apart from surviving a reopen).
    @Test func theInMemoryStoreKeepsTheSameRules() async throws {
        let store = InMemoryMetadataStore()
        var endpoint = Endpoint(
            name: "ep-one", computeName: "mylocal",
            versions: [EndpointVersion(name: "blue", trafficPercentile: 100, isDefault: true)], createdTime: Date())
        try await store.saveEndpoint(endpoint)
        let keys = ServiceKeys(primaryKey: "p-key-0123456789", secondaryKey: "s-key-0123456789")
        try await store.saveEndpointKeys(keys, forEndpoint: "ep-one")
        endpoint.versions[0].trafficPercentile = 50
        try await store.saveEndpoint(endpoint)
        #expect(try await store.endpoints() == [endpoint])
        #expect(try await store.endpointKeys(forEndpoint: "ep-one") == keys, "a save keeps the keys")
        await #expect(throws: BerthError.self) { try await store.saveEndpointKeys(keys, forEndpoint: "no-such") }
        try await store.deleteEndpoint(named: "ep-one")
        #expect(try await store.endpoint(named: "ep-one") == nil)
        #expect(try await store.endpointKeys(forEndpoint: "ep-one") == nil, "deleted with its endpoint")
    }

    /// The database holds keys: its files are the owner's only, new or made before (0644).
    @Test func theDatabaseFilesAreTheOwnersOnly() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.appending("berth.sqlite")
        func mode(_ suffix: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: path.path + suffix)
            return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        do {
            let store = try SQLiteMetadataStore(path: path)
            try await store.saveEndpoint(Endpoint(name: "ep", computeName: "c", versions: [], createdTime: Date()))
            try await store.saveEndpointKeys(ServiceKeys(primaryKey: "p-key", secondaryKey: "s-key"), forEndpoint: "ep")
            for suffix in ["", "-wal", "-shm"] { #expect(try mode(suffix) == 0o600, "berth.sqlite\(suffix)") }
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path.path + suffix) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path.path + suffix)
        }
        let reopened = try SQLiteMetadataStore(path: path)
        #expect(try await reopened.endpointKeys(forEndpoint: "ep") != nil)
        #expect(try mode("") == 0o600)
    }
}
