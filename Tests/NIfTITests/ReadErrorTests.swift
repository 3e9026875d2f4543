import Foundation
import NIfTI
import TestSupport
import Testing

/// Files the reader must refuse: each gives a typed error whose message names the file and the
/// reason, and never a crash.
@Suite struct ReadErrorTests {
    /// Fixture name → the kind of error it must raise and a word the reason must contain.
    static let cases: [(name: String, kind: NIfTIError.Kind, word: String)] = [
        ("complex64", .unsupportedDatatype, "complex64"),
        ("rgb24", .unsupportedDatatype, "RGB24"),
        ("four_d", .multipleVolumes, "3 volumes"),
        ("truncated_nii", .truncated, "needs"),
        ("truncated_gz", .truncated, "gzip"),
        ("bad_magic", .notNIfTI, "not a NIfTI"),
        ("garbage", .notNIfTI, "not a NIfTI"),
        ("empty_file", .notNIfTI, "empty"),
        ("zero_dim", .impossibleDims, "dim[2] = 0"),
        ("huge_dims", .impossibleDims, "2^31"),
        ("negative_dim", .impossibleDims, "dim[1] = -5"),
    ]

    @Test("a bad file gives one clear error naming it", arguments: cases.map(\.name))
    func refused(name: String) throws {
        let spec = try #require(Self.cases.first { $0.name == name })
        let fixtures = try NiftiFixtures.shared.get()
        let fixture = try #require(fixtures.errors.first { $0.name == name })
        let path = fixtures.path(fixture.file)
        for read in [{ _ = try NIfTIReader.readFloat(at: path) }, { _ = try NIfTIReader.readLabels(at: path) }] {
            let error = try #require(throws: NIfTIError.self) { try read() }
            #expect(error.kind == spec.kind)
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.reason.contains(spec.word), "reason was: \(error.reason)")
            #expect(!error.description.contains("\n"))
            #expect(error.exitCode == 65)
        }
    }

    @Test("a missing file is reported as missing, exit code 66")
    func missing() throws {
        let path = makeTemporaryDirectory().appendingPathComponent("absent.nii.gz").path
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readFloat(at: path) }
        #expect(error.kind == .missing)
        #expect(error.description == "\(path): no such file")
        #expect(error.exitCode == 66)
    }

    @Test("a folder in place of a file is unreadable, exit code 66")
    func folder() throws {
        let dir = makeTemporaryDirectory().appendingPathComponent("scan.nii")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readFloat(at: dir.path) }
        #expect(error.kind == .unreadable || error.kind == .notNIfTI)
        #expect(error.description.hasPrefix(dir.path + ": "))
        #expect(error.exitCode == 66 || error.exitCode == 65)
    }

    @Test("a .hdr whose .img is missing names the .img")
    func missingImageHalf() throws {
        let fixtures = try NiftiFixtures.shared.get()
        let dir = makeTemporaryDirectory()
        try FileManager.default.copyItem(atPath: fixtures.path("pair.hdr"), toPath: dir.appendingPathComponent("pair.hdr").path)
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readFloat(at: dir.appendingPathComponent("pair.hdr").path) }
        #expect(error.kind == .missing)
        #expect(error.path.hasSuffix("pair.img"))
    }

    @Test("label values outside Int32 are refused, not wrapped")
    func labelOverflow() throws {
        let fixtures = try NiftiFixtures.shared.get()
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readLabels(at: fixtures.path("uint32.nii.gz")) }
        #expect(error.kind == .badLabels)
        #expect(error.reason.contains("32 bits"))
    }

    @Test("NaN in a label image is refused")
    func labelNaN() throws {
        let fixtures = try NiftiFixtures.shared.get()
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readLabels(at: fixtures.path("float32_nonfinite.nii.gz")) }
        #expect(error.kind == .badLabels)
    }
}

/// Hardening behaviours: label images that are not labels, and the
/// exit code of a write that fails after the file was created.
@Suite struct HardeningReadTests {
    func write(_ values: [Float]) throws -> String {
        let path = makeTemporaryDirectory("labels").appendingPathComponent("v.nii.gz").path
        let grid = Grid(dims: SIMD3(values.count, 1, 1), affine: .scaling(SIMD3(1, 1, 1)))
        try NIfTIWriter.write(Volume(grid: grid, voxels: values), to: path)
        return path
    }

    @Test("a probability map read as labels is refused, naming the value; float noise is rounded")
    func nonIntegerLabels() throws {
        let bad = try write([0, 1, 0.37, 2])
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readLabels(at: bad) }
        #expect(error.kind == .badLabels)
        #expect(error.reason.contains("0.37") && error.reason.contains("(2, 0, 0)"), "\(error.reason)")
        #expect(try NIfTIReader.readLabels(at: write([0, 2.9999998, 1.0000001, 4])).voxels == [0, 3, 1, 4])
    }

    @Test("a write that fails after creating the file exits 74 (I/O error); one that cannot create it 73")
    func writeExitCodes() {
        #expect(NIfTIError(.writeFailed, path: "x", reason: "write failed: No space left on device").exitCode == 74)
        #expect(NIfTIError(.cannotWrite, path: "x", reason: "cannot create: Permission denied").exitCode == 73)
    }

    @Test("a FIFO is refused at once as not a regular file (a reader must not block on it)")
    func fifo() throws {
        let path = makeTemporaryDirectory("fifo").appendingPathComponent("p.nii").path
        #expect(mkfifo(path, 0o600) == 0)
        let error = try #require(throws: NIfTIError.self) { try NIfTIReader.readFloat(at: path) }
        #expect(error.kind == .unreadable && error.exitCode == 66)
    }
}
