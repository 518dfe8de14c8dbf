// swift-tools-version:6.2
// Builds the pinned swift-openapi-generator command for scripts/api/generate.sh, apart from the
// berth package, so that Berth's own builds never compile the generator (OpenAPIKit, Yams…).
import PackageDescription

let package = Package(
    name: "berth-openapi-generator",
    dependencies: [.package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3")],
    targets: []
)
