import Foundation

/// A small dense matrix of doubles in row-major order: the per-group and fixed-effect blocks of
/// a mixed model (a few to a few dozen rows). Not meant for data-sized matrices.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// Elements in row-major order, `rows × cols` of them.
    public var data: [Double]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.rows = rows
        self.cols = cols
        data = [Double](repeating: value, count: rows * cols)
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public subscript(i: Int, j: Int) -> Double {
        get { data[i * cols + j] }
        set { data[i * cols + j] = newValue }
    }

    /// The diagonal elements.
    public var diagonal: [Double] { (0..<min(rows, cols)).map { self[$0, $0] } }

    /// The sum of the diagonal.
    public var trace: Double { diagonal.reduce(0, +) }

    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.cols == b.rows, "matrix shapes do not match")
        var c = Matrix(rows: a.rows, cols: b.cols)
        for i in 0..<a.rows {
            for k in 0..<a.cols {
                let aik = a[i, k]
                if aik == 0 { continue }
                for j in 0..<b.cols { c.data[i * b.cols + j] += aik * b.data[k * b.cols + j] }
            }
        }
        return c
    }

    /// Matrix × vector.
    public static func * (a: Matrix, v: [Double]) -> [Double] {
        precondition(a.cols == v.count, "matrix and vector shapes do not match")
        return (0..<a.rows).map { i in (0..<a.cols).reduce(0) { $0 + a[i, $1] * v[$1] } }
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        var c = a
        for i in c.data.indices { c.data[i] -= b.data[i] }
        return c
    }

    public static func * (s: Double, a: Matrix) -> Matrix {
        var c = a
        for i in c.data.indices { c.data[i] *= s }
        return c
    }
}

/// The Cholesky factorisation of a symmetric positive definite matrix, for solves and
/// log-determinants.
public struct Cholesky: Sendable {
    /// Lower-triangular L with A = L Lᵀ.
    public let lower: Matrix

    /// Factorises `a` (only its lower triangle is read); nil if it is not numerically positive
    /// definite (a pivot ≤ 1e-12 × its diagonal element).
    public init?(_ a: Matrix) {
        precondition(a.rows == a.cols, "Cholesky needs a square matrix")
        let n = a.rows
        var l = Matrix(rows: n, cols: n)
        for j in 0..<n {
            var s = a[j, j]
            for k in 0..<j { s -= l[j, k] * l[j, k] }
            guard s > 1e-12 * abs(a[j, j]), s.isFinite else { return nil }
            let d = s.squareRoot()
            l[j, j] = d
            for i in j + 1..<max(j + 1, n) {
                var t = a[i, j]
                for k in 0..<j { t -= l[i, k] * l[j, k] }
                l[i, j] = t / d
            }
        }
        lower = l
    }

    /// log det A = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double { 2 * lower.diagonal.reduce(0) { $0 + log($1) } }

    /// x with A x = b.
    public func solve(_ b: [Double]) -> [Double] {
        let n = lower.rows
        var y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= lower[i, k] * y[k] }
            y[i] = s / lower[i, i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in i + 1..<max(i + 1, n) { s -= lower[k, i] * y[k] }
            y[i] = s / lower[i, i]
        }
        return y
    }

    /// A⁻¹.
    public var inverse: Matrix {
        let n = lower.rows
        var inv = Matrix(rows: n, cols: n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            let x = solve(e)
            for i in 0..<n { inv[i, j] = x[i] }
        }
        return inv
    }
}
