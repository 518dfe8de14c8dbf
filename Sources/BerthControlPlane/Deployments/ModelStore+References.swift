import BerthCore
import BerthStore

extension ModelStore {
    /// The registered models that `ids` name ("name:version", or "name" for the latest), each once,
    /// in the order given. `missing` words the not-found error for the caller's situation: a deploy
    /// names a model never registered, an update one deleted since the service was deployed.
    func models(referencedBy ids: [String], missing: (String) -> String) async throws -> [Model] {
        var models: [Model] = []
        for id in ids {
            let reference = try ModelReference(parsing: id)
            guard let model = try await model(named: reference.name, version: reference.version) else {
                throw BerthError.notFound(missing(id))
            }
            if !models.contains(where: { $0.id == model.id }) { models.append(model) }
        }
        return models
    }
}
