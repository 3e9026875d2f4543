/// What to fit: a formula, optional random intercepts, the method, row filters and an optional
/// split. Without `group` the model is ordinary least squares.
public struct ModelSpecification: Sendable, Equatable {
    /// Estimation method of a mixed model.
    public enum Method: String, Sendable, CaseIterable {
        /// Restricted maximum likelihood (default; statsmodels' and lme4's default).
        case reml
        /// Maximum likelihood.
        case ml
    }

    /// Which covariance the fixed-effect standard errors come from.
    public enum Covariance: String, Sendable, CaseIterable {
        /// Inverse of the observed information of (β, θ) with σ² profiled: what statsmodels MixedLM reports.
        case observed
        /// σ̂² (XᵀV̂⁻¹X)⁻¹: what lme4's `vcov` reports.
        case expected
    }

    public var formula: Formula
    /// Column whose values define groups with a random intercept (e.g. `subject`).
    public var group: String?
    /// Column whose values, within a group, define nested units with their own random intercept
    /// (e.g. `lesion`). Left out (with a note) when every unit has a single row.
    public var nested: String?
    public var method: Method = .reml
    public var covariance: Covariance = .observed
    /// Rows must pass every filter.
    public var filters: [RowFilter] = []
    /// Fit separately within each level of this column (terms involving it are dropped).
    public var by: String?
    /// Confidence level of the intervals (default 0.95).
    public var confidenceLevel = 0.95
    /// The reference level of factors (`--reference column=level`, a preset's preference).
    public var references = ReferenceChoice()

    public init(formula: Formula, group: String? = nil, nested: String? = nil) {
        self.formula = formula
        self.group = group
        self.nested = nested
    }
}

extension ModelSpecification {
    /// This specification with `user` filters added; a user filter replaces the specification's
    /// own filters on the same column (so `--where component=rim` overrides a preset's
    /// `component=whole`).
    public func addingFilters(_ user: [RowFilter]) -> ModelSpecification {
        var s = self
        let columns = Set(user.map(\.column))
        s.filters = filters.filter { !columns.contains($0.column) } + user
        return s
    }
}
