import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `service update --add-tag k=v --remove-tag k --add-property k=v --description TEXT`, as
/// `az ml service update` takes them, turned into the update's `kvTags`, `properties` and
/// `description`.
///
/// The API replaces all tags at once (Azure's `PATCH /kvTags`), so the CLI reads the current tags,
/// adds, then removes; properties are only ever added, which the server does itself.
struct ServiceMetadataChange {
    var addTags: [String]
    var removeTags: [String]
    var addProperties: [String]
    var description: String?

    /// Sets the fields of `request` these flags change; reads the service's tags when tags change.
    func apply(to request: inout UpdateServiceRequest, service name: String, client: ControlPlaneClient) async throws {
        let added = try parseKeyValues(addTags, kind: "tags")
        if !addProperties.isEmpty { request.properties = try parseKeyValues(addProperties, kind: "properties") }
        if let description { request.description = description }
        guard !addTags.isEmpty || !removeTags.isEmpty else { return }
        var tags = try await client.service(named: name).kvTags ?? [:]
        tags.merge(added) { _, new in new }
        for key in removeTags where tags.removeValue(forKey: key) == nil {
            // Azure's CLI says so and goes on; the other changes still apply.
            FileHandle.standardError.write(
                Data("Warning: tag with key '\(key)' not found on service '\(name)'; nothing to remove.\n".utf8))
        }
        request.kvTags = tags
    }
}
