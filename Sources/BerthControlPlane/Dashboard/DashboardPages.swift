import Foundation

/// The dashboard's small pages for a browser without a session: what to do next, in words.
enum DashboardPages {
    /// `/ui` without a session cookie (or with one that expired).
    static var signedOut: String {
        page(
            title: "Sign in to the Berth dashboard",
            message: "The dashboard needs a session. On the machine that runs the server, run 'berth ui' and open the "
                + "one-time link it prints (it works once, for two minutes).")
    }

    /// A login link that did not open a session, and why.
    static func refused(_ reason: String) -> String {
        page(title: "Login link refused", message: reason)
    }

    private static func page(title: String, message: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escaped(title))</title></head>
        <body><h1>\(escaped(title))</h1><p id="message">\(escaped(message))</p></body></html>

        """
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
