import Foundation
import NIfTI

/// What a merge did: the subjects merged, the run's subjects that have no result made with the
/// run's parameters (listed in errors.tsv with those that failed), and the subject folders
/// left out because they are not part of the run.
public struct MergeSummary: Sendable {
    /// Subjects whose rows are in the merged tables, in manifest order.
    public var merged: [String] = []
    /// The errors.tsv rows: subjects that failed, and subjects of the run without a result made
    /// with its parameters (not analysed yet, or analysed with other parameters), in manifest order.
    public var failures: [BatchFailure] = []
    /// Complete subject folders that are not subjects of the run (another manifest, or not
    /// selected by `--participant-label`): not merged.
    public var leftOut: [String] = []
}

/// `lesionmtr merge OUT`: the batch tables from the subject folders of the run recorded in
/// `OUT/batch.json` (`BatchRecord`), in manifest order, plus `errors.tsv`. Only subjects of the
/// run whose folders were made with the run's parameters are merged, so merged tables never mix
/// parameter sets; their sidecars record the parameters. Columns are the union over subjects, in
/// order of first appearance (missing cells `n/a`). Merged tables no subject has this time (an
/// old voxels.tsv) are removed, and so is an old QC report when the merged files changed. Every
/// file goes through a temporary name and a rename.
public enum Merge {
    /// The tables merged (lesions, subjects, bands, and voxels when any subject has it).
    static let tableNames = SubjectOutput.tableNames

    /// Builds the merged tables and errors.tsv in `folder.root`.
    @discardableResult
    public static func run(_ folder: BatchFolder) throws(NIfTIError) -> MergeSummary {
        let record = try BatchRecord.read(from: folder)
        let selection = select(folder, record: record)
        var changed = false
        for name in tableNames {
            let files = [folder.root + "/\(name).tsv", folder.root + "/\(name).json"]
            guard let (tsv, sidecar) = merged(name, of: selection.merged, in: folder, parameters: record.parameters) else {
                for path in files where FileManager.default.fileExists(atPath: path) {
                    changed = true
                    unlink(path)
                }
                continue
            }
            for (path, text) in zip(files, [tsv, sidecar]) { changed = try writeIfChanged(text, to: path) || changed }
        }
        var errors = "subject\tfile\treason\n"
        for failure in selection.failures { errors += failure.row + "\n" }
        changed = try writeIfChanged(errors, to: folder.root + "/errors.tsv") || changed
        // A QC report describes the tables it was built beside: once they change it is stale.
        if changed { try? FileManager.default.removeItem(atPath: folder.root + "/qc") }
        return MergeSummary(merged: selection.merged.map(\.subject), failures: selection.failures, leftOut: selection.leftOut)
    }

    /// The run's subjects sorted into merged (complete with the run's parameters), failures
    /// (errors.tsv rows) and the complete folders that are not subjects of the run.
    static func select(_ folder: BatchFolder, record: BatchRecord)
        -> (merged: [CompletionMarker], failures: [BatchFailure], leftOut: [String]) {
        let complete = Dictionary(folder.completeSubjects().map { ($0.subject, $0) }, uniquingKeysWith: { a, _ in a })
        var merged: [CompletionMarker] = [], failures: [BatchFailure] = [], taken = Set<String>()
        for (row, subject) in record.subjects.enumerated() {
            // A subject's folder serves its first row; a later row of the same subject was
            // rejected as a duplicate and has its failure record.
            if !taken.contains(subject), let marker = complete[subject], let parameters = marker.facts?.parameters {
                taken.insert(subject)
                let differences = parameters.differences(from: record.parameters)
                if differences.isEmpty {
                    merged.append(marker)
                } else {
                    failures.append(BatchFailure(
                        subject: subject, file: folder.subjects + "/" + subject,
                        reason: "analysed with other parameters (\(differences.prefix(3).joined(separator: ", "))): not merged; run the batch again with this run's options to redo it"))
                }
            } else if let failure = failureRecord(folder, row: row) {
                failures.append(failure)
            } else {
                failures.append(BatchFailure(
                    subject: subject, file: "-",
                    reason: "no result: not analysed yet (a shard that has not run or did not finish?); run the batch again with --resume"))
            }
        }
        let run = Set(record.subjects)
        let leftOut = complete.keys.filter { !run.contains($0) }.sorted()
        return (merged, failures, leftOut)
    }

    /// The merged TSV and sidecar of table `name` over `markers`' subjects; nil when none has it.
    private static func merged(_ name: String, of markers: [CompletionMarker], in folder: BatchFolder,
                               parameters: BatchParameters) -> (String, String)? {
        var merged: Table?
        var sidecar: [String: Any] = [:]
        for marker in markers {
            let base = folder.subjects + "/\(marker.subject)/\(name)"
            guard let text = try? String(contentsOfFile: base + ".tsv", encoding: .utf8) else { continue }
            let table = parse(text)
            merged = merged.map { append(table, to: $0) } ?? table
            if let data = FileManager.default.contents(atPath: base + ".json"),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                for (key, value) in object where key != "Provenance" && sidecar[key] == nil { sidecar[key] = value }
            }
        }
        guard let merged else { return nil }
        sidecar["Provenance"] = [
            "GeneratedBy": [["Name": "lesionmtr merge", "Version": Provenance.toolVersion]],
            "Subjects": markers.map(\.subject),
            "Parameters": parameters.json(),
            "Note": "Rows of the subjects' own tables (subjects/<subject>/\(name).tsv), all made with the Parameters above; per-subject provenance is in their sidecars.",
        ]
        let json = (try? JSONSerialization.data(withJSONObject: sidecar, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return (merged.tsv, String(decoding: json, as: UTF8.self) + "\n")
    }

    /// Writes `text` to `path` unless the file already holds exactly it; whether it wrote.
    private static func writeIfChanged(_ text: String, to path: String) throws(NIfTIError) -> Bool {
        if FileManager.default.contents(atPath: path) == Data(text.utf8) { return false }
        try OutputFiles.write(text, to: path)
        return true
    }

    /// The failure record of manifest row `row`, if that row failed.
    static func failureRecord(_ folder: BatchFolder, row: Int) -> BatchFailure? {
        (try? String(contentsOfFile: folder.failureRecord(row: row), encoding: .utf8))
            .flatMap { $0.split(separator: "\n").first.flatMap { BatchFailure(row: String($0)) } }
    }

    static func parse(_ text: String) -> Table {
        let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        return Table(columns: lines.first ?? [], rows: Array(lines.dropFirst()))
    }

    /// `table`'s rows appended to `merged`, aligning columns by name.
    static func append(_ table: Table, to merged: Table) -> Table {
        var out = merged
        for c in table.columns where !out.columns.contains(c) {
            out.columns.append(c)
            for r in out.rows.indices { out.rows[r].append(Cell.missing) }
        }
        let position = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1, $0) })
        for row in table.rows {
            out.rows.append(out.columns.map { c in position[c].map { row[$0] } ?? Cell.missing })
        }
        return out
    }
}
