import Foundation

/// The body of Put Block List: `<BlockList><Latest>id</Latest><Committed>id</Committed>…</BlockList>`.
///
/// A small reader of exactly that shape instead of an XML parser: Foundation's needs libxml2 on
/// Linux, and block ids are base64, so the five predefined entities are all the escaping there is.
enum BlockListXML {
    /// One entry: where Azure would look the block up (`Latest`, `Committed`, `Uncommitted`) and its id.
    struct Entry: Hashable, Sendable {
        var list: String
        var id: String
    }

    /// The entries of a block list, in order.
    ///
    /// - Throws: `BlobStorageError` 400 `InvalidBlockList` naming what is malformed.
    static func parse(_ text: String) throws(BlobStorageError) -> [Entry] {
        var rest = Substring(text).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if rest.hasPrefix("<?xml") {
            guard let end = rest.range(of: "?>") else { throw malformed("an unterminated XML declaration") }
            rest = rest[end.upperBound...]
        }
        rest = rest.drop(while: \.isWhitespace)
        if rest.hasPrefix("<BlockList/>") { return [] }
        guard rest.hasPrefix("<BlockList>") else { throw malformed("no <BlockList> element") }
        rest = rest.dropFirst("<BlockList>".count)
        var entries: [Entry] = []
        while true {
            rest = rest.drop(while: \.isWhitespace)
            if rest.hasPrefix("</BlockList>") { break }
            guard let list = ["Latest", "Committed", "Uncommitted"].first(where: { rest.hasPrefix("<\($0)>") }) else {
                throw malformed("'\(rest.prefix(40))' where a <Latest>, <Committed> or <Uncommitted> element belongs")
            }
            rest = rest.dropFirst(list.count + 2)
            guard let close = rest.range(of: "</\(list)>") else { throw malformed("an unterminated <\(list)>") }
            let id = try unescaped(rest[..<close.lowerBound])
            guard !id.isEmpty else { throw malformed("an empty block id") }
            entries.append(Entry(list: list, id: id))
            rest = rest[close.upperBound...]
        }
        guard rest.dropFirst("</BlockList>".count).allSatisfy(\.isWhitespace) else {
            throw malformed("text after </BlockList>")
        }
        return entries
    }

    private static func unescaped(_ text: Substring) throws(BlobStorageError) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { throw malformed("a '&' without ';'") }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : nil
                let decimal = entity.hasPrefix("#") && !entity.hasPrefix("#x") ? UInt32(entity.dropFirst()) : nil
                guard let scalar = (number ?? decimal).flatMap(Unicode.Scalar.init) else {
                    throw malformed("the unknown entity '&\(entity);'")
                }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }

    private static func malformed(_ problem: String) -> BlobStorageError {
        .invalidBlockList(
            "The block list XML is malformed: it has \(problem). Send <BlockList><Latest>id</Latest>…</BlockList>.")
    }
}
