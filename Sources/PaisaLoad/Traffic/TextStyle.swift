/// What the free text of a payment looks like: plain ASCII, or hostile text that is still valid (within every
/// limit counted in Unicode scalars, no NUL): combining marks stacked on one letter, characters outside the Basic
/// Multilingual Plane, joined emoji, bidirectional overrides, control characters, quotes, and the characters form
/// encoding treats specially. Such text must be charged like any other: a 5xx or a lost charge is a server bug.
public enum TextStyle: String, Sendable, CaseIterable {
    case plain
    case hostile

    /// The most scalars a description takes, and a metadata value (Paisa's and Stripe's limits).
    static let descriptionScalarsMax = 1000
    static let metadataValueScalarsMax = 500

    /// Reads `plain` or `hostile`.
    public static func parse(_ text: String) throws(LoadInputError) -> TextStyle {
        guard let style = TextStyle(rawValue: text) else {
            throw LoadInputError("--text takes plain or hostile, not '\(text)'.")
        }
        return style
    }

    /// Hostile text of at most `scalarsMax` scalars: at the limit one time in four.
    static func hostile(_ random: inout SeededRandom, scalarsMax: Int) -> String {
        let atLimit = random.next(upperBound: UInt64(4)) == UInt64(0)
        let length = atLimit ? scalarsMax : 1 + Int(random.next(upperBound: UInt64(scalarsMax)))
        var scalars: [Unicode.Scalar] = []
        while scalars.count < length {
            let piece = Self.pieces[Int(random.next(upperBound: UInt64(Self.pieces.count)))]
            scalars += piece.prefix(length - scalars.count)
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    /// The building blocks of hostile text, each a few scalars.
    private static let pieces: [[Unicode.Scalar]] = [
        ["e", "\u{0301}", "\u{0301}", "\u{0301}", "\u{0301}", "\u{0301}", "\u{0301}", "\u{0301}"],
        ["\u{1F600}", "\u{1F4B8}", "\u{1F1EE}", "\u{1F1F3}"],
        ["\u{1F468}", "\u{200D}", "\u{1F469}", "\u{200D}", "\u{1F467}"],
        ["\u{202E}", "a", "b", "\u{202C}", "\u{FEFF}"],
        ["\u{1}", "\t", "\u{1F}", "\u{7F}", "\n"],
        ["\"", "'", "\\", "<", ">", "&", "=", "+", "%", "[", "]"],
        ["\u{0930}", "\u{0941}", "\u{092A}", "\u{092F}", "\u{093E}"],
        ["\u{4E2D}", "\u{6587}", "\u{20BB7}"],
    ]
}
