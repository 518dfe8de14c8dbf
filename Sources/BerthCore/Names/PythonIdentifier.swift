/// Python's rule for module names, which Azure applies to the entry script's file name: the
/// replica imports the script as a module, so `my-score.py` or `class.py` cannot work.
enum PythonIdentifier {
    /// Python 3's hard keywords (`keyword.kwlist`).
    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
        "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// Whether `name` is an identifier (a letter or '_', then letters, digits or '_') and not a keyword.
    static func isValidModuleName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        let valid = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return valid && !keywords.contains(name)
    }
}
