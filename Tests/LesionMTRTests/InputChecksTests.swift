import LesionMTR
import Testing

/// The MT-on/MT-off plausibility rule on hand-made MTR values.
@Suite struct InputChecksTests {
    @Test("an MTR negative at most finite voxels gives a warning naming both files, with the share of the finite voxels")
    func mostlyNegative() throws {
        // Finite: −10, −20, 5 — two of three negative (67 %); NaN voxels (MT-off ≤ threshold) are not counted.
        let warning = try #require(InputChecks.swappedMTPair([-10, .nan, -20, .nan, .nan, 5], onPath: "on.nii", offPath: "off.nii",
                                                             names: "--mt-on and --mt-off"))
        #expect(warning == "on.nii: the MTR from this MT-on image and off.nii is negative at 67 % of the voxels "
                + "(MT-on brighter than MT-off): are --mt-on and --mt-off swapped?")
    }

    @Test("an MTR negative at half of its finite voxels or fewer, or with none finite, gives no warning")
    func notMostlyNegative() {
        #expect(InputChecks.swappedMTPair([-10, 10, .nan], onPath: "a", offPath: "b", names: "x") == nil)
        #expect(InputChecks.swappedMTPair([30, 40, -1, 35], onPath: "a", offPath: "b", names: "x") == nil)
        #expect(InputChecks.swappedMTPair([.nan, .infinity], onPath: "a", offPath: "b", names: "x") == nil)
    }
}
