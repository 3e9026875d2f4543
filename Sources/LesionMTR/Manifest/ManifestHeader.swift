import Foundation

/// The header row of a manifest, checked: tab-separated, `subject`, `lesions` and `tissue`
/// present, no name twice, session labels `[A-Za-z0-9]+`; cells with surrounding whitespace are
/// trimmed (with one warning). Every refusal names the file and says the fix.
struct ManifestHeader {
    /// A map column: its index, map name and session.
    struct MapColumn {
        var column: Int
        var name: String
        var session: String
    }

    /// Column names, trimmed.
    var names: [String]
    var mapColumns: [MapColumn] = []
    /// Columns that are neither required, `csf` nor maps.
    var covariateColumns: [Int] = []
    /// Sessions in order of first appearance.
    var sessions: [String] = []
    /// One line when header cells were trimmed.
    var warnings: [String] = []

    /// The columns that are not covariates.
    static let imageColumns = ["subject", "lesions", "tissue", "csf"]

    /// The names map and image columns may have, for messages.
    static let expectedNames = "mtr_<ses>, t1_<ses>, mton_<ses> + mtoff_<ses> (lower case, e.g. mtr_base), lesions, tissue, csf"

    /// Parses and checks the header `line` of the manifest at `path`.
    init(_ line: String, path: String) throws(Manifest.Failure) {
        if !line.contains("\t"), let separator = [(",", "commas"), (";", "semicolons"), (" ", "spaces")].first(where: { line.contains($0.0) }) {
            throw Manifest.Failure(path: path, reason: "the header has no tab but \(separator.1): a manifest must be tab-separated; "
                                   + "save it as tab-separated text (TSV)")
        }
        let raw = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        names = raw.map { $0.trimmingCharacters(in: .whitespaces) }
        let padded = raw.filter { $0 != $0.trimmingCharacters(in: .whitespaces) }
        if !padded.isEmpty {
            warnings.append("\(path): header cell\(padded.count == 1 ? "" : "s") \(padded.map { "'\($0)'" }.joined(separator: ", ")) "
                            + "read without the surrounding spaces")
        }
        for required in ["subject", "lesions", "tissue"] where !names.contains(required) {
            let near = names.first { $0.lowercased() == required }
            throw Manifest.Failure(path: path, reason: "missing required column '\(required)'"
                                   + (near.map { " (column names are lower case: rename '\($0)' to '\(required)')" }
                                      ?? "; the header must name subject, lesions and tissue"))
        }
        var seen = Set<String>()
        if let twice = names.first(where: { !seen.insert($0).inserted }) {
            throw Manifest.Failure(path: path, reason: "column '\(twice)' appears twice in the header; rename or remove one of them")
        }
        for (c, name) in names.enumerated() where !Self.imageColumns.contains(name) {
            if let map = Self.mapColumn(name) {
                guard isLabel(map.session) else {
                    throw Manifest.Failure(path: path, reason: "column '\(name)': session label must match [A-Za-z0-9]+; rename the column")
                }
                mapColumns.append(MapColumn(column: c, name: map.name, session: map.session))
                if !sessions.contains(map.session) { sessions.append(map.session) }
            } else {
                covariateColumns.append(c)
            }
        }
        guard !mapColumns.isEmpty else {
            throw Manifest.Failure(path: path, reason: "no map column (mtr_<ses>, t1_<ses>, mton_<ses>/mtoff_<ses>); name at least one")
        }
    }

    /// `name` split as `<map>_<session>` when `<map>` is a map name (`Manifest.mapNames`).
    static func mapColumn(_ name: String) -> (name: String, session: String)? {
        guard let underscore = name.firstIndex(of: "_"), Manifest.mapNames.contains(String(name[..<underscore])) else { return nil }
        return (String(name[..<underscore]), String(name[name.index(after: underscore)...]))
    }

    /// Whether `cell` names a NIfTI file (`.nii`, `.nii.gz`, `.hdr`, `.img`, any case).
    static func isNIfTIName(_ cell: String) -> Bool {
        let lower = cell.lowercased()
        return [".nii", ".nii.gz", ".hdr", ".img"].contains { lower.hasSuffix($0) }
    }

    /// Refuses a covariate column whose non-empty `cells` (one array per row) all name NIfTI
    /// files, at least one of which exists (`resolve` makes a cell a path): a map column
    /// misnamed (`MTR_base`, `mtr-m6`) would otherwise be copied as text into every row while
    /// its session silently goes missing.
    func refuseMisnamedImageColumns(_ rows: [[String]], path: String, resolve: (String) -> String) throws(Manifest.Failure) {
        for c in covariateColumns {
            let cells = rows.filter { $0.count == names.count }.map { $0[c].trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !cells.isEmpty, cells.allSatisfy(Self.isNIfTIName),
                  cells.contains(where: { FileManager.default.fileExists(atPath: resolve($0)) }) else { continue }
            let suggestion = names[c].lowercased().replacingOccurrences(of: "-", with: "_")
            let rename = Self.mapColumn(suggestion).map { isLabel($0.session) } == true ? "; rename it '\(suggestion)'" : ""
            throw Manifest.Failure(path: path, reason: "column '\(names[c])' holds NIfTI files but is not a map column "
                                   + "(expected names: \(Self.expectedNames))\(rename)")
        }
    }
}
