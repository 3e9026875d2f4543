import Testing
import VoxelKernels

/// The rounding tolerance of distance-to-width comparisons and the band of a distance.
@Suite struct DistanceToleranceTests {
    @Test("a distance a unit in the last place above a width is within it; one 1e-9 above is not")
    func atMost() {
        #expect(isAtMost(6.000000000000001, 6))
        #expect(isAtMost(6, 6))
        #expect(!isAtMost(6.000000006, 6))
        #expect(isAtMost(0, 0) && !isAtMost(1e-300, 0))
    }

    @Test("a distance at an exact multiple of the band width is in the upper band, rounded either way")
    func upperBandAtBoundary() {
        // 6 mm in bands of 1 mm, as computed exactly or a unit in the last place low.
        #expect(distanceBand(6.0, width: 1) == 6)
        #expect(distanceBand(5.999999999999999, width: 1) == 6)
        // 6 mm in bands of 1.2 mm (the Double nearest 1.2): band 5; 2.4 mm in bands of 0.4: band 6.
        #expect(distanceBand(6.0, width: 1.2) == 5)
        #expect(distanceBand(2.4, width: 0.4) == 6)
        #expect(distanceBand(2.4.nextDown, width: 0.4) == 6)
    }

    @Test("a distance inside a band is in that band: floor(d / width)")
    func insideBand() {
        #expect(distanceBand(0, width: 1) == 0)
        #expect(distanceBand(0.999999, width: 1) == 0)
        #expect(distanceBand(5.99999999, width: 1) == 5)
        #expect(distanceBand(7.3, width: 2.5) == 2)
    }
}
