/// The patterns of one `.amlignore` or `.gitignore` file, with gitignore's semantics, so a source
/// snapshot leaves out exactly what the user's git (or Azure ML) would.
///
/// Supported: blank lines and `#` comments, `\#` and `\!` escapes, trailing-space trimming,
/// `!` negation (the last matching pattern wins), a trailing `/` matching directories only, a
/// `/` at the start or in the middle anchoring the pattern to the source folder, `*`, `?`,
/// `[a-z]`/`[!a-z]` classes, and `**` as a whole path segment (`**/x`, `x/**`, `a/**/b`).
/// As in git, a file inside an excluded directory cannot be re-included, because the walk never
/// enters that directory. Only the ignore file at the root of the source folder is read.
package struct IgnoreRules: Sendable, Hashable {
    /// One pattern line, already split into `/`-separated segments.
    struct Rule: Sendable, Hashable {
        var segments: [String]
        var isNegated: Bool
        var isDirectoryOnly: Bool
    }

    private(set) var rules: [Rule]

    /// No patterns: nothing is left out.
    package static let none = IgnoreRules(rules: [])

    init(rules: [Rule]) { self.rules = rules }

    /// Parses the text of an ignore file.
    package init(parsing text: String) {
        rules = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .compactMap { Self.rule(fromLine: String($0)) }
    }

    /// Whether `path` (relative to the source folder, `/`-separated) is left out.
    package func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        var ignored = false
        for rule in rules where !(rule.isDirectoryOnly && !isDirectory) {
            if Self.match(rule.segments[...], parts[...]) { ignored = !rule.isNegated }
        }
        return ignored
    }

    private static func rule(fromLine rawLine: String) -> Rule? {
        var line = Substring(rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : rawLine)
        while line.hasSuffix(" ") && !line.hasSuffix("\\ ") { line = line.dropLast() }
        guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
        var isNegated = false
        if line.hasPrefix("!") {
            isNegated = true
            line = line.dropFirst()
        } else if line.hasPrefix("\\!") || line.hasPrefix("\\#") {
            line = line.dropFirst()
        }
        var isDirectoryOnly = false
        while line.hasSuffix("/") {
            isDirectoryOnly = true
            line = line.dropLast()
        }
        guard !line.isEmpty else { return nil }
        let isAnchored = line.contains("/")
        if line.hasPrefix("/") { line = line.drop(while: { $0 == "/" }) }
        var segments = line.split(separator: "/").map(String.init)
        if !isAnchored { segments.insert("**", at: 0) }
        guard !segments.isEmpty else { return nil }
        return Rule(segments: segments, isNegated: isNegated, isDirectoryOnly: isDirectoryOnly)
    }

    /// Matches pattern segments against path segments; `**` spans zero or more segments, except
    /// as the last segment, where it spans at least one (`dir/**` is what is inside `dir`).
    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return !path.isEmpty }
            var remaining = path
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let name = path.first, GlobSegment.matches(Array(head), Array(name)) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }
}

/// `fnmatch` for one path segment: `*`, `?`, `[...]` classes and `\` escapes; never crosses `/`.
enum GlobSegment {
    static func matches(_ pattern: [Character], _ name: [Character]) -> Bool {
        matches(pattern[...], name[...])
    }

    private static func matches(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
        var pattern = pattern
        var name = name
        while let token = pattern.first {
            switch token {
            case "*":
                let rest = pattern.drop(while: { $0 == "*" })
                if rest.isEmpty { return true }
                var candidate = name
                while true {
                    if matches(rest, candidate) { return true }
                    guard !candidate.isEmpty else { return false }
                    candidate = candidate.dropFirst()
                }
            case "?":
                guard !name.isEmpty else { return false }
                pattern = pattern.dropFirst()
                name = name.dropFirst()
            case "[":
                guard let character = name.first,
                    let (isMatch, rest) = matchClass(pattern.dropFirst(), character)
                else {
                    // An unclosed `[` is an ordinary character, as in git.
                    guard name.first == "[" else { return false }
                    pattern = pattern.dropFirst()
                    name = name.dropFirst()
                    continue
                }
                guard isMatch else { return false }
                pattern = rest
                name = name.dropFirst()
            case "\\" where pattern.count > 1:
                let literal = pattern[pattern.index(after: pattern.startIndex)]
                guard name.first == literal else { return false }
                pattern = pattern.dropFirst(2)
                name = name.dropFirst()
            default:
                guard name.first == token else { return false }
                pattern = pattern.dropFirst()
                name = name.dropFirst()
            }
        }
        return name.isEmpty
    }

    /// Reads a class body after `[`; returns whether `character` is in it and the pattern after
    /// the closing `]`, or nil when there is no closing `]`.
    private static func matchClass(
        _ body: ArraySlice<Character>, _ character: Character
    ) -> (Bool, ArraySlice<Character>)? {
        var rest = body
        var isNegated = false
        if let first = rest.first, first == "!" || first == "^" {
            isNegated = true
            rest = rest.dropFirst()
        }
        var isMatch = false
        var isFirst = true
        while let current = rest.first {
            if current == "]" && !isFirst {
                return (isMatch != isNegated, rest.dropFirst())
            }
            isFirst = false
            rest = rest.dropFirst()
            if rest.count >= 2, rest.first == "-", let upper = rest.dropFirst().first, upper != "]" {
                if current <= character && character <= upper { isMatch = true }
                rest = rest.dropFirst(2)
            } else if current == character {
                isMatch = true
            }
        }
        return nil
    }
}
