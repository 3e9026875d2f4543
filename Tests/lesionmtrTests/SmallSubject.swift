import Foundation
import NIfTI
import TestSupport

/// One small subject's images, written by hand for CLI tests whose expected numbers are
/// counted on the fingers.
enum SmallSubject {
    /// A 10×10×10 1 mm brain: the plane z = 0 is CSF (label 1), the rest WM (3) for i < 5 and
    /// cortical GM (2) for i ≥ 5 — every voxel is brain, so fractions are of 1000 voxels.
    static let grid = Grid(dims: SIMD3(10, 10, 10), affine: .scaling(SIMD3(1, 1, 1)))

    /// Writes the images of one subject into a new folder and returns it: `tissue.nii.gz`,
    /// `lesion.nii.gz` (a 2×2×2 cube of ones in WM: 0.8 % of the brain), `big.nii.gz` (ones on
    /// i 2–6, j 2–6, k 2–9: 5·5·8 = 200 voxels, 20 % of the brain), `mtr.nii.gz` (30 pu
    /// everywhere), `on.nii.gz` (60) and `off.nii.gz` (100).
    static func write() throws -> String {
        let dir = makeTemporaryDirectory("small-subject").path
        var tissue = [Float](repeating: 0, count: 1000), lesion = tissue, big = tissue
        for k in 0..<10 {
            for j in 0..<10 {
                for i in 0..<10 {
                    let v = grid.index(i, j, k)
                    tissue[v] = k == 0 ? 1 : i < 5 ? 3 : 2
                    if (2...3).contains(i), (2...3).contains(j), (4...5).contains(k) { lesion[v] = 1 }
                    if (2...6).contains(i), (2...6).contains(j), k >= 2 { big[v] = 1 }
                }
            }
        }
        for (name, voxels) in [("tissue", tissue), ("lesion", lesion), ("big", big), ("mtr", [Float](repeating: 30, count: 1000)),
                               ("on", [Float](repeating: 60, count: 1000)), ("off", [Float](repeating: 100, count: 1000))] {
            try NIfTIWriter.write(Volume(grid: grid, voxels: voxels), to: "\(dir)/\(name).nii.gz")
        }
        return dir
    }
}
