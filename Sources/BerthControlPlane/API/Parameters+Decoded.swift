import Hummingbird

extension Parameters {
    /// A path parameter with its percent-encoding removed: `iris%3A1` is the model `iris:1`, as a
    /// client that encodes ':' means it. Hummingbird hands captures over as they were sent.
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
