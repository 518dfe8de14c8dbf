import BerthCore
import BerthStore

/// The check only the control plane can make of a load report: that it speaks for its own
/// cluster. A router serves the services of one compute target (the feed sends it that target's
/// table), so a report naming any other service is a mistake or an attempt to scale services it
/// does not serve; either way it is refused whole, before anything of it is kept.
extension RouterLoadReport {
    /// Reports with more services than this are checked against one read of every service instead
    /// of one look-up per service.
    static let placementLookupLimit = 16

    /// Refuses the report, naming the first offending service by name, unless `compute` is a
    /// compute target of the workspace and every service it names is placed on it. Reads the
    /// store; changes nothing.
    ///
    /// - Throws: `BerthError` `badRequest` (400) for an unknown compute target or service,
    ///   `forbidden` (403) for a service placed on another compute target.
    func checkPlacement(in store: any MetadataStore) async throws {
        guard try await store.compute(named: compute) != nil else {
            throw BerthError.badRequest(
                "'compute': compute target '\(compute)' does not exist in this workspace. Name the attached cluster "
                    + "the router serves ('berth computetarget list' shows them).")
        }
        let names = services.keys.sorted()
        var computeOf: [String: String] = [:]
        if names.count <= Self.placementLookupLimit {
            for name in names {
                if let service = try await store.service(named: name) { computeOf[name] = service.computeName }
            }
        } else {
            for service in try await store.services() { computeOf[service.name] = service.computeName }
        }
        for name in names {
            guard let placed = computeOf[name] else {
                throw BerthError.badRequest(
                    "'services.\(name)': no service or endpoint version '\(name)' exists in this workspace. "
                        + "Report only the services of the route table the router follows; nothing of this report was kept."
                )
            }
            guard placed == compute else {
                throw BerthError.forbidden(
                    "'services.\(name)': service '\(name)' does not run on compute target '\(compute)'. A router "
                        + "reports load only for its own cluster's services; nothing of this report was kept.")
            }
        }
    }
}
