import ArgumentParser
import BerthClient
import BerthCore
import Foundation

extension ServiceCommand {
    /// `berth service get-access-token -n NAME`, Azure's `az ml service get-access-token`: a JWT for
    /// a service with `tokenAuthEnabled`, and when to refresh it.
    struct GetAccessToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-access-token",
            abstract: "Print an access token for a service with token auth, and when to refresh it.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let token = try await global.client().accessToken(forService: name)
            if global.output.isStructured { return try Output.structured(global.output, token) }
            Output.fields([
                ("accessToken", token.accessToken), ("tokenType", token.tokenType),
                ("refreshAfter", Output.date(token.refreshAfter)), ("expiryOn", Output.date(token.expiryOn)),
            ])
        }
    }
}

/// `berth workspace …`: workspace-wide secrets.
struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Manage the workspace's token signing key.",
        subcommands: [RotateSigningKey.self])

    /// Replaces the key that signs access tokens, e.g. after it may have leaked.
    struct RotateSigningKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-signing-key",
            abstract: "Sign new access tokens with a new key; tokens already issued work until they expire.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let rotation = try await global.client().rotateSigningKey()
            if global.output.isStructured { return try Output.structured(global.output, rotation) }
            Output.fields([
                ("kid", rotation.kid), ("previousKid", rotation.previousKid),
                ("previousValidUntil", Output.date(rotation.previousValidUntil)),
            ])
        }
    }
}
