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

/// `NIfTIReader.readLabelCodes`: labels held as one-byte codes.
@Suite struct LabelCodeReadTests {
    static let grid = Grid(dims: SIMD3(5, 4, 3), affine: Affine(SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0)))

    @Test("codes index the labels; label 0 is code 0, the others in order of first appearance", arguments: [".nii", ".nii.gz"])
    func codesAndLabels(ext: String) throws {
        let n = Self.grid.voxelCount
        let values = (0..<n).map { Int16([0, 41, 0, 2, -3, 41, 1000][$0 % 7]) }
        let path = makeTemporaryDirectory().appendingPathComponent("seg" + ext).path
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: values), to: path)
        let (codes, labels) = try NIfTIReader.readLabelCodes(at: path)
        #expect(labels == [0, 41, 2, -3, 1000])
        #expect(codes.voxels.map { labels[Int($0)] } == values.map(Int32.init))
        #expect(codes.grid.dims == Self.grid.dims)
    }

    @Test("UInt8 labels (the usual segmentation file) give the same codes and labels")
    func byteLabels() throws {
        let values = (0..<Self.grid.voxelCount).map { UInt8([0, 3, 1, 3, 2, 0, 4][$0 % 7]) }
        let path = makeTemporaryDirectory().appendingPathComponent("dseg.nii.gz").path
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: values), to: path)
        let (codes, labels) = try NIfTIReader.readLabelCodes(at: path)
        #expect(labels == [0, 3, 1, 2, 4])
        #expect(codes.voxels.map { labels[Int($0)] } == values.map(Int32.init))
    }

    @Test("scaled Float32 labels are rounded as readLabels rounds them")
    func floatLabels() throws {
        var values = [Float](repeating: 0, count: Self.grid.voxelCount)
        values[3] = 2.9999998; values[7] = 1.0000001; values[8] = 3
        let path = makeTemporaryDirectory().appendingPathComponent("seg.nii").path
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: values), to: path)
        let (codes, labels) = try NIfTIReader.readLabelCodes(at: path)
        #expect(codes.voxels.map { labels[Int($0)] } == (try NIfTIReader.readLabels(at: path)).voxels)
        #expect(labels == [0, 3, 1])
    }

    @Test("a value that is not a label is refused with its voxel, as by readLabels")
    func notALabel() throws {
        var values = [Float](repeating: 0, count: Self.grid.voxelCount)
        values[6] = 0.37
        let path = makeTemporaryDirectory().appendingPathComponent("prob.nii").path
        try NIfTIWriter.write(Volume(grid: Self.grid, voxels: values), to: path)
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readLabelCodes(at: path) }
        #expect(error.kind == .badLabels && error.description.contains("(1, 1, 0)"))
    }

    @Test("more than 254 distinct labels besides 0 are refused, naming the voxel of the next")
    func tooManyLabels() throws {
        let grid = Grid(dims: SIMD3(300, 1, 1), affine: Affine(SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0)))
        let values = (0..<300).map { Int16($0) }  // 0 … 299: the 255th distinct label besides 0 is at i = 255
        let path = makeTemporaryDirectory().appendingPathComponent("parcels.nii").path
        try NIfTIWriter.write(Volume(grid: grid, voxels: values), to: path)
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readLabelCodes(at: path) }
        #expect(error.kind == .badLabels && error.description.contains("(255, 0, 0)"))
        let fits = (0..<300).map { Int16($0 % 255) }
        try NIfTIWriter.write(Volume(grid: grid, voxels: fits), to: path)
        #expect(try NIfTIReader.readLabelCodes(at: path).labels.count == 255)
    }
}
