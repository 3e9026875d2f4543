import Foundation
import TestSupport
import Testing

/// What a batch tells the person watching it: on a terminal a bar that fits the width and never
/// shares a line with an error; in a log one line per subject saying analysed, skipped or failed;
/// and a QC run that could make no page says why in its last lines.
@Suite struct ProgressOutputTests {
    /// Runs `arguments` under a pseudo-terminal `columns` wide (util-linux `script`); what the
    /// terminal received and the exit status.
    static func onTerminal(_ arguments: [String], columns: Int) throws -> (screen: String, status: Int32) {
        let command = "stty cols \(columns); exec " + ([lesionmtrBinary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let r = try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"], check: false)
        return (r.stdoutText, r.status)
    }

    /// What stays visible of each terminal line: the text after its last carriage return, with
    /// the erase-line sequence removed; and every piece drawn between carriage returns.
    static func visible(_ screen: String) -> (lines: [String], pieces: [String]) {
        let lines = screen.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
        let pieces = lines.flatMap { $0.split(separator: "\r").map { $0.replacingOccurrences(of: "\u{1B}[K", with: "") } }
        return (lines.map { $0.split(separator: "\r").last.map { $0.replacingOccurrences(of: "\u{1B}[K", with: "") } ?? "" }, pieces)
    }

    @Test("on a 50-column terminal the bar fits in 49 columns and every error line stands alone")
    func terminalBar() throws {
        let manifest = try DegenerateRowTests.corpus.get().path
        let out = makeTemporaryDirectory("progress-tty").path
        let (screen, status) = try Self.onTerminal(["batch", manifest, "-o", out, "--jobs", "2"], columns: 50)
        #expect(status == 1)
        let (lines, pieces) = Self.visible(screen)
        let bars = pieces.filter { $0.hasPrefix("batch [") }
        #expect(!bars.isEmpty, "no bar drawn: \(screen)")
        for bar in bars { #expect(bar.count <= 49, "bar of \(bar.count) columns: \(bar)") }
        let messages = lines.filter { $0.contains("lesionmtr: ") }
        #expect(messages.filter { !$0.contains("warning: ") }.count == DegenerateRowTests.bad.count, "\(lines)")
        for line in messages { #expect(line.hasPrefix("lesionmtr: ") && !line.contains("["), "message glued to the bar: \(line)") }
    }

    @Test("in a log each subject's line says analysed, skipped or failed")
    func logLines() throws {
        let manifest = try DegenerateRowTests.corpus.get().path
        let out = makeTemporaryDirectory("progress-log").path
        let first = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--jobs", "2"], check: false)
        let lines = first.stderr.split(separator: "\n").filter { $0.hasPrefix("batch ") && $0.contains("/10 ") }
        #expect(lines.count == 10)
        #expect(lines.filter { $0.contains(" sim002 analysed ") }.count == 1)
        #expect(lines.filter { $0.contains(" nomaps failed ") }.count == 1)
        let again = try runProcess(lesionmtrBinary, ["batch", manifest, "-o", out, "--jobs", "2", "--resume"], check: false)
        #expect(again.stderr.split(separator: "\n").filter { $0.contains(" sim002 skipped ") }.count == 1)
    }

    @Test("qc whose inputs moved: one line per subject, then a line saying none could be made and why, exit 1")
    func qcWithMovedInputs() throws {
        let trial = makeTemporaryDirectory("progress-moved").path + "/trial"
        try FileManager.default.copyItem(atPath: try SmallTrial.folder.get(), toPath: trial)
        let out = makeTemporaryDirectory("progress-moved-out").path
        try runProcess(lesionmtrBinary, ["batch", trial + "/manifest.tsv", "-o", out, "--jobs", "2", "--quiet"])
        try FileManager.default.moveItem(atPath: trial, toPath: trial + "-moved")
        let r = try runProcess(lesionmtrBinary, ["qc", out], check: false)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("no such file") }.count == 4)
        #expect(lines.contains { $0.hasPrefix("lesionmtr: qc: 4 of 4 subject pages could not be made") && $0.contains("complete.json") })
        #expect(lines.last == "qc: 0 of 4 subject pages; open \(out)/qc/index.html")
    }
}
