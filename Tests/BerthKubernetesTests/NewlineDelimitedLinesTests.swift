import BerthKubernetesAPI
import Foundation
import NIOCore
import Testing

/// `NewlineDelimitedLines`: whole lines out of chunks cut anywhere, empty lines skipped.
struct NewlineDelimitedLinesTests {
    @Test(arguments: [1, 2, 5, 100]) func linesComeOutWholeHoweverTheChunksAreCut(size: Int) {
        let text = Array(#"{"a":1}"#.utf8) + [10, 10] + Array(#"{"b":22}"#.utf8) + [10] + Array("tail".utf8)
        var splitter = NewlineDelimitedLines()
        var lines: [String] = []
        for start in stride(from: 0, to: text.count, by: size) {
            let chunk = ByteBuffer(bytes: text[start..<min(start + size, text.count)])
            lines += splitter.lines(completedBy: chunk).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(lines == [#"{"a":1}"#, #"{"b":22}"#])
        #expect(splitter.pendingBytes == 4, "the unfinished 'tail' waits for its newline")
        #expect(
            splitter.lines(completedBy: ByteBuffer(string: "!\n")).map { String(decoding: $0, as: UTF8.self) } == [
                "tail!"
            ])
        #expect(splitter.pendingBytes == 0)
    }
}
