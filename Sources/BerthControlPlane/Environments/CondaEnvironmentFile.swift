import BerthCore
import Foundation

/// A conda environment file (`environment.yml`, an inference config's `condaFile`), read with a
/// small hand-written parser for the subset of YAML such files use — Berth has no YAML library.
///
/// Understood: `name`, `channels` and `dependencies` as block (`- item`) or flow (`[a, b]`)
/// lists, plain, `'single'` and `"double"` quoted scalars, `# comments`, `---`, and the nested
/// `- pip:` list. `prefix` and `variables` are skipped; other top-level keys give a warning.
/// Anything else (anchors, block scalars, nested mappings other than `pip:`) is refused with an
/// error naming the file and the line, never guessed at.
package struct CondaEnvironmentFile: Sendable, Hashable {
    /// The environment's `name`; informational, not part of the environment hash.
    package var name: String?
    /// The channels and the conda and pip package lists, in file order.
    package var dependencies: PythonDependencies

    /// Parses the text of `fileName` (the name is used in messages only).
    package static func parse(_ text: String, fileName: String) throws(BerthError) -> Parsed<CondaEnvironmentFile> {
        var parser = Parser(lines: try YAMLLine.split(text, fileName: fileName), fileName: fileName)
        return try parser.parse()
    }
}

/// One meaningful line: its number, indentation and text without the comment.
struct YAMLLine {
    var number: Int
    var indent: Int
    var text: String

    static func split(_ text: String, fileName: String) throws(BerthError) -> [YAMLLine] {
        var lines: [YAMLLine] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let content = stripComment(String(raw))
            let trimmed = content.trimmingWhitespace()
            if trimmed.isEmpty || trimmed == "---" || trimmed == "..." { continue }
            let leading = content.prefix(while: { $0 == " " || $0 == "\t" })
            if leading.contains("\t") {
                throw BerthError.invalidConfiguration(
                    "\(fileName):\(number): indentation uses a tab; YAML allows spaces only.")
            }
            lines.append(YAMLLine(number: number, indent: leading.count, text: trimmed))
        }
        return lines
    }

    /// Drops a `#` comment that starts the line or follows a space, outside quotes.
    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for (offset, character) in line.enumerated() {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#", previous == " " || previous == "\t" {
                return String(line.prefix(offset))
            }
            previous = character
        }
        return line
    }
}

private struct Parser {
    let lines: [YAMLLine]
    let fileName: String
    var position = 0
    var result = CondaEnvironmentFile(name: nil, dependencies: PythonDependencies())
    var warnings: [String] = []

    init(lines: [YAMLLine], fileName: String) {
        self.lines = lines
        self.fileName = fileName
    }

    mutating func parse() throws(BerthError) -> Parsed<CondaEnvironmentFile> {
        let rootIndent = lines.first?.indent ?? 0
        while position < lines.count {
            let line = lines[position]
            guard line.indent == rootIndent, let entry = Self.keyValue(line.text) else {
                throw error(line, "expected a top-level 'key: value' such as 'dependencies:', got '\(line.text)'")
            }
            let (key, value) = entry
            position += 1
            let block = takeBlock(parentIndent: rootIndent)
            switch key {
            case "name":
                result.name = try scalar(value, line)
            case "channels":
                result.dependencies.channels += try list(value, block: block, at: line, allowPip: false)
            case "dependencies":
                _ = try list(value, block: block, at: line, allowPip: true)
            case "prefix", "variables":
                continue
            default:
                warnings.append("\(fileName):\(line.number): '\(key)' is not used by Berth and was skipped.")
            }
        }
        return Parsed(value: result, warnings: warnings)
    }

    /// The lines that belong to the key just read: deeper ones, and `- ` items at the same depth.
    private mutating func takeBlock(parentIndent: Int) -> ArraySlice<YAMLLine> {
        let start = position
        while position < lines.count {
            let line = lines[position]
            let isItemAtSameDepth = line.indent == parentIndent && (line.text == "-" || line.text.hasPrefix("- "))
            guard line.indent > parentIndent || isItemAtSameDepth else { break }
            position += 1
        }
        return lines[start..<position]
    }

    /// Reads a list given inline (`[a, b]`) or as a block of `- item` lines; with `allowPip`, the
    /// items go to `dependencies` (strings to conda, `pip:` lists to pip), else they are returned.
    private mutating func list(
        _ value: String, block: ArraySlice<YAMLLine>, at line: YAMLLine, allowPip: Bool
    ) throws(BerthError) -> [String] {
        if !value.isEmpty {
            guard block.isEmpty else { throw error(block.first!, "unexpected indented line after '\(line.text)'") }
            let items = try flowList(value, line)
            if allowPip { result.dependencies.condaPackages += items }
            return items
        }
        var items: [String] = []
        var index = block.startIndex
        let itemIndent = block.first?.indent ?? 0
        while index < block.endIndex {
            let item = block[index]
            index += 1
            guard item.indent == itemIndent, item.text == "-" || item.text.hasPrefix("- ") else {
                throw error(item, "expected a list item '- …' at the same indentation as the one before, got '\(item.text)'")
            }
            let content = String(item.text.dropFirst()).trimmingWhitespace()
            if let entry = Self.keyValue(content) {
                let (key, nested) = entry
                guard allowPip, key == "pip" else {
                    throw error(item, "only a 'pip:' sub-list may appear in dependencies, got '\(content)'")
                }
                var subBlock: [YAMLLine] = []
                while index < block.endIndex, block[index].indent > itemIndent {
                    subBlock.append(block[index])
                    index += 1
                }
                result.dependencies.pipPackages += try pipList(nested, block: subBlock, at: item)
            } else {
                let package = try scalar(content, item)
                guard !package.isEmpty else { throw error(item, "empty list item") }
                items.append(package)
                if allowPip { result.dependencies.condaPackages.append(package) }
            }
        }
        return items
    }

    private func pipList(_ value: String, block: [YAMLLine], at line: YAMLLine) throws(BerthError) -> [String] {
        if !value.isEmpty {
            guard block.isEmpty else { throw error(block[0], "unexpected indented line after '\(line.text)'") }
            return try flowList(value, line)
        }
        let itemIndent = block.first?.indent ?? 0
        var packages: [String] = []
        for item in block {
            guard item.indent == itemIndent, item.text.hasPrefix("- ") else {
                throw error(item, "expected a pip package '- name' under 'pip:', got '\(item.text)'")
            }
            packages.append(try scalar(String(item.text.dropFirst(2)).trimmingWhitespace(), item))
        }
        return packages
    }

    /// `[a, "b", 'c']`.
    private func flowList(_ value: String, _ line: YAMLLine) throws(BerthError) -> [String] {
        guard value.hasPrefix("["), value.hasSuffix("]") else {
            throw error(line, "expected a list ('- item' lines below, or '[a, b]'), got '\(value)'")
        }
        var items: [String] = []
        var current = ""
        var quote: Character?
        for character in value.dropFirst().dropLast() {
            if let open = quote {
                if character == open { quote = nil }
                current.append(character)
            } else if character == "\"" || character == "'" {
                quote = character
                current.append(character)
            } else if character == "," {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current)
        let trimmed = items.map { $0.trimmingWhitespace() }
        if trimmed == [""] { return [] }
        var result: [String] = []
        for item in trimmed {
            guard !item.isEmpty else { throw error(line, "empty item in '\(value)'") }
            result.append(try scalar(item, line))
        }
        return result
    }

    /// A plain or quoted scalar's text; refuses YAML features this reader does not implement.
    private func scalar(_ text: String, _ line: YAMLLine) throws(BerthError) -> String {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            return String(text.dropFirst().dropLast()).replacingEscapes()
        }
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        if let first = text.first, "[]{}&*!|>%@`\"'".contains(first) {
            throw error(line, "cannot read '\(text)': Berth's conda file reader understands plain and quoted strings only")
        }
        return text
    }

    /// Splits `key: value` (or `key:`); nil when the text is not a mapping entry.
    static func keyValue(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let key = text[..<colon]
        let after = text[text.index(after: colon)...]
        guard !key.isEmpty, after.isEmpty || after.first == " ",
            key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        else { return nil }
        return (String(key), String(after).trimmingWhitespace())
    }

    private func error(_ line: YAMLLine, _ message: String) -> BerthError {
        .invalidConfiguration("\(fileName):\(line.number): \(message).")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }

    fileprivate func replacingEscapes() -> String {
        var output = ""
        var isEscaped = false
        for character in self {
            if isEscaped {
                switch character {
                case "n": output.append("\n")
                case "t": output.append("\t")
                default: output.append(character)
                }
                isEscaped = false
            } else if character == "\\" {
                isEscaped = true
            } else {
                output.append(character)
            }
        }
        return output
    }
}
