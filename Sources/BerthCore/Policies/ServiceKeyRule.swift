/// What a service key chosen by a user must look like, wherever one is given: `keys.primaryKey` /
/// `keys.secondaryKey` in `deploymentconfig.json`, and `regen-key --set-key`.
///
/// One rule for both, so a key that a deploy accepts is never refused by a later regeneration
/// (or the other way round). The length keeps guessable keys out; whitespace is refused because
/// an `Authorization: Bearer <key>` header cannot carry it intact.
public enum ServiceKeyRule {
    /// The fewest characters a chosen key may have.
    public static let minimumLength = 16

    /// Whether `key` may be used as a service key.
    public static func accepts(_ key: String) -> Bool {
        key.count >= minimumLength && !key.contains(where: \.isWhitespace)
    }

    /// What is wrong with a key given as `field`, as a sentence that never quotes the key itself
    /// (it is a secret); nil when the key is acceptable.
    public static func problem(with key: String, field: String) -> String? {
        guard !accepts(key) else { return nil }
        return "\(field) must be at least \(minimumLength) characters without spaces (the one given has "
            + "\(key.count)\(key.contains(where: \.isWhitespace) ? " and contains whitespace" : "")); give another "
            + "key or leave the field out to have one generated."
    }
}
