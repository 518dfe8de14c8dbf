import BerthCore
import Synchronization

/// The live side of `EndpointSplitterStateMachine`: the machine behind a `Mutex`, taken once per
/// endpoint request for a few additions (no await, no allocation).
final class EndpointSplitter: Sendable {
    typealias Pick = EndpointSplitterStateMachine.Pick

    private let machine = Mutex(EndpointSplitterStateMachine())

    init() {}

    /// Takes the endpoints of a newly applied route table.
    func update(_ endpoints: [String: EndpointRoute]) {
        machine.withLock { $0.apply(endpoints) }
    }

    /// The version that serves the next request to `endpoint` by the split.
    func pick(endpoint: String) -> Pick? {
        machine.withLock { $0.pick(endpoint: endpoint) }
    }

    /// `version` of `endpoint`, for `/api/v1/endpoint/<endpoint>/<version>/score`.
    func direct(endpoint: String, version: some StringProtocol) -> Pick? {
        machine.withLock { $0.direct(endpoint: endpoint, version: version) }
    }

    /// Whether endpoint `name` exists.
    func hasEndpoint(_ name: String) -> Bool {
        machine.withLock { $0.hasEndpoint(name) }
    }

    /// The version names of every endpoint.
    func versionNames() -> [String: [String]] {
        machine.withLock { $0.splits.mapValues { $0.versions.map(\.name) } }
    }
}
