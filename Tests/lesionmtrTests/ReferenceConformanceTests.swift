import Foundation
import TestSupport
import Testing

/// `lesionmtr stats` against the independent Python reference (`scripts/reference/`, written from
/// docs/definitions.md and docs/tables.md): every numeric cell of lesions.tsv, subjects.tsv and bands.tsv within 1e-4
/// relative, counts, ids and classes exactly.
@Suite(.serialized) struct ReferenceConformanceTests {
    /// The cases written by `make_stats_cases.py` (anisotropic + oblique, scaled int16, NIfTI-2,
    /// labelled touching/border lesions, NaN/Inf, empty cores, both units, connectivity 6/26,
    /// MT pairs, empty mask, no CSF, covariates).
    struct Case: Decodable, Sendable, CustomStringConvertible {
        var name: String
        var args: [String]
        var description: String { name }
    }

    static let cases: Result<(folder: String, cases: [Case]), Error> = Result {
        let folder = makeTemporaryDirectory("stats-cases").path
        _ = try Reference.run("make_stats_cases.py", [folder])
        struct File: Decodable { var cases: [Case] }
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/cases.json"))
        return (folder, try JSONDecoder().decode(File.self, from: data).cases)
    }

    /// The case names the reference writes; each must be present and agree.
    static var names: [String] {
        (try? cases.get().cases.map(\.name)) ?? ["cases could not be generated"]
    }

    static let tables = ["lesions.tsv", "subjects.tsv", "bands.tsv"]

    @Test("stats agrees with the Python reference", arguments: names)
    func agrees(name: String) throws {
        let (folder, all) = try Self.cases.get()
        let c = try #require(all.first { $0.name == name })
        let ours = makeTemporaryDirectory("ours-\(name)").path
        let theirs = makeTemporaryDirectory("ref-\(name)").path
        try runProcess(lesionmtrBinary, ["stats"] + c.args + ["-o", ours], currentDirectory: folder)
        try runProcess(Reference.python, [Reference.scriptPath("lesionmtr_reference.py")] + c.args + ["-o", theirs],
                       currentDirectory: folder)
        let voxels = c.args.contains("--voxels")
        #expect(FileManager.default.fileExists(atPath: ours + "/voxels.tsv") == voxels)
        for table in Self.tables + (voxels ? ["voxels.tsv"] : []) {
            let result = try runProcess(
                Reference.python, [Reference.scriptPath("compare_tables.py"), ours + "/" + table, theirs + "/" + table, "--rtol", "1e-4"],
                check: false)
            #expect(result.status == 0, "\(name)/\(table): \(result.stdoutText)")
        }
    }

    @Test("a simulated 1 mm subject agrees with the reference and with the simulator's component counts")
    func simulatedSubject() throws {
        let folder = makeTemporaryDirectory("stats-sim").path
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "1", "--seed", "5", "--quiet", "-o", folder])
        let s = folder + "/sub-sim001"
        let args = ["--lesions", s + "/anat/sub-sim001_label-lesion_mask.nii.gz", "--tissue", s + "/anat/sub-sim001_dseg.nii.gz",
                    "--map", "mtr:base=" + s + "/ses-base/anat/sub-sim001_ses-base_MTRmap.nii.gz",
                    "--map", "mtr:m6=" + s + "/ses-m6/anat/sub-sim001_ses-m6_MTRmap.nii.gz",
                    "--map", "t1:base=" + s + "/ses-base/anat/sub-sim001_ses-base_T1map.nii.gz",
                    "--subject", "sim001", "--covariate", "arm=x"]
        try runProcess(lesionmtrBinary, ["stats"] + args + ["-o", folder + "/ours"])
        try runProcess(Reference.python, [Reference.scriptPath("lesionmtr_reference.py")] + args + ["-o", folder + "/ref"])
        for table in Self.tables {
            let result = try runProcess(
                Reference.python, [Reference.scriptPath("compare_tables.py"), folder + "/ours/" + table, folder + "/ref/" + table],
                check: false)
            #expect(result.status == 0, "\(table): \(result.stdoutText)")
        }
        // Component sizes equal the simulator's own (independent) counts in truth.json.
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/truth.json"))) as! [String: Any]
        let lesions = ((truth["subjects"] as! [[String: Any]])[0]["lesions"]) as! [[String: Any]]
        let rows = try String(contentsOfFile: folder + "/ours/lesions.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 4 * lesions.count)
        for (n, lesion) in lesions.enumerated() {
            let counts = rows[(4 * n)..<(4 * n + 4)].map { Int($0[5])! }
            #expect(counts == ["n_voxels", "n_core", "n_rim", "n_perilesional"].map { lesion[$0] as! Int })
        }
    }
}

/// Reproducibility: the same inputs give byte-identical files whatever
/// the thread count, run after run.
@Suite struct StatsReproducibilityTests {
    @Test("stats output is byte-identical across runs and thread counts")
    func identical() throws {
        let (folder, all) = try ReferenceConformanceTests.cases.get()
        let c = try #require(all.first { $0.name == "oblique_mm" })
        // The same command (same output folder) with 1, 2 and again 2 threads.
        let out = makeTemporaryDirectory("repro").path
        var snapshots: [[String: Data]] = []
        for threads in ["1", "2", "2"] {
            try runProcess(lesionmtrBinary, ["stats"] + c.args + ["--write-masks", "--threads", threads, "-o", out], currentDirectory: folder)
            var files: [String: Data] = [:]
            for file in try FileManager.default.contentsOfDirectory(atPath: out) {
                files[file] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + file))
            }
            snapshots.append(files)
        }
        #expect(snapshots[0].keys.sorted() == ["bands.json", "bands.tsv", "components.nii.gz", "lesion_ids.nii.gz", "lesions.json",
                                               "lesions.tsv", "subjects.json", "subjects.tsv", "voxels.json", "voxels.tsv"])
        for other in snapshots.dropFirst() {
            for (file, data) in snapshots[0] { #expect(other[file] == data, "\(file) differs") }
        }
    }
}
