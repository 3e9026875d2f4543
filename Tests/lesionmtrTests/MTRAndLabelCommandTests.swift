import Foundation
import NIfTI
import TestSupport
import Testing

/// `lesionmtr mtr` and `lesionmtr label` as a user runs them.
@Suite struct MTRAndLabelCommandTests {
    static let grid = Grid(dims: SIMD3(4, 1, 1), affine: Affine(SIMD4(2, 0, 0, -3), SIMD4(0, 2, 0, 0), SIMD4(0, 0, 2, 0)))

    @Test("mtr is 100 × (off − on) / off, NaN where MT-off ≤ --min-mtoff or an input is not finite")
    func mtr() throws {
        let dir = makeTemporaryDirectory()
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: [50, 60, 0, .nan] as [Float]), to: dir.path + "/on.nii.gz")
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: [100, 80, 5, 100] as [Float]), to: dir.path + "/off.nii.gz")
        try runProcess(lesionmtrBinary, ["mtr", "--mt-on", dir.path + "/on.nii.gz", "--mt-off", dir.path + "/off.nii.gz",
                                         "--min-mtoff", "10", "-o", dir.path + "/mtr.nii.gz"])
        let out = try NIfTIReader.readFloat(at: dir.path + "/mtr.nii.gz")
        #expect(out.voxels[0] == 50)
        #expect(out.voxels[1] == 25)
        #expect(out.voxels[2].isNaN)  // MT-off 5 ≤ 10
        #expect(out.voxels[3].isNaN)  // MT-on NaN
        #expect(out.grid.mismatch(with: Self.grid) == nil)
    }

    @Test("mtr refuses images on different grids, naming both, exit 65")
    func mtrGrid() throws {
        let dir = makeTemporaryDirectory()
        var other = Self.grid
        other.sform.affine.rows.0.w += 0.01
        other.qform = other.sform
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: [1, 2, 3, 4] as [Float]), to: dir.path + "/on.nii.gz")
        try NIfTIWriter.write(Volume(grid: other, voxels: [1, 2, 3, 4] as [Float]), to: dir.path + "/off.nii.gz")
        let r = try runProcess(lesionmtrBinary, ["mtr", "--mt-on", dir.path + "/on.nii.gz", "--mt-off", dir.path + "/off.nii.gz",
                                                 "-o", dir.path + "/mtr.nii.gz"], check: false)
        #expect(r.status == 65)
        #expect(r.stderr.contains(dir.path + "/off.nii.gz: not on the grid of " + dir.path + "/on.nii.gz"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/mtr.nii.gz"))
    }

    @Test("label numbers components by first voxel and drops those under --min-voxels")
    func label() throws {
        let dir = makeTemporaryDirectory()
        let grid = Grid(dims: SIMD3(8, 3, 1), affine: .scaling(SIMD3(1, 1, 1)))
        // Row 0: a 2-voxel blob at i 0–1 (dropped with min 3); a 3-voxel bar at i 4–6.
        // Rows 1–2: a 2×2 square at i 2–3, touching the others only at edges (not faces), so
        // separate under 6-connectivity; its first voxel comes after the bar's.
        var mask = [Float](repeating: 0, count: 24)
        for i in [0, 1, 4, 5, 6] { mask[i] = 1 }
        for v in [grid.index(2, 1, 0), grid.index(3, 1, 0), grid.index(2, 2, 0), grid.index(3, 2, 0)] { mask[v] = 0.5 }
        try NIfTIWriter.write(Volume(grid: grid, voxels: mask), to: dir.path + "/mask.nii.gz")
        let r = try runProcess(lesionmtrBinary, ["label", dir.path + "/mask.nii.gz", "-o", dir.path + "/ids.nii.gz", "--connectivity", "6"])
        #expect(r.stdoutText == "2 lesions\n")
        let ids = try NIfTIReader.readLabels(at: dir.path + "/ids.nii.gz").voxels
        #expect(ids[0] == 0 && ids[1] == 0)
        #expect([ids[4], ids[5], ids[6]] == [1, 1, 1])
        #expect(ids[grid.index(2, 1, 0)] == 2 && ids[grid.index(3, 2, 0)] == 2)
    }
}
