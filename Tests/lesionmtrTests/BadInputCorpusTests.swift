import Foundation
import TestSupport
import Testing

/// The bad-input corpus (`Tests/BadInputs/make_corpus.py`, README, Bad input and exit codes): every case run with
/// the built `lesionmtr`, within a time bound, must exit with the code its cases file names, print
/// one line on stderr naming the file and the reason, never die of a signal, and leave no partial
/// output.
@Suite struct BadInputCorpusTests {
    /// One case of `cases.json` (the script documents every key).
    struct Case: Decodable, Sendable, CustomStringConvertible {
        struct Column: Decodable, Sendable {
            var file: String
            var column: String
            var value: String
        }
        var name: String
        var args: [String]
        var exit: Int32
        var contains: [String]
        var comment: String
        var out: String?
        var cwd: String?
        var ulimit_f: Int?
        var skip_if_root: String?
        var same_as: String?
        var column: Column?
        var errors_tsv: String?
        /// Stderr lines expected on failure; absent means 1, -1 means not checked.
        var lines: Int?
        var description: String { name }
    }

    /// The corpus, generated once per test process into a temporary folder.
    static let corpus: Result<[Case], Error> = Result {
        let dir = makeTemporaryDirectory("bad-inputs").path
        let script = Reference.packageRoot.appendingPathComponent("Tests/BadInputs/make_corpus.py").path
        try runProcess(Reference.python, [script, dir])
        struct File: Decodable { var cases: [Case] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/cases.json"))).cases
    }

    /// Case names, read from the script's output (the test list follows the script).
    static var names: [String] { ((try? corpus.get()) ?? []).map(\.name) }

    /// No command may take longer than this (a hang is a failure).
    static let timeLimit: TimeInterval = 20

    @Test("the corpus has at least 30 cases")
    func size() throws {
        #expect(try Self.corpus.get().count >= 30)
    }

    @Test("each bad input: the exit code of the README, one line naming file and reason, no crash, no hang, no partial output",
          arguments: names)
    func badInput(name: String) throws {
        let cases = try Self.corpus.get()
        let c = try #require(cases.first { $0.name == name })
        if let reason = c.skip_if_root, geteuid() == 0 {
            print("BadInputCorpusTests: skipping \(c.name) as root: \(reason)")
            return
        }
        let result = try runBounded(c.args, cwd: c.cwd, fileSizeLimitKiB: c.ulimit_f)
        #expect(!result.timedOut, "\(c.name): no exit within \(Self.timeLimit) s")
        #expect(!result.signalled, "\(c.name): killed by signal \(result.status)")
        #expect(result.status == c.exit, "\(c.name) (\(c.comment)): exit \(result.status), expected \(c.exit); stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        if c.exit != 0 {
            if case let expected = c.lines ?? 1, expected >= 0 {
                #expect(lines.count == expected, "\(c.name): stderr should be \(expected) line(s): \(result.stderr)")
                #expect(lines.allSatisfy { $0.hasPrefix("lesionmtr: ") }, "\(c.name): \(result.stderr)")
            }
            for word in c.contains {
                #expect(lines.first?.contains(word) == true, "\(c.name): the error line lacks '\(word)': \(result.stderr)")
            }
        }
        if c.exit == 0, !c.contains.isEmpty {
            // A success that must say something (a warning): one line with these words.
            #expect(lines.count == 1, "\(c.name): expected one warning line: \(result.stderr)")
            for word in c.contains {
                #expect(result.stderr.contains(word), "\(c.name): stderr lacks '\(word)': \(result.stderr)")
            }
        }
        if let out = c.out, c.exit != 0, c.exit != 1 {
            let left = filesBelow(out)
            #expect(left.isEmpty, "\(c.name): partial output left: \(left)")
        }
        if let word = c.errors_tsv, let out = outputFolder(c.args) {
            let errors = try String(contentsOfFile: out + "/errors.tsv", encoding: .utf8)
            #expect(errors.contains(word), "\(c.name): errors.tsv lacks '\(word)': \(errors)")
            let hidden = (try? FileManager.default.contentsOfDirectory(atPath: out + "/subjects"))?.filter { $0.hasPrefix(".") } ?? []
            #expect(hidden.isEmpty, "\(c.name): temporary folders left: \(hidden)")
        }
        if let column = c.column, let out = outputFolder(c.args) {
            let rows = try String(contentsOfFile: out + "/" + column.file, encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            let index = try #require(rows.first?.firstIndex(of: column.column), "\(c.name): no column \(column.column)")
            #expect(rows.count > 1 && rows.dropFirst().allSatisfy { $0[index] == column.value },
                    "\(c.name): \(column.file) \(column.column) should be \(column.value)")
        }
        if let other = c.same_as {
            // Run the reference case into a fresh folder and compare every table byte for byte.
            let reference = try #require(cases.first { $0.name == other })
            let fresh = makeTemporaryDirectory("same-as").path + "/out"
            let r = try runBounded(replacingOutput(reference.args, with: fresh), cwd: reference.cwd, fileSizeLimitKiB: nil)
            #expect(r.status == 0, "\(other): \(r.stderr)")
            let out = try #require(outputFolder(c.args))
            for table in ["lesions.tsv", "subjects.tsv", "bands.tsv", "errors.tsv"] {
                let mine = FileManager.default.contents(atPath: out + "/" + table)
                #expect(mine != nil && mine == FileManager.default.contents(atPath: fresh + "/" + table),
                        "\(c.name): \(table) differs from \(other)'s")
            }
        }
    }

    // MARK: - Running a case

    struct Outcome {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var stderr: String
    }

    /// Runs `lesionmtr args` with a time limit (killed after `timeLimit`), optionally under a
    /// file size limit (`ulimit -f`, KiB) set by a shell that then execs the binary.
    func runBounded(_ args: [String], cwd: String?, fileSizeLimitKiB: Int?) throws -> Outcome {
        let p = Process()
        if let limit = fileSizeLimitKiB {
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", "ulimit -f \(limit); exec \"$0\" \"$@\"", lesionmtrBinary] + args
        } else {
            p.executableURL = URL(fileURLWithPath: lesionmtrBinary)
            p.arguments = args
        }
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let streams = makeTemporaryDirectory("streams")
        let errURL = streams.appendingPathComponent("stderr"), outURL = streams.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: streams) }
        let err = try FileHandle(forWritingTo: errURL), out = try FileHandle(forWritingTo: outURL)
        p.standardError = err
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(Self.timeLimit)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        let timedOut = p.isRunning
        if timedOut { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        try? err.close()
        try? out.close()
        return Outcome(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal, timedOut: timedOut,
                       stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }

    /// The value of `-o` in `args`.
    func outputFolder(_ args: [String]) -> String? {
        args.firstIndex(of: "-o").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
    }

    func replacingOutput(_ args: [String], with path: String) -> [String] {
        var a = args
        if let i = a.firstIndex(of: "-o") { a[i + 1] = path }
        return a
    }

    /// Every file (not folder) at or below `path`, hidden ones included.
    func filesBelow(_ path: String) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [] }
        guard isDir.boolValue else { return [path] }
        let items = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        return items.filter {
            var d: ObjCBool = false
            return FileManager.default.fileExists(atPath: path + "/" + $0, isDirectory: &d) && !d.boolValue
        }
    }
}
