import Foundation

/// Fits linear models to a data frame: a linear mixed model (REML by default, or ML) with random
/// intercepts for a grouping column and optionally for units nested in it, or ordinary least
/// squares when there is no grouping — the computations of statsmodels' `MixedLM` and `OLS`.
///
/// Inference: mixed models report Wald z tests and normal 95 % intervals (statsmodels MixedLM's
/// method; no small-sample degrees of freedom); OLS reports t tests with n − p degrees of freedom.
public enum LinearModel {
    /// One fit of a `--by` split (`level` nil without a split).
    public struct SplitFit: Sendable, Encodable, Equatable {
        public var level: String?
        public var fit: ModelFit
        enum CodingKeys: String, CodingKey { case level = "split", fit }

        public init(level: String?, fit: ModelFit) {
            self.level = level
            self.fit = fit
        }
    }

    /// Applies the filters, splits by `spec.by` (levels in text order; rows with a missing value
    /// in it are left out), and fits each part. `table` names the data in errors.
    public static func fit(_ spec: ModelSpecification, to frame: DataFrame, table: String) throws(ModelError) -> [SplitFit] {
        let filtered = try RowFilter.apply(spec.filters, to: frame, table: table)
        guard let by = spec.by else { return [SplitFit(level: nil, fit: try fitOne(spec, filtered, table: table))] }
        guard let cells = filtered.column(by) else { throw .missingColumn(table: table, column: by, purpose: "--by \(by)") }
        let levels = Set(cells.filter { !DataFrame.isMissing($0) }).sorted()
        guard !levels.isEmpty else { throw .tooFewRows(table: table, reason: "no rows with a value of '\(by)' after the filters") }
        var part = spec
        part.formula = spec.formula.dropping(column: by)
        part.references.required[by] = nil
        part.by = nil
        var fits: [SplitFit] = []
        for level in levels {
            let rows = filtered.rows { cells[$0] == level }
            do {
                fits.append(SplitFit(level: level, fit: try fitOne(part, rows, table: table)))
            } catch {
                throw error.within(split: "\(by)=\(level)")
            }
        }
        return fits
    }

    /// Fits `spec` (ignoring its filters and split) to all rows of `frame`.
    static func fitOne(_ spec: ModelSpecification, _ frame: DataFrame, table: String) throws(ModelError) -> ModelFit {
        let required = [spec.group, spec.nested].compactMap { $0 }
        let design = try DesignMatrix(formula: spec.formula, frame: frame, table: table, alsoRequired: required, references: spec.references)
        let n = design.rowCount, p = design.columnCount
        guard n > p else {
            throw .tooFewRows(table: table, reason: "\(n) rows (after filters and \(design.droppedRows) with missing values) for \(p) coefficients in '\(spec.formula)'")
        }
        if let bad = dependentColumn(design) { throw .rankDeficient(table: table, column: design.columnNames[bad]) }
        var notes = design.notes
        var groupIndex: [Int]?, nestedIndex: [Int]?, groupCount = 0
        var group = spec.group, nested = spec.nested
        if let g = group {
            let labels = frame.column(g)!
            var ids: [String: Int] = [:]
            groupIndex = design.keptRows.map { r in
                if let i = ids[labels[r]] { return i }
                ids[labels[r]] = ids.count
                return ids.count - 1
            }
            groupCount = ids.count
            if groupCount == n {
                notes.append("each \(g) has one row: no random intercept (ordinary least squares)")
                groupIndex = nil
                group = nil
                nested = nil
            }
        }
        if let gi = groupIndex, let nc = nested {
            let labels = frame.column(nc)!
            var ids: [Int: [String: Int]] = [:]
            var pairs = 0
            nestedIndex = zip(design.keptRows, gi).map { r, g in
                if let i = ids[g]?[labels[r]] { return i }
                let i = ids[g]?.count ?? 0
                ids[g, default: [:]][labels[r]] = i
                pairs += 1
                return i
            }
            if pairs == n {
                notes.append("each \(nc) has one row: its variance cannot be told from the residual; fitted without it")
                nestedIndex = nil
                nested = nil
            }
        }
        let stats = GroupStatistics(design: design, group: groupIndex, groupCount: groupCount, nested: nestedIndex)
        let objective = ProfileLikelihood(stats: stats, reml: spec.method == .reml || groupIndex == nil)
        guard let result = VarianceRatioOptimizer.maximize(objective) else {
            throw .tooFewRows(table: table, reason: "the model '\(spec.formula)' could not be evaluated (singular XᵀV⁻¹X, or it fits the data exactly)")
        }
        let e = result.evaluation
        let isOLS = groupIndex == nil
        let sigma2 = e.q / objective.c
        var cov: Matrix
        var covarianceName = isOLS ? "ols" : spec.covariance.rawValue
        if !isOLS, spec.covariance == .observed {
            // The observed information of (β, θ), as statsmodels computes it — over every ratio,
            // or, if that is not positive definite (a ratio at the boundary 0 with the likelihood
            // still falling there), over β and the interior ratios only.
            let all = Array(0..<stats.components), interior = all.filter { e.theta[$0] > 0 }
            if let c = Self.observedCovariance(e, p: p, ratios: all) ?? Self.observedCovariance(e, p: p, ratios: interior) {
                cov = c
            } else {
                notes.append("the observed information is not positive definite: standard errors from (XᵀV⁻¹X)⁻¹")
                cov = sigma2 * e.aInverse
                covarianceName = "expected"
            }
        } else {
            cov = sigma2 * e.aInverse
        }
        let df: Double? = isOLS ? Double(n - p) : nil
        let tail = 1 - (1 - spec.confidenceLevel) / 2
        let critical = df.map { StudentT.quantile(tail, df: $0) } ?? Normal.quantile(tail)
        let coefficients = design.columnNames.enumerated().map { i, name in
            let se = cov[i, i].squareRoot(), est = e.beta[i], stat = est / se
            return ModelFit.Coefficient(
                name: name, estimate: est, standardError: se, statistic: stat,
                pValue: df.map { StudentT.twoSidedP(stat, df: $0) } ?? Normal.twoSidedP(stat),
                ciLower: est - critical * se, ciUpper: est + critical * se)
        }
        var components: [ModelFit.VarianceComponent] = []
        if let group { components.append(.init(name: group, variance: e.theta[0] * sigma2)) }
        if let nested { components.append(.init(name: nested, variance: e.theta[1] * sigma2)) }
        components.append(.init(name: "residual", variance: sigma2))
        let ll = isOLS ? -Double(n) / 2 * (log(2 * Double.pi) + log(e.q / Double(n)) + 1) : e.logLikelihood
        return ModelFit(
            formula: spec.formula.text, method: isOLS ? "OLS" : spec.method.rawValue.uppercased(),
            group: group, nested: nested, coefficients: coefficients, varianceComponents: components,
            inference: isOLS ? "t tests and intervals with n − p = \(n - p) df (OLS)"
                : "Wald z tests and normal intervals (as statsmodels MixedLM; no small-sample df correction)",
            degreesOfFreedom: df, covariance: covarianceName, confidenceLevel: spec.confidenceLevel,
            rows: n, droppedRows: design.droppedRows, groups: group == nil ? nil : groupCount,
            nestedUnits: nested == nil ? nil : stats.nestedUnits, logLikelihood: ll,
            iterations: result.iterations, converged: result.converged, references: design.references, notes: notes)
    }

    /// The β block of the inverse observed information over β and the variance ratios `ratios`,
    /// or nil if that information is not positive definite.
    static func observedCovariance(_ e: ProfileLikelihood.Evaluation, p: Int, ratios: [Int]) -> Matrix? {
        let size = p + ratios.count
        var h = Matrix(rows: size, cols: size)
        for i in 0..<p { for j in 0..<p { h[i, j] = -e.hessianBeta[i, j] } }
        for i in 0..<p { for (a, j) in ratios.enumerated() { h[i, p + a] = -e.hessianBetaTheta[i, j]; h[p + a, i] = h[i, p + a] } }
        for (a, i) in ratios.enumerated() { for (b, j) in ratios.enumerated() { h[p + a, p + b] = -e.hessianTheta[i, j] } }
        guard let inv = Cholesky(h)?.inverse else { return nil }
        var cov = Matrix(rows: p, cols: p)
        for i in 0..<p { for j in 0..<p { cov[i, j] = inv[i, j] } }
        return cov
    }

    /// The first design column that is (numerically) a linear combination of the earlier ones:
    /// a Cholesky factorisation of the correlation-scaled XᵀX whose pivot falls below 1e-10.
    static func dependentColumn(_ design: DesignMatrix) -> Int? {
        let p = design.columnCount, n = design.rowCount
        var xtx = Matrix(rows: p, cols: p)
        for r in 0..<n { for i in 0..<p { let xi = design.x[r * p + i]; if xi != 0 { for j in 0..<p { xtx[i, j] += xi * design.x[r * p + j] } } } }
        let d = xtx.diagonal.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
        var l = Matrix(rows: p, cols: p)
        for j in 0..<p {
            guard d[j] > 0 else { return j }
            var s = 1.0
            for k in 0..<j { s -= l[j, k] * l[j, k] }
            guard s > 1e-10 else { return j }
            let piv = s.squareRoot()
            l[j, j] = piv
            for i in j + 1..<max(j + 1, p) {
                var t = xtx[i, j] * d[i] * d[j]
                for k in 0..<j { t -= l[i, k] * l[j, k] }
                l[i, j] = t / piv
            }
        }
        return nil
    }
}

extension ModelError {
    /// The same error with the split named (`tissue_class=wm: …`).
    func within(split: String) -> ModelError {
        switch self {
        case .tooFewRows(let table, let reason): .tooFewRows(table: table, reason: "\(split): \(reason)")
        case .rankDeficient(let table, let column): .rankDeficient(table: "\(table) (\(split))", column: column)
        default: self
        }
    }
}
