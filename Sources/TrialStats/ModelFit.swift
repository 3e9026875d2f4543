/// The result of fitting one model: coefficients with standard errors, tests and 95 % intervals,
/// variance components, counts, and how the inference was made.
public struct ModelFit: Sendable, Encodable, Equatable {
    /// One fixed effect.
    public struct Coefficient: Sendable, Encodable, Equatable {
        /// patsy-style name, e.g. `arm[T.treated]`.
        public var name: String
        public var estimate: Double
        public var standardError: Double
        /// z (mixed models) or t (OLS) = estimate / standardError.
        public var statistic: Double
        /// Two-sided p-value from the normal (z) or t(df) distribution.
        public var pValue: Double
        /// Bounds of the confidence interval at `ModelFit.confidenceLevel`.
        public var ciLower: Double
        public var ciUpper: Double

        enum CodingKeys: String, CodingKey {
            case name, estimate, statistic
            case standardError = "se", pValue = "p", ciLower = "ci_lower", ciUpper = "ci_upper"
        }
    }

    /// A variance component: `subject` (random intercept of the grouping column), the nested
    /// column (e.g. `lesion`), or `residual`. Units: the response's units squared.
    public struct VarianceComponent: Sendable, Encodable, Equatable {
        public var name: String
        public var variance: Double
        public var sd: Double { variance.squareRoot() }

        enum CodingKeys: String, CodingKey { case name, variance, sd }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(variance, forKey: .variance)
            try c.encode(sd, forKey: .sd)
        }
    }

    /// The formula as written.
    public var formula: String
    /// `REML`, `ML` or `OLS`.
    public var method: String
    /// The grouping (random intercept) column and the nested column, if any.
    public var group: String?
    public var nested: String?
    public var coefficients: [Coefficient]
    /// Random-effect variances then `residual`.
    public var varianceComponents: [VarianceComponent]
    /// How tests and intervals were made, in words.
    public var inference: String
    /// Degrees of freedom of the t tests (OLS); nil for Wald z.
    public var degreesOfFreedom: Double?
    /// Standard errors: `observed` (inverse observed information of (β, θ), as statsmodels),
    /// `expected` ((XᵀV⁻¹X)⁻¹, as lme4), or `ols`.
    public var covariance: String
    public var confidenceLevel: Double
    /// Rows used, rows dropped for missing values, groups, nested units.
    public var rows: Int
    public var droppedRows: Int
    public var groups: Int?
    public var nestedUnits: Int?
    /// The log-likelihood (REML or ML as `method`, statsmodels' constants; OLS: Gaussian ML).
    public var logLikelihood: Double
    /// Optimiser iterations and whether it converged (|profile gradient| small).
    public var iterations: Int
    public var converged: Bool
    /// The reference level of each treatment-coded factor (`arm` → `placebo`).
    public var references: [FactorReference]
    /// Notes (coefficients conditional on other factors' reference levels because of
    /// interactions; a nested effect left out because each unit has one row).
    public var notes: [String]

    /// The coefficient named `name`.
    public func coefficient(_ name: String) -> Coefficient? { coefficients.first { $0.name == name } }

    /// The variance of component `name` (`residual` for σ²).
    public func variance(_ name: String) -> Double? { varianceComponents.first { $0.name == name }?.variance }

    enum CodingKeys: String, CodingKey {
        case formula, method, group, nested, coefficients, inference, covariance, rows, groups, notes, iterations, converged, references
        case varianceComponents = "variance_components", degreesOfFreedom = "df", confidenceLevel = "confidence_level"
        case droppedRows = "dropped_rows", nestedUnits = "nested_units", logLikelihood = "log_likelihood"
    }
}
