import Foundation
import NIfTI
import TestSupport
import Testing

/// The NIfTI reader against nibabel on files nibabel itself wrote
/// (`scripts/reference/nifti_fixtures.py`): every datatype, scaling, NIfTI-2, big-endian,
/// `.hdr/.img`, oblique sform, qform-only, no transform.
@Suite struct NibabelConformanceTests {
    /// Every variant the reader must handle; each names a case in the fixtures' expected.json.
    static let cases = [
        "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64",
        "float32_nonfinite", "int16_scaled", "nifti2", "nifti2_gz", "big_endian", "big_endian_float32",
        "hdr_img", "hdr_img_gz", "oblique_sform", "qform_only", "no_transform", "nan_slope", "zero_slope",
        "singleton_4d", "uncompressed", "labels_int16", "labels_float",
    ]

    func expected(_ name: String) throws -> (NiftiFixtures, NiftiDescription) {
        let fixtures = try NiftiFixtures.shared.get()
        let c = try #require(fixtures.cases.first { $0.name == name }, "fixture \(name) missing from expected.json")
        return (fixtures, c)
    }

    @Test("header facts agree with nibabel", arguments: cases)
    func header(name: String) throws {
        let (fixtures, c) = try expected(name)
        let (header, grid) = try NIfTIReader.header(at: fixtures.path(c.file))
        #expect(header.version == c.version)
        #expect(header.datatypeCode == c.datatype)
        #expect([grid.dims.x, grid.dims.y, grid.dims.z] == c.dims)
        for a in 0..<3 { #expect(agrees(grid.spacing[a], c.spacing[a], relative: 1e-7)) }
        // Scaling as stored on disk (null in the JSON is NaN), not as nifticlib repairs it.
        #expect(agrees(header.sclSlope, c.sclSlope?.value ?? .nan, relative: 1e-7))
        #expect(agrees(header.sclInter, c.sclInter?.value ?? .nan, relative: 1e-7))
        #expect(grid.qform.code == c.qformCode)
        #expect(grid.sform.code == c.sformCode)
        // The qform matrix is rebuilt from a float32 quaternion; allow 1e-5 mm.
        for r in 0..<4 {
            for col in 0..<4 {
                #expect(agrees(grid.affine[r, col], c.affine[r][col].value, relative: 0, absolute: 1e-5),
                        "affine[\(r)][\(col)]")
            }
        }
    }

    @Test("scaled Float32 values agree with nibabel's get_fdata within 1e-6", arguments: cases)
    func floatValues(name: String) throws {
        let (fixtures, c) = try expected(name)
        let volume = try NIfTIReader.readFloat(at: fixtures.path(c.file))
        #expect(volume.voxels.count == c.values.count)
        var mismatches = 0
        // Float32 is the working type: a float64 beyond its range becomes ±Inf, a float64
        // subnormal becomes 0, exactly as Float(x) rounds.
        for (v, e) in zip(volume.voxels, c.values) where !agrees(Double(v), Double(Float(e.value)), relative: 1e-6) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }

    @Test("integer-valued images read as exact labels", arguments: cases)
    func labelValues(name: String) throws {
        let (fixtures, c) = try expected(name)
        guard c.integerValued, c.values.allSatisfy({ abs($0.value) < 2_147_483_648 }) else { return }
        let labels = try NIfTIReader.readLabels(at: fixtures.path(c.file))
        #expect(labels.voxels.map(Double.init) == c.values.map(\.value))
    }

    @Test("the MNI template's NaN slope means no scaling and its grid is 197×233×189, 1 mm")
    func mniTemplate() throws {
        let path = Reference.packageRoot.appendingPathComponent("sample-data/anatomy/t1.nii.gz").path
        let volume = try NIfTIReader.readFloat(at: path)
        #expect(volume.grid.dims == SIMD3(197, 233, 189))
        #expect(volume.grid.spacing == SIMD3(1, 1, 1))
        #expect(volume.grid.affine.apply(SIMD3(0, 0, 0)) == SIMD3(-98, -134, -72))
        let mean = volume.voxels.reduce(0.0) { $0 + Double($1) } / Double(volume.voxels.count)
        let nibabelMean = try Double(Reference.evaluate(
            "import sys, nibabel, numpy; print(repr(float(numpy.asarray(nibabel.load(sys.argv[1]).get_fdata()).mean())))", [path])
            .trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(agrees(mean, try #require(nibabelMean), relative: 1e-12))
    }
}
