import Testing
import TrialStats

/// Formula parsing: R/patsy notation.
struct FormulaTests {
    func terms(_ text: String) throws -> [String] {
        try Formula(text).terms.map { $0.factors.map(\.label).joined(separator: ":") }
    }

    @Test("a*b expands to a + b + a:b")
    func star() throws {
        #expect(try terms("y ~ a*b") == ["a", "b", "a:b"])
    }

    @Test("a product distributes over a parenthesised sum: arm*(x + z) = arm + x + z + arm:x + arm:z")
    func distributes() throws {
        #expect(try terms("y ~ arm * (x + z)") == ["arm", "x", "z", "arm:x", "arm:z"])
    }

    @Test("a term written twice (also as b:a) appears once")
    func duplicates() throws {
        #expect(try terms("y ~ a + a:b + b:a + a") == ["a", "a:b"])
    }

    @Test("- 1 and 0 + remove the intercept; it is there by default")
    func intercept() throws {
        #expect(try Formula("y ~ x").hasIntercept)
        #expect(try !Formula("y ~ x - 1").hasIntercept)
        #expect(try !Formula("y ~ 0 + x").hasIntercept)
    }

    @Test("C(x) marks a factor and names it C(x)")
    func categorical() throws {
        let f = try Formula("y ~ C(site) + x")
        #expect(f.terms[0].factors[0].forcedCategorical)
        #expect(f.terms[0].factors[0].label == "C(site)")
        #expect(f.columns == ["y", "site", "x"])
    }

    @Test("a formula without exactly one ~ or with a stray character is refused with its text")
    func errors() {
        #expect(throws: ModelError.badFormula(formula: "y x", reason: "needs exactly one '~' (response ~ terms)")) { try Formula("y x") }
        #expect(throws: ModelError.self) { try Formula("y ~ x +") }
        #expect(throws: ModelError.self) { try Formula("y ~ x $ z") }
        #expect(throws: ModelError.self) { try Formula("y ~ (x + z") }
    }

    @Test("dropping a column removes every term that involves it (for --by splits)")
    func dropping() throws {
        let f = try Formula("y ~ arm * tissue_class + x").dropping(column: "tissue_class")
        #expect(f.terms.map { $0.factors.map(\.column) } == [["arm"], ["x"]])
        #expect(f.text == "y ~ arm + x")
    }
}
