import BerthCore
import Foundation
import Synchronization

/// The live thread report, written by the scaling loop once per sample and read by `load()`.
final class RouterThreadsRecord: Sendable {
    private let state: Mutex<RouterThreadsLoad>

    init(max: Int, isSelfScaling: Bool) {
        state = Mutex(RouterThreadsLoad(active: 0, max: max, isSelfScaling: isSelfScaling))
    }

    var current: RouterThreadsLoad { state.withLock { $0 } }

    func setSelfScaling(_ isSelfScaling: Bool) {
        state.withLock { $0.isSelfScaling = isSelfScaling }
    }

    func setActive(_ active: Int) {
        state.withLock { $0.active = active }
    }

    func record(_ decision: RouterScalingDecision, at date: Date) {
        state.withLock {
            $0.active = decision.to
            $0.decisions.append(RouterScalingEvent(at: date, decision: decision))
            if $0.decisions.count > RouterThreadsLoad.decisionsKept { $0.decisions.removeFirst() }
        }
    }
}
