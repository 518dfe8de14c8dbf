import BerthCore
import Foundation
import Testing

/// Azure's `sslConfiguration` rules, with its messages (`AksCompute` provisioning and attach
/// configurations), as every route that takes one applies them.
struct SSLConfigurationRequestTests {
    @Test func aCertificateNeedsItsCnameAndKey() throws {
        for partial in [
            SSLConfigurationRequest(cname: "a.example", cert: "PEM"),
            SSLConfigurationRequest(cert: "PEM", key: "KEY"),
            SSLConfigurationRequest(cname: "a.example", key: "KEY"),
        ] {
            let error = #expect(throws: BerthError.self) { try partial.change() }
            #expect(error?.message.contains("not all ssl information provided") == true)
        }
    }

    @Test func aCertificateAndALeafDomainLabelExcludeEachOther() throws {
        let both = SSLConfigurationRequest(cname: "a.example", cert: "PEM", key: "KEY", leafDomainLabel: "myservice")
        let error = #expect(throws: BerthError.self) { try both.change() }
        #expect(error?.message.contains("leaf domain label should not be provided") == true)
        let overwrite = SSLConfigurationRequest(
            cname: "a.example", cert: "PEM", key: "KEY", overwriteExistingDomain: true)
        let overwriteError = #expect(throws: BerthError.self) { try overwrite.change() }
        #expect(overwriteError?.message.contains("Overwrite existing domain only applies") == true)
    }

    @Test func eachKindOfChangeIsRead() throws {
        #expect(
            try SSLConfigurationRequest(cname: "A.Example", cert: "PEM", key: "KEY").change()
                == .enable(cname: "a.example", certificateChainPEM: "PEM", privateKeyPEM: "KEY"))
        #expect(try SSLConfigurationRequest(leafDomainLabel: "myservice").change() == .auto(label: "myservice"))
        #expect(try SSLConfigurationRequest(status: "Disabled", cname: "ignored").change() == .disable)
        #expect(try SSLConfigurationRequest(renew: true).change() == .renew)
    }

    @Test func namesThatAreNotHostNamesAreRefused() throws {
        for cname in ["", "a b", "-a.example", "a..example", "https://a.example"] {
            let request = SSLConfigurationRequest(cname: cname, cert: "PEM", key: "KEY")
            #expect(throws: BerthError.self) { try request.change() }
        }
        #expect(throws: BerthError.self) { try SSLConfigurationRequest().change() }
    }

    @Test func theScoringBaseKeepsThePortAndTakesTheCname() {
        let tls = ComputeTLS(status: .enabled, cname: "scoring.example", subjectNames: [], notValidAfter: .now)
        #expect(tls.scoringBase(fromRouterURL: "http://127.0.0.1:8080") == "https://scoring.example:8080")
    }
}
