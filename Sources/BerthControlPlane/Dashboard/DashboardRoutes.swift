import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard's hand-written routes, all `GET` under `/ui`: the page and its assets, the
/// one-time login (`/ui/login?token=…`), and the two JSON reads the page polls
/// (`/ui/api/summary[?since=MS]`, `/ui/api/logs?service=NAME`).
///
/// They are outside the admin API and its token (`AdminAuthMiddleware` lets `/ui` through to
/// them): each needs the session cookie a login link opens (`DashboardAccess`), which the admin
/// API in turn never reads, so a browser session can read the dashboard and change nothing. The
/// cookie is `HttpOnly`, `SameSite=Strict` and scoped to `Path=/ui`; every answer forbids
/// framing, caching and scripts from elsewhere (`securityHeaders`).
struct DashboardRoutes<Context: RequestContext, C: Clock>: Sendable where C.Duration == Duration {
    let access: DashboardAccess<C>
    /// The summary, with history points after the given time only (nil: all).
    let summary: @Sendable (_ historySince: Date?) async throws -> DashboardSummary
    let logs: @Sendable (_ service: String, _ lines: Int) async throws -> String
    /// Whether the admin listener serves TLS: the cookie is then `Secure` too.
    var secureCookie: Bool = false

    func add(to router: Router<Context>) {
        router.get("/ui") { request, _ in
            guard authorized(request) else { return Self.page(DashboardPages.signedOut, status: .unauthorized) }
            return Self.page(DashboardAssets.indexHTML, status: .ok)
        }
        router.get("/ui/login") { request, _ in login(request) }
        router.get("/ui/assets/{name}") { request, context in
            guard authorized(request) else { return Self.page(DashboardPages.signedOut, status: .unauthorized) }
            guard let asset = DashboardAssets.asset(named: context.parameters.get("name") ?? "") else {
                throw BerthError.notFound("The dashboard has no asset of that name.")
            }
            return Self.response(asset.bytes, contentType: asset.contentType, status: .ok)
        }
        router.get("/ui/api/summary") { request, _ in
            try requireSession(request)
            // `since`: milliseconds since 1970 of the newest point the page holds.
            let since = request.uri.queryParameters.get("since").flatMap { Double($0) }.map {
                Date(timeIntervalSince1970: ($0 + 0.5) / 1000)
            }
            let data = try BerthJSON.encode(try await summary(since))
            return Self.response(Array(data), contentType: "application/json", status: .ok)
        }
        router.get("/ui/api/logs") { request, _ in
            try requireSession(request)
            let query = request.uri.queryParameters
            guard let service = query.get("service"), !service.isEmpty else {
                throw BerthError.badRequest("Name the service: /ui/api/logs?service=NAME.")
            }
            let lines = query.get("lines").flatMap { Int($0) } ?? 80
            let data = try BerthJSON.encode(["service": service, "content": try await logs(service, lines)])
            return Self.response(Array(data), contentType: "application/json", status: .ok)
        }
    }

    /// Trades the link's token for a session cookie and sends the browser on to `/ui`, so the
    /// token leaves the address bar; a wrong, used or expired link gets a 401 page saying which.
    private func login(_ request: Request) -> Response {
        guard let token = request.uri.queryParameters.get("token"), !token.isEmpty else {
            return Self.page(DashboardPages.refused(DashboardLoginRefusal.unknown.message), status: .unauthorized)
        }
        switch access.redeem(token) {
        case .failure(let refusal):
            return Self.page(DashboardPages.refused(refusal.message), status: .unauthorized)
        case .success(let session):
            var response = Self.response([], contentType: "text/plain; charset=utf-8", status: .seeOther)
            response.headers[.location] = "/ui"
            response.setCookie(
                Cookie(
                    name: DashboardAccess<C>.cookieName, value: session.session,
                    maxAge: Int(session.lifetime.components.seconds), path: "/ui", secure: secureCookie,
                    httpOnly: true, sameSite: .strict))
            return response
        }
    }

    private func authorized(_ request: Request) -> Bool {
        guard let cookie = request.cookies[DashboardAccess<C>.cookieName] else { return false }
        return access.isSession(cookie.value)
    }

    private func requireSession(_ request: Request) throws {
        guard authorized(request) else {
            throw BerthError(
                .unauthorized,
                "The dashboard needs a session: run 'berth ui' and open the login link it prints.")
        }
    }

    private static func page(_ html: String, status: HTTPResponse.Status) -> Response {
        response(Array(html.utf8), contentType: "text/html; charset=utf-8", status: status)
    }

    private static func response(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status) -> Response {
        var headers = securityHeaders
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// No framing, no caching, no referrer (a login link's token), and only this origin's
    /// scripts, styles and requests.
    static var securityHeaders: HTTPFields {
        [
            .contentSecurityPolicy:
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
            .xFrameOptions: "DENY",
            .cacheControl: "no-store",
            .referrerPolicy: "no-referrer",
        ]
    }
}

/// The dashboard's paths, which check the session cookie themselves instead of the admin token.
enum DashboardPaths {
    /// Whether `path` is `/ui` or under it (and climbs nowhere with `..`).
    static func contains(_ path: String) -> Bool {
        (path == "/ui" || path.hasPrefix("/ui/")) && !path.contains("..")
    }
}

extension HTTPField.Name {
    fileprivate static var xContentTypeOptions: Self { Self("X-Content-Type-Options")! }
    fileprivate static var xFrameOptions: Self { Self("X-Frame-Options")! }
    fileprivate static var referrerPolicy: Self { Self("Referrer-Policy")! }
}
