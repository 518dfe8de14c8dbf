import BerthStore

/// The `tags` and `properties` query of Azure's list calls (`Webservice.list(ws, tags=[...])`,
/// `Model.list(ws, tags=[...])`): comma-separated `key` (present) or `key=value` (equal) terms,
/// all of which must hold. Each term is the filter `--tag key=value` gives the native API.
struct AzureTagQuery: Sendable, Hashable {
    var terms: [ModelTagFilter]

    /// Parses `a=b,c`; nil or empty text matches everything.
    init(parsing text: String?) {
        terms = (text ?? "").split(separator: ",").map { ModelTagFilter(parsing: String($0)) }
    }

    /// Whether `values` (a resource's tags or properties) holds every term.
    func matches(_ values: [String: String]?) -> Bool {
        terms.allSatisfy { $0.matches(values ?? [:]) }
    }
}
