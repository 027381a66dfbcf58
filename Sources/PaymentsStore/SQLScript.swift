#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Splits a migration file into statements, since PostgresNIO speaks only the extended protocol (one statement
/// per query). Semicolons inside quotes, dollar-quoted bodies and comments do not split.
enum SQLScript {
    static func statements(of script: String) -> [String] {
        let characters = Array(script)
        var statements: [String] = []
        var current = ""
        var index = 0
        func peek(_ offset: Int) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        while index < characters.count {
            let character = characters[index]
            if character == "-" && peek(1) == "-" {
                while index < characters.count && characters[index] != "\n" { index += 1 }
                continue
            }
            if character == "/" && peek(1) == "*" {
                index += 2
                while index < characters.count && !(characters[index] == "*" && peek(1) == "/") { index += 1 }
                index += 2
                continue
            }
            if character == "'" {
                let end = Self.closing(of: "'", in: characters, from: index + 1)
                current += String(characters[index..<end])
                index = end
                continue
            }
            if character == "$", let tag = Self.dollarTag(in: characters, at: index) {
                let body = index + tag.count
                var end = body
                while end < characters.count
                    && !String(characters[end..<min(end + tag.count, characters.count)]).elementsEqual(tag)
                {
                    end += 1
                }
                end = min(end + tag.count, characters.count)
                current += String(characters[index..<end])
                index = end
                continue
            }
            if character == ";" {
                Self.flush(&current, into: &statements)
                index += 1
                continue
            }
            current.append(character)
            index += 1
        }
        Self.flush(&current, into: &statements)
        return statements
    }

    private static func flush(_ current: inout String, into statements: inout [String]) {
        let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { statements.append(trimmed) }
        current = ""
    }

    /// The index just past the quote that closes a quoted string (doubled quotes stay inside).
    private static func closing(of quote: Character, in characters: [Character], from start: Int) -> Int {
        var index = start
        while index < characters.count {
            if characters[index] == quote {
                if index + 1 < characters.count && characters[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return characters.count
    }

    /// `$$` or `$tag$` starting at `index`, if one does.
    private static func dollarTag(in characters: [Character], at index: Int) -> String? {
        var end = index + 1
        while end < characters.count && (characters[end].isLetter || characters[end] == "_") { end += 1 }
        guard end < characters.count, characters[end] == "$" else { return nil }
        return String(characters[index...end])
    }
}
