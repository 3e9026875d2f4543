import Foundation
import TestSupport
import Testing

/// The baseline session is never guessed against the evidence, in `batch` (manifest and
/// `--bids`) and `stats`: a baseline-named session that is not first, or sessions.tsv dates
/// that contradict the first session, are refused with one line asking for `--baseline`; the
/// baseline in use is printed once and recorded in every sidecar.
@Suite struct BaselineCommandTests {
    /// `manifest.tsv` with the `mtr_m6` column (and its cells) moved before `mtr_base`.
    static func swappedManifest() throws -> String {
        let (header, rows) = try SmallTrial.manifest()
        let base = header.firstIndex(of: "mtr_base")!, m6 = header.firstIndex(of: "mtr_m6")!
        func swapped(_ cells: [String]) -> [String] { var c = cells; c.swapAt(base, m6); return c }
        return try SmallTrial.writeManifest(swapped(header), rows.map(swapped), name: "baseline-swapped.tsv")
    }

    /// A copy of the trial's BIDS folders (`sub-*`, `participants.tsv`), to change without
    /// touching the shared trial.
    static func copyBIDS(_ label: String) throws -> String {
        let trial = try SmallTrial.folder.get(), target = makeTemporaryDirectory(label).path
        for item in try FileManager.default.contentsOfDirectory(atPath: trial) where item.hasPrefix("sub-") || item == "participants.tsv" {
            try FileManager.default.copyItem(atPath: trial + "/" + item, toPath: target + "/" + item)
        }
        return target
    }

    /// The `Provenance.Parameters.baseline` of the sidecar at `path`.
    static func recordedBaseline(_ path: String) throws -> String? {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let provenance = object?["Provenance"] as? [String: Any]
        return (provenance?["Parameters"] as? [String: Any])?["baseline"] as? String
    }

    @Test("a manifest with mtr_m6 before mtr_base is refused: one line naming the file and asking for --baseline, exit 64, nothing written")
    func followUpFirstInHeader() throws {
        let manifest = try Self.swappedManifest()
        let out = makeTemporaryDirectory("swapped").path + "/out"
        let r = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--quiet"], check: false)
        #expect(r.status == 64, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("lesionmtr: \(manifest): ") == true && lines.first?.contains("--baseline base") == true
                && lines.first?.contains("m6, base") == true, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "no output folder for a refused batch")
    }

    @Test("with --baseline base, the manifest with mtr_m6 first gives the same tables as the manifest in order (no sign flip)")
    func followUpFirstWithBaseline() throws {
        let manifest = try SmallTrial.folder.get() + "/manifest.tsv"
        let swapped = makeTemporaryDirectory("swapped-ok").path, ordered = makeTemporaryDirectory("ordered").path
        try runProcess(lesionmtrBinary, ["batch", try Self.swappedManifest(), "-o", swapped, "--quiet", "--baseline", "base",
                                         "--participant-label", "sim001", "sim002"])
        try runProcess(lesionmtrBinary, ["batch", manifest, "-o", ordered, "--quiet", "--participant-label", "sim001", "sim002"])
        for table in ["lesions.tsv", "subjects.tsv", "bands.tsv"] {
            let a = FileManager.default.contents(atPath: swapped + "/" + table)
            #expect(a != nil && a == FileManager.default.contents(atPath: ordered + "/" + table), "\(table)")
        }
        let header = try readTSV(swapped + "/lesions.tsv")[0]
        #expect(header.contains("delta_mtr_m6_mean") && !header.contains("delta_mtr_base_mean"))
    }

    @Test("--baseline that matches no session: one usage line (exit 64) listing the sessions, not a line per subject")
    func unknownBaseline() throws {
        let manifest = try SmallTrial.folder.get() + "/manifest.tsv"
        let out = makeTemporaryDirectory("bl").path + "/out"
        let r = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--baseline", "bl"], check: false)
        #expect(r.status == 64)
        #expect(r.stderr.split(separator: "\n") == ["lesionmtr: \(manifest): --baseline bl matches no session (sessions in order: base, m6); give one of them"],
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("batch prints the baseline once and records it in the sidecars of every table of every subject")
    func printedAndRecorded() throws {
        let manifest = try SmallTrial.folder.get() + "/manifest.tsv"
        let out = makeTemporaryDirectory("printed").path
        let r = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--participant-label", "sim001", "sim003"])
        let said = r.stderr.split(separator: "\n").filter { $0.contains("baseline") }
        #expect(said == ["batch: baseline session base (first in the manifest header; --baseline to choose)"], "\(r.stderr)")
        for subject in ["sim001", "sim003"] {
            for sidecar in ["lesions.json", "subjects.json", "bands.json"] {
                #expect(try Self.recordedBaseline(out + "/subjects/\(subject)/\(sidecar)") == "base", "\(subject)/\(sidecar)")
            }
        }
        let quiet = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", makeTemporaryDirectory("quiet").path, "--quiet",
                                                     "--participant-label", "sim001"])
        #expect(quiet.stderr.isEmpty, "--quiet: \(quiet.stderr)")
    }

    /// `stats` arguments for sim001 with the maps in `sessions` order.
    static func statsArguments(_ sessions: [String], out: String) throws -> [String] {
        let s = try SmallTrial.folder.get() + "/sub-sim001"
        return ["stats", "--lesions", s + "/anat/sub-sim001_label-lesion_mask.nii.gz", "--tissue", s + "/anat/sub-sim001_dseg.nii.gz",
                "--subject", "sim001", "-o", out]
            + sessions.flatMap { ["--map", "mtr:\($0)=\(s)/ses-\($0)/anat/sub-sim001_ses-\($0)_MTRmap.nii.gz"] }
    }

    @Test("stats --map mtr:m6 before --map mtr:base is refused: one line asking for --baseline, exit 64, nothing written")
    func statsFollowUpFirst() throws {
        let out = makeTemporaryDirectory("stats-swapped").path + "/out"
        let r = try runProcess(lesionmtrBinary, try Self.statsArguments(["m6", "base"], out: out), check: false)
        #expect(r.status == 64)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("lesionmtr: --map: ") && r.stderr.contains("--baseline base"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("stats prints the baseline and records it in every sidecar; with --baseline base the maps in either order give the same tables")
    func statsPrintedAndRecorded() throws {
        let ordered = makeTemporaryDirectory("stats-ordered").path, swapped = makeTemporaryDirectory("stats-given").path
        let r = try runProcess(lesionmtrBinary, try Self.statsArguments(["base", "m6"], out: ordered))
        #expect(r.stderr.split(separator: "\n") == ["stats: baseline session base (first in the --map options; --baseline to choose)"], "\(r.stderr)")
        for sidecar in ["lesions.json", "subjects.json", "bands.json"] {
            #expect(try Self.recordedBaseline(ordered + "/" + sidecar) == "base", "\(sidecar)")
        }
        let g = try runProcess(lesionmtrBinary, try Self.statsArguments(["m6", "base"], out: swapped) + ["--baseline", "base"])
        #expect(g.stderr.split(separator: "\n") == ["stats: baseline session base (--baseline)"], "\(g.stderr)")
        for table in ["lesions.tsv", "subjects.tsv", "bands.tsv"] {
            let a = FileManager.default.contents(atPath: ordered + "/" + table)
            #expect(a != nil && a == FileManager.default.contents(atPath: swapped + "/" + table), "\(table)")
        }
    }

    @Test("--bids: a sessions.tsv dating ses-m6 before ses-base is refused naming that file (exit 64); dates that agree are taken")
    func bidsDates() throws {
        let bids = try Self.copyBIDS("bids-dates")
        let sessions = bids + "/sub-sim002/sub-sim002_sessions.tsv"
        try "session_id\tacq_time\nses-base\t2021-06-01T09:00:00\nses-m6\t2021-01-04T09:00:00\n"
            .write(toFile: sessions, atomically: true, encoding: .utf8)
        let out = makeTemporaryDirectory("bids-dates").path + "/out"
        let r = try runProcess(lesionmtrBinary, ["batch", "--bids", bids, "-o", out, "--quiet", "--participant-label", "sim002"], check: false)
        #expect(r.status == 64)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("lesionmtr: \(sessions): ") && r.stderr.contains("--baseline m6"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))

        try "session_id\tacq_time\nses-base\t2021-01-04T09:00:00\nses-m6\t2021-06-01T09:00:00\n"
            .write(toFile: sessions, atomically: true, encoding: .utf8)
        let ok = try runProcess(lesionmtrBinary, ["batch", "--bids", bids, "-o", out, "--participant-label", "sim002"], check: false)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr.contains("batch: baseline session base (first of the sorted ses- folders; --baseline to choose)"), "\(ok.stderr)")
    }

    @Test("--bids: ses-pre sorting after ses-m6 is refused asking for --baseline pre; with it, the tables of the original folder")
    func bidsBaselineNamedNotFirst() throws {
        let bids = try Self.copyBIDS("bids-pre")
        for subject in ["sim001", "sim002", "sim003", "sim004"] {
            try FileManager.default.moveItem(atPath: bids + "/sub-\(subject)/ses-base", toPath: bids + "/sub-\(subject)/ses-pre")
        }
        let out = makeTemporaryDirectory("bids-pre").path
        let r = try runProcess(lesionmtrBinary, ["batch", "--bids", bids, "-o", out + "/refused", "--quiet"], check: false)
        #expect(r.status == 64)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("lesionmtr: \(bids): ") && r.stderr.contains("--baseline pre")
                && r.stderr.contains("m6, pre"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/refused"))
        try runProcess(lesionmtrBinary, ["batch", "--bids", bids, "-o", out + "/given", "--quiet", "--baseline", "pre", "--participant-label", "sim004"])
        try runProcess(lesionmtrBinary, ["batch", "--bids", try SmallTrial.folder.get(), "-o", out + "/original", "--quiet", "--participant-label", "sim004"])
        let given = try readTSV(out + "/given/lesions.tsv"), original = try readTSV(out + "/original/lesions.tsv")
        #expect(given.map { $0.map { $0.replacingOccurrences(of: "pre", with: "base") } } == original)
    }
}
