/// The `tags` and `properties` query of Azure's list calls (`Webservice.list(ws, tags=[...])`,
/// `Model.list(ws, tags=[...])`): comma-separated `key` (present) or `key=value` (equal) terms,
/// all of which must hold.
struct AzureTagQuery: Sendable, Hashable {
    struct Term: Sendable, Hashable {
        var key: String
        var value: String?
    }

    var terms: [Term]

    /// Parses `a=b,c`; nil or empty text matches everything.
    init(parsing text: String?) {
        terms = (text ?? "").split(separator: ",").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            return Term(key: pieces.first ?? "", value: pieces.count > 1 ? pieces[1] : nil)
        }
    }

    /// Whether `values` (a resource's tags or properties) holds every term.
    func matches(_ values: [String: String]?) -> Bool {
        let values = values ?? [:]
        return terms.allSatisfy { term in
            guard let value = values[term.key] else { return false }
            return term.value.map { $0 == value } ?? true
        }
    }
}
