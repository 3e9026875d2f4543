import Foundation
import NIfTI
import TestSupport
import Testing

/// Inputs that read fine but make no sense — lesion and tissue images given the other way
/// round, MT-on and MT-off swapped — give one warning line each, naming the file, and the
/// analysis goes on (exit 0).
@Suite struct PlausibilityWarningTests {
    func stats(_ dir: String, lesions: String, tissue: String, maps: [String] = ["mtr:base=mtr.nii.gz"]) throws -> ProcessResult {
        try runProcess(lesionmtrBinary, ["stats", "--lesions", "\(dir)/\(lesions)", "--tissue", "\(dir)/\(tissue)", "--subject", "s1",
                                         "-o", "\(dir)/out"] + maps.flatMap { ["--map", $0.replacingOccurrences(of: "=", with: "=\(dir)/")] },
                       check: false)
    }

    @Test("stats with --lesions and --tissue swapped warns about each file, asks whether they are swapped, and does not suggest --labelled")
    func swappedLesionsAndTissue() throws {
        let dir = try SmallSubject.write()
        let r = try stats(dir, lesions: "tissue.nii.gz", tissue: "lesion.nii.gz")
        #expect(r.status == 0)
        // The segmentation as lesions: 1000 voxels against a "brain" of the cube's 8: 12500 %.
        #expect(r.stderr.contains("warning: \(dir)/tissue.nii.gz: lesions cover 12500 % of the brain of \(dir)/lesion.nii.gz"))
        #expect(r.stderr.contains("several integer values"))
        #expect(r.stderr.contains("warning: \(dir)/lesion.nii.gz: tissue segmentation holds one label besides 0 (1)"))
        #expect(r.stderr.components(separatedBy: "are --lesions and --tissue swapped?").count == 3)
        #expect(!r.stderr.contains("--labelled"))
    }

    @Test("a lesion mask covering more than 10 % of the brain warns, naming the mask and the share")
    func largeLesionLoad() throws {
        let dir = try SmallSubject.write()
        let r = try stats(dir, lesions: "big.nii.gz", tissue: "tissue.nii.gz")
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: \(dir)/big.nii.gz: lesions cover 20 % of the brain"))
        #expect(r.stderr.contains("are --lesions and --tissue swapped?"))
    }

    @Test("a plausible lesion mask and segmentation give no warning")
    func plausibleInputs() throws {
        let dir = try SmallSubject.write()
        let r = try stats(dir, lesions: "lesion.nii.gz", tissue: "tissue.nii.gz")
        #expect(r.status == 0)
        #expect(!r.stderr.contains("warning"))
    }

    @Test("stats with mton and mtoff swapped warns, naming both files")
    func swappedPairInStats() throws {
        let dir = try SmallSubject.write()
        let swapped = try stats(dir, lesions: "lesion.nii.gz", tissue: "tissue.nii.gz", maps: ["mton:base=off.nii.gz", "mtoff:base=on.nii.gz"])
        #expect(swapped.status == 0)
        // MTR = 100 × (60 − 100) / 60 < 0 at every voxel.
        #expect(swapped.stderr.contains("warning: \(dir)/off.nii.gz: the MTR from this MT-on image and \(dir)/on.nii.gz is negative at 100 %"))
        #expect(swapped.stderr.contains("are mton:base and mtoff:base swapped?"))
        let right = try stats(dir, lesions: "lesion.nii.gz", tissue: "tissue.nii.gz", maps: ["mton:base=on.nii.gz", "mtoff:base=off.nii.gz"])
        #expect(right.status == 0)
        #expect(!right.stderr.contains("warning"))
    }

    /// Runs `mtr` on MT-on values `on` against MT-off 100 everywhere (4 voxels).
    func mtr(on: [Float]) throws -> (ProcessResult, String) {
        let dir = makeTemporaryDirectory("mt-swap").path
        let grid = Grid(dims: SIMD3(4, 1, 1), affine: .scaling(SIMD3(1, 1, 1)))
        try NIfTIWriter.write(Volume(grid: grid, voxels: on), to: dir + "/on.nii.gz")
        try NIfTIWriter.write(Volume(grid: grid, voxels: [Float](repeating: 100, count: 4)), to: dir + "/off.nii.gz")
        let r = try runProcess(lesionmtrBinary, ["mtr", "--mt-on", dir + "/on.nii.gz", "--mt-off", dir + "/off.nii.gz", "-o", dir + "/mtr.nii.gz"],
                               check: false)
        return (r, dir)
    }

    @Test("mtr whose values are mostly negative warns that --mt-on and --mt-off may be swapped, and still writes the map")
    func swappedPairInMTR() throws {
        // MTR 50, −50, −60, −70: 3 of 4 negative.
        let (r, dir) = try mtr(on: [50, 150, 160, 170])
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: \(dir)/on.nii.gz: the MTR from this MT-on image and \(dir)/off.nii.gz is negative at 75 %"))
        #expect(r.stderr.contains("are --mt-on and --mt-off swapped?"))
        #expect(FileManager.default.fileExists(atPath: dir + "/mtr.nii.gz"))
    }

    @Test("mtr with half of its values negative (not most) gives no warning")
    func halfNegativeMTR() throws {
        // MTR 50, 40, −50, −60: 2 of 4 negative.
        let (r, _) = try mtr(on: [50, 60, 150, 160])
        #expect(r.status == 0)
        #expect(!r.stderr.contains("warning"))
    }

    @Test("batch prints a subject's warnings, naming the file")
    func batchWarnings() throws {
        let dir = try SmallSubject.write()
        let manifest = "subject\tlesions\ttissue\tmtr_base\nok\tlesion.nii.gz\ttissue.nii.gz\tmtr.nii.gz\nbig\tbig.nii.gz\ttissue.nii.gz\tmtr.nii.gz\n"
        try manifest.write(toFile: dir + "/manifest.tsv", atomically: true, encoding: .utf8)
        let r = try runProcess(lesionmtrBinary, ["batch", dir + "/manifest.tsv", "-o", dir + "/batch", "--quiet"], check: false)
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: \(dir)/big.nii.gz: lesions cover 20 % of the brain"))
        #expect(!r.stderr.contains("\(dir)/lesion.nii.gz"))
    }
}
