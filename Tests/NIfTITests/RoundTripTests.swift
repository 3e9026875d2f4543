import Foundation
import NIfTI
import TestSupport
import Testing

/// Writing then reading gives the same grid and values, and nibabel reads what we write.
@Suite struct RoundTripTests {
    /// An oblique, anisotropic grid with different qform and sform codes: 20° about z,
    /// 0.9 × 0.9 × 3 mm, origin (-80.5, 12.25, -40).
    static let obliqueGrid: Grid = {
        let c = cos(20 * Double.pi / 180), s = sin(20 * Double.pi / 180)
        let affine = Affine(SIMD4(0.9 * c, -0.9 * s, 0, -80.5), SIMD4(0.9 * s, 0.9 * c, 0, 12.25), SIMD4(0, 0, 3, -40))
        return Grid(dims: SIMD3(7, 5, 4), spacing: SIMD3(0.9, 0.9, 3),
                    qform: CodedTransform(code: 1, affine: affine), sform: CodedTransform(code: 2, affine: affine))
    }()

    static func values(_ n: Int) -> [Float] {
        (0..<n).map { Float($0) * 1.5 - 30 + (Float($0 % 7) * 0.01) }
    }

    static let extensions = [".nii", ".nii.gz"]

    @Test("Float32 round trip keeps grid, both transforms and values", arguments: extensions)
    func float32(ext: String) throws {
        let path = makeTemporaryDirectory().appendingPathComponent("map" + ext).path
        var voxels = Self.values(Self.obliqueGrid.voxelCount)
        voxels[3] = .nan
        voxels[4] = .infinity
        let volume = Volume(grid: Self.obliqueGrid, voxels: voxels)
        try NIfTIWriter.write(volume, to: path)
        let back = try NIfTIReader.readFloat(at: path)
        #expect(back.grid.dims == volume.grid.dims)
        // NIfTI-1 stores pixdim as float32.
        #expect(back.grid.spacing == SIMD3(Double(Float(0.9)), Double(Float(0.9)), 3))
        #expect(back.grid.qform.code == 1 && back.grid.sform.code == 2)
        expectClose(back.grid.sform.affine, volume.grid.sform.affine, 1e-5)
        expectClose(back.grid.qform.affine, volume.grid.qform.affine, 1e-5)
        #expect(back.voxels.map(\.bitPattern) == voxels.map(\.bitPattern))
    }

    @Test("UInt8, Int16 and Int32 round trips are exact", arguments: extensions)
    func integers(ext: String) throws {
        let dir = makeTemporaryDirectory()
        let n = Self.obliqueGrid.voxelCount
        let u8 = Volume(grid: Self.obliqueGrid, voxels: (0..<n).map { UInt8($0 % 256) })
        let i16 = Volume(grid: Self.obliqueGrid, voxels: (0..<n).map { Int16($0 * 97 - 9000) })
        let i32 = Volume(grid: Self.obliqueGrid, voxels: (0..<n).map { Int32($0) * 1_000_003 - 70_000_000 })
        try NIfTIWriter.write(u8, to: dir.appendingPathComponent("u8" + ext).path)
        try NIfTIWriter.write(i16, to: dir.appendingPathComponent("i16" + ext).path)
        try NIfTIWriter.write(i32, to: dir.appendingPathComponent("i32" + ext).path)
        #expect(try NIfTIReader.readLabels(at: dir.appendingPathComponent("u8" + ext).path).voxels == u8.voxels.map(Int32.init))
        #expect(try NIfTIReader.readLabels(at: dir.appendingPathComponent("i16" + ext).path).voxels == i16.voxels.map(Int32.init))
        #expect(try NIfTIReader.readLabels(at: dir.appendingPathComponent("i32" + ext).path).voxels == i32.voxels)
    }

    @Test("nibabel reads what we write: datatype, grid, transforms, values")
    func nibabelReadsOurFiles() throws {
        let dir = makeTemporaryDirectory()
        let n = Self.obliqueGrid.voxelCount
        let floats = Volume(grid: Self.obliqueGrid, voxels: Self.values(n))
        let labels = Volume(grid: Self.obliqueGrid, voxels: (0..<n).map { Int16($0 % 11) })
        let masks = Volume(grid: Self.obliqueGrid, voxels: (0..<n).map { UInt8($0 % 2) })
        let ids = Volume(grid: Self.obliqueGrid, voxels: (0..<n).map { Int32($0 * 3) })
        let paths = ["f.nii.gz", "l.nii", "m.nii.gz", "i.nii.gz"].map { dir.appendingPathComponent($0).path }
        try NIfTIWriter.write(floats, to: paths[0])
        try NIfTIWriter.write(labels, to: paths[1])
        try NIfTIWriter.write(masks, to: paths[2])
        try NIfTIWriter.write(ids, to: paths[3])
        let seen = try NiftiFixtures.describe(paths)
        let expectedValues: [[Double]] = [
            floats.voxels.map(Double.init), labels.voxels.map(Double.init),
            masks.voxels.map(Double.init), ids.voxels.map(Double.init),
        ]
        let expectedTypes: [Int32] = [16, 4, 2, 8]
        for (d, (values, type)) in zip(seen, zip(expectedValues, expectedTypes)) {
            #expect(d.version == 1)
            #expect(d.datatype == type)
            #expect(d.dims == [7, 5, 4])
            #expect(d.qformCode == 1 && d.sformCode == 2)
            for r in 0..<3 {
                for c in 0..<4 {
                    #expect(agrees(d.affine[r][c].value, Self.obliqueGrid.affine[r, c], relative: 0, absolute: 1e-5))
                }
            }
            #expect(d.values.map(\.value) == values)
        }
    }

    @Test("writing the same volume twice gives byte-identical files")
    func deterministic() throws {
        let dir = makeTemporaryDirectory()
        let v = Volume(grid: Self.obliqueGrid, voxels: Self.values(Self.obliqueGrid.voxelCount))
        try NIfTIWriter.write(v, to: dir.appendingPathComponent("a.nii.gz").path)
        try NIfTIWriter.write(v, to: dir.appendingPathComponent("b.nii.gz").path)
        let a = try Data(contentsOf: dir.appendingPathComponent("a.nii.gz"))
        let b = try Data(contentsOf: dir.appendingPathComponent("b.nii.gz"))
        #expect(a == b)
    }

    @Test("NIfTI-2 is written on request and read back")
    func nifti2() throws {
        let path = makeTemporaryDirectory().appendingPathComponent("v2.nii").path
        let v = Volume(grid: Self.obliqueGrid, voxels: Self.values(Self.obliqueGrid.voxelCount))
        try NIfTIWriter.write(v, to: path, version: 2)
        let (header, grid) = try NIfTIReader.header(at: path)
        #expect(header.version == 2)
        #expect(grid.dims == v.grid.dims)
        #expect(try NIfTIReader.readFloat(at: path).voxels == v.voxels)
    }

    @Test("a write into a missing folder fails cleanly and leaves nothing behind")
    func unwritable() throws {
        let dir = makeTemporaryDirectory()
        let path = dir.appendingPathComponent("no/such/folder/x.nii.gz").path
        let v = Volume(grid: Self.obliqueGrid, repeating: Float(1))
        let error = try #require(throws: NIfTIError.self) { try NIfTIWriter.write(v, to: path) }
        #expect(error.kind == .cannotWrite)
        #expect(error.exitCode == 73)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("an output name without .nii or .nii.gz is refused")
    func badExtension() throws {
        let path = makeTemporaryDirectory().appendingPathComponent("x.img").path
        let error = try #require(throws: NIfTIError.self) {
            try NIfTIWriter.write(Volume(grid: Self.obliqueGrid, repeating: Float(0)), to: path)
        }
        #expect(error.kind == .cannotWrite)
    }
}

func expectClose(_ a: Affine, _ b: Affine, _ tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    for r in 0..<4 {
        for c in 0..<4 {
            #expect(abs(a[r, c] - b[r, c]) <= tolerance, "[\(r)][\(c)] \(a[r, c]) vs \(b[r, c])", sourceLocation: sourceLocation)
        }
    }
}
