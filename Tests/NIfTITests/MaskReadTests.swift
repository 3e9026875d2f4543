import Foundation
import NIfTI
import TestSupport
import Testing

/// `NIfTIReader.readMask`: the binary mask of an image, read without a Float32 copy, and what its
/// positive values look like.
@Suite struct MaskReadTests {
    static let grid = Grid(dims: SIMD3(4, 3, 2), affine: Affine(SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 2, 0)))

    @Test("a Float32 image: 1 where > 0; 0 at zero, negative, NaN and −∞; +∞ is positive", arguments: [".nii", ".nii.gz"])
    func floatImage(ext: String) throws {
        var values = [Float](repeating: 0, count: Self.grid.voxelCount)
        values[1] = 0.4; values[2] = -3; values[3] = .nan; values[4] = -.infinity; values[5] = .infinity; values[6] = 1
        let path = makeTemporaryDirectory().appendingPathComponent("soft" + ext).path
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: values), to: path)
        let (mask, positives) = try NIfTIReader.readMask(at: path)
        var expected = [UInt8](repeating: 0, count: values.count)
        expected[1] = 1; expected[5] = 1; expected[6] = 1
        #expect(mask.voxels == expected)
        #expect(mask.grid.dims == Self.grid.dims)
        // 0.4 is the first positive value and not an integer: no distinct integers are noted.
        #expect(!positives.allIntegers && positives.first == nil && positives.second == nil)
    }

    @Test("integer ids: the first two distinct positive values in storage order")
    func integerIDs() throws {
        var values = [UInt8](repeating: 0, count: Self.grid.voxelCount)
        values[2] = 3; values[5] = 3; values[9] = 7; values[20] = 2
        let path = makeTemporaryDirectory().appendingPathComponent("ids.nii.gz").path
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: values), to: path)
        let (mask, positives) = try NIfTIReader.readMask(at: path)
        #expect(mask.voxels == values.map { $0 > 0 ? 1 : 0 })
        #expect(positives.allIntegers && positives.first == 3 && positives.second == 7)
    }

    @Test("a binary 0/255 mask has one distinct positive value")
    func singleValued() throws {
        let values = (0..<Self.grid.voxelCount).map { UInt8($0 % 3 == 0 ? 255 : 0) }
        let path = makeTemporaryDirectory().appendingPathComponent("mask.nii").path
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: values), to: path)
        let (mask, positives) = try NIfTIReader.readMask(at: path)
        #expect(mask.voxels == values.map { $0 > 0 ? 1 : 0 })
        #expect(positives.allIntegers && positives.first == 255 && positives.second == nil)
    }
}
