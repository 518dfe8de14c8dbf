import BerthCore
import Foundation
import Testing

/// The collector's file paths both sides of model data shipping read: Azure's layout, under the
/// sending service's folder, and the end of the period a file stands for.
struct ModelDataPathTests {
    static let day = "default/default/default/svc/model/1/inputs/2026/03/31/inputs.csv"

    @Test("A day file and an hour file read, with the end of their period in UTC")
    func readsPeriods() throws {
        let file = try ModelDataPath(Self.day, service: "svc")
        #expect(file.path == Self.day)
        #expect(file.periodEnd == ISO8601DateFormatter().date(from: "2026-04-01T00:00:00Z"))
        let hour = try ModelDataPath("sub/rg/ws/svc/model/default/signals/2026/12/31/23/general.csv", service: "svc")
        #expect(hour.periodEnd == ISO8601DateFormatter().date(from: "2027-01-01T00:00:00Z"))
    }

    @Test(
        "Paths out of the shape, out of the service's folder or climbing out are refused",
        arguments: [
            ("default/default/default/other/model/1/inputs/2026/03/31/inputs.csv", "not of 'svc'"),
            ("default/default/default/svc/../1/inputs/2026/03/31/inputs.csv", "'..'"),
            ("default/default/default/svc/model/1/inputs/2026/03/31/inputs.txt", ".csv"),
            ("default/default/svc/model/1/inputs/2026/03/31/inputs.csv", "is not <workspace"),
            ("/default/default/svc/model/1/inputs/2026/03/31/inputs.csv", "''"),
            ("default/default/default/svc/model/1/inputs/2026/13/31/inputs.csv", "date folder"),
            ("default/default/default/svc/model/1/inputs/2026/03/3x/inputs.csv", "date folder"),
            ("default/default/default/svc/mo del/1/inputs/2026/03/31/inputs.csv", "'mo del'"),
        ])
    func refusals(path: String, message: String) {
        #expect {
            try ModelDataPath(path, service: "svc")
        } throws: { error in
            let error = error as? BerthError
            return error?.code == .badRequest && error?.message.contains(message) == true
        }
    }
}
