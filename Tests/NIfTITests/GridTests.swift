import NIfTI
import Testing

/// The same-grid check: dims equal and affines within 1e-4 mm, with a message saying what differs.
@Suite struct GridTests {
    static let base = Grid(dims: SIMD3(10, 12, 8), affine: Affine(
        SIMD4(1, 0, 0, -5), SIMD4(0, 1, 0, -6), SIMD4(0, 0, 2, -8)))

    @Test("identical grids match")
    func same() {
        #expect(Self.base.mismatch(with: Self.base) == nil)
    }

    @Test("a difference below 1e-4 mm is the same grid")
    func withinTolerance() {
        var other = Self.base
        other.sform.affine.rows.0.w += 0.00005
        #expect(Self.base.mismatch(with: other) == nil)
    }

    @Test("dims differing by one voxel are named")
    func dims() {
        var other = Self.base
        other.dims.z = 9
        #expect(Self.base.mismatch(with: other) == "dims 10×12×8 vs 10×12×9")
    }

    @Test("an origin 0.01 mm away is named with the element and both values")
    func origin() throws {
        var other = Self.base
        other.sform.affine.rows.1.w = -5.99
        let message = try #require(Self.base.mismatch(with: other))
        #expect(message.contains("0.01 mm at row 2, column 4"))
        #expect(message.contains("(-6 vs -5.99)"))
    }

    @Test("the affine in use is the sform, else the qform, else diag(spacing)")
    func affineChoice() {
        let q = Affine(SIMD4(2, 0, 0, 1), SIMD4(0, 2, 0, 2), SIMD4(0, 0, 2, 3))
        let s = Affine(SIMD4(3, 0, 0, 4), SIMD4(0, 3, 0, 5), SIMD4(0, 0, 3, 6))
        var g = Grid(dims: SIMD3(2, 2, 2), spacing: SIMD3(0.5, 0.7, 0.9),
                     qform: CodedTransform(code: 1, affine: q), sform: CodedTransform(code: 2, affine: s))
        #expect(g.affine == s)
        g.sform.code = 0
        #expect(g.affine == q)
        g.qform.code = 0
        #expect(g.affine == .scaling(SIMD3(0.5, 0.7, 0.9)))
    }

    @Test("storage index is i fastest, then j, then k")
    func index() {
        #expect(Self.base.index(0, 0, 0) == 0)
        #expect(Self.base.index(1, 0, 0) == 1)
        #expect(Self.base.index(0, 1, 0) == 10)
        #expect(Self.base.index(0, 0, 1) == 120)
        #expect(Self.base.index(9, 11, 7) == 959)
    }
}
