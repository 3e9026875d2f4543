import Foundation
import TestSupport
import Testing

/// Manifest mistakes a new user makes: each is refused with one line naming the file (or column
/// or label) and the fix, with the README's exit code and nothing written — or, for whitespace
/// around cells, read as meant with one warning.
@Suite struct ManifestMistakesTests {
    /// The trial's `manifest.tsv`.
    static var manifest: String { get throws { try SmallTrial.folder.get() + "/manifest.tsv" } }

    /// The trial's manifest with `edit` applied to its cells (header first), written beside it
    /// as `name`; its path.
    static func variant(_ name: String, _ edit: (inout [[String]]) -> Void) throws -> String {
        let (header, rows) = try SmallTrial.manifest()
        var cells = [header] + rows
        edit(&cells)
        return try SmallTrial.writeManifest(cells[0], Array(cells.dropFirst()), name: name)
    }

    /// Runs `batch` on `manifest` into a fresh output folder; returns the result and the folder.
    static func batch(_ manifest: String, _ extra: [String] = []) throws -> (ProcessResult, String) {
        let out = makeTemporaryDirectory("mistake").path + "/out"
        return (try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--quiet"] + extra, check: false), out)
    }

    @Test("a map column misnamed (MTR_base, mtr-m6, T1_base) is refused naming the column and the expected names; exit 65, nothing written",
          arguments: [("mtr_base", "MTR_base"), ("mtr_m6", "mtr-m6"), ("t1_base", "T1_base")])
    func misnamedMapColumn(right: String, wrong: String) throws {
        let manifest = try Self.variant("misnamed-\(wrong).tsv") { $0[0][$0[0].firstIndex(of: right)!] = wrong }
        let (r, out) = try Self.batch(manifest)
        #expect(r.status == 65)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("lesionmtr: \(manifest): column '\(wrong)' "), "\(r.stderr)")
        #expect(lines.first?.contains("mtr_<ses>") == true && lines.first?.contains("rename it '\(right)'") == true, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("covariate cells with surrounding spaces are read trimmed, with one warning line for the file: one arm level, not two")
    func paddedCovariates() throws {
        let (header, rows) = try SmallTrial.manifest()
        let arm = header.firstIndex(of: "arm")!
        let manifest = try Self.variant("padded.tsv") { cells in
            for n in 1..<cells.count { cells[n][arm] = n % 2 == 0 ? " \(cells[n][arm])" : "\(cells[n][arm]) " }
        }
        let (r, out) = try Self.batch(manifest, ["--participant-label", "sim001", "sim002"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("lesionmtr: warning: \(manifest): ") && lines[0].contains("spaces"), "\(r.stderr)")
        let subjects = try readTSV(out + "/subjects.tsv")
        let column = try #require(subjects[0].firstIndex(of: "arm"))
        #expect(subjects.dropFirst().map { $0[column] } == rows.prefix(2).map { $0[arm] })
    }

    @Test("a comma- or space-separated manifest is refused: it must be tab-separated (names the file); exit 65, nothing written",
          arguments: [(",", "commas"), (" ", "spaces")])
    func notTabSeparated(separator: String, word: String) throws {
        let tabbed = try Self.variant("separated-by-\(word).tsv") { _ in }
        let manifest = tabbed.replacingOccurrences(of: ".tsv", with: ".txt")
        try String(contentsOfFile: tabbed, encoding: .utf8).replacingOccurrences(of: "\t", with: separator)
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let (r, out) = try Self.batch(manifest)
        #expect(r.status == 65)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("lesionmtr: \(manifest): ") && r.stderr.contains(word)
                && r.stderr.contains("tab-separated"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a header cell 'tissue ' is read as 'tissue' with a warning naming it: the tables of the clean manifest")
    func paddedHeaderCell() throws {
        let manifest = try Self.variant("padded-header.tsv") { $0[0][$0[0].firstIndex(of: "tissue")!] = "tissue " }
        let (r, out) = try Self.batch(manifest, ["--participant-label", "sim003"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("warning") && r.stderr.contains("'tissue '"), "\(r.stderr)")
        let (clean, cleanOut) = try Self.batch(try Self.manifest, ["--participant-label", "sim003"])
        #expect(clean.status == 0)
        for table in ["lesions.tsv", "subjects.tsv", "bands.tsv"] {
            let a = FileManager.default.contents(atPath: out + "/" + table)
            #expect(a != nil && a == FileManager.default.contents(atPath: cleanOut + "/" + table), "\(table)")
        }
    }

    @Test("a column named twice: the refusal names it and the file; exit 65, nothing written")
    func columnTwice() throws {
        let manifest = try Self.variant("twice.tsv") { $0[0][$0[0].firstIndex(of: "site")!] = "age" }
        let (r, out) = try Self.batch(manifest)
        #expect(r.status == 65)
        #expect(r.stderr.split(separator: "\n") == ["lesionmtr: \(manifest): column 'age' appears twice in the header; rename or remove one of them"],
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("--participant-label that matches no subject is an error naming it and the subjects there are (exit 64), manifest and --bids")
    func unknownParticipant() throws {
        for input in [[try Self.manifest], ["--bids", try SmallTrial.folder.get()]] {
            let out = makeTemporaryDirectory("unknown-label").path + "/out"
            let r = try runProcess(lesionmtrBinary, ["batch"] + input + ["-o", out, "--participant-label", "sim002", "sim009"], check: false)
            #expect(r.status == 64, "\(input): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("--participant-label sim009 matches no subject")
                    && r.stderr.contains("4 subjects: sim001, sim002"), "\(input): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(input)")
        }
    }

    @Test("--participant-label sub-sim002 is taken as sim002 (a leading sub- dropped, as BIDS apps do), manifest and --bids")
    func subPrefixDropped() throws {
        for input in [[try Self.manifest], ["--bids", try SmallTrial.folder.get()]] {
            let out = makeTemporaryDirectory("sub-label").path
            let r = try runProcess(lesionmtrBinary, ["batch"] + input + ["-o", out, "--quiet", "--participant-label", "sub-sim002"], check: false)
            #expect(r.status == 0, "\(input): \(r.stderr)")
            #expect(try readTSV(out + "/subjects.tsv").dropFirst().map { $0[0] } == ["sim002"], "\(input)")
        }
    }

    @Test("a folder given as the manifest: 'is a folder', exit 66, nothing written")
    func folderAsManifest() throws {
        let folder = try SmallTrial.folder.get()
        let out = makeTemporaryDirectory("folder-manifest").path + "/out"
        let r = try runProcess(lesionmtrBinary, ["batch", folder, "-o", out], check: false)
        #expect(r.status == 66)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("lesionmtr: \(folder): is a folder") && r.stderr.contains("--bids"),
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
