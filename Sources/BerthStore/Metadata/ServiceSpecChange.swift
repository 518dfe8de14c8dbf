import BerthCore

/// The rules of a service spec write, shared by every `ServiceStore`: the SQLite one and the
/// in-memory one tests use must refuse and number the same way.
package enum ServiceSpecChange {
    /// `stored` after `change`, at the next generation; refused (a conflict, nothing changed)
    /// when `ifGeneration` is given and the stored spec is at another one.
    package static func apply(
        _ change: (inout Webservice) throws -> Void, to stored: Webservice, ifGeneration: Int?
    ) throws -> Webservice {
        if let ifGeneration, ifGeneration != stored.generation {
            throw BerthError.conflict(
                "Service '\(stored.name)' changed meanwhile (generation \(stored.generation), not \(ifGeneration)); "
                    + "read it again and retry.")
        }
        var spec = stored
        try change(&spec)
        spec.name = stored.name
        spec.generation = stored.generation + 1
        return spec
    }

    /// A new or replacing spec (a deploy, or one with `--overwrite`) and its fresh status: the
    /// generation continues from the replaced spec's, and the status describes it.
    package static func replace(
        _ service: Webservice, status: WebserviceStatus, previousGeneration: Int?
    ) -> (spec: Webservice, status: WebserviceStatus) {
        var spec = service
        spec.generation = (previousGeneration ?? 0) + 1
        var status = status
        status.observedGeneration = spec.generation
        return (spec, status)
    }

    /// The error for a spec write to a service that does not exist.
    package static func missing(_ name: String) -> BerthError {
        BerthError.notFound("Service '\(name)' does not exist in this workspace.")
    }
}
