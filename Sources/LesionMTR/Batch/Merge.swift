import Foundation
import NIfTI

/// `lesionmtr merge OUT`: the batch tables from the complete subject folders, in manifest row
/// order, plus `errors.tsv` from the failure records. Columns are the union over subjects, in
/// order of first appearance (missing cells `n/a`). Every file goes through a temporary name and
/// a rename.
public enum Merge {
    /// The tables merged (lesions, subjects, bands, and voxels when any subject has it).
    static let tableNames = ["lesions", "subjects", "bands", "voxels"]

    /// Builds the merged tables and errors.tsv in `folder.root`. Returns the number of subjects.
    @discardableResult
    public static func run(_ folder: BatchFolder) throws(NIfTIError) -> Int {
        let fm = FileManager.default
        let complete = folder.completeSubjects()
        for name in tableNames {
            var merged: Table?
            var sidecar: [String: Any] = [:]
            for marker in complete {
                let base = folder.subjects + "/\(marker.subject)/\(name)"
                guard let text = try? String(contentsOfFile: base + ".tsv", encoding: .utf8) else { continue }
                let table = parse(text)
                merged = merged.map { append(table, to: $0) } ?? table
                if let data = fm.contents(atPath: base + ".json"),
                   let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                    for (key, value) in object where key != "Provenance" && sidecar[key] == nil { sidecar[key] = value }
                }
            }
            guard let merged else { continue }
            sidecar["Provenance"] = [
                "GeneratedBy": [["Name": "lesionmtr merge", "Version": Provenance.toolVersion]],
                "Subjects": complete.map(\.subject),
                "Note": "Rows of the subjects' own tables (subjects/<subject>/\(name).tsv); per-subject provenance is in their sidecars.",
            ]
            try OutputFiles.write(merged.tsv, to: folder.root + "/\(name).tsv")
            let json = (try? JSONSerialization.data(withJSONObject: sidecar, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
            try OutputFiles.write(String(decoding: json, as: UTF8.self) + "\n", to: folder.root + "/\(name).json")
        }
        try OutputFiles.write(errorsTable(folder), to: folder.root + "/errors.tsv")
        return complete.count
    }

    /// errors.tsv: one row per failure record, in row order.
    static func errorsTable(_ folder: BatchFolder) -> String {
        let fm = FileManager.default
        var out = "subject\tfile\treason\n"
        for name in ((try? fm.contentsOfDirectory(atPath: folder.failed)) ?? []).filter({ $0.hasSuffix(".tsv") }).sorted() {
            if let text = try? String(contentsOfFile: folder.failed + "/" + name, encoding: .utf8) { out += text }
        }
        return out
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
