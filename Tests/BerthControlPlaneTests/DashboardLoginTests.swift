import BerthTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import BerthControlPlane

/// The dashboard's one-time login, as a value and over loopback on a manual clock: a link opens
/// one session once, within its lifetime; anything else gets a 401 page saying why; the session
/// cookie reads `/ui` and nothing behind the admin token.
struct DashboardLoginTests {
    @Test("A link works once and only before it expires; sessions end after their lifetime")
    func logins() {
        var logins = DashboardLogins<ManualInstant>()
        logins.linkLifetime = .seconds(120)
        logins.sessionLifetime = .seconds(3600)
        let expires = logins.addLink("link-1", now: .s(0))
        #expect(expires == .s(120))
        #expect(logins.redeem("link-2", session: "s", now: .s(1)) == .unknown)
        #expect(logins.redeem("link-1", session: "session-1", now: .s(10)) == .opened(expires: .s(3610)))
        #expect(logins.redeem("link-1", session: "session-2", now: .s(11)) == .unknown, "used once")
        #expect(logins.isSession("session-1", now: .s(3609)))
        #expect(!logins.isSession("session-2", now: .s(20)))
        #expect(!logins.isSession("session-1", now: .s(3610)))

        _ = logins.addLink("link-3", now: .s(4000))
        #expect(logins.redeem("link-3", session: "session-3", now: .s(4120)) == .expired)
        #expect(logins.redeem("link-3", session: "session-3", now: .s(4121)) == .unknown)
        #expect(!logins.isSession("session-3", now: .s(4121)))
    }

    @Test(
        "Over loopback: wrong, reused and expired links get a 401 page; the cookie reads /ui only",
        .timeLimit(.minutes(1)))
    func loopback() async throws {
        let clock = ManualClock()
        let access = DashboardAccess(clock: clock)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: Logger(label: "test")))
        router.add(middleware: AdminAuthMiddleware(token: "admin-token"))
        router.get("/api/v1/models") { _, _ in "models" }
        router.delete("/api/v1/services/{name}") { _, _ in "deleted" }
        DashboardRoutes<BasicRequestContext, ManualClock>(
            access: access, summary: { _ in Self.emptySummary }, logs: { service, _ in "log of \(service)" }
        ).add(to: router)

        try await Application(router: router).test(.live) { client in
            // No session: /ui says how to get one, its reads answer 401.
            try await client.execute(uri: "/ui", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("berth ui"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            }
            try await client.execute(uri: "/ui/api/summary", method: .get) { #expect($0.status == .unauthorized) }

            // A wrong token.
            try await client.execute(uri: "/ui/login?token=not-a-token", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("not valid"))
                #expect(response.headers[values: .setCookie].isEmpty)
            }

            // A good one: a cookie for /ui, and on to /ui without the token.
            let link = access.newLink()
            #expect(link.lifetime == .seconds(120))
            let cookie = try await client.execute(uri: "/ui/login?token=\(link.token)", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui")
                let setCookie = try #require(response.headers[.setCookie])
                for attribute in ["HttpOnly", "SameSite=Strict", "Path=/ui", "Max-Age=43200"] {
                    #expect(setCookie.contains(attribute), "\(setCookie)")
                }
                #expect(response.headers[.referrerPolicy] == "no-referrer")
                return try #require(setCookie.split(separator: ";").first.map(String.init))
            }
            let withCookie: HTTPFields = [.cookie: cookie]
            try await client.execute(uri: "/ui", method: .get, headers: withCookie) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("/ui/assets/dashboard.js"))
            }
            for asset in ["dashboard.js", "dashboard.css"] {
                try await client.execute(uri: "/ui/assets/\(asset)", method: .get, headers: withCookie) {
                    #expect($0.status == .ok && $0.body.readableBytes > 500)
                }
                try await client.execute(uri: "/ui/assets/\(asset)", method: .get) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/ui/api/summary", method: .get, headers: withCookie) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"services\""))
            }
            try await client.execute(uri: "/ui/api/logs?service=web", method: .get, headers: withCookie) { response in
                #expect(String(buffer: response.body).contains("log of web"))
            }

            // The same link again.
            try await client.execute(uri: "/ui/login?token=\(link.token)", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("already used"))
            }

            // The cookie opens nothing behind the admin token, reading or changing.
            try await client.execute(uri: "/api/v1/models", method: .get, headers: withCookie) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/services/web", method: .delete, headers: withCookie) {
                #expect($0.status == .unauthorized)
            }
            // Only GET is served under /ui.
            try await client.execute(uri: "/ui/api/summary", method: .post, headers: withCookie) {
                #expect($0.status != .ok)
            }

            // A link opened after its two minutes.
            let late = access.newLink()
            clock.advance(by: .seconds(121))
            try await client.execute(uri: "/ui/login?token=\(late.token)", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("expired"))
            }
            // The session ends after 12 hours.
            clock.advance(by: .seconds(12 * 3600))
            try await client.execute(uri: "/ui/api/summary", method: .get, headers: withCookie) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    private static var emptySummary: DashboardSummary {
        DashboardSummary(
            generatedAt: Date(), sampleIntervalSeconds: 2, services: [], endpoints: [], events: [], failures: [])
    }
}

extension HTTPField.Name {
    fileprivate static var referrerPolicy: Self { Self("Referrer-Policy")! }
}
