import Foundation
import LesionMTR
import TestSupport
import Testing

/// Manifest text as spreadsheets and editors write it, and the mistakes people make in it.
@Suite struct ManifestTests {
    static let lf = "subject\tlesions\ttissue\tmtr_base\tarm\nsA\tl.nii.gz\tt.nii.gz\tm.nii.gz\tplacebo\nsB\t/abs/l.nii.gz\tt.nii.gz\tm.nii.gz\ttreated\n"

    func inputs(_ m: Manifest) -> [SubjectInputs] {
        m.entries.compactMap { if case .subject(let s) = $0 { s } else { nil } }
    }

    @Test("CRLF line ends read as LF (\"\\r\\n\" is one Character in Swift); relative paths join the manifest's folder")
    func crlf() throws {
        let a = try Manifest.parse(Self.lf, folder: "/data")
        let b = try Manifest.parse(Self.lf.replacingOccurrences(of: "\n", with: "\r\n"), folder: "/data")
        #expect(inputs(a).count == 2)
        #expect(inputs(a) == inputs(b))
        #expect(inputs(a)[0].lesions == "/data/l.nii.gz" && inputs(a)[1].lesions == "/abs/l.nii.gz")
        #expect(inputs(b)[1].covariates == [Covariate(name: "arm", value: "treated")])
    }

    @Test("bad UTF-8 is refused with its line number")
    func badUTF8() throws {
        let path = makeTemporaryDirectory("manifest").appendingPathComponent("m.tsv").path
        var bytes = Array(Self.lf.utf8)
        bytes[bytes.lastIndex(of: UInt8(ascii: "t"))!] = 0xE9
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: Manifest.Failure.self) { try Manifest.read(path) }
        #expect(error.description == "\(path): line 3 is not valid UTF-8 (save the manifest as UTF-8)")
    }

    /// `lf` with `edit` applied to its cells (header first).
    static func edited(_ edit: (inout [[String]]) -> Void) -> String {
        var rows = lf.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        edit(&rows)
        return rows.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
    }

    @Test("covariate cells are read without surrounding spaces, with one warning naming the file, the column and a cell")
    func paddedCovariates() throws {
        let m = try Manifest.parse(Self.edited { $0[1][4] = " placebo"; $0[2][4] = "treated " }, folder: "/data", path: "m.tsv")
        #expect(inputs(m).map { $0.covariates[0].value } == ["placebo", "treated"])
        #expect(m.warnings == ["m.tsv: covariate cells read without surrounding spaces (e.g. arm ' placebo' on line 2)"])
        #expect(try Manifest.parse(Self.lf, folder: "/data").warnings.isEmpty)
    }

    @Test("a header cell with surrounding spaces is read trimmed, with one warning naming it")
    func paddedHeader() throws {
        let m = try Manifest.parse(Self.edited { $0[0][2] = "tissue " }, folder: "/data", path: "m.tsv")
        #expect(inputs(m) == inputs(try Manifest.parse(Self.lf, folder: "/data")))
        #expect(m.warnings == ["m.tsv: header cell 'tissue ' read without the surrounding spaces"])
    }

    @Test("a manifest without tabs but with commas, semicolons or spaces is refused: it must be tab-separated",
          arguments: [(",", "commas"), (";", "semicolons"), (" ", "spaces")])
    func notTabSeparated(separator: String, word: String) throws {
        let text = Self.lf.replacingOccurrences(of: "\t", with: separator)
        let error = try #require(throws: Manifest.Failure.self) { try Manifest.parse(text, folder: "/data", path: "m.csv") }
        #expect(error.description == "m.csv: the header has no tab but \(word): a manifest must be tab-separated; save it as tab-separated text (TSV)")
        #expect(error.exitCode == 65)
    }

    @Test("a column named twice is named in the refusal")
    func columnTwice() throws {
        let error = try #require(throws: Manifest.Failure.self) {
            try Manifest.parse(Self.edited { $0[0][3] = "arm"; $0[0][4] = "arm"; $0[0].append("mtr_base"); $0[1].append("x"); $0[2].append("x") },
                               folder: "/data", path: "m.tsv")
        }
        #expect(error.description == "m.tsv: column 'arm' appears twice in the header; rename or remove one of them")
    }

    @Test("a missing required column: named, with the fix (and the case when only the case differs)")
    func missingColumn() throws {
        let typo = try #require(throws: Manifest.Failure.self) { try Manifest.parse(Self.edited { $0[0][2] = "tisue" }, folder: "/d", path: "m.tsv") }
        #expect(typo.description == "m.tsv: missing required column 'tissue'; the header must name subject, lesions and tissue")
        let upper = try #require(throws: Manifest.Failure.self) { try Manifest.parse(Self.edited { $0[0][0] = "Subject" }, folder: "/d", path: "m.tsv") }
        #expect(upper.description == "m.tsv: missing required column 'subject' (column names are lower case: rename 'Subject' to 'subject')")
    }

    @Test("a covariate column of existing NIfTI files is refused as a misnamed map column, naming it and the expected names",
          arguments: [("MTR_base", "mtr_base", "a.nii.gz"), ("mtr-m6", "mtr_m6", "a.nii"), ("T1_base", "t1_base", "a.hdr")])
    func misnamedMapColumn(column: String, suggestion: String, file: String) throws {
        let folder = makeTemporaryDirectory("misnamed").path
        _ = FileManager.default.createFile(atPath: folder + "/" + file, contents: Data())
        let text = Self.edited { rows in
            rows[0].append(column)
            rows[1].append(file)
            rows[2].append("")
        }
        let error = try #require(throws: Manifest.Failure.self) { try Manifest.parse(text, folder: folder, path: "m.tsv") }
        #expect(error.description.hasPrefix("m.tsv: column '\(column)' holds NIfTI files but is not a map column (expected names: mtr_<ses>, t1_<ses>, mton_<ses> + mtoff_<ses>"))
        #expect(error.description.hasSuffix("lesions, tissue, csf); rename it '\(suggestion)'"))
        #expect(error.exitCode == 65)
        // The same column naming files that do not exist is an ordinary covariate.
        #expect(inputs(try Manifest.parse(text, folder: folder + "/elsewhere", path: "m.tsv")).count == 2)
    }

    @Test("--participant-label: a leading sub- is dropped; a label matching no row is a usage error naming it and a few subjects")
    func selecting() throws {
        let m = try Manifest.parse(Self.lf, folder: "/data")
        #expect(try m.selecting(participants: ["sub-sB"], source: "m.tsv").entries.map(\.subject) == ["sB"])
        #expect(try m.selecting(participants: [], source: "m.tsv").entries.count == 2)
        let error = try #require(throws: Manifest.Failure.self) { try m.selecting(participants: ["sA", "sC"], source: "m.tsv") }
        #expect(error.description == "m.tsv: --participant-label sC matches no subject (2 subjects: sA, sB); check the label")
        #expect(error.exitCode == 64)
    }

    @Test("a folder given as the manifest is 'is a folder' (exit 66), a missing one 'no such file' (66)")
    func folderAsManifest() throws {
        let folder = makeTemporaryDirectory("manifest-folder").path
        let error = try #require(throws: Manifest.Failure.self) { try Manifest.read(folder) }
        #expect(error.description.hasPrefix("\(folder): is a folder") && error.exitCode == 66)
        let missing = try #require(throws: Manifest.Failure.self) { try Manifest.read(folder + "/none.tsv") }
        #expect(missing.description == "\(folder)/none.tsv: no such file" && missing.exitCode == 66)
    }
}

/// The baseline session, decided once (`BaselineChoice.decide`) from the order of the sessions,
/// their names and their dates.
@Suite struct BaselineChoiceTests {
    @Test("the first session is the baseline when names and dates agree; printed with how it was chosen")
    func firstSession() throws {
        let c = try #require(try BaselineChoice.decide(sessions: ["base", "m6", "m12"], given: nil, order: .manifestHeader, source: "m.tsv"))
        #expect(c.session == "base" && !c.given)
        #expect(c.description == "base (first in the manifest header; --baseline to choose)")
        #expect(try BaselineChoice.decide(sessions: ["v1", "v2"], given: nil, order: .mapOptions, source: "--map")?.session == "v1")
        #expect(try BaselineChoice.decide(sessions: [], given: nil, order: .mapOptions, source: "--map") == nil)
    }

    @Test("a session named like a baseline (any case) that is not first is refused asking for --baseline",
          arguments: ["base", "Baseline", "BL", "m0", "pre", "Screening", "0"])
    func baselineNameNotFirst(name: String) throws {
        let error = try #require(throws: BaselineChoice.Refusal.self) {
            try BaselineChoice.decide(sessions: ["m6", name], given: nil, order: .manifestHeader, source: "m.tsv")
        }
        #expect(error.description == "m.tsv: session '\(name)' is named like a baseline but 'm6' is first in the manifest header "
                + "(sessions in order: m6, \(name)); give --baseline \(name) (or --baseline m6 if that is the baseline)")
        #expect(error.exitCode == 64)
    }

    @Test("--baseline is taken whatever the names and dates; one that matches no session is refused listing the sessions")
    func given() throws {
        let dates = [BaselineChoice.Dates(file: "s.tsv", acquired: ["m6": "2020-01-01", "base": "2020-06-01"])]
        let c = try BaselineChoice.decide(sessions: ["m6", "base"], given: "m6", order: .manifestHeader, source: "m.tsv", dates: dates)
        #expect(c?.session == "m6" && c?.description == "m6 (--baseline)")
        let error = try #require(throws: BaselineChoice.Refusal.self) {
            try BaselineChoice.decide(sessions: ["base", "m6"], given: "bl", order: .manifestHeader, source: "m.tsv")
        }
        #expect(error.description == "m.tsv: --baseline bl matches no session (sessions in order: base, m6); give one of them")
    }

    @Test("a sessions.tsv dating another session before the first is refused naming that file; missing dates are no evidence")
    func dates() throws {
        let early = BaselineChoice.Dates(file: "sub-a/sub-a_sessions.tsv", acquired: ["v1": "2021-03-02T10:00:00", "v2": "2021-03-01T09:00:00"])
        let error = try #require(throws: BaselineChoice.Refusal.self) {
            try BaselineChoice.decide(sessions: ["v1", "v2"], given: nil, order: .sortedSessionFolders, source: "bids", dates: [early])
        }
        #expect(error.description == "sub-a/sub-a_sessions.tsv: ses-v2 was acquired (2021-03-01T09:00:00) before ses-v1 (2021-03-02T10:00:00), "
                + "which is first of the sorted ses- folders (sessions in order: v1, v2); give --baseline v2 (or --baseline v1 to keep it)")
        let agreeing = BaselineChoice.Dates(file: "s.tsv", acquired: ["v1": "2021-03-01", "v2": "2021-09-01"])
        let partial = BaselineChoice.Dates(file: "t.tsv", acquired: ["v2": "2000-01-01"])
        #expect(try BaselineChoice.decide(sessions: ["v1", "v2"], given: nil, order: .sortedSessionFolders, source: "bids",
                                          dates: [agreeing, partial])?.session == "v1")
    }
}
