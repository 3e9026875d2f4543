import Foundation
import Testing
import TrialStats

/// Fits whose results are known in closed form.
struct LinearModelTests {
    func fit(_ formula: String, _ frame: DataFrame, group: String? = nil, nested: String? = nil,
             method: ModelSpecification.Method = .reml) throws -> ModelFit {
        var spec = ModelSpecification(formula: try Formula(formula), group: group, nested: nested)
        spec.method = method
        return try LinearModel.fit(spec, to: frame, table: "t.tsv")[0].fit
    }

    func frame(_ columns: [String], _ rows: [[Any]]) -> DataFrame {
        DataFrame(columns: columns, rows: rows.map { $0.map { "\($0)" } })
    }

    @Test("OLS of y = 1, 2, 3, 5 on x = 0…3: intercept 0.8, slope 1.3, σ² = 0.15, se(slope) = √(0.15/5), t on 2 df")
    func olsByHand() throws {
        let f = try fit("y ~ x", frame(["y", "x"], [[1, 0], [2, 1], [3, 2], [5, 3]]))
        let slope = try #require(f.coefficient("x"))
        #expect(abs(f.coefficient("Intercept")!.estimate - 0.8) < 1e-12)
        #expect(abs(slope.estimate - 1.3) < 1e-12)
        #expect(abs(f.variance("residual")! - 0.15) < 1e-12)
        #expect(abs(slope.standardError - (0.15 / 5).squareRoot()) < 1e-12)
        #expect(f.degreesOfFreedom == 2)
        #expect(f.method == "OLS")
        #expect(abs(slope.ciUpper - (1.3 + 4.302652729749464 * slope.standardError)) < 1e-9)
        #expect(abs(slope.pValue - StudentT.twoSidedP(1.3 / (0.15 / 5).squareRoot(), df: 2)) < 1e-15)
    }

    /// Three groups of two: (1, 3), (4, 6), (8, 10). MSW = 2, MSB = 24.667 (means 2, 5, 9).
    var balanced: DataFrame {
        frame(["y", "g"], [[1, "a"], [3, "a"], [4, "b"], [6, "b"], [8, "c"], [10, "c"]])
    }

    @Test("balanced one-way REML gives the ANOVA estimates: σ² = MSW = 2, σ²_g = (MSB − MSW)/2 = 11.333")
    func remlOneWay() throws {
        let f = try fit("y ~ 1", balanced, group: "g")
        #expect(abs(f.variance("residual")! - 2) < 1e-7)
        #expect(abs(f.variance("g")! - 34.0 / 3) < 1e-6)
        let intercept = try #require(f.coefficient("Intercept"))
        #expect(abs(intercept.estimate - 16.0 / 3) < 1e-9)
        // Var(grand mean) = MSB / (n·G) = 24.667 / 6, and z-based (Wald) intervals.
        #expect(abs(intercept.standardError - (74.0 / 3 / 6).squareRoot()) < 1e-6)
        #expect(f.degreesOfFreedom == nil)
        #expect(abs(intercept.ciLower - (intercept.estimate - 1.959963984540054 * intercept.standardError)) < 1e-9)
    }

    @Test("balanced one-way ML: σ²_g = ((1 − 1/G) MSB − MSW)/n = 7.2222, σ² = 2")
    func mlOneWay() throws {
        let f = try fit("y ~ 1", balanced, group: "g", method: .ml)
        #expect(abs(f.variance("residual")! - 2) < 1e-7)
        #expect(abs(f.variance("g")! - (2.0 / 3 * 74 / 3 - 2) / 2) < 1e-6)
        #expect(f.method == "ML")
    }

    @Test("when groups vary less than chance (MSB < MSW) the group variance is 0 and the fit is OLS's")
    func boundary() throws {
        let f = try fit("y ~ 1", frame(["y", "g"], [[1, "a"], [5, "a"], [2, "b"], [6, "b"], [3, "c"], [4, "c"]]), group: "g")
        #expect(f.variance("g") == 0)
        #expect(abs(f.variance("residual")! - 3.5) < 1e-9)
        #expect(abs(f.coefficient("Intercept")!.standardError - (3.5 / 6).squareRoot()) < 1e-9)
        #expect(f.converged)
    }

    @Test("a nested unit with one row each is left out with a note; groups of one row give OLS")
    func unidentifiable() throws {
        let rows: [[Any]] = [[1, "a", 1], [2, "a", 2], [4, "b", 1], [3, "b", 2], [6, "c", 1], [8, "c", 2]]
        let f = try fit("y ~ 1", frame(["y", "g", "l"], rows), group: "g", nested: "l")
        #expect(f.nested == nil)
        #expect(f.varianceComponents.map(\.name) == ["g", "residual"])
        #expect(f.notes.count == 1)
        let ols = try fit("y ~ 1", frame(["y", "g"], [[1, "a"], [2, "b"], [4, "c"]]), group: "g")
        #expect(ols.method == "OLS")
    }

    @Test("a factor combination with no rows makes the design rank deficient, named in the error")
    func rankDeficient() throws {
        let f = frame(["y", "arm", "cls"], [[1, "p", "a"], [2, "p", "b"], [3, "t", "a"], [4, "t", "a"], [5, "p", "a"]])
        #expect(throws: ModelError.rankDeficient(table: "t.tsv", column: "arm[T.t]:cls[T.b]")) {
            try fit("y ~ arm * cls", f)
        }
    }

    @Test("filters keep matching rows (numbers compare as numbers) and --by fits each level without its terms")
    func filtersAndSplits() throws {
        let f = frame(["y", "x", "cls", "keep"], [[1, 0, "a", "1"], [2, 1, "a", "1.0"], [3, 2, "a", "0"], [4.5, 3, "a", "1"],
                                                  [2, 0, "b", "1"], [4, 1, "b", "1"], [7, 2, "b", "1"], [8, 3, "b", "n/a"]])
        var spec = ModelSpecification(formula: try Formula("y ~ x * cls"))
        spec.filters = [RowFilter(parsing: "keep=1")!]
        spec.by = "cls"
        let fits = try LinearModel.fit(spec, to: f, table: "t.tsv")
        #expect(fits.map(\.level) == ["a", "b"])
        #expect(fits[0].fit.formula == "y ~ x")
        #expect(fits.map(\.fit.rows) == [3, 3])
        // Level a keeps (0, 1), (1, 2), (3, 4.5): Sxy = 5.5, Sxx = 42/9, slope 33/28.
        #expect(abs(fits[0].fit.coefficient("x")!.estimate - 33.0 / 28) < 1e-12)
        #expect(RowFilter(parsing: "component!=whole")!.matches("rim"))
        #expect(RowFilter(parsing: "component!=whole")!.matches("n/a"))
        #expect(!RowFilter(parsing: "keep=1")!.matches("n/a"))
    }

    @Test("the JSON report gives back its variance components for power")
    func reportRoundTrip() throws {
        let fit = try fit("y ~ 1", balanced, group: "g")
        let report = ModelReport(table: "t.tsv", preset: nil, by: nil, filters: [], fits: [.init(level: nil, fit: fit)])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json").path
        try report.json.write(toFile: path, atomically: true, encoding: .utf8)
        let vc = try FittedVarianceComponents.read(path, split: nil)
        #expect(abs(vc.subject - 34.0 / 3) < 1e-6 && abs(vc.residual - 2) < 1e-7 && vc.lesion == 0)
        #expect(report.tsv.split(separator: "\n").count == 1 + 1 + 2)
    }
}
