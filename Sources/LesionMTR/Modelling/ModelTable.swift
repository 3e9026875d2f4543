import Foundation
import TrialStats

/// The table `lesionmtr model --formula` fits without a preset.
public enum ModelTable {
    /// Reads the TSV at `path`. A folder (typically a batch output folder) is refused with the fix:
    /// name one of its tables (those there are listed), or give the folder with `--preset`.
    /// Throws `DataFrameError` (`.missing` for no such file or a folder).
    public static func read(_ path: String) throws(DataFrameError) -> DataFrame {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            let tables = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".tsv") }.sorted()
            let example = (path as NSString).appendingPathComponent(tables.first { $0 == "lesions.tsv" } ?? tables.first ?? "lesions.tsv")
            throw .missing(path: path, reason: "is a folder; --formula takes a table file, e.g. \(example)"
                + (tables.isEmpty ? "" : " (tables there: \(tables.joined(separator: ", ")))")
                + ", and a batch output folder goes with --preset (\(ModelPreset.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return try DataFrame.readTSV(path)
    }
}
