import Foundation
import TestSupport
import Testing

/// `lesionmtr simulate` into folders already used: refused unless `--force`, which replaces
/// the trial; and every file it writes is its own (no hard links).
@Suite(.serialized) struct SimulateCommandTests {
    /// A 2-subject 2 mm trial, simulated once for the suite; tests copy it before changing it.
    static let trial: Result<String, Error> = Result {
        let folder = makeTemporaryDirectory("simulate-cmd").path + "/trial"
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "2", "--grid", "2mm", "--seed", "3", "--quiet", "-o", folder])
        return folder
    }

    /// A copy of the suite's trial in a new folder.
    static func copyOfTrial() throws -> String {
        let copy = makeTemporaryDirectory("simulate-copy").path + "/trial"
        try FileManager.default.copyItem(atPath: try trial.get(), toPath: copy)
        return copy
    }

    static func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test("simulate into a non-empty folder is refused with exit 73 and one line naming it and --force, and changes nothing")
    func refusesUsedFolder() throws {
        let folder = makeTemporaryDirectory("simulate-used").path
        try "mine\n".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        let r = try runProcess(lesionmtrBinary, ["simulate", "--subjects", "1", "--grid", "2mm", "--quiet", "-o", folder], check: false)
        #expect(r.status == 73)
        #expect(r.stderr == "lesionmtr: \(folder): output folder is not empty (1 entry: notes.txt): "
                + "give a new or empty folder, or --force to replace the trial in it\n")
        #expect(try Self.entries(folder) == ["notes.txt"])
    }

    @Test("simulate again into a trial's folder with fewer subjects is refused; the old trial stays whole")
    func refusesOldTrial() throws {
        let folder = try Self.copyOfTrial()
        let r = try runProcess(lesionmtrBinary, ["simulate", "--subjects", "1", "--grid", "2mm", "--quiet", "-o", folder], check: false)
        #expect(r.status == 73)
        #expect(r.stderr.contains("output folder is not empty"))
        #expect(try Self.entries(folder).filter { $0.hasPrefix("sub-") } == ["sub-sim001", "sub-sim002"])
    }

    @Test("simulate --force replaces the trial: exactly the new subjects remain, and files not of a trial are kept")
    func forceReplaces() throws {
        let folder = try Self.copyOfTrial()
        try "mine\n".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "1", "--grid", "2mm", "--seed", "3", "--quiet", "--force", "-o", folder])
        #expect(try Self.entries(folder) == ["dseg.nii.gz", "manifest.tsv", "notes.txt", "participants.tsv", "sub-sim001", "truth.json"])
        let manifest = try String(contentsOfFile: folder + "/manifest.tsv", encoding: .utf8)
        #expect(manifest.split(separator: "\n").count == 2)  // header + sim001
        let participants = try String(contentsOfFile: folder + "/participants.tsv", encoding: .utf8)
        #expect(participants.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["participant_id", "sub-sim001"])
    }

    @Test("every file of a simulated trial is its own: one link each, no two share an inode")
    func independentFiles() throws {
        let folder = try Self.trial.get()
        var inodes: [UInt64: String] = [:]
        let files = FileManager.default.enumerator(atPath: folder)!.compactMap { $0 as? String }
        var regular = 0
        for file in files {
            var st = stat()
            #expect(lstat(folder + "/" + file, &st) == 0)
            guard (st.st_mode & S_IFMT) == S_IFREG else { continue }
            regular += 1
            #expect(st.st_nlink == 1, "\(file) has \(st.st_nlink) links")
            #expect(inodes[UInt64(st.st_ino)] == nil, "\(file) shares its inode with \(inodes[UInt64(st.st_ino)] ?? "")")
            inodes[UInt64(st.st_ino)] = file
        }
        #expect(regular == 4 + 2 * 5)  // manifest, participants, truth, dseg + 5 files a subject
    }

    @Test("rewriting one subject's segmentation leaves the other subjects' unchanged")
    func segmentationsAreCopies() throws {
        // In the trial as simulate wrote it (a copy would make independent files anyway).
        let folder = try Self.trial.get()
        let first = folder + "/sub-sim001/anat/sub-sim001_dseg.nii.gz", second = folder + "/sub-sim002/anat/sub-sim002_dseg.nii.gz"
        let before = try Data(contentsOf: URL(fileURLWithPath: second))
        let handle = try #require(FileHandle(forWritingAtPath: first))
        try handle.write(contentsOf: Data("overwritten".utf8))
        try handle.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: second)) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/dseg.nii.gz")) == before)
    }
}
