/// How often each source kind is drawn, as integer weights: `card=70,decline=10,pending=10,slow=10`.
public struct SourceMix: Sendable, Equatable {
    /// Largest weight accepted; weights are relative, so more precision than this is never needed.
    public static let weightMax = 1_000_000

    /// The default mix: mostly approvals, with enough declines, pending and slow payments to exercise them.
    public static let standard = SourceMix(weights: [
        (.card, 70), (.decline, 10), (.upi, 10), (.pending, 5), (.slow, 5),
    ])

    /// The kinds with a positive weight, in a fixed order.
    public let weights: [(kind: SourceKind, weight: Int)]

    /// A mix; weights must be non-negative with a positive sum.
    init(weights: [(kind: SourceKind, weight: Int)]) {
        self.weights = weights.filter { $0.weight > 0 }
        precondition(!self.weights.isEmpty, "a mix draws something")
    }

    /// Parses `kind=weight,…`; kinds are `card`, `decline`, `upi`, `upi_decline`, `pending`, `slow`.
    public static func parse(_ text: String) throws(LoadInputError) -> SourceMix {
        let kinds = SourceKind.allCases.map(\.rawValue).joined(separator: ", ")
        var weights: [(kind: SourceKind, weight: Int)] = []
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            guard pair.count == 2, let kind = SourceKind(rawValue: pair[0]), let weight = Int(pair[1]),
                (0...Self.weightMax).contains(weight)
            else {
                throw LoadInputError(
                    "Invalid mix entry '\(part)': write kind=weight with kinds \(kinds), for example card=80,decline=20."
                )
            }
            guard !weights.contains(where: { $0.kind == kind }) else {
                throw LoadInputError("The mix names '\(kind.rawValue)' twice.")
            }
            weights.append((kind, weight))
        }
        guard weights.contains(where: { $0.weight > 0 }) else {
            throw LoadInputError("The mix '\(text)' gives no kind a positive weight.")
        }
        return SourceMix(weights: weights)
    }

    /// The kind a uniform draw `unit` in (0, 1] lands on.
    public func kind(at unit: Double) -> SourceKind {
        let total = Double(self.weights.reduce(0) { $0 + $1.weight })
        var cumulative = 0.0
        for entry in self.weights {
            cumulative += Double(entry.weight)
            if unit * total <= cumulative { return entry.kind }
        }
        return self.weights[self.weights.count - 1].kind
    }

    /// The mix written back in its flag form.
    public var text: String { self.weights.map { "\($0.kind.rawValue)=\($0.weight)" }.joined(separator: ",") }

    /// Mixes are equal when they draw the same kinds with the same weights.
    public static func == (lhs: SourceMix, rhs: SourceMix) -> Bool { lhs.text == rhs.text }
}
