import Foundation
import NIfTI
import TestSupport
import Testing

/// `lesionmtr batch` and `merge` (README, What a batch folder holds) on a small simulated trial.
@Suite(.serialized) struct BatchCommandTests {
    /// Six simulated subjects on the 2 mm grid, made once.
    static let trial: Result<String, Error> = Result {
        let folder = makeTemporaryDirectory("batch-trial").path
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "6", "--grid", "2mm", "--seed", "21", "--quiet", "-o", folder])
        return folder
    }

    static let tables = ["lesions.tsv", "subjects.tsv", "bands.tsv", "errors.tsv"]

    static func read(_ out: String) throws -> [String: String] {
        var contents: [String: String] = [:]
        for t in tables { contents[t] = try String(contentsOfFile: out + "/" + t, encoding: .utf8) }
        return contents
    }

    @Test("--jobs 1, --jobs 2 and 3 shards + merge give byte-identical tables")
    func identical() throws {
        let manifest = try Self.trial.get() + "/manifest.tsv"
        let one = makeTemporaryDirectory("jobs1").path, two = makeTemporaryDirectory("jobs2").path
        let sharded = makeTemporaryDirectory("shards").path
        try runProcess(lesionmtrBinary, ["batch", manifest, "-o", one, "--jobs", "1", "--quiet"])
        try runProcess(lesionmtrBinary, ["batch", manifest, "-o", two, "--jobs", "2", "--quiet"])
        for k in 0..<3 {
            try runProcess(lesionmtrBinary, ["batch", manifest, "-o", sharded, "--shard", "\(k)/3", "--quiet"])
            #expect(!FileManager.default.fileExists(atPath: sharded + "/lesions.tsv"), "a shard must not merge")
        }
        try runProcess(lesionmtrBinary, ["merge", sharded])
        let reference = try Self.read(one)
        #expect(reference["subjects.tsv"]!.split(separator: "\n").count == 7)
        #expect(reference["errors.tsv"] == "subject\tfile\treason\n")
        #expect(try Self.read(two) == reference)
        #expect(try Self.read(sharded) == reference)
        // Rows follow the manifest order.
        let subjects = reference["subjects.tsv"]!.split(separator: "\n").dropFirst().map { $0.split(separator: "\t")[0] }
        #expect(subjects == ["sim001", "sim002", "sim003", "sim004", "sim005", "sim006"])
    }

    @Test("--bids reads the simulated BIDS folder (covariates from participants.tsv): the manifest's tables")
    func bids() throws {
        let folder = try Self.trial.get()
        let fromManifest = makeTemporaryDirectory("from-manifest").path, fromBIDS = makeTemporaryDirectory("from-bids").path
        try runProcess(lesionmtrBinary, ["batch", folder + "/manifest.tsv", "-o", fromManifest, "--quiet", "--participant-label", "sim002", "sim005"])
        try runProcess(lesionmtrBinary, ["batch", "--bids", folder, "-o", fromBIDS, "--quiet", "--participant-label", "sim002", "sim005"])
        let tables = try Self.read(fromBIDS)
        #expect(tables == (try Self.read(fromManifest)))
        let subjects = tables["subjects.tsv"]!.split(separator: "\n").dropFirst().map { $0.split(separator: "\t")[0] }
        #expect(subjects == ["sim002", "sim005"])
        #expect(tables["subjects.tsv"]!.hasPrefix("subject\tarm\tage\tsex\tedss\tsite\t"))
    }

    @Test("killed with SIGKILL mid-batch, then --resume: no half-written subject, and the same tables")
    func killAndResume() throws {
        let manifest = try Self.trial.get() + "/manifest.tsv"
        let clean = makeTemporaryDirectory("clean").path, killed = makeTemporaryDirectory("killed").path
        try runProcess(lesionmtrBinary, ["batch", manifest, "-o", clean, "--jobs", "1", "--quiet"])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: lesionmtrBinary)
        p.arguments = ["batch", manifest, "-o", killed, "--jobs", "1", "--quiet"]
        try p.run()
        // Kill as soon as the first subject is complete (or after 60 s at most).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, p.isRunning, !FileManager.default.fileExists(atPath: killed + "/subjects/sim001/complete.json") {
            usleep(20_000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        let visible = try FileManager.default.contentsOfDirectory(atPath: killed + "/subjects").filter { !$0.hasPrefix(".") }
        #expect(!visible.isEmpty && visible.count < 6)
        for subject in visible {
            let files = try FileManager.default.contentsOfDirectory(atPath: killed + "/subjects/" + subject)
            #expect(Set(files).isSuperset(of: ["complete.json", "lesions.tsv", "subjects.tsv", "bands.tsv"]), "\(subject) is half-written")
        }
        #expect(!FileManager.default.fileExists(atPath: killed + "/lesions.tsv"))
        let resumed = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", killed, "--jobs", "2", "--resume"])
        #expect(resumed.stderr.contains("\(visible.count) skipped"))
        #expect(try Self.read(killed) == Self.read(clean))
        let hidden = try FileManager.default.contentsOfDirectory(atPath: killed + "/subjects").filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "temporary folders left: \(hidden)")
    }

    @Test("--resume redoes subjects whose parameters changed")
    func resumeWithNewParameters() throws {
        let manifest = try Self.trial.get() + "/manifest.tsv"
        let out = makeTemporaryDirectory("params").path
        try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--quiet"])
        let again = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--resume"])
        #expect(again.stderr.contains("0 analysed, 6 skipped"))
        let changed = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--resume", "--rim-width", "2"])
        #expect(changed.stderr.contains("6 analysed, 0 skipped"))
    }

    @Test("a missing file, a grid mismatch and a hostile id fail alone: errors.tsv, exit 1, the rest complete")
    func badSubjects() throws {
        let folder = try Self.trial.get()
        let lines = try String(contentsOfFile: folder + "/manifest.tsv", encoding: .utf8).split(separator: "\n").map(String.init)
        var rows = lines.dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        // sim002: a missing lesion file; sim003: a tissue image from the 1 mm anatomy; sim004: id ../x.
        rows[1][1] = "sub-sim002/anat/missing.nii.gz"
        let mm1 = makeTemporaryDirectory("grid").path + "/dseg1mm.nii.gz"
        let wm = try NIfTIReader.readLabels(at: Reference.packageRoot.appendingPathComponent("sample-data/anatomy/wm.nii.gz").path)
        try NIfTIWriter.write(wm.map { $0 > 128 ? UInt8(3) : 0 }, to: mm1)
        rows[2][2] = mm1
        rows[3][0] = "../x"
        let manifest = folder + "/bad-manifest.tsv"
        try ([lines[0]] + rows.map { $0.joined(separator: "\t") }).joined(separator: "\n").appending("\n")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let out = makeTemporaryDirectory("bad").path
        let result = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--quiet"], check: false)
        #expect(result.status == 1)
        let errors = try String(contentsOfFile: out + "/errors.tsv", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(errors.count == 4)
        #expect(errors[1].hasPrefix("sim002\t\(folder)/sub-sim002/anat/missing.nii.gz\tno such file"))
        #expect(errors[2].hasPrefix("sim003\t\(mm1)\tnot on the grid of"))
        #expect(errors[3].hasPrefix("../x\t\(manifest)\tsubject id '../x' is not a label"))
        #expect(result.stderr.split(separator: "\n").count == 3)
        let done = try FileManager.default.contentsOfDirectory(atPath: out + "/subjects").filter { !$0.hasPrefix(".") }.sorted()
        #expect(done == ["sim001", "sim005", "sim006"])
        #expect(!FileManager.default.fileExists(atPath: out + "/x") && !FileManager.default.fileExists(atPath: out + "/subjects/../x"))
        let subjects = try String(contentsOfFile: out + "/subjects.tsv", encoding: .utf8).split(separator: "\n")
        #expect(subjects.count == 4)
    }
}
