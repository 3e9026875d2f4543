import Foundation
import NIfTI

/// What changes the bytes of a subject's output: the tool version, the analysis options and
/// the optional outputs. Two subject folders may share merged tables only when these are equal.
public struct BatchParameters: Codable, Sendable, Equatable {
    /// `lesionmtr --version` of the run.
    public var tool: String
    public var analysis: AnalysisOptions
    /// Whether voxels.tsv is written.
    public var voxels: Bool
    /// Whether the lesion-id and component masks are written.
    public var masks: Bool

    /// The parameters of a batch run with `options`.
    public init(_ options: BatchOptions) {
        self.init(tool: Provenance.toolVersion, analysis: options.analysis, voxels: options.voxels, masks: options.writeMasks)
    }

    init(tool: String, analysis: AnalysisOptions, voxels: Bool, masks: Bool) {
        self.tool = tool
        self.analysis = analysis
        self.voxels = voxels
        self.masks = masks
    }

    /// The first parameters that differ from `other`'s, as `name a vs b` (snake case, as the
    /// sidecars spell them), for a message; empty when equal.
    public func differences(from other: BatchParameters) -> [String] {
        let mine = Self.flatten(self), theirs = Self.flatten(other)
        return Set(mine.keys).union(theirs.keys).sorted().compactMap { key in
            mine[key] == theirs[key] ? nil : "\(key) \(mine[key] ?? "none") vs \(theirs[key] ?? "none")"
        }
    }

    /// The parameters as a JSON-ready dictionary, keys in snake case, for the merged sidecars.
    public func json() -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return ((try? encoder.encode(self)).flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any]) ?? [:]
    }

    /// Every leaf value as `path → JSON text` (`analysis.rim_width → 2`).
    private static func flatten(_ parameters: BatchParameters) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ value: Any, _ path: String) {
            if let object = value as? [String: Any] {
                for (key, inner) in object { walk(inner, path.isEmpty ? key : path + "." + key) }
            } else {
                let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])) ?? Data()
                out[path] = String(decoding: data, as: UTF8.self)
            }
        }
        walk(parameters.json(), "")
        return out
    }
}

/// What a batch run covers, written to `OUT/batch.json` when the run starts (by every shard of
/// it alike): the manifest, the subjects in manifest order (after `--participant-label`), and the
/// parameters. `lesionmtr merge` and the batch's own merge build the tables from exactly these
/// subjects done with exactly these parameters; anything else in `OUT/subjects/` is left out and
/// named, and a subject of the run without such a result is reported missing.
public struct BatchRecord: Codable, Sendable, Equatable {
    /// The manifest file or BIDS folder, as given.
    public var manifest: String
    /// The run's subjects, in manifest order.
    public var subjects: [String]
    public var parameters: BatchParameters

    public init(manifest: String, subjects: [String], parameters: BatchParameters) {
        self.manifest = manifest
        self.subjects = subjects
        self.parameters = parameters
    }

    /// The file name inside the batch folder.
    static let fileName = "batch.json"

    /// Writes the record into `folder` (through a temporary name and a rename).
    func write(to folder: BatchFolder) throws(NIfTIError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
        try OutputFiles.write(text, to: folder.root + "/" + Self.fileName)
    }

    /// Reads the record of `folder`; throws naming the file when it is missing or unreadable.
    static func read(from folder: BatchFolder) throws(NIfTIError) -> BatchRecord {
        let path = folder.root + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NIfTIError(.missing, path: path,
                             reason: "no such file: the folder was not made by 'lesionmtr batch' of this version (run the batch again)")
        }
        guard let record = try? JSONDecoder().decode(BatchRecord.self, from: data) else {
            throw NIfTIError(.unreadable, path: path, reason: "cannot be read as a batch record of this version (run the batch again)")
        }
        return record
    }
}
