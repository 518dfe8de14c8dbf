extension JSONValue {
    /// The document as Azure CLI's `-o tsv` prints it, so scripts written against `az ml … -o tsv`
    /// read Berth's output the same way: values without keys, tab-separated, one line per resource,
    /// each line ending in a newline.
    ///
    /// Knack's rules: a list is one line per element; an object's values come in the order of its
    /// keys, sorted; a nested list shows as its length and a nested object as an empty field (read
    /// those with `-o json`); `null` is `None` and booleans are `True`/`False`, as Python prints them.
    public var tsv: String {
        (arrayValue ?? [self]).map { Self.tsvLine($0) + "\n" }.joined()
    }

    private static func tsvLine(_ row: JSONValue) -> String {
        switch row {
        case .object(let members): members.sorted { $0.key < $1.key }.map { tsvField($0.value) }.joined(separator: "\t")
        case .array(let elements): elements.map(tsvField).joined(separator: "\t")
        default: tsvField(row)
        }
    }

    private static func tsvField(_ value: JSONValue) -> String {
        switch value {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .string(let text): text
        case .array(let elements): String(elements.count)
        case .object: ""
        }
    }
}
