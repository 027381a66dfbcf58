/// An API version: a date, optionally followed by a release name (`2022-11-15`, `2026-10-28.endive`). The date
/// alone decides behaviour: a request at date D gets every change dated on or before D.
public struct APIVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The date as a number, `20221115`, for comparisons.
    public let day: Int
    /// The text the client sent (or the account is pinned to), echoed back in `Stripe-Version`.
    public let text: String

    /// Parses `YYYY-MM-DD` with an optional `.name` of lowercase letters; nil for anything else, including dates
    /// that do not exist.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let date = parts[0]
        if parts.count == 2 {
            let name = parts[1]
            guard (1...20).contains(name.count), name.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return nil }
        }
        let fields = date.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
            fields.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(fields[0]), let month = Int(fields[1]), let day = Int(fields[2]),
            (1...12).contains(month), (1...Self.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.day = year * 10_000 + month * 100 + day
        self.text = text
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String { self.text }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        lhs.day < rhs.day
    }

    public static func == (lhs: APIVersion, rhs: APIVersion) -> Bool {
        lhs.day == rhs.day && lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.text)
    }
}
