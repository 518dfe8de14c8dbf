import Testing

@testable import BerthControlPlane

@Suite("gitignore pattern semantics")
struct IgnoreRulesTests {
    @Test("A name without a slash matches at any depth; a leading slash anchors it")
    func anchoring() {
        let rules = IgnoreRules(parsing: "*.log\n/build\n")
        #expect(rules.isIgnored("a.log", isDirectory: false))
        #expect(rules.isIgnored("deep/down/a.log", isDirectory: false))
        #expect(rules.isIgnored("build", isDirectory: true))
        #expect(!rules.isIgnored("src/build", isDirectory: true))
        #expect(!rules.isIgnored("a.txt", isDirectory: false))
    }

    @Test("A trailing slash matches directories only")
    func directoryOnly() {
        let rules = IgnoreRules(parsing: "data/\n")
        #expect(rules.isIgnored("data", isDirectory: true))
        #expect(rules.isIgnored("sub/data", isDirectory: true))
        #expect(!rules.isIgnored("data", isDirectory: false))
    }

    @Test("The last matching pattern wins, so '!' re-includes")
    func negation() {
        let rules = IgnoreRules(parsing: "*.csv\n!keep.csv\n")
        #expect(rules.isIgnored("big.csv", isDirectory: false))
        #expect(!rules.isIgnored("keep.csv", isDirectory: false))
        #expect(!rules.isIgnored("sub/keep.csv", isDirectory: false))
    }

    @Test("'**' spans directories; 'x/**' is what is inside x")
    func doubleStar() {
        let rules = IgnoreRules(parsing: "**/cache\nlogs/**\na/**/z.txt\n")
        #expect(rules.isIgnored("cache", isDirectory: true))
        #expect(rules.isIgnored("p/q/cache", isDirectory: false))
        #expect(rules.isIgnored("logs/x/y.txt", isDirectory: false))
        #expect(!rules.isIgnored("logs", isDirectory: true))
        #expect(rules.isIgnored("a/z.txt", isDirectory: false))
        #expect(rules.isIgnored("a/b/c/z.txt", isDirectory: false))
        #expect(!rules.isIgnored("b/z.txt", isDirectory: false))
    }

    @Test("Comments, blank lines, '?', classes and escapes")
    func syntax() {
        let rules = IgnoreRules(parsing: "# comment\n\n  \nfile?.txt\n[ab]*.bin\n\\#hash\n  \n")
        #expect(rules.isIgnored("file1.txt", isDirectory: false))
        #expect(!rules.isIgnored("file10.txt", isDirectory: false))
        #expect(rules.isIgnored("a1.bin", isDirectory: false))
        #expect(!rules.isIgnored("c1.bin", isDirectory: false))
        #expect(rules.isIgnored("#hash", isDirectory: false))
        #expect(!rules.isIgnored("# comment", isDirectory: false))
    }
}
