extension Stage {
    /// A rate no single generator process can offer on the machines we run; a typo guard, not a target.
    public static let rateMax: Double = 100_000

    /// Stage names are short identifiers, so they work as threshold scopes and chart labels.
    public static let nameLengthMax = 40

    /// Parses `[name=]DURATION:RATE[->RATE]`, for example `30s:100`, `5s:100->1000` or `spike=30s:10x`.
    ///
    /// A rate is a number of arrivals per second (`100`, `100/s`), per minute (`30/m`) or a multiple of
    /// `baseRate` (`10x`); fractions are allowed (`0.5`). `defaultName` names the stage when the text does not.
    public static func parse(_ text: String, baseRate: Double, defaultName: String) throws(LoadInputError) -> Stage {
        let usage = "write DURATION:RATE or DURATION:RATE->RATE, for example 30s:100 or 5s:100->1000"
        var body = Substring(text.trimmingSpaces)
        var name = defaultName
        if let equals = body.firstIndex(of: "=") {
            name = String(body[..<equals]).trimmingSpaces
            body = body[body.index(after: equals)...]
            try Self.validateName(name, in: text)
        }
        guard let colon = body.firstIndex(of: ":") else { throw LoadInputError("Invalid stage '\(text)': \(usage).") }
        let duration = try DurationText.parse(String(body[..<colon]))
        let rates = String(body[body.index(after: colon)...])
        let parts = rates.split(separator: "->", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { throw LoadInputError("Invalid stage '\(text)': \(usage).") }
        let start = try Self.parseRate(String(parts[0]), baseRate: baseRate, in: text)
        let end = parts.count == 2 ? try Self.parseRate(String(parts[1]), baseRate: baseRate, in: text) : start
        return Stage(name: name, duration: duration, startRate: start, endRate: end)
    }

    /// One rate: `100`, `100/s`, `30/m`, `10x`, `2.5x`.
    static func parseRate(_ raw: String, baseRate: Double, in stage: String) throws(LoadInputError) -> Double {
        var text = Substring(raw.trimmingSpaces)
        var perSecond = 1.0
        if text.hasSuffix("/s") {
            text = text.dropLast(2)
        } else if text.hasSuffix("/m") {
            text = text.dropLast(2)
            perSecond = 1.0 / 60
        }
        var multiple = false
        if text.hasSuffix("x") {
            text = text.dropLast()
            multiple = true
        }
        guard let number = Double(text), number.isFinite, number >= 0 else {
            throw LoadInputError(
                "Invalid rate '\(raw)' in stage '\(stage)': write arrivals per second (100), per minute (30/m) "
                    + "or a multiple of --rate (10x).")
        }
        let rate = (multiple ? number * baseRate : number) * perSecond
        guard rate <= Self.rateMax else {
            throw LoadInputError(
                "Rate \(rate)/s in stage '\(stage)' is above the \(Int(Self.rateMax))/s this tool offers.")
        }
        return rate
    }

    /// Names are letters, digits, `-` and `_`; `overall` is taken by the whole-run scope.
    static func validateName(_ name: String, in text: String) throws(LoadInputError) {
        let allowed = name.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") && $0.isASCII }
        guard !name.isEmpty, name.count <= Self.nameLengthMax, allowed, name != "overall" else {
            throw LoadInputError(
                "Invalid stage name in '\(text)': use up to \(Self.nameLengthMax) letters, digits, - or _ "
                    + "(and not 'overall').")
        }
    }
}
