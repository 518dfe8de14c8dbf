@testable import BerthKubernetes
import BerthCore
import Synchronization
import Testing

/// `replicaCapacity` lists Nodes and Pods at most once per `maxAge`, on an injected clock.
struct ClusterSnapshotCacheTests {
    @Test("A snapshot younger than maxAge is reused; an older one is listed again")
    func listsAtMostOncePerAge() async throws {
        let start = ContinuousClock.now
        let offset = Mutex(Duration.zero)
        let cache = ClusterSnapshotCache(maxAge: .seconds(3), now: { start + offset.withLock { $0 } })
        let lists = Mutex(0)
        func list() -> (nodes: JSONValue, pods: JSONValue) {
            let count = lists.withLock { value -> Int in
                value += 1
                return value
            }
            return (["items": []], ["items": .array([.number(Double(count))])])
        }
        let first = try await cache.snapshot { list() }
        offset.withLock { $0 = .seconds(2) }
        let second = try await cache.snapshot { list() }
        #expect(lists.withLock { $0 } == 1)
        #expect(second.pods == first.pods)
        offset.withLock { $0 = .seconds(3) }
        let third = try await cache.snapshot { list() }
        #expect(lists.withLock { $0 } == 2)
        #expect(third.pods == ["items": [2]])
    }
}
