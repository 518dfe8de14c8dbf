import BerthCore
import BerthTesting
import Foundation
import Testing

/// Runs the CLI against a workspace and requires success, so a failure shows the CLI's output.
@discardableResult
func berth(_ arguments: String..., home: URL, sourceLocation: SourceLocation = #_sourceLocation) async throws
    -> BerthCLI.Result
{
    let result = try await BerthCLI.run(arguments, home: home)
    try #require(result.succeeded, "\(result)", sourceLocation: sourceLocation)
    return result
}

/// `berth(_:home:)` for arguments built as an array.
@discardableResult
func berth(_ arguments: [String], home: URL, sourceLocation: SourceLocation = #_sourceLocation) async throws
    -> BerthCLI.Result
{
    let result = try await BerthCLI.run(arguments, home: home)
    try #require(result.succeeded, "\(result)", sourceLocation: sourceLocation)
    return result
}

/// Runs the CLI with `-o json` and decodes what it printed.
func berthJSON<T: Decodable>(
    _ type: T.Type,
    _ arguments: String...,
    home: URL,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> T {
    let result = try await BerthCLI.run(arguments + ["-o", "json"], home: home)
    try #require(result.succeeded, "\(result)", sourceLocation: sourceLocation)
    return try result.json(type)
}

/// Runs the CLI and requires it to fail with `exitCode` (1: the call failed; 64: bad usage, per
/// `berth --help`) and `message` on standard error.
@discardableResult
func berthFails(
    _ arguments: String...,
    home: URL,
    exitCode: Int32 = 1,
    saying message: String,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> BerthCLI.Result {
    try await berthFails(
        arguments as [String], home: home, exitCode: exitCode, saying: message, sourceLocation: sourceLocation)
}

/// `berthFails(_:home:exitCode:saying:)` for arguments built as an array.
@discardableResult
func berthFails(
    _ arguments: [String],
    home: URL,
    exitCode: Int32 = 1,
    saying message: String,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> BerthCLI.Result {
    let result = try await BerthCLI.run(arguments, home: home)
    #expect(result.exitCode == exitCode, "\(result)", sourceLocation: sourceLocation)
    #expect(!result.exit.isSignal, "\(result)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(message), "\(result)", sourceLocation: sourceLocation)
    return result
}

/// Random bytes, so a download that returns the wrong blob cannot match by accident.
func randomBytes(_ count: Int) -> Data {
    var generator = SystemRandomNumberGenerator()
    return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
}
