import Testing
import TrialStats

/// Coding of factors and interactions, as patsy codes them.
struct DesignMatrixTests {
    let frame = DataFrame(columns: ["y", "arm", "cls", "x", "z"], rows: [
        ["1.0", "placebo", "b", "2", "1"],
        ["2.0", "treated", "a", "3", "0"],
        ["3.5", "treated", "b", "n/a", "2"],
        ["4.0", "placebo", "a", "5", "1"],
        ["n/a", "placebo", "b", "1", "1"],
        ["6.0", "treated", "a", "4", "3"],
    ])

    @Test("a text column is treatment-coded against its first level in sorted order")
    func treatmentCoding() throws {
        let d = try DesignMatrix(formula: Formula("y ~ arm + x"), frame: frame, table: "t.tsv")
        #expect(d.columnNames == ["Intercept", "arm[T.treated]", "x"])
        #expect(d.x == [1, 0, 2, 1, 1, 3, 1, 0, 5, 1, 1, 4])
    }

    @Test("rows with n/a in any used column are dropped and counted")
    func missing() throws {
        let d = try DesignMatrix(formula: Formula("y ~ arm + x"), frame: frame, table: "t.tsv")
        #expect(d.keptRows == [0, 1, 3, 5])
        #expect(d.droppedRows == 2)
        #expect(d.y == [1, 2, 4, 6])
        // x is not used here, so row 2 stays.
        #expect(try DesignMatrix(formula: Formula("y ~ arm"), frame: frame, table: "t.tsv").droppedRows == 1)
    }

    @Test("an interaction whose margin is absent codes the present factor in full (patsy): y ~ arm + arm:cls")
    func redundancy() throws {
        let d = try DesignMatrix(formula: Formula("y ~ arm + arm:cls"), frame: frame, table: "t.tsv")
        #expect(d.columnNames == ["Intercept", "arm[T.treated]", "arm[placebo]:cls[T.b]", "arm[treated]:cls[T.b]"])
    }

    @Test("without an intercept the first factor is coded in full")
    func noIntercept() throws {
        let d = try DesignMatrix(formula: Formula("y ~ 0 + arm + x"), frame: frame, table: "t.tsv")
        #expect(d.columnNames == ["arm[placebo]", "arm[treated]", "x"])
    }

    @Test("factor × number and number × number interactions are products, named a[T.l]:x and x:z")
    func products() throws {
        let d = try DesignMatrix(formula: Formula("y ~ arm * x + x:z"), frame: frame, table: "t.tsv")
        #expect(d.columnNames == ["Intercept", "arm[T.treated]", "x", "arm[T.treated]:x", "x:z"])
        #expect(Array(d.x[5..<10]) == [1, 1, 3, 3, 0])
    }

    @Test("C(x) of a number column makes it a factor with levels in numeric order")
    func numericFactor() throws {
        let f = DataFrame(columns: ["y", "site"], rows: [["1", "10"], ["2", "9"], ["3", "10"], ["4", "2"]])
        let d = try DesignMatrix(formula: Formula("y ~ C(site)"), frame: f, table: "t.tsv")
        #expect(d.columnNames == ["Intercept", "C(site)[T.9]", "C(site)[T.10]"])
    }

    @Test("a missing column and a text response are one-line errors naming the table")
    func errors() throws {
        #expect(throws: ModelError.missingColumn(table: "t.tsv", column: "age", purpose: "the model 'y ~ age'")) {
            try DesignMatrix(formula: Formula("y ~ age"), frame: frame, table: "t.tsv")
        }
        #expect(throws: ModelError.notNumeric(table: "t.tsv", column: "arm", example: "placebo")) {
            try DesignMatrix(formula: Formula("arm ~ x"), frame: frame, table: "t.tsv")
        }
    }
}
