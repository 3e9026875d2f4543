import Foundation
import TestSupport
import Testing

/// A batch with one bad subject in every ten completes the good ones with
/// results byte-identical to a clean batch of only the good ones (README: one subject's bad
/// input fails that subject only).
@Suite struct BadSubjectBatchTests {
    @Test("one bad subject in ten: the good ones byte-identical to a clean batch of them, exit 1, errors.tsv")
    func oneBadInTen() throws {
        let trial = makeTemporaryDirectory("one-in-ten").path
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "10", "--grid", "2mm", "--seed", "9", "--quiet", "-o", trial])
        let lines = try String(contentsOfFile: trial + "/manifest.tsv", encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        var rows = lines.dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 10)
        let column = { (name: String) in header.firstIndex(of: name)! }
        let resolve = { (p: String) in p.hasPrefix("/") ? p : trial + "/" + p }

        // Row 4 (one subject in ten): its baseline MTR map cut short.
        let truncated = trial + "/bad-mtr.nii.gz"
        let mtr = try Data(contentsOf: URL(fileURLWithPath: resolve(rows[4][column("mtr_base")])))
        try mtr.prefix(mtr.count / 2).write(to: URL(fileURLWithPath: truncated))
        let good = rows.indices.filter { $0 != 4 }.map { rows[$0] }
        rows[4][column("mtr_base")] = truncated

        func write(_ rows: [[String]], _ name: String) throws -> String {
            let path = trial + "/" + name
            try (([lines[0]] + rows.map { $0.joined(separator: "\t") }).joined(separator: "\n") + "\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let mixed = makeTemporaryDirectory("mixed").path, clean = makeTemporaryDirectory("clean").path
        let r = try runProcess(lesionmtrBinary, ["batch", try write(rows, "mixed.tsv"), "-o", mixed, "--jobs", "2", "--quiet"], check: false)
        #expect(r.status == 1, "a batch with failed subjects exits 1: \(r.stderr)")
        #expect(r.stderr.hasPrefix("lesionmtr: \(rows[4][0]): \(truncated): ") && r.stderr.split(separator: "\n").count == 1,
                "one line naming the subject and the file: \(r.stderr)")
        try runProcess(lesionmtrBinary, ["batch", try write(good, "good.tsv"), "-o", clean, "--jobs", "2", "--quiet"])

        for table in ["lesions.tsv", "subjects.tsv", "bands.tsv", "lesions.json", "subjects.json", "bands.json"] {
            let a = FileManager.default.contents(atPath: mixed + "/" + table), b = FileManager.default.contents(atPath: clean + "/" + table)
            #expect(a != nil && a == b, "\(table) differs from the clean batch of the good subjects")
        }
        for subject in good.map({ $0[0] }) {
            for table in ["lesions.tsv", "subjects.tsv", "bands.tsv"] {
                let path = "/subjects/\(subject)/\(table)"
                #expect(FileManager.default.contents(atPath: mixed + path) == FileManager.default.contents(atPath: clean + path), "\(path)")
            }
        }
        let errors = try String(contentsOfFile: mixed + "/errors.tsv", encoding: .utf8).split(separator: "\n")
        #expect(errors.count == 2 && errors[1].hasPrefix("\(rows[4][0])\t\(truncated)\t"))
        let folders = try FileManager.default.contentsOfDirectory(atPath: mixed + "/subjects").sorted()
        #expect(folders == good.map { $0[0] }.sorted(), "no folder for a failed subject, no temporary left")
    }
}
