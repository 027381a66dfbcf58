import Foundation
import Ink

/// The project's own Markdown pages as plain HTML pages, so `/docs/errors` can be read in a browser and a `doc_url`
/// lands on its section (the `<a id="…">` anchors in the Markdown pass through as they are). Rendered once at start.
enum MarkdownPage {
    static func html(title: String, markdown: String) -> String {
        let body = MarkdownParser().html(from: markdown)
        return """
            <!doctype html><html><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
            code{background:#f3f3f3;padding:0 .2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}</style>
            </head><body>
            \(body)
            </body></html>
            """
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
