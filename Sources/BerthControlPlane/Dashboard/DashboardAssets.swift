/// The dashboard's page, script and style sheet: plain files in `Dashboard/Assets/` compiled into
/// the binary (SwiftPM's `embedInCode` resources), so `berth server` serves them with nothing to
/// install beside it and the page fetches nothing from elsewhere.
enum DashboardAssets {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// `index.html`, served at `/ui`.
    static var indexHTML: String { String(decoding: PackageResources.index_html, as: UTF8.self) }

    /// The assets under `/ui/assets/<name>`.
    static func asset(named name: String) -> Asset? {
        switch name {
        case "dashboard.js":
            Asset(bytes: PackageResources.dashboard_js, contentType: "text/javascript; charset=utf-8")
        case "dashboard.css":
            Asset(bytes: PackageResources.dashboard_css, contentType: "text/css; charset=utf-8")
        default: nil
        }
    }
}
