import Foundation

/// SplitMix64: a small, fast, seedable generator, so a run's traffic mix and Poisson gaps are reproducible.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence depends only on `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// A generator for one item of a run (payment `index`), independent of the order items are drawn in.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededRandom(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        self.state = mixer.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in (0, 1]: never zero, so its logarithm is finite.
    public mutating func unitInterval() -> Double {
        (Double(self.next() >> 11) + 1) / 9_007_199_254_740_992.0
    }

    /// An exponential draw with mean 1: the gap between Poisson arrivals in cumulative-count time.
    public mutating func exponential() -> Double {
        -Foundation.log(self.unitInterval())
    }
}
