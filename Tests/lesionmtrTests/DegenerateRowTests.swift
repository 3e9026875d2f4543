import Foundation
import NIfTI
import TestSupport
import Testing

/// No input makes a command crash: a corpus of manifest rows that cannot be analysed (no map at
/// all, no baseline map, a folder as a map, a missing lesion file, an all-NaN map, a short line)
/// beside rows that are odd but valid (no lesion at all, no CSF). Each command (batch, batch
/// --resume, sharded batch + merge, stats on each row, qc, model) finishes with an exit code —
/// never a signal — and a bad row fails alone: its subject in errors.tsv and one line on stderr,
/// the others analysed.
@Suite(.serialized) struct DegenerateRowTests {
    /// The rows that cannot be analysed, with a word their reason must contain.
    static let bad: [(subject: String, reason: String)] = [
        ("nomaps", "no map"), ("nobase", "base"), ("mapfolder", "is a folder"), ("nolesionfile", "no such file"),
        ("nanmap", "no finite value"), ("short", "cells"),
    ]
    /// The valid subjects, odd ones included.
    static let good = ["sim002", "emptymask", "nocsf", "sim003"]

    /// The corpus manifest (bad rows interleaved with good ones) and its header and rows.
    static let corpus: Result<(path: String, header: [String], rows: [[String]]), Error> = Result {
        let (header, rows) = try SmallTrial.manifest()
        let folder = try SmallTrial.folder.get()
        let column = { (name: String) in header.firstIndex(of: name)! }
        let maps = header.indices.filter { ["mtr_base", "mtr_m6", "t1_base"].contains(header[$0]) }
        func variant(_ subject: String, _ change: (inout [String]) throws -> Void) rethrows -> [String] {
            var row = rows[0]
            row[0] = subject
            try change(&row)
            return row
        }
        // Images for the odd rows, on the subject's grid.
        let lesions = try NIfTIReader.readLabels(at: SmallTrial.resolve(rows[0][column("lesions")]))
        try NIfTIWriter.write(lesions.map { _ in UInt8(0) }, to: folder + "/empty-mask.nii.gz")
        let tissue = try NIfTIReader.readLabels(at: SmallTrial.resolve(rows[0][column("tissue")]))
        try NIfTIWriter.write(tissue.map { UInt8($0 == 1 ? 3 : $0) }, to: folder + "/no-csf-dseg.nii.gz")
        let mtr = try NIfTIReader.readFloat(at: SmallTrial.resolve(rows[0][column("mtr_m6")]))
        try NIfTIWriter.write(mtr.map { _ in Float.nan }, to: folder + "/nan-mtr.nii.gz")

        let corpus: [[String]] = [
            variant("nomaps") { r in for c in maps { r[c] = "" } },
            rows[1],
            variant("nobase") { r in r[column("mtr_base")] = ""; r[column("t1_base")] = "" },
            variant("mapfolder") { r in r[column("mtr_base")] = folder },
            variant("emptymask") { r in r[column("lesions")] = folder + "/empty-mask.nii.gz" },
            variant("nolesionfile") { r in r[column("lesions")] = folder + "/no-such-mask.nii.gz" },
            variant("nocsf") { r in r[column("tissue")] = folder + "/no-csf-dseg.nii.gz" },
            variant("nanmap") { r in r[column("mtr_m6")] = folder + "/nan-mtr.nii.gz" },
            Array(variant("short") { _ in }.prefix(4)),
            rows[2],
        ]
        return (try SmallTrial.writeManifest(header, corpus, name: "degenerate.tsv"), header, corpus)
    }

    /// Runs the binary and requires that it exited (no signal); the result.
    static func run(_ arguments: [String]) throws -> ProcessResult {
        let r = try runProcess(lesionmtrBinary, arguments, check: false)
        #expect(r.status < 128, "\(arguments.prefix(2)) died with status \(r.status): \(r.stderr)")
        return r
    }

    /// Checks a batch folder: the good subjects merged in manifest order, each bad one in
    /// errors.tsv with its reason.
    static func checkTables(_ out: String) throws {
        let subjects = try readTSV(out + "/subjects.tsv").dropFirst().map { $0[0] }
        #expect(subjects == good)
        let errors = try readTSV(out + "/errors.tsv").dropFirst()
        #expect(errors.map { $0[0] } == bad.map(\.subject))
        for (row, expected) in zip(errors, bad) {
            #expect(row[2].contains(expected.reason), "\(expected.subject): \(row[2])")
        }
    }

    /// The corpus analysed once by `batch --jobs 2 --quiet`: the output folder and the result.
    static let analysed: Result<(out: String, result: ProcessResult), Error> = Result {
        let out = makeTemporaryDirectory("degenerate").path
        return (out, try run(["batch", try corpus.get().path, "-o", out, "--jobs", "2", "--quiet"]))
    }

    /// A copy of the analysed batch folder, for a test that changes it.
    static func copyOfAnalysed() throws -> String {
        let copy = makeTemporaryDirectory("degenerate-copy").path + "/out"
        try FileManager.default.copyItem(atPath: try analysed.get().out, toPath: copy)
        return copy
    }

    @Test("batch: every bad row fails alone (one stderr line each, errors.tsv), the odd valid rows are analysed, exit 1")
    func batch() throws {
        let (out, r) = try Self.analysed.get()
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        for (subject, _) in Self.bad {
            #expect(lines.filter { $0.hasPrefix("lesionmtr: \(subject): ") }.count == 1, "\(subject) in \(r.stderr)")
        }
        try Self.checkTables(out)
        // The empty mask gives a subject row with no lesion; the segmentation without CSF, n/a distances.
        let lesions = try readTSV(out + "/lesions.tsv")
        #expect(!lesions.dropFirst().contains { $0[0] == "emptymask" })
        let distance = lesions[0].firstIndex(of: "dist_csf_mean_mm")!
        #expect(lesions.dropFirst().filter { $0[0] == "nocsf" }.allSatisfy { $0[distance] == "n/a" })
    }

    @Test("batch --resume goes on past the bad rows: the good subjects skipped, the bad ones fail again, exit 1")
    func resume() throws {
        let out = try Self.copyOfAnalysed()
        let again = try Self.run(["batch", try Self.corpus.get().path, "-o", out, "--jobs", "2", "--resume"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("0 analysed, \(Self.good.count) skipped, \(Self.bad.count) failed of \(Self.good.count + Self.bad.count)"))
        try Self.checkTables(out)
    }

    @Test("two shards and merge: each shard exits 1 with its own bad rows, merge gives the same tables, exit 1")
    func shards() throws {
        let manifest = try Self.corpus.get().path
        let out = makeTemporaryDirectory("degenerate-shards").path
        for k in 0..<2 {
            #expect(try Self.run(["batch", manifest, "-o", out, "--shard", "\(k)/2", "--quiet"]).status == 1)
        }
        #expect(try Self.run(["merge", out]).status == 1)
        try Self.checkTables(out)
    }

    @Test("stats on each row: the bad ones exit 64, 65 or 66 with one line, the valid ones exit 0")
    func stats() throws {
        let (_, header, rows) = try Self.corpus.get()
        for row in rows where row.count == header.count {
            let out = makeTemporaryDirectory("degenerate-stats").path
            // The batch's baseline is the manifest's first session.
            let r = try Self.run(try SmallTrial.statsArguments(header, row, output: out) + ["--baseline", "base"])
            if Self.good.contains(row[0]) {
                #expect(r.status == 0, "\(row[0]): \(r.stderr)")
            } else {
                #expect([64, 65, 66].contains(r.status), "\(row[0]): exit \(r.status)")
                let errors = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("lesionmtr: warning:") }
                #expect(!errors.isEmpty && (errors[0].hasPrefix("lesionmtr: ") || errors[0].hasPrefix("Error: ")), "\(row[0]): \(r.stderr)")
                #expect(!FileManager.default.fileExists(atPath: out + "/lesions.tsv"), "\(row[0]) wrote tables")
            }
        }
    }

    @Test("qc, model and merge on the batch folder run to an exit code; qc makes a page per analysed subject")
    func laterCommands() throws {
        let out = try Self.copyOfAnalysed()
        let qc = try Self.run(["qc", out, "--quiet"])
        #expect(qc.status == 0, "\(qc.stderr)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: out + "/qc/subjects").sorted()
        #expect(pages == Self.good.map { $0 + ".html" }.sorted())
        // Four subjects, one without lesions: a model may be refused (too few rows), in one line.
        for preset in ["primary", "lesion", "component"] {
            let r = try Self.run(["model", "--preset", preset, out])
            #expect(r.status == 0 || (r.status == 65 && r.stderr.hasPrefix("lesionmtr: ") && r.stderr.split(separator: "\n").count == 1),
                    "\(preset): \(r.status) \(r.stderr)")
        }
        #expect(try Self.run(["merge", out]).status == 1)
    }
}
