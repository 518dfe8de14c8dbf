import ArgumentParser

extension NameSpecification {
    /// An option as Azure's `az ml` spells it: the short form with two dashes (`--ic`), the same
    /// with one dash as the articles write it (`-ic`), and the long form (`--inference-config-file`).
    ///
    /// ArgumentParser's `.customShort` takes one letter only, so the single-dash forms are long
    /// names with a single dash; commands using them must not also combine one-letter flags into
    /// the same letters (no `-i` plus `-c` where `-ic` exists).
    static func azure(_ short: String, _ long: String) -> NameSpecification {
        [.customLong(short), .customLong(short, withSingleDash: true), .customLong(long)]
    }
}
