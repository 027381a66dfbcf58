/// Durations as people write them on a command line: `500ms`, `30s`, `2m`, `1m30s`, `1h`.
public enum DurationText {
    /// The longest duration any flag or stage accepts: a day is far beyond any load test worth running.
    public static let durationSecondsMax: Double = 24 * 3600

    /// The units a part may carry, with their length in seconds.
    private static let units: [(suffix: String, seconds: Double)] = [
        ("h", 3600), ("ms", 0.001), ("us", 0.000_001), ("m", 60), ("s", 1),
    ]

    /// Parses `text` (one or more number+unit parts); throws when a part has no unit or the total is out of range.
    public static func parse(_ text: String) throws(LoadInputError) -> Duration {
        let trimmed = text.trimmingSpaces
        var rest = Substring(trimmed)
        var total = 0.0
        var parts = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unitText.count)
            guard let value = Double(number), let unit = Self.units.first(where: { $0.suffix == unitText }) else {
                throw LoadInputError(
                    "Invalid duration '\(text)': write a number and a unit, for example 500ms, 30s, 2m or 1m30s.")
            }
            total += value * unit.seconds
            parts += 1
        }
        guard parts > 0, total > 0, total <= Self.durationSecondsMax else {
            throw LoadInputError("Invalid duration '\(text)': it must be more than 0 and at most 24h.")
        }
        return .nanoseconds(Int64((total * 1e9).rounded()))
    }

    /// A short human form of `duration` for tables: `850ms`, `12.5s`, `3m05s`.
    public static func format(_ duration: Duration) -> String {
        let seconds = duration.seconds
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return Self.trimmed(seconds) + "s" }
        let whole = Int(seconds.rounded())
        let remainder = whole % 60
        return "\(whole / 60)m" + (remainder < 10 ? "0" : "") + "\(remainder)s"
    }

    /// A number with at most two decimals and no trailing zeros.
    static func trimmed(_ value: Double) -> String {
        let hundredths = (value * 100).rounded()
        if hundredths.truncatingRemainder(dividingBy: 100) == 0 { return String(Int(hundredths / 100)) }
        if hundredths.truncatingRemainder(dividingBy: 10) == 0 { return String(Double(Int(hundredths / 10)) / 10) }
        return String(hundredths / 100)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (Foundation-free, for the parsers).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
