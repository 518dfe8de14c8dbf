import NIOHTTP1

extension HTTPHeaders {
    /// The bytes these headers take as `name: value` CRLF lines, to size a buffer once.
    var encodedSize: Int {
        reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }
}
