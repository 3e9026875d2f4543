// The one rounding tolerance of comparisons between a computed distance (mm) and a width.
//
// A Euclidean distance computed from the voxel spacing carries rounding errors, and the same
// true distance can come out a unit in the last place apart depending on the offset that
// produced it (e.g. along one axis or another of an anisotropic grid). Every comparison of such
// a distance with a width (the rim and perilesional widths, the NAWM gap, the band width)
// therefore allows a relative 1e-12: far above that rounding (about 1e-16 relative), far below
// the precision of a voxel size (a NIfTI-1 header stores it as a Float32, 1e-7 relative).

/// Whether `x` is at most `limit` up to rounding: `x ≤ limit·(1 + 1e-12)`.
///
/// Both in the same unit (mm, or mm² for squared distances compared with a squared width).
/// Exactly `x ≤ limit` for `limit` = 0 or ±∞; false when either is NaN.
@inlinable
public func isAtMost(_ x: Double, _ limit: Double) -> Bool {
    x <= limit * (1 + 1e-12)
}

/// The band of a distance `d` (mm) in bands of `width` mm: the largest k ≥ 0 with
/// `k·width ≤ d·(1 + 1e-12)` (`isAtMost(k·width, d)`).
///
/// That is `floor(d / width)`, except that a distance at an exact multiple of the width lands
/// in the upper band whatever rounding it carried: 5.999999999999999 mm is in band 6 of 1 mm
/// bands, as 6.0 is.
///
/// - Precondition: `d` finite and ≥ 0, `width` finite and > 0.
/// - Complexity: O(1). `floor(d / width)` is never above the rule's k (the rule's bound is looser
///   than the quotient's rounding) and, for `d / width` < 1e12, at most one below it, so one
///   comparison settles it.
@inlinable
public func distanceBand(_ d: Double, width: Double) -> Int {
    let k = Int((d / width).rounded(.down))
    return isAtMost(Double(k + 1) * width, d) ? k + 1 : k
}
