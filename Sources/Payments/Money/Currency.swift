/// A currency Paisa charges in: a lowercase ISO 4217 code with the exponent of its minor unit and the smallest and
/// largest charge it allows. Amounts are always integers in the minor unit.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// Lowercase ISO 4217 code, as on the wire (`inr`, `usd`).
    public let code: String
    /// Digits after the decimal point of the major unit: 2 for paise and cents, 0 for yen.
    public let exponent: Int
    /// Smallest charge, in minor units (Stripe's minimums, about 50 US cents).
    public let chargeAmountMin: Int64
    /// Largest charge, in minor units: eight digits, as Stripe.
    public let chargeAmountMax: Int64

    public var description: String { self.code }

    /// Every currency Paisa supports, keyed by code.
    public static let supported: [String: Currency] = {
        let table: [Currency] = [
            .init(code: "inr", exponent: 2, chargeAmountMin: 50, chargeAmountMax: 99_999_999),
            .init(code: "usd", exponent: 2, chargeAmountMin: 50, chargeAmountMax: 99_999_999),
            .init(code: "eur", exponent: 2, chargeAmountMin: 50, chargeAmountMax: 99_999_999),
            .init(code: "gbp", exponent: 2, chargeAmountMin: 30, chargeAmountMax: 99_999_999),
            .init(code: "sgd", exponent: 2, chargeAmountMin: 50, chargeAmountMax: 99_999_999),
            .init(code: "aud", exponent: 2, chargeAmountMin: 50, chargeAmountMax: 99_999_999),
            .init(code: "cad", exponent: 2, chargeAmountMin: 50, chargeAmountMax: 99_999_999),
            .init(code: "jpy", exponent: 0, chargeAmountMin: 50, chargeAmountMax: 99_999_999),
        ]
        return Dictionary(uniqueKeysWithValues: table.map { ($0.code, $0) })
    }()

    /// Looks a code up in the table; codes are matched exactly (lowercase), as Stripe does after lowercasing.
    public static func named(_ code: String) -> Currency? {
        Self.supported[code.lowercased()]
    }

    /// Renders minor units as a human amount for messages: `50` paise → `₹0.50`-style `0.50 inr`.
    public func format(_ minorUnits: Int64) -> String {
        guard self.exponent > 0 else { return "\(minorUnits) \(self.code)" }
        var divisor: Int64 = 1
        for _ in 0..<self.exponent { divisor *= 10 }
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        let major = magnitude / UInt64(divisor)
        let minor = String(magnitude % UInt64(divisor))
        let padded = String(repeating: "0", count: self.exponent - minor.count) + minor
        return "\(sign)\(major).\(padded) \(self.code)"
    }
}
