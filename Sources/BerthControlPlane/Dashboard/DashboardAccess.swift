import BerthAuth
import Synchronization

/// The dashboard's login links and sessions (`DashboardLogins`) behind a lock, on an injected
/// clock: the admin API issues links (`newLink`), `/ui/login` redeems them, every other `/ui`
/// request checks its session cookie (`isSession`).
///
/// Tokens and session ids are 32 random bytes (`SecretFile.randomToken`). They are never logged:
/// nothing here logs, and the routes that read them (`DashboardRoutes`) do not either.
final class DashboardAccess<C: Clock>: Sendable where C.Duration == Duration {
    /// The session cookie's name; its path is `/ui`, so browsers send it nowhere else.
    static var cookieName: String { "berth_ui_session" }

    let clock: C
    private let logins: Mutex<DashboardLogins<C.Instant>>

    init(clock: C, logins: DashboardLogins<C.Instant> = DashboardLogins()) {
        self.clock = clock
        self.logins = Mutex(logins)
    }

    /// A new one-time link token and how long it works.
    func newLink() -> (token: String, lifetime: Duration) {
        let token = SecretFile.randomToken()
        let now = clock.now
        let expires = logins.withLock { $0.addLink(token, now: now) }
        return (token, now.duration(to: expires))
    }

    /// Trades link `token` for a new session: its id and lifetime, or why not.
    func redeem(_ token: String) -> Result<(session: String, lifetime: Duration), DashboardLoginRefusal> {
        let session = SecretFile.randomToken()
        let now = clock.now
        switch logins.withLock({ $0.redeem(token, session: session, now: now) }) {
        case .opened(let expires): return .success((session, now.duration(to: expires)))
        case .expired: return .failure(.expired)
        case .unknown: return .failure(.unknown)
        }
    }

    /// Whether `session` (a cookie's value) is an open session.
    func isSession(_ session: String) -> Bool {
        let now = clock.now
        return logins.withLock { $0.isSession(session, now: now) }
    }
}

/// Why a login link was refused, in words for the page that says so.
enum DashboardLoginRefusal: Error, Equatable, Sendable {
    case expired
    case unknown

    var message: String {
        switch self {
        case .expired:
            "This login link has expired: links work for two minutes after 'berth ui' prints them. "
                + "Run 'berth ui' again and open the new link."
        case .unknown:
            "This login link is not valid: each link opens the dashboard once, and this one was already used "
                + "or was not issued by this server. Run 'berth ui' again and open the new link."
        }
    }
}
