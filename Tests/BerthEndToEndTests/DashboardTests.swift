import AsyncHTTPClient
import BerthCore
import BerthTesting
import Foundation
import NIOHTTP1
import Testing

/// The dashboard of a real `berth server`: the one-time login over HTTP, and the page as headless
/// Chromium renders it after a deploy, a load step and an endpoint with a split. The browser test
/// saves screenshots under `.build-ui/` (CI keeps them as artifacts).
@Suite(.timeLimit(.minutes(4)), .serialized)
struct DashboardTests {
    /// Chromium's executable: `BERTH_CHROMIUM`, else the Debian package's; nil when neither exists
    /// (scripts/test.sh installs it in CI).
    static let chromium: String? = {
        let candidates = [
            ProcessInfo.processInfo.environment["BERTH_CHROMIUM"], "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
        ].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Where screenshots go: `.build-ui/` at the repository's root.
    static var screenshots: URL { TestPaths.repositoryRoot.appendingPathComponent(".build-ui", isDirectory: true) }

    /// A client that does not follow redirects, to see the login's 303 and its cookie.
    private static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    @Test("The login link opens /ui once; its cookie reads the dashboard and nothing of the admin API")
    func loginOverHTTP() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let base = workspace.server.baseURL
            let link = try await Self.loginLink(workspace)
            #expect(link.hasPrefix(base + "/ui/login?token="))
            #expect(!workspace.server.log.contains(String(link.split(separator: "=").last ?? "")), "never logged")
            let wrong = try await TestHTTP.send(.GET, base + "/ui/login?token=wrong", client: Self.client)
            #expect(wrong.status == 401 && wrong.text.contains("not valid"))
            let opened = try await TestHTTP.send(.GET, link, client: Self.client)
            #expect(opened.status == 303 && opened.header("Location") == "/ui")
            let setCookie = try #require(opened.header("Set-Cookie"))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), "\(setCookie)")
            let cookie = [("Cookie", try #require(setCookie.split(separator: ";").first.map(String.init)))]
            let reused = try await TestHTTP.send(.GET, link, client: Self.client)
            #expect(reused.status == 401 && reused.text.contains("already used"))

            #expect(try await TestHTTP.get(base + "/ui", headers: cookie).status == 200)
            let summary = try await TestHTTP.get(base + "/ui/api/summary", headers: cookie)
            #expect(summary.status == 200 && summary.text.contains("\"services\""), "\(summary.text)")
            #expect(try await TestHTTP.get(base + "/ui/api/summary").status == 401)
            // The cookie opens nothing of the admin API: not reads, not deploys, not a new login link.
            for (method, path) in [
                (HTTPMethod.GET, "/api/v1/services"), (.POST, "/api/v1/services"),
                (.DELETE, "/api/v1/services/any-svc"), (.POST, "/api/v1/dashboard/logins"), (.GET, "/metrics"),
            ] {
                let headers = cookie + [("Content-Type", "application/json")]
                let response =
                    method == .POST
                    ? try await TestHTTP.post(base + path, "{}", headers: headers)
                    : try await TestHTTP.send(method, base + path, headers: headers)
                #expect(response.status == 401, "\(method) \(path): \(response.status) \(response.text)")
            }
        } catch {
            await workspace.stop()
            throw error
        }
        // The dashboard's sampler ends with the server: a clean exit.
        let exit = await workspace.server.stop()
        workspace.folder.remove()
        #expect(!exit.isSignal && exit.code == 0, "\(exit)\n\(workspace.server.log.suffix(2000))")
    }

    @Test(
        "Headless Chromium shows the service Healthy, its replica plot with points and the endpoint's split",
        .enabled(
            if: DashboardTests.chromium != nil,
            "Chromium is not installed: apt-get install -y chromium (scripts/test.sh installs it when CI=true)"))
    func browserRendersDashboard() async throws {
        let browser = try #require(Self.chromium)
        let workspace = try await DeployTests.Workspace.start()
        do {
            let home = workspace.home
            let slow = TestPaths.corpus("slow").appendingPathComponent("inferenceconfig.json").path
            let echo = TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path
            let recorded = TestPaths.corpus("telemetry").appendingPathComponent("inferenceconfig.json").path
            let green = try workspace.folder.write(
                Data(
                    #"""
                    {"computeType": "aksendpoint", "versionName": "green", "trafficPercentile": 30,
                     "appInsightsEnabled": true, "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25}}
                    """#.utf8), to: "green.json")
            let config = try workspace.folder.write(
                Data(
                    #"""
                    {"computeType": "aks", "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25},
                     "autoScaler": {"autoscaleEnabled": true, "minReplicas": 1, "maxReplicas": 3,
                                    "targetUtilization": 50, "refreshPeriodInSeconds": 1},
                     "maxConcurrentRequestsPerContainer": 1, "maxQueueWaitMs": 10000}
                    """#.utf8), to: "slow.json")
            try await berth(
                "model", "deploy", "-n", "ui-svc", "-m", "echo-model:1", "--ic", slow, "--dc", config.path, "--ct",
                "mylocal", home: home)
            try await berth(
                "endpoint", "create", "-n", "ui-ep", "--ct", "mylocal", "-m", "echo-model:1", "--ic", echo,
                "--version-name", "blue", home: home)
            // green records its requests (appInsightsEnabled), and its run() raises on {"fail": …}.
            try await berth(
                "endpoint", "version", "create", "-n", "ui-ep", "-m", "echo-model:1", "--ic", recorded, "--dc",
                green.path, home: home)

            // A load step: 4 clients on the 200 ms service (the autoscaler adds replicas), and some
            // traffic through the endpoint's split.
            let service = try await workspace.service("ui-svc")
            let key = try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", "ui-svc", home: home)
            let endpoint = try #require(try await berthJSON([Endpoint].self, "endpoint", "list", home: home).first)
            let endpointKey = try await berthJSON(ServiceKeys.self, "endpoint", "get-keys", "-n", "ui-ep", home: home)
            let serviceURI = try #require(service.scoringUri)
            let endpointURI = try #require(endpoint.scoringUri)
            let load = ScoringLoad()
            let split = ScoringLoad()
            async let serviceLoad: Void = load.run(clients: 4, uri: serviceURI, key: key.primaryKey)
            async let endpointLoad: Void = split.run(clients: 1, uri: endpointURI, key: endpointKey.primaryKey)
            // The load stops whatever happens, so that no client outlives the test.
            let scaledUp: Bool
            do {
                try await waitUntil(timeout: .seconds(30)) {
                    try await workspace.service("ui-svc").readyReplicas >= 2
                }
                scaledUp = true
            } catch {
                scaledUp = false
            }
            // A few requests whose run() raises: 502s the router counts and the telemetry records.
            for attempt in 1...3 {
                let failed = try await TestHTTP.post(
                    endpointURI.replacingOccurrences(of: "/score", with: "/green/score"), #"{"fail": \#(attempt)}"#,
                    headers: [
                        ("Content-Type", "application/json"), ("Authorization", "Bearer \(endpointKey.primaryKey)"),
                    ])
                #expect(failed.status == 502, "\(failed.text)")
            }
            try? await Task.sleep(for: .seconds(4))
            load.stop()
            split.stop()
            _ = await (serviceLoad, endpointLoad)
            #expect(scaledUp, "the load step added replicas")
            #expect(load.failures.isEmpty && split.failures.isEmpty, "\(load.failures) \(split.failures)")

            // The page as the browser renders it, after a few rounds of polling.
            let dom = try await Self.runChromium(
                browser, ["--dump-dom", try await Self.loginLink(workspace)], folder: workspace.folder)
            let serviceRow = try #require(
                Self.element(in: dom, starting: #"<tr data-service="ui-svc""#, ending: "</tr>"))
            #expect(serviceRow.contains(#"data-state="Healthy""#), "\(serviceRow)")
            let replicas = try #require(
                Self.element(in: dom, starting: #"data-chart="replicas" data-service="ui-svc""#, ending: "</svg>"))
            let points = Self.pointCounts(in: replicas)
            #expect(points.contains { $0 >= 2 }, "the replica plot has points: \(replicas)")
            let endpointBlock = try #require(
                Self.element(in: dom, starting: #"<div class="endpoint" data-endpoint="ui-ep""#, ending: "</table>"))
            #expect(endpointBlock.contains(#"<td class="num share">70%</td>"#), "\(endpointBlock)")
            #expect(endpointBlock.contains(#"<td class="num share">30%</td>"#))
            #expect(dom.contains(#"data-live="true""#), "the page reached the server")
            let failures = try #require(Self.element(in: dom, starting: #"<table id="failures""#, ending: "</table>"))
            #expect(failures.contains("5xx from the replica"), "the router's 502s are listed: \(failures)")

            // Screenshots for people (README, CI artifacts).
            try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
            let png = Self.screenshots.appendingPathComponent("dashboard.png")
            try? FileManager.default.removeItem(at: png)
            _ = try await Self.runChromium(
                browser,
                ["--screenshot=\(png.path)", "--window-size=1400,1600", try await Self.loginLink(workspace)],
                folder: workspace.folder)
            #expect(FileManager.default.fileExists(atPath: png.path), "a screenshot at \(png.path)")
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    /// `berth ui`'s link.
    static func loginLink(_ workspace: DeployTests.Workspace) async throws -> String {
        struct Link: Decodable { var url: String }
        return try await berthJSON(Link.self, "ui", home: workspace.home).url
    }

    /// Runs headless Chromium on `arguments` with virtual time for the page's polling; its standard output.
    static func runChromium(_ executable: String, _ arguments: [String], folder: TemporaryDirectory) async throws
        -> String
    {
        let profile = folder.appending("chromium-\(UUID().uuidString.prefix(8))")
        let output = try await RunToCompletion.run(
            executable,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=\(profile.path)", "--virtual-time-budget=7000",
            ] + arguments)
        try #require(output.succeeded, "chromium: \(output.exit)\n\(output.stderr.suffix(3000))")
        return output.stdout
    }

    /// The text from `starting` to the first `ending` after it.
    static func element(in text: String, starting: String, ending: String) -> String? {
        guard let start = text.range(of: starting),
            let end = text.range(of: ending, range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.lowerBound..<end.upperBound])
    }

    /// The `data-points` counts of the polylines in `svg`.
    static func pointCounts(in svg: String) -> [Int] {
        svg.components(separatedBy: #"data-points=""#).dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
    }
}
