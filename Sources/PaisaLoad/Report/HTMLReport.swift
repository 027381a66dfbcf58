import Foundation

/// The self-contained HTML page: the report's JSON inlined, charts drawn as SVG by inline script.
/// No network access of any kind: no CDN, no fonts, no images.
public enum HTMLReport {
    /// The page for `report`.
    public static func render(_ report: RunReport) throws -> String {
        let json = String(decoding: try report.jsonData(), as: UTF8.self)
        // Inside a <script> element only "</" can end it early; "<\/" means the same in JSON strings.
        let embedded = json.replacingOccurrences(of: "</", with: "<\\/")
        let title = Self.escapeHTML("paisa-load \(report.runID): \(report.profile), exit \(report.exitCode)")
        return HTMLTemplate.page
            .replacingOccurrences(of: "{{TITLE}}", with: title)
            .replacingOccurrences(of: "{{DATA}}", with: embedded)
    }

    /// Text made safe for HTML element content.
    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
