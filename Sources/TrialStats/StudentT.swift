import Foundation

/// Student's t distribution with `df` degrees of freedom (the OLS tests and intervals).
public enum StudentT {
    /// P(T ≤ t) for T ~ t(df), df > 0, through the regularised incomplete beta function:
    /// P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2). Infinite df gives the normal distribution.
    public static func cdf(_ t: Double, df: Double) -> Double {
        guard !t.isNaN, df > 0 else { return .nan }
        if df.isInfinite { return Normal.cdf(t) }
        let tail = 0.5 * IncompleteBeta.regularized(x: df / (df + t * t), a: df / 2, b: 0.5)
        return t < 0 ? tail : 1 - tail
    }

    /// P(|T| ≥ |t|): the two-sided p-value of a t statistic.
    public static func twoSidedP(_ t: Double, df: Double) -> Double {
        guard !t.isNaN, df > 0 else { return .nan }
        if df.isInfinite { return Normal.twoSidedP(t) }
        return IncompleteBeta.regularized(x: df / (df + t * t), a: df / 2, b: 0.5)
    }

    /// The t with P(T ≤ t) = p (0 < p < 1), by Newton steps on `cdf` from the normal quantile,
    /// safeguarded by bisection; accurate to about 1e-12 relative.
    public static func quantile(_ p: Double, df: Double) -> Double {
        guard p > 0, p < 1, df > 0 else { return p == 0 ? -.infinity : p == 1 ? .infinity : .nan }
        if df.isInfinite { return Normal.quantile(p) }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p, df: df) }
        var lo = 0.0, hi = 1.0
        while cdf(hi, df: df) < p { lo = hi; hi *= 2; if hi > 1e300 { return .infinity } }
        var x = min(max(Normal.quantile(p), lo), hi)
        let logNorm: Double = lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * Double.pi)
        for _ in 0..<200 {
            let f = cdf(x, df: df) - p
            if f < 0 { lo = x } else { hi = x }
            let logKernel: Double = -(df + 1) / 2 * log1p(x * x / df)
            let density = exp(logNorm + logKernel)
            var next = x - f / density
            if !(next > lo && next < hi) { next = (lo + hi) / 2 }
            if abs(next - x) <= 1e-14 * max(1, abs(x)) { return next }
            x = next
        }
        return x
    }
}

/// The regularised incomplete beta function I_x(a, b), for Student's t.
enum IncompleteBeta {
    /// I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1, by the continued fraction of Numerical Recipes
    /// (§6.4, modified Lentz), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where it converges
    /// faster.
    static func regularized(x: Double, a: Double, b: Double) -> Double {
        guard x > 0 else { return 0 }
        guard x < 1 else { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - front * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
