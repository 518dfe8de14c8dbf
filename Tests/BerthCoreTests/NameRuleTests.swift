import BerthCore
import Foundation
import Testing

/// Names follow Azure's rules and are refused with Azure's messages (compat.md §1.5, §4.3).
struct NameRuleTests {
    static let serviceMessage =
        "Error, provided service name is invalid. It must only consist of lowercase letters, numbers, or dashes, "
        + "start with a letter, end with a letter or number, and be between 3 and 32 characters long."

    @Test(arguments: ["abc", "my-cluster", "A1-b2", "Local", "x" + String(repeating: "y", count: 23), "a--b"])
    func computeTargetNamesAccepted(name: String) throws {
        try NameKind.computeTarget.validate(name)
    }

    @Test(arguments: [
        "", "ab", "1abc", "-abc", "my_cluster", "my.cluster", "x" + String(repeating: "y", count: 24), "café-1",
    ])
    func computeTargetNamesRefused(name: String) {
        let error = #expect(throws: BerthError.self) { try NameKind.computeTarget.validate(name) }
        #expect(error?.code == .invalidName)
        #expect(error?.message.hasPrefix("Error, provided compute target name is invalid.") == true)
        #expect(error?.message.contains("between 3 and 24 characters") == true)
        #expect(error?.message.hasSuffix("Got '\(name)'.") == true)
    }

    @Test(arguments: [NameKind.service, .endpoint, .endpointVersion])
    func serviceRuleAcceptsAzureExamples(kind: NameKind) throws {
        for name in ["abc", "my-service-1", "a1b", "a-b-c", "a" + String(repeating: "b", count: 31)] {
            try kind.validate(name)
        }
    }

    @Test(arguments: [NameKind.service, .endpoint, .endpointVersion])
    func serviceRuleRefusesWithAzureMessage(kind: NameKind) {
        let refused = [
            "ab", "Abc", "my_service", "1abc", "-abc", "abc-", "my.service", "a" + String(repeating: "b", count: 32),
            "abC", "", "ab c",
        ]
        for name in refused {
            let error = #expect(throws: BerthError.self, "\(name)") { try kind.validate(name) }
            #expect(error?.code == .invalidName)
            let message = Self.serviceMessage.replacingOccurrences(of: "service name", with: "\(kind) name")
            #expect(error?.message == message + " Got '\(name)'.")
        }
    }

    @Test func serviceMessageIsAzureVerbatim() {
        #expect(NameKind.service.ruleMessage == Self.serviceMessage)
    }

    @Test(arguments: [
        "m", "7", "sklearn_regression_model.pkl", "my-model.v2", "A_b-C.d", String(repeating: "m", count: 255),
    ])
    func modelNamesAccepted(name: String) throws {
        try NameKind.model.validate(name)
    }

    @Test(arguments: [
        "", "_model", "-model", ".model", "my model", "model:1", "model/1", "modèle",
        String(repeating: "m", count: 256),
    ])
    func modelNamesRefused(name: String) {
        let error = #expect(throws: BerthError.self) { try NameKind.model.validate(name) }
        #expect(error?.code == .invalidName)
        #expect(error?.message.hasPrefix("Error, provided model name is invalid.") == true)
        #expect(error?.message.contains("at most 255 characters") == true)
    }

    @Test func modelReferencesParse() throws {
        #expect(try ModelReference(parsing: "sklearn.pkl:3") == ModelReference(name: "sklearn.pkl", version: 3))
        #expect(try ModelReference(parsing: "sklearn.pkl") == ModelReference(name: "sklearn.pkl", version: nil))
        #expect(try ModelReference(parsing: "m:12").description == "m:12")
    }

    @Test(arguments: ["m:0", "m:-1", "m:x", "m:", "m:1.5"])
    func modelReferencesWithBadVersionsAreRefused(text: String) {
        let error = #expect(throws: BerthError.self) { try ModelReference(parsing: text) }
        #expect(error?.code == .invalidName)
        #expect(error?.message.contains("'m:1'") == true)
    }

    @Test func modelReferenceWithBadNameGivesTheNameRule() {
        let error = #expect(throws: BerthError.self) { try ModelReference(parsing: "bad name:1") }
        #expect(error?.message.hasPrefix("Error, provided model name is invalid.") == true)
    }
}
