import Foundation

/// The REML (or ML) log-likelihood of a linear mixed model as a function of the variance ratios
/// θ (each random-effect variance over the residual variance σ²), with β at its GLS estimate and
/// σ² profiled out, and its first and second derivatives — the objective of the fit and the
/// source of the standard errors.
///
/// With V = I + U Λ Uᵀ per group (unit residual variance), A = XᵀV⁻¹X, β̂ = A⁻¹XᵀV⁻¹y,
/// q = (y − Xβ̂)ᵀV⁻¹(y − Xβ̂) and c = n − p (REML) or n (ML), the log-likelihood is statsmodels'
///   ℓ = −½ Σ_g log|V_g| − ½ log|A| [REML only] − (c/2) log q − (c/2)(log 2π + 1 − log c),
/// and σ̂² = q / c. Per group, with s = √diag(Λ), M = I + s G s (G = UᵀU), S = s M⁻¹ s:
/// V⁻¹ = I − U S Uᵀ, log|V| = log|M|, UᵀV⁻¹U = (I − G S) G, UᵀV⁻¹X = (I − G S) UᵀX (Woodbury).
struct ProfileLikelihood {
    /// The value and derivatives at one θ.
    struct Evaluation {
        var theta: [Double]
        var logLikelihood: Double
        var beta: [Double]
        /// A = XᵀV⁻¹X (unit residual variance) and its inverse.
        var a: Matrix
        var aInverse: Matrix
        var q: Double
        /// ∂ℓ/∂θ (β at β̂: equal to the profile gradient).
        var gradient: [Double]
        /// ∂²ℓ/∂θ² at fixed β = β̂.
        var hessianTheta: Matrix
        /// ∂²ℓ/∂β∂θ (p × k).
        var hessianBetaTheta: Matrix
        /// ∂²ℓ/∂β² = −c A / q.
        var hessianBeta: Matrix
        /// The Hessian of the profile ℓ(θ): H_θθ − H_θβ H_ββ⁻¹ H_βθ.
        var profileHessian: Matrix
    }

    let stats: GroupStatistics
    let reml: Bool

    /// c: n − p for REML, n for ML.
    var c: Double { Double(reml ? stats.rows - stats.p : stats.rows) }

    /// Evaluates at θ (all ≥ 0); nil if A is not positive definite. Without `derivatives` only
    /// the log-likelihood, β̂ and q are filled (the derivative fields are empty).
    func evaluate(_ theta: [Double], derivatives: Bool = true) -> Evaluation? {
        let p = stats.p, k = stats.components
        var a = stats.xtx
        var b = stats.xty
        var yvy = stats.yty
        var logDetV = 0.0
        // Per-group pieces kept for the derivative pass.
        var ws: [Matrix] = [], ps: [Matrix] = [], pys: [[Double]] = []
        ws.reserveCapacity(stats.groups.count)
        for g in stats.groups {
            let m = g.utu.rows
            let s = g.component.map { theta[$0].squareRoot() }
            var mm = Matrix.identity(m)
            for i in 0..<m { for j in 0..<m { mm[i, j] += s[i] * g.utu[i, j] * s[j] } }
            guard let chol = Cholesky(mm) else { return nil }
            logDetV += chol.logDeterminant
            var sm = chol.inverse
            for i in 0..<m { for j in 0..<m { sm[i, j] *= s[i] * s[j] } }
            let smUtx = sm * g.utx
            let smUty = sm * g.uty
            // A −= UXᵀ S UX, b −= UXᵀ S Uy, yVy −= Uyᵀ S Uy.
            for i in 0..<p {
                for j in 0..<p {
                    var t = 0.0
                    for r in 0..<m { t += g.utx[r, i] * smUtx[r, j] }
                    a[i, j] -= t
                }
                var t = 0.0
                for r in 0..<m { t += g.utx[r, i] * smUty[r] }
                b[i] -= t
            }
            for r in 0..<m { yvy -= g.uty[r] * smUty[r] }
            // I − G S, then W = (I − G S) G, P = (I − G S) UᵀX, Py = (I − G S) Uᵀy.
            guard derivatives else { continue }
            let igs = Matrix.identity(m) - g.utu * sm
            ws.append(igs * g.utu)
            ps.append(igs * g.utx)
            pys.append(igs * g.uty)
        }
        guard let cholA = Cholesky(a) else { return nil }
        let beta = cholA.solve(b)
        let q = yvy - zip(b, beta).reduce(0) { $0 + $1.0 * $1.1 }
        guard q > 0 else { return nil }
        let c = self.c
        var ll = -0.5 * logDetV - c / 2 * log(q) - c / 2 * (log(2 * Double.pi) + 1 - log(c))
        if reml { ll -= 0.5 * cholA.logDeterminant }
        let aInv = cholA.inverse
        guard derivatives else {
            let empty = Matrix(rows: 0, cols: 0)
            return Evaluation(theta: theta, logLikelihood: ll, beta: beta, a: a, aInverse: aInv, q: q, gradient: [],
                              hessianTheta: empty, hessianBetaTheta: empty, hessianBeta: empty, profileHessian: empty)
        }

        // First- and second-order pieces by component.
        var trEW = [Double](repeating: 0, count: k)
        var ai = [Matrix](repeating: Matrix(rows: p, cols: p), count: k)
        var av = [Double](repeating: 0, count: k)
        var h = [[Double]](repeating: [Double](repeating: 0, count: p), count: k)
        var trEWEW = Matrix(rows: k, cols: k)
        var bm = [[Matrix]](repeating: [Matrix](repeating: Matrix(rows: p, cols: p), count: k), count: k)
        var bv = Matrix(rows: k, cols: k)
        for (gi, g) in stats.groups.enumerated() {
            let m = g.utu.rows, w = ws[gi], pm = ps[gi]
            var rho = pys[gi]
            for r in 0..<m { for j in 0..<p { rho[r] -= pm[r, j] * beta[j] } }
            for r in 0..<m {
                let ci = g.component[r]
                trEW[ci] += w[r, r]
                av[ci] += rho[r] * rho[r]
                for i in 0..<p {
                    h[ci][i] += pm[r, i] * rho[r]
                    for j in 0..<p { ai[ci][i, j] += pm[r, i] * pm[r, j] }
                }
                for s in 0..<m {
                    let cj = g.component[s], wrs = w[r, s]
                    if wrs == 0 { continue }
                    trEWEW[ci, cj] += wrs * w[s, r]
                    bv[ci, cj] += 2 * rho[r] * wrs * rho[s]
                    if reml {
                        // B_ij += W[r,s] (P[r]ᵀP[s] + P[s]ᵀP[r]) for r ∈ E_i, s ∈ E_j.
                        for i in 0..<p {
                            let pri = pm[r, i], psi = pm[s, i]
                            for j in 0..<p { bm[ci][cj][i, j] += wrs * (pri * pm[s, j] + psi * pm[r, j]) }
                        }
                    }
                }
            }
        }
        var gradient = [Double](repeating: 0, count: k)
        var hTheta = Matrix(rows: k, cols: k)
        let aInvAi = ai.map { aInv * $0 }
        for i in 0..<k {
            gradient[i] = -0.5 * trEW[i] + c / 2 * av[i] / q
            if reml { gradient[i] += 0.5 * aInvAi[i].trace }
            for j in 0..<k {
                var v = 0.5 * trEWEW[i, j] - c / 2 * (bv[i, j] / q - av[i] * av[j] / (q * q))
                if reml { v += 0.5 * (aInvAi[j] * aInvAi[i]).trace - 0.5 * (aInv * bm[i][j]).trace }
                hTheta[i, j] = v
            }
        }
        var hBetaTheta = Matrix(rows: p, cols: k)
        for i in 0..<p { for j in 0..<k { hBetaTheta[i, j] = -c * h[j][i] / q } }
        let hBeta = (-c / q) * a
        var profile = hTheta
        for i in 0..<k {
            let ah = aInv * h[i]
            for j in 0..<k { profile[i, j] += c / q * zip(ah, h[j]).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        return Evaluation(theta: theta, logLikelihood: ll, beta: beta, a: a, aInverse: aInv, q: q,
                          gradient: gradient, hessianTheta: hTheta, hessianBetaTheta: hBetaTheta,
                          hessianBeta: hBeta, profileHessian: profile)
    }
}
