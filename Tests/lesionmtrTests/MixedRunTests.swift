import Foundation
import TestSupport
import Testing

/// Merged tables never mix runs: they hold exactly the subjects of the run recorded in
/// `OUT/batch.json`, analysed with its parameters (which their sidecars record); subjects of other
/// runs or parameters are named, never merged silently; a merge that lacks subjects of the run
/// names them and exits 1; files a run does not produce do not survive beside its tables.
@Suite struct MixedRunTests {
    static func manifest() throws -> String { try SmallTrial.folder.get() + "/manifest.tsv" }

    @discardableResult
    static func batch(_ out: String, _ extra: [String] = [], check: Bool = true) throws -> ProcessResult {
        try runProcess(lesionmtrBinary, ["batch", try manifest(), "-o", out, "--jobs", "2"] + extra, check: check)
    }

    static func subjects(_ out: String) throws -> [String] {
        try readTSV(out + "/subjects.tsv").dropFirst().map { $0[0] }
    }

    /// The parameters recorded in the merged sidecar of `table`.
    static func recordedParameters(_ out: String, _ table: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/\(table).json"))
        let sidecar = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let provenance = try #require(sidecar["Provenance"] as? [String: Any])
        return try #require(provenance["Parameters"] as? [String: Any])
    }

    @Test("--resume --rim-width 1 --participant-label sim001 into a rim-2 folder: merged tables hold sim001 at rim 1 only, the rest named")
    func resumeOneSubjectWithOtherParameters() throws {
        let out = makeTemporaryDirectory("mixed-resume").path
        try Self.batch(out, ["--rim-width", "2", "--quiet"])
        let r = try Self.batch(out, ["--resume", "--rim-width", "1", "--participant-label", "sim001"])
        #expect(r.stderr.contains("1 analysed, 0 skipped, 0 failed of 1"))
        #expect(try Self.subjects(out) == ["sim001"])
        #expect(r.stderr.contains("3 subject folder(s) not part of this run left out of the merged tables (sim002, sim003, sim004)"))
        for table in ["lesions", "subjects", "bands"] {
            let analysis = try #require(try Self.recordedParameters(out, table)["analysis"] as? [String: Any])
            #expect(analysis["rim_width"] as? Double == 1, "\(table).json records rim_width \(analysis["rim_width"] ?? "none")")
        }
        let components = try readTSV(out + "/lesions.tsv")
        let subjectColumn = 0
        #expect(Set(components.dropFirst().map { $0[subjectColumn] }) == ["sim001"])
    }

    @Test("merge after shard 0 of 2 names the missing subjects, lists them in errors.tsv and exits 1")
    func mergeOfPartialShards() throws {
        let out = makeTemporaryDirectory("mixed-shard").path
        try Self.batch(out, ["--shard", "0/2", "--quiet"])
        let r = try runProcess(lesionmtrBinary, ["merge", out], check: false)
        #expect(r.status == 1)
        #expect(r.stderr.contains("2 of 4 subjects are not in the merged tables (sim002, sim004)"))
        let errors = try readTSV(out + "/errors.tsv").dropFirst()
        #expect(errors.map { $0[0] } == ["sim002", "sim004"])
        #expect(errors.allSatisfy { $0[2].contains("not analysed yet") })
        #expect(try Self.subjects(out) == ["sim001", "sim003"])
    }

    @Test("a shard rerun with other parameters: merge leaves the other shard's subjects out, names them, exits 1")
    func shardsWithDifferentParameters() throws {
        let out = makeTemporaryDirectory("mixed-shard-parameters").path
        try Self.batch(out, ["--shard", "0/2", "--quiet"])
        try Self.batch(out, ["--shard", "1/2", "--quiet", "--nawm-gap", "3"])
        let r = try runProcess(lesionmtrBinary, ["merge", out], check: false)
        #expect(r.status == 1)
        #expect(try Self.subjects(out) == ["sim002", "sim004"])
        let errors = try readTSV(out + "/errors.tsv").dropFirst()
        #expect(errors.map { $0[0] } == ["sim001", "sim003"])
        #expect(errors.allSatisfy { $0[2].contains("analysed with other parameters (analysis.nawm_gap 2 vs 3)") })
    }

    @Test("a rerun without --voxels removes the merged voxels.tsv of the run before, and each subject's")
    func noStaleVoxels() throws {
        let out = makeTemporaryDirectory("mixed-voxels").path
        try Self.batch(out, ["--voxels", "--quiet"])
        #expect(FileManager.default.fileExists(atPath: out + "/voxels.tsv"))
        try Self.batch(out, ["--quiet"])
        for file in ["voxels.tsv", "voxels.json", "subjects/sim001/voxels.tsv"] {
            #expect(!FileManager.default.fileExists(atPath: out + "/" + file), "\(file) survived")
        }
        let model = try runProcess(lesionmtrBinary, ["model", "--preset", "voxel", out], check: false)
        #expect(model.status != 0)
    }

    @Test("an old qc/ survives a rerun that leaves the tables as they were, and goes when they change")
    func noStaleReport() throws {
        let out = makeTemporaryDirectory("mixed-qc").path
        try Self.batch(out, ["--qc", "--quiet"])
        #expect(FileManager.default.fileExists(atPath: out + "/qc/index.html"))
        try Self.batch(out, ["--resume", "--quiet"])
        #expect(FileManager.default.fileExists(atPath: out + "/qc/index.html"), "an unchanged rerun removed the report")
        try Self.batch(out, ["--resume", "--rim-width", "2", "--quiet"])
        #expect(!FileManager.default.fileExists(atPath: out + "/qc"), "the report of the old tables survived")
    }

    @Test("stats into a reused folder removes the voxels.tsv and masks of the run before, and keeps the user's own files")
    func statsIntoReusedFolder() throws {
        let (header, rows) = try SmallTrial.manifest()
        let out = makeTemporaryDirectory("mixed-stats").path
        let arguments = try SmallTrial.statsArguments(header, rows[0], output: out)
        try runProcess(lesionmtrBinary, arguments + ["--voxels", "--write-masks"])
        try "mine\n".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        try runProcess(lesionmtrBinary, arguments)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["bands.json", "bands.tsv", "lesions.json", "lesions.tsv", "notes.txt", "subjects.json", "subjects.tsv"])
    }
}
