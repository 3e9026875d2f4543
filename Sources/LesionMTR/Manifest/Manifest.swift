import Foundation

/// A batch manifest (DESIGN.md §2): a TSV with a header row; `subject`, `lesions`, `tissue`
/// required; `mtr_<ses>`, `t1_<ses>`, `mton_<ses>` + `mtoff_<ses>` maps; an optional `csf` mask
/// column; anything else a covariate copied verbatim into every row of that subject.
///
/// Relative paths resolve against the manifest's folder. An empty map cell means the subject has
/// no such map. Lines may end in CRLF. A row with a bad subject id or a duplicate id is kept as
/// a `ManifestEntry.rejected` so the batch can report it without writing anything for it.
public struct Manifest: Sendable {
    /// One row: either inputs ready for the analysis, or why the row cannot be used.
    public enum Entry: Sendable {
        case subject(SubjectInputs)
        case rejected(subject: String, reason: String)

        /// The subject label as written in the row.
        public var subject: String {
            switch self {
            case .subject(let s): s.subject
            case .rejected(let s, _): s
            }
        }
    }

    /// The rows, in file order.
    public var entries: [Entry]
    /// Sessions in the order first named in the header.
    public var sessions: [String]

    /// A manifest file that cannot be used at all.
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    static let mapNames = ["mtr", "t1", "mton", "mtoff"]

    /// Reads and checks the manifest at `path`.
    public static func read(_ path: String) throws(Failure) -> Manifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(path: path, reason: "line \(firstInvalidUTF8Line(data)) is not valid UTF-8 (save the manifest as UTF-8)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, folder: folder, path: path)
    }

    /// The 1-based number of the first line of `data` that is not valid UTF-8.
    static func firstInvalidUTF8Line(_ data: Data) -> Int {
        for (n, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where String(data: Data(line), encoding: .utf8) == nil {
            return n + 1
        }
        return 1
    }

    /// Parses manifest text; relative paths resolve against `folder`.
    public static func parse(_ text: String, folder: String, path: String = "manifest") throws(Failure) -> Manifest {
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let headerLine = lines.first else { throw Failure(path: path, reason: "empty manifest (no header row)") }
        let header = headerLine.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        for required in ["subject", "lesions", "tissue"] where !header.contains(required) {
            throw Failure(path: path, reason: "missing required column '\(required)'")
        }
        guard Set(header).count == header.count else { throw Failure(path: path, reason: "a column name appears twice") }
        // Map columns and sessions, in header order.
        var mapColumns: [(column: Int, name: String, session: String)] = []
        var covariateColumns: [Int] = []
        var sessions: [String] = []
        for (c, name) in header.enumerated() where !["subject", "lesions", "tissue", "csf"].contains(name) {
            if let underscore = name.firstIndex(of: "_"), mapNames.contains(String(name[..<underscore])) {
                let session = String(name[name.index(after: underscore)...])
                guard isLabel(session) else { throw Failure(path: path, reason: "column '\(name)': session label must match [A-Za-z0-9]+") }
                mapColumns.append((c, String(name[..<underscore]), session))
                if !sessions.contains(session) { sessions.append(session) }
            } else {
                covariateColumns.append(c)
            }
        }
        guard !mapColumns.isEmpty else { throw Failure(path: path, reason: "no map column (mtr_<ses>, t1_<ses>, mton_<ses>/mtoff_<ses>)") }
        let subjectColumn = header.firstIndex(of: "subject")!, lesionColumn = header.firstIndex(of: "lesions")!
        let tissueColumn = header.firstIndex(of: "tissue")!, csfColumn = header.firstIndex(of: "csf")

        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : folder + "/" + p }
        var entries: [Entry] = []
        var seen = Set<String>()
        for (n, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let subject = cells.first ?? ""
            guard cells.count == header.count else {
                entries.append(.rejected(subject: subject, reason: "line \(n + 1) has \(cells.count) cells, the header \(header.count)"))
                continue
            }
            let id = cells[subjectColumn]
            guard isLabel(id) else {
                entries.append(.rejected(subject: id, reason: "subject id '\(id)' is not a label ([A-Za-z0-9]+)"))
                continue
            }
            guard seen.insert(id).inserted else {
                entries.append(.rejected(subject: id, reason: "subject \(id) appears twice in the manifest (line \(n + 1))"))
                continue
            }
            guard !cells[lesionColumn].isEmpty, !cells[tissueColumn].isEmpty else {
                entries.append(.rejected(subject: id, reason: "empty lesions or tissue cell"))
                continue
            }
            let maps = mapColumns.filter { !cells[$0.column].isEmpty }.map {
                MapSpec(name: $0.name, session: $0.session, path: resolve(cells[$0.column]))
            }
            guard !maps.isEmpty else {
                entries.append(.rejected(subject: id, reason: "line \(n + 1) has no map: every map cell is empty (an empty cell means no such map; give at least one)"))
                continue
            }
            let csf = csfColumn.flatMap { cells[$0].isEmpty ? nil : resolve(cells[$0]) }
            entries.append(.subject(SubjectInputs(
                subject: id, lesions: resolve(cells[lesionColumn]), tissue: resolve(cells[tissueColumn]), csf: csf, maps: maps,
                covariates: covariateColumns.map { Covariate(name: header[$0], value: cells[$0]) })))
        }
        return Manifest(entries: entries, sessions: sessions)
    }
}
