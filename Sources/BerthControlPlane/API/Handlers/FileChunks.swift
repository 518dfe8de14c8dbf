import Foundation

/// A file's bytes as an async sequence of chunks, read on a Dispatch thread (`offloaded`) one
/// chunk at a time as the response is written, so a download of any size holds one chunk in
/// memory. The file is opened up front, so a file that cannot be read fails the request before
/// its answer starts; it is closed when the sequence is released.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>

    /// How much is read at a time.
    static var chunkBytes: Int { 1 << 16 }

    private let handle: FileHandle
    /// The file's size in bytes when it was opened.
    let size: Int64

    init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
        size = Int64(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle

        mutating func next() async throws -> ArraySlice<UInt8>? {
            let handle = self.handle
            let data = try await offloaded { try handle.read(upToCount: FileChunks.chunkBytes) }
            guard let data, !data.isEmpty else { return nil }
            return ArraySlice(data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }
}
