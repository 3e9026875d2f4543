import Foundation
import TestSupport

/// A small simulated trial for end-to-end tests (4 subjects on the 2 mm grid, baseline and m6),
/// made once per test run and shared read-only: tests write their own manifests beside its
/// `manifest.tsv` (so relative paths still resolve) and their outputs elsewhere.
enum SmallTrial {
    /// The trial folder, or why it could not be made.
    static let folder: Result<String, Error> = Result {
        let folder = makeTemporaryDirectory("small-trial").path
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "4", "--grid", "2mm", "--seed", "31", "--quiet", "-o", folder])
        return folder
    }

    /// The manifest's header cells and rows of cells.
    static func manifest() throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOfFile: try folder.get() + "/manifest.tsv", encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        return (lines[0], Array(lines.dropFirst()))
    }

    /// Writes a manifest of `header` and `rows` beside the trial's own, as `name`; its path.
    static func writeManifest(_ header: [String], _ rows: [[String]], name: String) throws -> String {
        let path = try folder.get() + "/" + name
        let text = ([header] + rows).map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The absolute path of a manifest cell (relative cells resolve against the trial folder).
    static func resolve(_ cell: String) throws -> String {
        cell.hasPrefix("/") ? cell : try folder.get() + "/" + cell
    }

    /// The `stats` arguments equivalent to manifest row `row` (maps of non-empty cells).
    static func statsArguments(_ header: [String], _ row: [String], output: String) throws -> [String] {
        var arguments = ["stats", "--subject", row[0], "-o", output, "--lesions", try resolve(row[1]), "--tissue", try resolve(row[2])]
        for (name, cell) in zip(header, row) where !cell.isEmpty {
            let parts = name.split(separator: "_")
            guard parts.count == 2, ["mtr", "t1", "mton", "mtoff"].contains(String(parts[0])) else { continue }
            arguments += ["--map", "\(parts[0]):\(parts[1])=\(try resolve(cell))"]
        }
        return arguments
    }
}

/// The rows of a TSV file (header first), each split into cells.
func readTSV(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
}
