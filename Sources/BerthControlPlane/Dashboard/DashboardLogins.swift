import BerthAuth

/// The dashboard's one-time login links and the browser sessions they opened, as a pure value:
/// no clock, no randomness (the caller passes both in), so every rule is tested without waiting.
///
/// A browser cannot send the admin token, so `berth ui` asks for a link (`addLink`) whose token
/// the browser trades for a session cookie once (`redeem`). Links live `linkLifetime`, sessions
/// `sessionLifetime`. Tokens and session ids are compared in constant time against every one held,
/// so the time an answer takes does not tell how much of a guess was right.
struct DashboardLogins<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// How long a link works if not opened. Default 2 minutes: it is printed to be opened now.
    var linkLifetime: Duration = .seconds(120)
    /// How long a session lasts. Default 12 hours: a working day on one screen.
    var sessionLifetime: Duration = .seconds(12 * 3600)
    /// How long an expired link is remembered, so that opening it late says "expired" rather than
    /// "unknown". Default 1 hour.
    var expiredLinkMemory: Duration = .seconds(3600)
    /// At most this many links and sessions are held; the oldest goes first.
    static var maxLinks: Int { 64 }
    static var maxSessions: Int { 64 }

    private struct Entry: Sendable {
        var secret: String
        var expires: Instant
    }

    private var links: [Entry] = []
    private var sessions: [Entry] = []

    init() {}

    /// What opening a link came to.
    enum Redemption: Equatable, Sendable {
        /// The link was good: the session it opened lasts until the instant given.
        case opened(expires: Instant)
        /// The link was issued but is past its lifetime.
        case expired
        /// Not a link this server issued, or one already opened.
        case unknown
    }

    /// Holds a new link `token` (random, made by the caller) and answers when it expires.
    mutating func addLink(_ token: String, now: Instant) -> Instant {
        forgetOld(now: now)
        let expires = now.advanced(by: linkLifetime)
        links.append(Entry(secret: token, expires: expires))
        if links.count > Self.maxLinks { links.removeFirst(links.count - Self.maxLinks) }
        return expires
    }

    /// Trades link `token` for session `session` (random, made by the caller): a link works once.
    mutating func redeem(_ token: String, session: String, now: Instant) -> Redemption {
        forgetOld(now: now)
        guard let index = Self.match(token, in: links) else { return .unknown }
        let link = links.remove(at: index)
        guard now < link.expires else { return .expired }
        let expires = now.advanced(by: sessionLifetime)
        sessions.append(Entry(secret: session, expires: expires))
        if sessions.count > Self.maxSessions { sessions.removeFirst(sessions.count - Self.maxSessions) }
        return .opened(expires: expires)
    }

    /// Whether `session` is a session this server opened that has not expired.
    func isSession(_ session: String, now: Instant) -> Bool {
        guard let index = Self.match(session, in: sessions) else { return false }
        return now < sessions[index].expires
    }

    /// Drops sessions past their lifetime and links past their lifetime and memory.
    private mutating func forgetOld(now: Instant) {
        sessions.removeAll { !(now < $0.expires) }
        let memory = expiredLinkMemory
        links.removeAll { !(now < $0.expires.advanced(by: memory)) }
    }

    /// The index of the entry whose secret is `presented`, comparing against every entry in
    /// constant time each, so that the answer's timing says nothing about the secrets.
    private static func match(_ presented: String, in entries: [Entry]) -> Int? {
        var found: Int? = nil
        for (index, entry) in entries.enumerated() where ConstantTime.equals(presented, entry.secret) {
            found = index
        }
        return found
    }
}
