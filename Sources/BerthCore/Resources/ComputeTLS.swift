import Foundation

/// How a compute target's scoring is served over TLS: Azure's `sslConfiguration` of an AKS
/// compute, as the API shows it. The certificate and key themselves are never here: the server
/// keeps them in 0600 files under `$BERTH_HOME/tls/computes/<name>/`.
///
/// With it, the compute's services are scored only over HTTPS at `https://<cname>:<router port>/…`;
/// the router picks the certificate by the name the client asks for (SNI).
public struct ComputeTLS: Codable, Sendable, Hashable {
    /// `Enabled`: a certificate the user brought. `Auto`: one Berth issued from the workspace CA
    /// (Azure's Microsoft-issued certificate for a leaf domain label).
    public enum Status: String, Codable, Sendable, Hashable {
        case enabled = "Enabled"
        case auto = "Auto"
    }

    public var status: Status
    /// The host name clients use; the name scoring URIs carry and the router matches SNI against.
    public var cname: String
    /// For `Auto`: the label the certificate was issued for (it is also the cname).
    public var leafDomainLabel: String?
    /// The names the certificate is for.
    public var subjectNames: [String]
    /// When the certificate expires: renew before (replace the files, or `computetarget update`).
    public var notValidAfter: Date

    public init(
        status: Status, cname: String, leafDomainLabel: String? = nil, subjectNames: [String], notValidAfter: Date
    ) {
        self.status = status
        self.cname = cname
        self.leafDomainLabel = leafDomainLabel
        self.subjectNames = subjectNames
        self.notValidAfter = notValidAfter
    }

    /// `routerURL` (`http://127.0.0.1:8080`) as the compute's clients reach it: https, the cname,
    /// the same port.
    public func scoringBase(fromRouterURL routerURL: String) -> String {
        guard var components = URLComponents(string: routerURL) else { return routerURL }
        components.scheme = "https"
        components.host = cname
        return components.string ?? routerURL
    }
}

/// Azure's `sslConfiguration` as requests carry it (`AksCompute.provisioning_configuration(ssl_…)`,
/// `attach_configuration(...).enable_ssl(...)`, `AksUpdateConfiguration(SslConfiguration(...))`,
/// and `berth computetarget create|attach|update --ssl-…`): `cert` and `key` are PEM text, read
/// on the client's side as Azure's SDK does. `key` is a secret: never echoed or logged.
public struct SSLConfigurationRequest: Codable, Sendable, Hashable {
    /// `Enabled`, `Auto` or `Disabled`; when absent it follows from the other fields.
    public var status: String?
    public var cname: String?
    public var cert: String?
    public var key: String?
    public var leafDomainLabel: String?
    public var overwriteExistingDomain: Bool?
    public var renew: Bool?

    public init(
        status: String? = nil, cname: String? = nil, cert: String? = nil, key: String? = nil,
        leafDomainLabel: String? = nil, overwriteExistingDomain: Bool? = nil, renew: Bool? = nil
    ) {
        self.status = status
        self.cname = cname
        self.cert = cert
        self.key = key
        self.leafDomainLabel = leafDomainLabel
        self.overwriteExistingDomain = overwriteExistingDomain
        self.renew = renew
    }

    /// Azure's answer to a cname, certificate or key given without the other two.
    static var incompleteCertificate: BerthError {
        .badRequest(
            "Invalid configuration, not all ssl information provided. To enable SSL validation please "
                + "provide the cname, cert pem file, and key pem file.")
    }

    /// Holds this request to one of the four shapes `openapi/berth.json` gives it (enable
    /// with cname, cert and key; `Auto` with leafDomainLabel; renew; `Disabled`) before
    /// `change()`, which is lenient for the Azure dialect, reads it. The server checks it, and so
    /// does the client before it converts a request to the generated body type, which cannot hold a
    /// request of no declared shape: the user gets the same message either way.
    public func checkShape() throws {
        func given(_ text: String?) -> Bool { !(text ?? "").isEmpty }
        switch status {
        case "Disabled"?: return
        case "Enabled"?:
            guard given(cname), given(cert), given(key) else {
                throw Self.incompleteCertificate
            }
        case "Auto"?:
            guard given(leafDomainLabel) else {
                throw BerthError.badRequest(
                    "sslConfiguration with status 'Auto' needs leafDomainLabel (--ssl-leaf-domain-label).")
            }
        case nil:
            guard renew == true else {
                throw BerthError.badRequest(
                    "sslConfiguration needs a status ('Enabled', 'Auto' or 'Disabled'), or renew: true (--ssl-renew).")
            }
        case let status?:
            throw BerthError.badRequest(
                "sslConfiguration.status must be 'Enabled', 'Auto' or 'Disabled', not '\(status)'.")
        }
    }

    /// What the request asks for, checked with Azure's rules and messages.
    public enum Change: Sendable, Hashable {
        /// Serve the user's certificate for `cname`.
        case enable(cname: String, certificateChainPEM: String, privateKeyPEM: String)
        /// Serve a certificate issued by the workspace CA for `label`.
        case auto(label: String)
        /// Issue the `Auto` certificate again (Azure's `renew=True`).
        case renew
        /// Stop serving TLS for the compute: its services are scored over plain HTTP again.
        case disable
    }

    /// The change asked for; throws a 400 with Azure's message when the fields do not fit together.
    public func change() throws -> Change {
        let status = self.status?.lowercased()
        if status == "disabled" { return .disable }
        if renew == true { return .renew }
        let trio = [cname, cert, key].map { $0.map { !$0.isEmpty } ?? false }
        if trio.contains(true) {
            guard let cname, let cert, let key, !trio.contains(false) else {
                throw Self.incompleteCertificate
            }
            if leafDomainLabel != nil {
                throw BerthError.badRequest(
                    "Invalid configuration. When cname, cert pem file, and key pem file is provided, leaf domain "
                        + "label should not be provided.")
            }
            if overwriteExistingDomain == true {
                throw BerthError.badRequest(
                    "Invalid configuration. Overwrite existing domain only applies to leaf domain label. When cname, "
                        + "cert pem file, and key pem file is provided, Overwrite existing domain should not be provided."
                )
            }
            guard Self.isHostName(cname) else {
                throw BerthError.badRequest(
                    "sslConfiguration.cname '\(cname)' is not a host name: give the DNS name clients use to reach "
                        + "the router (letters, digits, '-' and '.'), e.g. scoring.example.com.")
            }
            return .enable(cname: cname.lowercased(), certificateChainPEM: cert, privateKeyPEM: key)
        }
        if let label = leafDomainLabel, !label.isEmpty {
            guard Self.isHostName(label) else {
                throw BerthError.badRequest(
                    "sslConfiguration.leafDomainLabel '\(label)' is not a host name: use letters, digits, '-' and '.'.")
            }
            return .auto(label: label.lowercased())
        }
        throw BerthError.badRequest(
            "sslConfiguration asks for nothing: give cname, cert and key (your certificate), or leafDomainLabel "
                + "(a certificate from the workspace CA), or status \"Disabled\".")
    }

    /// A DNS name of 1–253 characters in labels of letters, digits and inner '-'.
    static func isHostName(_ text: String) -> Bool {
        guard (1...253).contains(text.utf8.count) else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

extension Webservice {
    /// Sets the scoring and swagger URIs under `routerURL` (the router's own URL), as the
    /// service's clients reach it: through `tls`'s cname over https when its compute has TLS.
    public mutating func setURIs(routerURL: String, tls: ComputeTLS?) {
        let base = tls?.scoringBase(fromRouterURL: routerURL) ?? routerURL
        scoringUri = "\(base)/api/v1/service/\(name)/score"
        swaggerUri = "\(base)/api/v1/service/\(name)/swagger.json"
    }
}
