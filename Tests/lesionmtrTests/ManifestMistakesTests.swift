import Foundation
import TestSupport
import Testing

/// Manifest mistakes a new user makes: each is refused with one line naming the file (or column
/// or label) and the fix, with the README's exit code and nothing written — or, for whitespace
/// around cells, read as meant with one warning.
@Suite struct ManifestMistakesTests {
    static var trial: Result<SimulatedTrial, Error> { SimulatedTrial.shared }

    /// Runs `batch` on `manifest` into a fresh output folder; returns the result and the folder.
    static func batch(_ manifest: String, _ extra: [String] = []) throws -> (ProcessResult, String) {
        let out = makeTemporaryDirectory("mistake").path + "/out"
        return (try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--quiet"] + extra, check: false), out)
    }

    @Test("a map column misnamed (MTR_base, mtr-m6, T1_base) is refused naming the column and the expected names; exit 65, nothing written",
          arguments: [("mtr_base", "MTR_base"), ("mtr_m6", "mtr-m6"), ("t1_base", "T1_base")])
    func misnamedMapColumn(right: String, wrong: String) throws {
        let t = try Self.trial.get()
        var rows = try t.rows()
        rows[0][rows[0].firstIndex(of: right)!] = wrong
        let manifest = try t.write(rows, as: "misnamed-\(wrong).tsv")
        let (r, out) = try Self.batch(manifest)
        #expect(r.status == 65)
        let lines = errorLines(r)
        #expect(lines.count == 1 && lines[0].hasPrefix("lesionmtr: \(manifest): column '\(wrong)' "), "\(r.stderr)")
        #expect(lines.first?.contains("mtr_<ses>") == true && lines.first?.contains("rename it '\(right)'") == true, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("covariate cells with surrounding spaces are read trimmed, with one warning line for the file: one arm level, not two")
    func paddedCovariates() throws {
        let t = try Self.trial.get()
        var rows = try t.rows()
        let arm = rows[0].firstIndex(of: "arm")!
        for n in 1..<rows.count { rows[n][arm] = n % 2 == 0 ? " \(rows[n][arm])" : "\(rows[n][arm]) " }
        let (r, out) = try Self.batch(try t.write(rows, as: "padded.tsv"), ["--participant-label", "sim001", "sim002"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = errorLines(r)
        #expect(lines.count == 1 && lines[0].hasPrefix("lesionmtr: warning: ") && lines[0].contains("spaces"), "\(r.stderr)")
        let subjects = try tableCells(out + "/subjects.tsv")
        let column = try #require(subjects[0].firstIndex(of: "arm"))
        let expected = try t.rows().dropFirst().prefix(2).map { $0[arm] }
        #expect(subjects.dropFirst().map { $0[column] } == expected)
    }

    @Test("a comma- or space-separated manifest is refused: it must be tab-separated (names the file); exit 65, nothing written",
          arguments: [(",", "commas"), (" ", "spaces")])
    func notTabSeparated(separator: String, word: String) throws {
        let t = try Self.trial.get()
        let manifest = try t.write(try t.rows(), as: "separated-by-\(word).txt", separator: separator)
        let (r, out) = try Self.batch(manifest)
        #expect(r.status == 65)
        #expect(errorLines(r).count == 1 && r.stderr.hasPrefix("lesionmtr: \(manifest): ") && r.stderr.contains(word)
                && r.stderr.contains("tab-separated"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a header cell 'tissue ' is read as 'tissue' with a warning naming it: the tables of the clean manifest")
    func paddedHeaderCell() throws {
        let t = try Self.trial.get()
        var rows = try t.rows()
        rows[0][rows[0].firstIndex(of: "tissue")!] = "tissue "
        let (r, out) = try Self.batch(try t.write(rows, as: "padded-header.tsv"), ["--participant-label", "sim003"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(errorLines(r).count == 1 && r.stderr.contains("warning") && r.stderr.contains("'tissue '"), "\(r.stderr)")
        let (clean, cleanOut) = try Self.batch(t.manifest, ["--participant-label", "sim003"])
        #expect(clean.status == 0)
        for table in ["lesions.tsv", "subjects.tsv", "bands.tsv"] {
            let a = FileManager.default.contents(atPath: out + "/" + table)
            #expect(a != nil && a == FileManager.default.contents(atPath: cleanOut + "/" + table), "\(table)")
        }
    }

    @Test("a column named twice: the refusal names it and the file; exit 65, nothing written")
    func columnTwice() throws {
        let t = try Self.trial.get()
        var rows = try t.rows()
        rows[0][rows[0].firstIndex(of: "site")!] = "age"
        let manifest = try t.write(rows, as: "twice.tsv")
        let (r, out) = try Self.batch(manifest)
        #expect(r.status == 65)
        #expect(errorLines(r) == ["lesionmtr: \(manifest): column 'age' appears twice in the header; rename or remove one of them"], "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("--participant-label that matches no subject is an error naming it and the subjects there are (exit 64), manifest and --bids")
    func unknownParticipant() throws {
        let t = try Self.trial.get()
        for input in [[t.manifest], ["--bids", t.folder]] {
            let out = makeTemporaryDirectory("unknown-label").path + "/out"
            let r = try runProcess(lesionmtrBinary, ["batch"] + input + ["-o", out, "--participant-label", "sim002", "sim009"], check: false)
            #expect(r.status == 64, "\(input): \(r.stderr)")
            #expect(errorLines(r).count == 1 && r.stderr.contains("--participant-label sim009 matches no subject")
                    && r.stderr.contains("4 subjects: sim001, sim002"), "\(input): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(input)")
        }
    }

    @Test("--participant-label sub-sim002 is taken as sim002 (a leading sub- dropped, as BIDS apps do), manifest and --bids")
    func subPrefixDropped() throws {
        let t = try Self.trial.get()
        for input in [[t.manifest], ["--bids", t.folder]] {
            let out = makeTemporaryDirectory("sub-label").path
            let r = try runProcess(lesionmtrBinary, ["batch"] + input + ["-o", out, "--quiet", "--participant-label", "sub-sim002"], check: false)
            #expect(r.status == 0, "\(input): \(r.stderr)")
            #expect(try tableCells(out + "/subjects.tsv").dropFirst().map { $0[0] } == ["sim002"], "\(input)")
        }
    }

    @Test("a folder given as the manifest: 'is a folder', exit 66, nothing written")
    func folderAsManifest() throws {
        let t = try Self.trial.get()
        let out = makeTemporaryDirectory("folder-manifest").path + "/out"
        let r = try runProcess(lesionmtrBinary, ["batch", t.folder, "-o", out], check: false)
        #expect(r.status == 66)
        #expect(errorLines(r).count == 1 && r.stderr.hasPrefix("lesionmtr: \(t.folder): is a folder") && r.stderr.contains("--bids"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
