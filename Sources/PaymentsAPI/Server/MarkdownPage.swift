/// Turns the project's own Markdown pages (headings, paragraphs, lists, tables, code spans, inline HTML anchors)
/// into a plain HTML page, so `/docs/errors` can be read in a browser and `doc_url` anchors land on their section.
enum MarkdownPage {
    static func html(title: String, markdown: String) -> String {
        var body: [String] = []
        var paragraph: [String] = []
        var list: [String] = []
        var table: [[String]] = []
        func flush() {
            if !paragraph.isEmpty { body.append("<p>" + paragraph.map(Self.inline).joined(separator: " ") + "</p>") }
            if !list.isEmpty {
                body.append("<ul>" + list.map { "<li>" + Self.inline($0) + "</li>" }.joined() + "</ul>")
            }
            if !table.isEmpty { body.append(Self.table(table)) }
            paragraph = []
            list = []
            table = []
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty {
                flush()
            } else if trimmed.hasPrefix("<a id=") {
                flush()
                body.append(trimmed)
            } else if let level = Self.headingLevel(trimmed) {
                flush()
                let text = String(trimmed.dropFirst(level + 1))
                body.append("<h\(level)>\(Self.inline(text))</h\(level)>")
            } else if trimmed.hasPrefix("|") {
                let cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                    .map { String($0).trimmingSpaces }
                if !cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { table.append(cells) }
            } else if trimmed.hasPrefix("- ") {
                list.append(String(trimmed.dropFirst(2)))
            } else if !list.isEmpty, line.hasPrefix("  ") {
                list[list.count - 1] += " " + trimmed
            } else {
                paragraph.append(trimmed)
            }
        }
        flush()
        return """
            <!doctype html><html><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
            code{background:#f3f3f3;padding:0 .2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}</style>
            </head><body>
            \(body.joined(separator: "\n"))
            </body></html>
            """
    }

    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...4).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    private static func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let head = "<tr>" + header.map { "<th>\(Self.inline($0))</th>" }.joined() + "</tr>"
        let rest = rows.dropFirst().map { "<tr>" + $0.map { "<td>\(Self.inline($0))</td>" }.joined() + "</tr>" }
        return "<table>" + head + rest.joined() + "</table>"
    }

    /// Escapes the text and turns `code` spans into `<code>`.
    private static func inline(_ text: String) -> String {
        var output = ""
        var inCode = false
        for character in text {
            if character == "`" {
                output += inCode ? "</code>" : "<code>"
                inCode.toggle()
            } else {
                output += Self.escape(String(character))
            }
        }
        if inCode { output += "</code>" }
        return output
    }

    private static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "\"": output += "&quot;"
            default: output.append(character)
            }
        }
        return output
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
