/// Up to 50 string pairs a client attaches to an object, kept in key order so every rendering is the same.
public struct Metadata: Sendable, Equatable {
    public private(set) var pairs: [String: String]

    public init(_ pairs: [String: String] = [:]) {
        self.pairs = pairs
    }

    /// The pairs sorted by key: the order they are rendered and stored in.
    public var sorted: [(key: String, value: String)] {
        self.pairs.sorted { $0.key < $1.key }
    }

    public var isEmpty: Bool { self.pairs.isEmpty }

    /// Applies an update with Stripe's rules: an empty value removes its key, `nil` for the whole update clears
    /// everything (the `metadata=` form), other values set their key.
    public mutating func apply(_ update: MetadataUpdate) {
        switch update {
        case .clear:
            self.pairs = [:]
        case .set(let changes):
            for (key, value) in changes {
                if value.isEmpty {
                    self.pairs[key] = nil
                } else {
                    self.pairs[key] = value
                }
            }
        }
    }
}
