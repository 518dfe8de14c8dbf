import Foundation
import NIOCore

/// Cuts a newline-delimited stream into its lines as its chunks arrive: Kubernetes `watch=true`
/// streams and Berth's route feed (`berth router --feed`) are both one JSON document per line.
///
/// Lines are handed out once complete, empty ones skipped; the unfinished rest stays until the
/// next chunk, and callers bound it with `pendingBytes`. The consumed prefix is dropped once per
/// chunk, not once per line, so a chunk of many lines is not copied over and over.
package struct NewlineDelimitedLines {
    private var pending = Data()

    package init() {}

    /// Bytes of the line still unfinished.
    package var pendingBytes: Int { pending.count }

    /// Adds `chunk` and returns the non-empty lines it completes (without their `\n`).
    package mutating func lines(completedBy chunk: ByteBuffer) -> [Data] {
        pending.append(contentsOf: chunk.readableBytesView)
        var lines: [Data] = []
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if newline > start { lines.append(Data(pending[start..<newline])) }
            start = pending.index(after: newline)
        }
        if start > pending.startIndex { pending = Data(pending[start...]) }
        return lines
    }
}
