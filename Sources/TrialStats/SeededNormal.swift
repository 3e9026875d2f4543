import Foundation

/// A small seeded random source (SplitMix64) with standard normal draws (Box–Muller), for the
/// power simulations: the same seed gives the same numbers on every platform.
public struct SeededNormal: Sendable {
    private var state: UInt64
    private var spare: Double?

    /// A stream for `seed`. The seed is scrambled twice, so that nearby seeds (replicate r and
    /// r + 1) start far apart on SplitMix's sequence rather than one step apart.
    public init(seed: UInt64) { state = Self.mix(Self.mix(seed ^ 0xD1B5_4A32_D192_ED03)) }

    /// SplitMix64's output function (a bijection of 64-bit words).
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform on (0, 1).
    public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    /// A standard normal draw.
    public mutating func normal() -> Double {
        if let s = spare { spare = nil; return s }
        let r = (-2 * log(uniform())).squareRoot(), a = 2 * Double.pi * uniform()
        spare = r * sin(a)
        return r * cos(a)
    }
}
