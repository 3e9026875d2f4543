/// The sufficient statistics of a linear mixed model with random intercepts for groups (e.g.
/// subjects) and, optionally, for nested units within each group (e.g. lesions within a
/// subject), so that every likelihood evaluation costs O(groups × m³), not O(rows).
///
/// Within group g, with n_g rows, let U_g = [1, Z_g] (n_g × m_g): a column of ones for the group
/// intercept and one indicator column per nested unit (m_g = 1 + units). The model is
/// y = Xβ + U b + e, Var(y_g) = σ² (I + U_g Λ U_gᵀ), with Λ = diag(θ_group, θ_nested, …, θ_nested).
/// Everything the REML/ML likelihood needs is in UᵀU, UᵀX, Uᵀy per group and XᵀX, Xᵀy, yᵀy.
struct GroupStatistics: Sendable {
    /// Per group: UᵀU (m × m), UᵀX (m × p), Uᵀy (m).
    struct Group: Sendable {
        var utu: Matrix
        var utx: Matrix
        var uty: [Double]
        /// The variance component (0 = group, 1 = nested) of each column of U.
        var component: [Int]
    }

    var groups: [Group]
    var xtx: Matrix
    var xty: [Double]
    var yty: Double
    let rows: Int
    let p: Int
    /// Number of variance ratios: 0 (no grouping: OLS), 1 (group), 2 (group + nested).
    let components: Int
    /// Nested units over all groups.
    let nestedUnits: Int

    /// Accumulates the statistics. `group[r]` is the group index of row r (0..<G) or nil for
    /// none (then `components` is 0); `nested[r]` the nested unit index within its group.
    init(design: DesignMatrix, group: [Int]?, groupCount: Int, nested: [Int]?) {
        let p = design.columnCount, n = design.rowCount
        self.rows = n
        self.p = p
        var xtx = Matrix(rows: p, cols: p)
        var xty = [Double](repeating: 0, count: p)
        var yty = 0.0
        let x = design.x, y = design.y
        x.withUnsafeBufferPointer { xb in
            xtx.data.withUnsafeMutableBufferPointer { a in
                for r in 0..<n {
                    let row = r * p
                    let yr = y[r]
                    yty += yr * yr
                    for i in 0..<p {
                        let xi = xb[row + i]
                        if xi == 0 { continue }
                        xty[i] += xi * yr
                        for j in i..<p { a[i * p + j] += xi * xb[row + j] }
                    }
                }
            }
        }
        for i in 0..<p { for j in 0..<i { xtx[i, j] = xtx[j, i] } }
        self.xtx = xtx
        self.xty = xty
        self.yty = yty
        guard let group else {
            groups = []
            components = 0
            nestedUnits = 0
            return
        }
        components = nested == nil ? 1 : 2
        // Units per group.
        var unitCount = [Int](repeating: 0, count: groupCount)
        if let nested { for r in 0..<n { unitCount[group[r]] = max(unitCount[group[r]], nested[r] + 1) } }
        nestedUnits = unitCount.reduce(0, +)
        var gs: [Group] = (0..<groupCount).map { g in
            let m = 1 + unitCount[g]
            return Group(utu: Matrix(rows: m, cols: m), utx: Matrix(rows: m, cols: p),
                         uty: [Double](repeating: 0, count: m), component: [0] + [Int](repeating: 1, count: unitCount[g]))
        }
        for r in 0..<n {
            let g = group[r]
            let cols = nested.map { [0, 1 + $0[r]] } ?? [0]
            for a in cols {
                gs[g].uty[a] += y[r]
                for j in 0..<p { gs[g].utx[a, j] += x[r * p + j] }
                for b in cols { gs[g].utu[a, b] += 1 }
            }
        }
        groups = gs
    }
}
