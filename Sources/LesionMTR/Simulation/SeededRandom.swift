import Foundation

/// A small, fast, seedable random number generator (xoshiro256**, Blackman & Vigna 2018) so that
/// a simulation is reproducible bit for bit from its seed, whatever the platform or thread count.
///
/// Seeded through SplitMix64, as the authors recommend. Not for cryptography.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// A generator for `seed`; `stream` selects an independent sequence (e.g. a subject index).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1)
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal deviate (Box–Muller; one of the pair is discarded for simplicity).
    public mutating func normal() -> Double {
        let u1 = 1 - uniform()  // (0, 1]
        let u2 = uniform()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// A normal deviate with the given mean and standard deviation.
    public mutating func normal(mean: Double, sd: Double) -> Double {
        mean + sd * normal()
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
