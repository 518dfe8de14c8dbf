/// The rule for a router's id in its load reports: a Kubernetes object name (what a router Pod's
/// name is), so ids are short, printable and safe in logs and in the `compute/router` listing.
extension RouterLoadReport {
    /// Whether `id` can name a router: 1–`maxRouterIDLength` lowercase letters, digits, '-' or
    /// '.', starting and ending with a letter or digit (a Kubernetes object name).
    public static func isValidRouterID(_ id: String) -> Bool {
        let scalars = id.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, scalars.count <= maxRouterIDLength else {
            return false
        }
        return isAlphanumeric(first) && isAlphanumeric(last)
            && scalars.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "." }
    }

    /// A valid router id made from any text, such as a host name (`My_Mac.local-4242`): lowercased,
    /// each other character outside the rule's alphabet replaced by '-', cut to start and end with
    /// a letter or digit and to `maxRouterIDLength`; "router" when nothing is left. A valid id
    /// comes back unchanged.
    public static func routerID(from text: String) -> String {
        var scalars = text.lowercased().unicodeScalars.map { scalar -> Unicode.Scalar in
            isAlphanumeric(scalar) || scalar == "." ? scalar : "-"
        }
        scalars = Array(scalars.drop { !isAlphanumeric($0) }.prefix(maxRouterIDLength))
        while let last = scalars.last, !isAlphanumeric(last) { scalars.removeLast() }
        guard !scalars.isEmpty else { return "router" }
        var id = ""
        id.unicodeScalars.append(contentsOf: scalars)
        return id
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
