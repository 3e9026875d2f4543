import Testing
import TrialStats

/// The reference level of a factor: written in the formula, asked for by column, preferred by a
/// preset, or the first level; named in the fit, with notes on coefficients that interactions
/// make conditional on it.
struct ReferenceLevelTests {
    /// Placebo rows have y 1, 3 (mean 2), treated rows 6, 8 (mean 7); cls splits each arm.
    let frame = DataFrame(columns: ["y", "arm", "cls", "x"], rows: [
        ["1", "placebo", "a", "1"],
        ["3", "placebo", "b", "2"],
        ["6", "treated", "a", "4"],
        ["8", "treated", "b", "3"],
        ["2", "placebo", "b", "5"],
        ["7", "treated", "a", "6"],
    ])

    @Test("C(arm, Treatment('treated')) codes arm against treated and keeps patsy's name for the columns")
    func treatmentInFormula() throws {
        let d = try DesignMatrix(formula: Formula("y ~ C(arm, Treatment('treated'))"), frame: frame, table: "t.tsv")
        #expect(d.columnNames == ["Intercept", "C(arm, Treatment('treated'))[T.placebo]"])
        #expect(d.x == [1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0])
        #expect(d.references == [FactorReference(factor: "C(arm, Treatment('treated'))", column: "arm", level: "treated")])
    }

    @Test("the reference changes the sign of the arm effect, not the fit: y ~ arm against treated gives placebo − treated = 2 − 7 = −5")
    func estimatesFollowTheReference() throws {
        // Means: placebo (1 + 3 + 2)/3 = 2, treated (6 + 8 + 7)/3 = 7. OLS of y ~ arm: the
        // intercept is the reference arm's mean, the coefficient the other arm's mean minus it.
        var spec = ModelSpecification(formula: try Formula("y ~ arm"))
        let usual = try LinearModel.fit(spec, to: frame, table: "t.tsv")[0].fit
        #expect(abs(usual.coefficient("Intercept")!.estimate - 2) < 1e-12)
        #expect(abs(usual.coefficient("arm[T.treated]")!.estimate - 5) < 1e-12)
        spec.references = ReferenceChoice(required: ["arm": "treated"])
        let flipped = try LinearModel.fit(spec, to: frame, table: "t.tsv")[0].fit
        #expect(flipped.coefficients.map(\.name) == ["Intercept", "arm[T.placebo]"])
        #expect(abs(flipped.coefficient("Intercept")!.estimate - 7) < 1e-12)
        #expect(abs(flipped.coefficient("arm[T.placebo]")!.estimate + 5) < 1e-12)
        #expect(abs(flipped.coefficient("arm[T.placebo]")!.standardError - usual.coefficient("arm[T.treated]")!.standardError) < 1e-12)
        #expect(flipped.references == [FactorReference(factor: "arm", column: "arm", level: "treated")])
    }

    @Test("patsy's spellings parse to the same reference: Treatment('l'), Treatment(\"l\"), Treatment(reference='l'), spaces, a number")
    func spellings() throws {
        func factor(_ text: String) throws -> Formula.Factor { try Formula(text).terms[0].factors[0] }
        #expect(try factor("y ~ C(arm, Treatment('placebo'))").reference == "placebo")
        #expect(try factor("y ~ C(arm, Treatment('placebo'))").label == "C(arm, Treatment('placebo'))")
        #expect(try factor("y ~ C(arm,Treatment(\"placebo\"))").label == "C(arm, Treatment(\"placebo\"))")
        let keyword = try factor("y ~ C( arm , Treatment( reference = 'placebo' ) )")
        #expect(keyword.reference == "placebo")
        #expect(keyword.label == "C(arm, Treatment(reference='placebo'))")
        #expect(try factor("y ~ C(site, Treatment(2))").reference == "2")
        #expect(try factor("y ~ C(arm, Treatment)").reference == nil)
        #expect(try factor("y ~ C(arm, Treatment)").label == "C(arm, Treatment)")
    }

    @Test("other contrasts and malformed Treatment calls are refused with the spellings that work")
    func refusedSpellings() {
        for text in ["y ~ C(arm, Sum)", "y ~ C(arm, Treatment(placebo))", "y ~ C(arm, Treatment('placebo')", "y ~ C(arm, Treatment(level='placebo'))"] {
            let error = #expect(throws: ModelError.self) { try Formula(text) }
            guard case .badFormula(let formula, let reason) = error else { Issue.record("\(text): \(String(describing: error))"); continue }
            #expect(formula == text)
            #expect(reason.contains("Treatment('placebo')"), "\(reason)")
        }
    }

    @Test("a number level is matched as a number: C(site, Treatment(2)) on cells 2.0")
    func numberLevel() throws {
        let f = DataFrame(columns: ["y", "site"], rows: [["1", "1.0"], ["2", "2.0"], ["3", "3.0"], ["4", "2.0"]])
        let d = try DesignMatrix(formula: Formula("y ~ C(site, Treatment(2))"), frame: f, table: "t.tsv")
        #expect(d.columnNames == ["Intercept", "C(site, Treatment(2))[T.1]", "C(site, Treatment(2))[T.3]"])
    }

    @Test("a reference level that is not in the rows used is refused naming the column and its levels")
    func unknownLevel() {
        #expect(throws: ModelError.invalidArgument("t.tsv: --reference arm=placbo: column 'arm' has no level 'placbo' in the rows used (levels: placebo, treated); give one of them")) {
            try DesignMatrix(formula: Formula("y ~ arm"), frame: frame, table: "t.tsv", references: ReferenceChoice(required: ["arm": "placbo"]))
        }
        #expect(throws: ModelError.self) { try DesignMatrix(formula: Formula("y ~ C(arm, Treatment('placbo'))"), frame: frame, table: "t.tsv") }
    }

    @Test("--reference for a column that is a number or not in the model is refused with the fix")
    func notAFactor() {
        #expect(throws: ModelError.invalidArgument("--reference x=2: column 'x' is a number in the model 'y ~ arm + x'; write C(x) in the formula to make it a factor")) {
            try DesignMatrix(formula: Formula("y ~ arm + x"), frame: frame, table: "t.tsv", references: ReferenceChoice(required: ["x": "2"]))
        }
        #expect(throws: ModelError.self) {
            try DesignMatrix(formula: Formula("y ~ arm"), frame: frame, table: "t.tsv", references: ReferenceChoice(required: ["sex": "F"]))
        }
    }

    @Test("a preferred reference is used when the column has that level and ignored when it has not")
    func preferred() throws {
        let prefer = ReferenceChoice(preferred: ["arm": "treated", "cls": "zzz"])
        let d = try DesignMatrix(formula: Formula("y ~ arm + cls"), frame: frame, table: "t.tsv", references: prefer)
        #expect(d.columnNames == ["Intercept", "arm[T.placebo]", "cls[T.b]"])
        #expect(d.references.map(\.level) == ["treated", "a"])
    }

    @Test("--reference arguments are column=level, one per column")
    func arguments() throws {
        #expect(try ReferenceChoice(requiring: ["arm=placebo", "site=2"]).required == ["arm": "placebo", "site": "2"])
        #expect(throws: ModelError.self) { try ReferenceChoice(requiring: ["arm"]) }
        #expect(throws: ModelError.self) { try ReferenceChoice(requiring: ["=placebo"]) }
        #expect(throws: ModelError.self) { try ReferenceChoice(requiring: ["arm=placebo", "arm=treated"]) }
    }

    @Test("a factor coded only in full has no reference level")
    func fullCoding() throws {
        let d = try DesignMatrix(formula: Formula("y ~ 0 + arm + x"), frame: frame, table: "t.tsv")
        #expect(d.references.isEmpty)
    }

    @Test("an interaction makes the main effects conditional: arm[T.treated] is the effect at cls = a, x's slope at arm = placebo")
    func conditionalNotes() throws {
        let d = try DesignMatrix(formula: Formula("y ~ arm * cls"), frame: frame, table: "t.tsv")
        #expect(d.notes == [
            "arm[T.treated] is the effect at cls = a (reference), not averaged over cls: the model also has arm:cls",
            "cls[T.b] is the effect at arm = placebo (reference), not averaged over arm: the model also has arm:cls",
        ])
        let numeric = try DesignMatrix(formula: Formula("y ~ arm * x"), frame: frame, table: "t.tsv")
        #expect(numeric.notes.first == "arm[T.treated] is the effect at x = 0, not averaged over x: the model also has arm:x")
        #expect(try DesignMatrix(formula: Formula("y ~ arm + x"), frame: frame, table: "t.tsv").notes.isEmpty)
    }
}
