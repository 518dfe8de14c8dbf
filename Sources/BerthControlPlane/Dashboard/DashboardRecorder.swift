import Foundation
import Synchronization

/// The dashboard's history (`DashboardHistory`) behind a lock: the sampler writes a point every
/// interval, `/ui/api/summary` copies it out.
final class DashboardRecorder: Sendable {
    private let history: Mutex<DashboardHistory>

    init(history: DashboardHistory = DashboardHistory()) {
        self.history = Mutex(history)
    }

    func record(_ reading: DashboardReading, at time: Date) {
        history.withLock { $0.record(reading, at: time) }
    }

    /// A copy of the history now.
    func snapshot() -> DashboardHistory {
        history.withLock { $0 }
    }
}
