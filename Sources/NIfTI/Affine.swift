/// A 3-D affine map (voxel indices → world mm), stored as the top three rows of a 4×4 matrix.
///
/// Row `r` maps `(i, j, k, 1)` to world coordinate `r` (x, y or z, in mm, RAS+ as NIfTI defines).
public struct Affine: Equatable, Sendable, CustomStringConvertible {
    /// The rows x, y, z of the 4×4 matrix; the bottom row is always (0, 0, 0, 1).
    public var rows: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)

    /// An affine from its three top rows.
    public init(_ x: SIMD4<Double>, _ y: SIMD4<Double>, _ z: SIMD4<Double>) {
        rows = (x, y, z)
    }

    /// The diagonal scaling `diag(sx, sy, sz, 1)` with no translation.
    public static func scaling(_ s: SIMD3<Double>) -> Affine {
        Affine(SIMD4(s.x, 0, 0, 0), SIMD4(0, s.y, 0, 0), SIMD4(0, 0, s.z, 0))
    }

    /// Element at row `r` (0…3), column `c` (0…3).
    public subscript(r: Int, c: Int) -> Double {
        switch r {
        case 0: rows.0[c]
        case 1: rows.1[c]
        case 2: rows.2[c]
        default: c == 3 ? 1 : 0
        }
    }

    /// The full 4×4 matrix, row by row.
    public var matrix: [[Double]] {
        (0..<4).map { r in (0..<4).map { c in self[r, c] } }
    }

    /// World position (mm) of a point given in voxel coordinates (may be fractional).
    public func apply(_ ijk: SIMD3<Double>) -> SIMD3<Double> {
        let p = SIMD4(ijk, 1)
        return SIMD3((rows.0 * p).sum(), (rows.1 * p).sum(), (rows.2 * p).sum())
    }

    public static func == (a: Affine, b: Affine) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2
    }

    /// Three bracketed rows, e.g. `[1 0 0 -90] [0 1 0 -126] [0 0 1 -72]`.
    public var description: String {
        func row(_ v: SIMD4<Double>) -> String {
            "[" + (0..<4).map { formatCompact(v[$0]) }.joined(separator: " ") + "]"
        }
        return "\(row(rows.0)) \(row(rows.1)) \(row(rows.2))"
    }
}

/// A number with up to 6 decimals and no trailing zeros (`1`, `-0.5`, `0.123457`).
func formatCompact(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    var s = String(format: "%.6f", x)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}
