import Foundation
import NIfTI

/// The layout of a batch output folder (README, What a batch folder holds):
/// ```
/// OUT/subjects/<subject>/   one complete subject: tables, sidecars, masks, complete.json
/// OUT/failed/<row>.tsv       one failed manifest row: subject, file, reason
/// OUT/lesions.tsv …          merged tables (+ sidecars), errors.tsv
/// ```
/// A subject folder appears only complete: it is written as a hidden temporary folder and
/// renamed into place; `complete.json` inside it records what produced it.
public struct BatchFolder: Sendable {
    public let root: String
    public var subjects: String { root + "/subjects" }
    public var failed: String { root + "/failed" }

    public init(_ root: String) { self.root = root }

    /// Creates the folders; throws `cannotWrite` naming the folder.
    func create() throws(NIfTIError) {
        for dir in [root, subjects, failed] {
            try OutputFiles.createFolder(dir)
            guard access(dir, W_OK) == 0 else { throw NIfTIError(.cannotWrite, path: dir, reason: "folder is not writable") }
        }
    }

    /// Removes temporary folders left by killed runs (`.<name>.tmp-*`, `.<name>.old-*`).
    func removeStaleTemporaries() {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: subjects)) ?? [] where name.hasPrefix(".") {
            if name.contains(".tmp-") || name.contains(".old-") { try? fm.removeItem(atPath: subjects + "/" + name) }
        }
    }

    /// The completion marker of `subject`, if the subject folder is complete.
    func marker(of subject: String) -> CompletionMarker? {
        guard let data = FileManager.default.contents(atPath: subjects + "/\(subject)/complete.json") else { return nil }
        return try? JSONDecoder().decode(CompletionMarker.self, from: data)
    }

    /// Moves the finished temporary folder `temp` into place as `subjects/<subject>`, replacing an
    /// older one.
    func publish(_ temp: String, as subject: String) throws(NIfTIError) {
        try Self.replaceFolder(subjects + "/" + subject, with: temp)
    }

    /// Moves the folder `temp` to `final`, replacing an older one: the old folder is renamed aside
    /// first (as `.<name>.old-*` beside it), so the name never points at a partial folder.
    static func replaceFolder(_ final: String, with temp: String) throws(NIfTIError) {
        let url = URL(fileURLWithPath: final)
        let aside = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).old-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fm = FileManager.default
        if fm.fileExists(atPath: final), rename(final, aside) != 0 {
            throw NIfTIError(.cannotWrite, path: final, reason: "cannot replace: \(String(cString: strerror(errno)))")
        }
        guard rename(temp, final) == 0 else {
            throw NIfTIError(.cannotWrite, path: final, reason: "cannot move into place: \(String(cString: strerror(errno)))")
        }
        try? fm.removeItem(atPath: aside)
    }

    /// The complete subject folders' markers, in manifest row order.
    func completeSubjects() -> [CompletionMarker] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: subjects)) ?? []).filter { !$0.hasPrefix(".") }
        return names.compactMap { marker(of: $0) }.sorted { ($0.row, $0.subject) < ($1.row, $1.subject) }
    }

    /// A fresh hidden temporary folder for `subject`.
    func temporaryFolder(for subject: String) -> String {
        subjects + "/.\(subject).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Path of the failure record of manifest row `row`.
    func failureRecord(row: Int) -> String { failed + String(format: "/%06d.tsv", row) }
}

/// What produced a subject folder: the manifest row and a fingerprint of the tool version,
/// parameters and inputs (paths, sizes, modification times). `--resume` skips a subject whose
/// fingerprint is unchanged.
public struct CompletionMarker: Codable, Sendable, Equatable {
    /// The subject's row in the manifest (0-based): merged tables follow this order.
    public var row: Int
    public var subject: String
    public var fingerprint: String

    /// Everything that changes a subject's output, recorded (as JSON) in the fingerprint.
    struct Facts: Codable {
        var tool: String
        var analysis: AnalysisOptions
        var voxels: Bool
        var masks: Bool
        var inputs: SubjectInputs
        /// Each input file as `path size mtime` (or `path missing`).
        var files: [String]
    }

    /// The fingerprint of analysing `inputs` with `options`: JSON of everything that changes the output.
    static func fingerprint(_ inputs: SubjectInputs, options: BatchOptions) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let facts = Facts(tool: Provenance.toolVersion, analysis: options.analysis, voxels: options.voxels,
                          masks: options.writeMasks, inputs: inputs, files: fileFacts(inputs))
        return String(decoding: (try? encoder.encode(facts)) ?? Data(), as: UTF8.self)
    }

    /// Each input file of `inputs` with its size and modification time.
    static func fileFacts(_ inputs: SubjectInputs) -> [String] {
        var files: [String] = []
        for path in [inputs.lesions, inputs.tissue] + (inputs.csf.map { [$0] } ?? []) + inputs.maps.map(\.path) {
            var st = stat()
            files.append(stat(path, &st) == 0 ? "\(path) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)" : "\(path) missing")
        }
        return files
    }

    /// What the fingerprint records (inputs, analysis options, file facts); nil if unreadable.
    var facts: Facts? { try? JSONDecoder().decode(Facts.self, from: Data(fingerprint.utf8)) }
}

extension CompletionMarker.Facts {
    /// The parameters the subject was analysed with.
    var parameters: BatchParameters { BatchParameters(tool: tool, analysis: analysis, voxels: voxels, masks: masks) }
}
