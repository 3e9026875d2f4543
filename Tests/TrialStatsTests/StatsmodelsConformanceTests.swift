import Foundation
import TestSupport
import Testing
import TrialStats

/// The fits against statsmodels (`scripts/reference/mixedlm_cases.py`: MixedLM REML/ML with a
/// random intercept and with lesion-within-subject variance components, OLS), on random data sets
/// with unbalanced groups, text and numeric factors, interactions and missing cells.
/// Tolerances: estimates and standard errors within 1e-4 relative (relative to
/// max(|value|, its standard error), so estimates near 0 are judged on their own scale), variance
/// components within 1e-3 relative, p-values and interval bounds on the same scale.
@Suite(.serialized) struct StatsmodelsConformanceTests {
    struct Coefficient: Decodable { var name: String; var estimate, se, p, ci_lower, ci_upper: Double }
    struct Case: Decodable, Sendable {
        var name, formula, method, kind, table: String
        var group, nested: String?
        var filters: [String]
        var nobs: Int
        var scale, llf: Double
        var group_var, nested_var: Double?
        var coefficients: [Coefficient]
    }

    /// Runs the reference script (with `arguments`) into a fresh folder and decodes its cases.
    static func cases(_ arguments: [String] = []) throws -> [Case] {
        let folder = makeTemporaryDirectory("mixedlm-cases").path
        _ = try Reference.run("mixedlm_cases.py", [folder] + arguments)
        struct File: Decodable { var cases: [Case] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/cases.json"))).cases
    }

    static let random: Result<[Case], Error> = Result { try cases() }
    static var names: [String] { (try? random.get().map(\.name)) ?? ["reference cases could not be generated"] }

    @Test("agrees with statsmodels", arguments: names)
    func agrees(name: String) throws {
        let c = try #require(try Self.random.get().first { $0.name == name })
        try Self.check(c)
    }

    /// Fits the case as lesionmtr would and compares every number with statsmodels'.
    static func check(_ c: Case) throws {
        var spec = ModelSpecification(formula: try Formula(c.formula), group: c.group, nested: c.nested)
        spec.method = c.method == "ml" ? .ml : .reml
        spec.filters = c.filters.compactMap(RowFilter.init(parsing:))
        let frame = try DataFrame.readTSV(c.table)
        let fits = try LinearModel.fit(spec, to: frame, table: c.table)
        let fit = try #require(fits.first?.fit)
        #expect(fit.rows == c.nobs, "\(c.name): rows")
        #expect(fit.converged, "\(c.name): not converged")
        #expect(Set(fit.coefficients.map(\.name)) == Set(c.coefficients.map(\.name)), "\(c.name): coefficient names \(fit.coefficients.map(\.name))")
        var worstEstimate = 0.0, worstSE = 0.0
        for ref in c.coefficients {
            guard let ours = fit.coefficient(ref.name) else { continue }
            let scale = max(abs(ref.estimate), ref.se)
            worstEstimate = max(worstEstimate, abs(ours.estimate - ref.estimate) / scale)
            worstSE = max(worstSE, abs(ours.standardError - ref.se) / ref.se)
            #expect(abs(ours.estimate - ref.estimate) <= 1e-4 * scale, "\(c.name) \(ref.name) estimate \(ours.estimate) vs \(ref.estimate)")
            #expect(abs(ours.standardError - ref.se) <= 1e-4 * ref.se, "\(c.name) \(ref.name) se \(ours.standardError) vs \(ref.se)")
            #expect(abs(ours.ciLower - ref.ci_lower) <= 1e-4 * scale, "\(c.name) \(ref.name) ci lower")
            #expect(abs(ours.ciUpper - ref.ci_upper) <= 1e-4 * scale, "\(c.name) \(ref.name) ci upper")
            #expect(abs(ours.pValue - ref.p) <= 1e-4 * max(ref.p, 1e-3), "\(c.name) \(ref.name) p \(ours.pValue) vs \(ref.p)")
        }
        #expect(abs(fit.variance("residual")! - c.scale) <= 1e-3 * c.scale, "\(c.name) residual variance \(fit.variance("residual")!) vs \(c.scale)")
        if let g = c.group, let ref = c.group_var {
            let ours = try #require(fit.variance(g))
            #expect(abs(ours - ref) <= 1e-3 * max(ref, 1e-3 * c.scale), "\(c.name) \(g) variance \(ours) vs \(ref)")
        }
        if let n = c.nested, let ref = c.nested_var {
            let ours = try #require(fit.variance(n))
            #expect(abs(ours - ref) <= 1e-3 * max(ref, 1e-3 * c.scale), "\(c.name) \(n) variance \(ours) vs \(ref)")
        }
        let vcs = [(c.group, c.group_var), (c.nested, c.nested_var), ("residual", c.scale)].compactMap { name, ref -> Double? in
            guard let name, let ref, let ours = fit.variance(name) else { return nil }
            return abs(ours - ref) / max(ref, 1e-3 * c.scale)
        }
        print("\(c.name): rows \(fit.rows), max relative difference from statsmodels: estimates \(worstEstimate), SEs \(worstSE), variance components \(vcs.max() ?? 0)")
        #expect(abs(fit.logLikelihood - c.llf) <= 1e-6 * abs(c.llf), "\(c.name) log-likelihood \(fit.logLikelihood) vs \(c.llf)")
    }
}
