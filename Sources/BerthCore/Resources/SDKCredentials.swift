import Foundation

/// The body of `POST /api/v1/sdk/token`: how long the SDK token should last.
///
/// Hours rather than the service tokens' fixed hour, because the Azure SDK never refreshes a token
/// it was given: the token has to outlast the notebook session, and the user picks how long.
public struct SDKTokenRequest: Codable, Sendable, Hashable {
    /// The lifetime when the request names none (a working day).
    public static let defaultHours = 8
    /// The lifetimes a request may ask for: one hour to one week.
    public static let allowedHours = 1...168

    /// Hours the token lasts; nil for `defaultHours`.
    public var hours: Int?

    public init(hours: Int? = nil) {
        self.hours = hours
    }

    private enum CodingKeys: String, CodingKey { case hours }

    /// Reads `hours` as any JSON number, so that `2.5` is refused naming the field (Foundation's
    /// own error for a fraction where an integer belongs names no field).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let number = try container.decodeIfPresent(Double.self, forKey: .hours) else {
            hours = nil
            return
        }
        guard let whole = Int(exactly: number) else {
            throw DecodingError.dataCorruptedError(
                forKey: .hours, in: container, debugDescription: "\(number) is not a whole number of hours.")
        }
        hours = whole
    }

    /// The requested lifetime in hours, or the default.
    ///
    /// - Throws: `BerthError.badRequest` naming `hours` when it is outside `allowedHours`.
    public func validatedHours() throws -> Int {
        guard let hours else { return Self.defaultHours }
        guard Self.allowedHours.contains(hours) else {
            throw BerthError.badRequest(
                "The request body's 'hours' (\(hours)) must be from \(Self.allowedHours.lowerBound) to "
                    + "\(Self.allowedHours.upperBound); leave it out for \(Self.defaultHours) hours.")
        }
        return hours
    }
}

/// The answer of `POST /api/v1/sdk/token`: a token for Azure ML's Python SDK and the names under
/// which the SDK addresses this workspace, which is what `berth sdk env` exports.
public struct SDKCredentials: Codable, Sendable, Hashable {
    /// The JWT the SDK sends as `Authorization: Bearer <accessToken>` (`BERTH_SDK_TOKEN`).
    public var accessToken: String
    /// When the token stops working.
    public var expiresOn: Date
    public var subscriptionId: String
    public var resourceGroup: String
    public var workspaceName: String
    /// The cloud name the SDK selects with `AZUREML_CURRENT_CLOUD`.
    public var cloudName: String

    public init(token: AccessToken, identity: AzureWorkspaceIdentity) {
        accessToken = token.accessToken
        expiresOn = token.expiryOn
        subscriptionId = identity.subscriptionId
        resourceGroup = identity.resourceGroup
        workspaceName = identity.workspaceName
        cloudName = identity.cloudName
    }
}

extension SDKCredentials: CustomStringConvertible, CustomReflectable {
    /// Everything but the token, so that printing or dumping the value by mistake does not leak it.
    public var description: String {
        "SDKCredentials(workspace: '\(workspaceName)', subscription: \(subscriptionId), expiresOn: \(expiresOn))"
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "expiresOn": expiresOn, "subscriptionId": subscriptionId, "resourceGroup": resourceGroup,
                "workspaceName": workspaceName, "cloudName": cloudName,
            ])
    }
}
