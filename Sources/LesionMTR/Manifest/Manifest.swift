import Foundation
import NIfTI

/// A batch manifest: a TSV with a header row; `subject`, `lesions`, `tissue`
/// required; `mtr_<ses>`, `t1_<ses>`, `mton_<ses>` + `mtoff_<ses>` maps; an optional `csf` mask
/// column; anything else a covariate copied into every row of that subject (without surrounding
/// whitespace). The header is checked by `ManifestHeader`.
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
    /// Sessions in the order first named in the header (for a BIDS folder: sorted).
    public var sessions: [String]
    /// Where the order of `sessions` comes from (what "first" means for the baseline).
    public var order: BaselineChoice.Order = .manifestHeader
    /// Acquisition dates of sessions per subject (a BIDS folder's `sessions.tsv` files).
    public var sessionDates: [BaselineChoice.Dates] = []
    /// Doubts about the file that did not stop it being read (trimmed cells), one line each,
    /// naming the file.
    public var warnings: [String] = []

    /// The manifest's rows and sessions.
    public init(entries: [Entry], sessions: [String], order: BaselineChoice.Order = .manifestHeader,
                sessionDates: [BaselineChoice.Dates] = [], warnings: [String] = []) {
        self.entries = entries
        self.sessions = sessions
        self.order = order
        self.sessionDates = sessionDates
        self.warnings = warnings
    }

    /// A manifest file that cannot be used at all.
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        /// The sysexits code: 65 bad data (default), 66 missing or unreadable, 64 usage.
        public var exitCode: Int32 = 65
        public var description: String { "\(path): \(reason)" }
    }

    static let mapNames = ["mtr", "t1", "mton", "mtoff"]

    /// The baseline of this manifest's sessions (`BaselineChoice.decide`): `given` (`--baseline`),
    /// else the first session unless the names or a `sessions.tsv` contradict it. `source` is
    /// the manifest or folder named in messages.
    public func baseline(given: String?, source: String) throws(BaselineChoice.Refusal) -> BaselineChoice? {
        try BaselineChoice.decide(sessions: sessions, given: given, order: order, source: source, dates: sessionDates)
    }

    /// The rows of the subjects `labels` names, in manifest order (all rows when `labels` is
    /// empty). A leading `sub-` is dropped, as BIDS apps take participant labels. A label that
    /// matches no row is a usage error (exit 64) naming it and a few of the subjects there are.
    public func selecting(participants labels: [String], source: String) throws(Failure) -> Manifest {
        guard !labels.isEmpty else { return self }
        let wanted = labels.map { $0.hasPrefix("sub-") ? String($0.dropFirst(4)) : $0 }
        let present = entries.map(\.subject)
        let unknown = wanted.filter { !present.contains($0) }
        guard unknown.isEmpty else {
            let few = present.prefix(5).joined(separator: ", ") + (present.count > 5 ? ", …" : "")
            let verb = unknown.count == 1 ? "matches" : "match"
            throw Failure(path: source, reason: "--participant-label \(unknown.joined(separator: " ")) \(verb) no subject "
                          + "(\(present.count) subject\(present.count == 1 ? "" : "s"): \(few)); check the label", exitCode: 64)
        }
        var out = self
        out.entries = entries.filter { wanted.contains($0.subject) }
        return out
    }

    /// Reads and checks the manifest at `path`: a folder, a FIFO or an unreadable file is
    /// refused at once (exit 66), as are the input images.
    public static func read(_ path: String) throws(Failure) -> Manifest {
        let data: Data
        do throws(NIfTIError) {
            data = Data(try FileBytes.read(path))
        } catch {
            let hint = error.reason.hasPrefix("is a folder") ? " (give the manifest TSV, or --bids for a BIDS folder)" : ""
            throw Failure(path: path, reason: error.reason + hint, exitCode: error.exitCode)
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

    /// Parses manifest text; relative paths resolve against `folder`. The header is checked by
    /// `ManifestHeader`; a covariate column of NIfTI files is refused (a misnamed map column);
    /// covariate cells are trimmed of surrounding whitespace, with one warning.
    public static func parse(_ text: String, folder: String, path: String = "manifest") throws(Failure) -> Manifest {
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let headerLine = lines.first else { throw Failure(path: path, reason: "empty manifest (no header row)") }
        let header = try ManifestHeader(headerLine, path: path)
        let names = header.names
        let subjectColumn = names.firstIndex(of: "subject")!, lesionColumn = names.firstIndex(of: "lesions")!
        let tissueColumn = names.firstIndex(of: "tissue")!, csfColumn = names.firstIndex(of: "csf")

        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : folder + "/" + p }
        let rows = lines.dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        try header.refuseMisnamedImageColumns(rows.filter { !$0.isEmpty }, path: path, resolve: resolve)
        var entries: [Entry] = []
        var seen = Set<String>()
        var trimmed: (column: String, value: String, line: Int)?
        for (n, cells) in zip(1..., rows) where cells != [""] {
            let subject = cells.first ?? ""
            guard cells.count == names.count else {
                entries.append(.rejected(subject: subject, reason: "line \(n + 1) has \(cells.count) cells, the header \(names.count)"))
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
            let maps = header.mapColumns.filter { !cells[$0.column].isEmpty }.map {
                MapSpec(name: $0.name, session: $0.session, path: resolve(cells[$0.column]))
            }
            guard !maps.isEmpty else {
                entries.append(.rejected(subject: id, reason: "line \(n + 1) has no map: every map cell is empty (an empty cell means no such map; give at least one)"))
                continue
            }
            let csf = csfColumn.flatMap { cells[$0].isEmpty ? nil : resolve(cells[$0]) }
            let covariates = header.covariateColumns.map { c in
                let value = cells[c].trimmingCharacters(in: .whitespaces)
                if value != cells[c], trimmed == nil { trimmed = (names[c], cells[c], n + 1) }
                return Covariate(name: names[c], value: value)
            }
            entries.append(.subject(SubjectInputs(
                subject: id, lesions: resolve(cells[lesionColumn]), tissue: resolve(cells[tissueColumn]), csf: csf, maps: maps,
                covariates: covariates)))
        }
        var warnings = header.warnings
        if let trimmed {
            warnings.append("\(path): covariate cells read without surrounding spaces (e.g. \(trimmed.column) '\(trimmed.value)' on line \(trimmed.line))")
        }
        return Manifest(entries: entries, sessions: header.sessions, warnings: warnings)
    }
}
