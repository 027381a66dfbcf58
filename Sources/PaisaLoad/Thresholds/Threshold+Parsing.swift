extension Threshold {
    /// Parses `[scope:]metric op value[unit]`.
    ///
    /// Metrics: `p50`, `p90`, `p99`, `p99.9` (any percentile), `max`, `mean`, and the webhook lag's
    /// `webhook_lag_p50`, `webhook_lag_p99` (any percentile) and `webhook_lag_max` take a duration (`2000ms`,
    /// `2s`, `500us`; a bare number is milliseconds); `errors`, `late`, `dropped` take a share (`0.1%` or `0.001`).
    /// Operators: `<`, `<=`, `>`, `>=`. Scope: `overall` or a stage name.
    public static func parse(_ raw: String) throws(LoadInputError) -> Threshold {
        let text = String(raw.filter { $0 != " " && $0 != "\t" })
        let usage = "write metric<value, for example p99<2000ms, errors<0.1% or hold:late<1%"
        var body = Substring(text)
        var scope = Scope.everywhere
        if let colon = body.firstIndex(of: ":") {
            let name = String(body[..<colon])
            scope = name == "overall" ? .overall : .stage(name)
            if case .stage = scope { try Stage.validateName(name, in: raw) }
            body = body[body.index(after: colon)...]
        }
        guard let (comparison, range) = Self.findOperator(in: body) else {
            throw LoadInputError("Invalid threshold '\(raw)': \(usage).")
        }
        let metric = try Self.parseMetric(String(body[..<range.lowerBound]), in: raw)
        let valueText = String(body[range.upperBound...])
        let limit =
            try metric.isLatency ? Self.parseMilliseconds(valueText, in: raw) : Self.parseShare(valueText, in: raw)
        return Threshold(text: text, scope: scope, metric: metric, comparison: comparison, limit: limit)
    }

    private static func findOperator(in body: Substring) -> (Comparison, Range<Substring.Index>)? {
        guard let index = body.firstIndex(where: { $0 == "<" || $0 == ">" }) else { return nil }
        for comparison in Comparison.allCases where body[index...].hasPrefix(comparison.rawValue) {
            return (comparison, index..<body.index(index, offsetBy: comparison.rawValue.count))
        }
        return nil
    }

    private static func parseMetric(_ name: String, in raw: String) throws(LoadInputError) -> Metric {
        switch name {
        case "max": return .max
        case "mean", "avg": return .mean
        case "errors", "error_rate": return .errors
        case "late": return .late
        case "dropped": return .dropped
        case "webhook_lag_max": return .webhookLagMax
        default:
            if let percentile = Self.percentile(name) { return .percentile(percentile) }
            if name.hasPrefix(Self.webhookLagPrefix),
                let percentile = Self.percentile(String(name.dropFirst(Self.webhookLagPrefix.count)))
            {
                return .webhookLag(percentile)
            }
            throw LoadInputError(
                "Invalid threshold '\(raw)': unknown metric '\(name)'. Use p50, p90, p99, p99.9, max, mean, errors, "
                    + "late, dropped, webhook_lag_p50, webhook_lag_p99 or webhook_lag_max.")
        }
    }

    /// The webhook lag's metrics start with this.
    static let webhookLagPrefix = "webhook_lag_"

    /// The percentile of `pNN` (above 0, at most 100), or nil.
    private static func percentile(_ name: String) -> Double? {
        guard name.hasPrefix("p"), let percentile = Double(name.dropFirst()), percentile > 0, percentile <= 100 else {
            return nil
        }
        return percentile
    }

    /// `2000ms`, `2s`, `500us`, `1m` or a bare number of milliseconds.
    static func parseMilliseconds(_ text: String, in raw: String) throws(LoadInputError) -> Double {
        if let bare = Double(text), bare >= 0, bare.isFinite { return bare }
        do {
            return try DurationText.parse(text).milliseconds
        } catch {
            throw LoadInputError("Invalid threshold '\(raw)': '\(text)' is not a duration such as 2000ms or 2s.")
        }
    }

    /// `0.1%` or a fraction such as `0.001`; between 0 and 1.
    static func parseShare(_ text: String, in raw: String) throws(LoadInputError) -> Double {
        let percent = text.hasSuffix("%")
        guard let number = Double(percent ? String(text.dropLast()) : text), number.isFinite else {
            throw LoadInputError("Invalid threshold '\(raw)': '\(text)' is not a share such as 0.1% or 0.001.")
        }
        let share = percent ? number / 100 : number
        guard (0...1).contains(share) else {
            throw LoadInputError("Invalid threshold '\(raw)': a share lies between 0 and 1 (0% and 100%).")
        }
        return share
    }
}
