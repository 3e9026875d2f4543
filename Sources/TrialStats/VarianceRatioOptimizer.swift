/// Maximises the profile REML/ML log-likelihood over the variance ratios θ ≥ 0 (one or two of
/// them): the best point of a coarse grid, then projected Newton steps with the analytic profile
/// Hessian and a backtracking line search. A ratio whose gradient pushes it below 0 stays at 0
/// (the boundary estimate statsmodels and lme4 also reach).
///
/// Converges when no ratio moves by more than 1e-10 relative (or 1e-14 absolute) in a step.
enum VarianceRatioOptimizer {
    struct Result {
        var evaluation: ProfileLikelihood.Evaluation
        var iterations: Int
        var converged: Bool
    }

    static func maximize(_ objective: ProfileLikelihood) -> Result? {
        let k = objective.stats.components
        guard k > 0 else {
            return objective.evaluate([]).map { Result(evaluation: $0, iterations: 0, converged: true) }
        }
        // Coarse grid start.
        let grid = [0.0, 0.01, 0.1, 0.5, 2, 10]
        var starts: [[Double]] = [[]]
        for _ in 0..<k { starts = starts.flatMap { s in grid.map { s + [$0] } } }
        var best: ProfileLikelihood.Evaluation?
        for s in starts {
            if let e = objective.evaluate(s, derivatives: false), e.logLikelihood > (best?.logLikelihood ?? -.infinity) { best = e }
        }
        guard let start = best, var current = objective.evaluate(start.theta) else { return nil }
        for iteration in 1...500 {
            let theta = current.theta, g = current.gradient
            let free = (0..<k).filter { theta[$0] > 0 || g[$0] > 0 }
            if free.isEmpty { return Result(evaluation: current, iterations: iteration, converged: true) }
            // Newton direction on the free ratios (ascent), or a scaled gradient if not concave there.
            var h = Matrix(rows: free.count, cols: free.count)
            for (a, i) in free.enumerated() { for (b, j) in free.enumerated() { h[a, b] = -current.profileHessian[i, j] } }
            let gf = free.map { g[$0] }
            var step: [Double]
            if let chol = Cholesky(h) {
                step = chol.solve(gf)
            } else {
                step = gf.enumerated().map { a, gi in gi / max(abs(h[a, a]), 1e-8) }
            }
            var t = 1.0
            var accepted: ProfileLikelihood.Evaluation?
            for _ in 0..<60 {
                var trial = theta
                for (a, i) in free.enumerated() { trial[i] = max(0, theta[i] + t * step[a]) }
                if let e = objective.evaluate(trial), e.logLikelihood >= current.logLikelihood - 1e-13 * abs(current.logLikelihood) {
                    accepted = e
                    break
                }
                t /= 2
            }
            guard let next = accepted else { return Result(evaluation: current, iterations: iteration, converged: false) }
            let moved = (0..<k).map { abs(next.theta[$0] - theta[$0]) / max(theta[$0], 1e-4) }.max() ?? 0
            current = next
            if moved < 1e-10 { return Result(evaluation: current, iterations: iteration, converged: true) }
        }
        return Result(evaluation: current, iterations: 500, converged: false)
    }
}
