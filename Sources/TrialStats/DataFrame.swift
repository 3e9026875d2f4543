import Foundation

/// A table of text cells with named columns, as read from a TSV file: the input of every model.
/// Cells stay text until a model decides how to use a column (number or factor level).
public struct DataFrame: Sendable, Equatable {
    /// Column names in file order.
    public private(set) var columns: [String]
    /// Cells by column: `cells[c][r]` is row `r` of column `c`.
    public private(set) var cells: [[String]]

    /// The number of rows.
    public var rowCount: Int { cells.first?.count ?? 0 }

    /// Cells that mean "missing": `n/a` (lesionmtr's tables), empty, `NA`, `NaN`, `nan`.
    public static func isMissing(_ cell: String) -> Bool {
        cell.isEmpty || cell == "n/a" || cell == "NA" || cell == "NaN" || cell == "nan"
    }

    /// A frame from column names and rows (each row as long as `columns`).
    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        cells = columns.indices.map { c in rows.map { $0[c] } }
    }

    /// A frame from named columns of equal length.
    public init(columns: [(String, [String])]) {
        self.columns = columns.map(\.0)
        cells = columns.map(\.1)
    }

    /// Reads a TSV file with a header row. Throws `DataFrameError.missing` if there is no such
    /// file or it is a folder, `.unreadable` if it cannot be read as text, `.malformed` if it is
    /// empty, has duplicate column names, or a row of the wrong length.
    public static func readTSV(_ path: String) throws(DataFrameError) -> DataFrame {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .missing(path: path, reason: "no such file") }
        guard !isFolder.boolValue else { throw .missing(path: path, reason: "is a folder, not a table file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw .missing(path: path, reason: "Permission denied") }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: "cannot be read as UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first, !header.isEmpty else { throw .malformed(path: path, reason: "empty file (no header row)") }
        let columns = header.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        if let dup = duplicate(columns) { throw .malformed(path: path, reason: "column '\(dup)' appears twice in the header") }
        var cells = [[String]](repeating: [], count: columns.count)
        for c in cells.indices { cells[c].reserveCapacity(lines.count - 1) }
        for (n, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == columns.count else {
                throw .malformed(path: path, reason: "line \(n + 2) has \(fields.count) fields, the header \(columns.count)")
            }
            for (c, f) in fields.enumerated() { cells[c].append(String(f)) }
        }
        var frame = DataFrame(columns: [], rows: [])
        frame.columns = columns
        frame.cells = cells
        return frame
    }

    private static func duplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }

    /// The cells of column `name`, or nil if there is no such column.
    public func column(_ name: String) -> [String]? {
        columns.firstIndex(of: name).map { cells[$0] }
    }

    /// Whether the column exists.
    public func has(_ name: String) -> Bool { columns.contains(name) }

    /// The rows whose index satisfies `keep`, in order.
    public func rows(where keep: (Int) -> Bool) -> DataFrame {
        let kept = (0..<rowCount).filter(keep)
        var f = self
        f.cells = cells.map { col in kept.map { col[$0] } }
        return f
    }

    /// This frame with column `name` set to `values` (replaced if it exists, else appended).
    public func setting(_ name: String, to values: [String]) -> DataFrame {
        precondition(values.count == rowCount || columns.isEmpty, "column length differs from the frame's")
        var f = self
        if let c = columns.firstIndex(of: name) { f.cells[c] = values } else { f.columns.append(name); f.cells.append(values) }
        return f
    }

    /// Adds to each row the columns of `other` (except `key`) from the row of `other` with the same
    /// `key` value (a left join on a unique key); rows without a match get `n/a`. Columns this frame
    /// already has are kept as they are.
    public func joined(with other: DataFrame, on key: String) -> DataFrame {
        guard let mine = column(key), let theirs = other.column(key) else { return self }
        var index: [String: Int] = [:]
        for (r, k) in theirs.enumerated() where index[k] == nil { index[k] = r }
        var f = self
        for (c, name) in other.columns.enumerated() where name != key && !has(name) {
            f.columns.append(name)
            f.cells.append(mine.map { k in index[k].map { other.cells[c][$0] } ?? "n/a" })
        }
        return f
    }
}

/// Why a table could not be used, naming the file.
public enum DataFrameError: Error, Equatable, CustomStringConvertible {
    /// There is no such file, or it is a folder.
    case missing(path: String, reason: String)
    /// The file is not readable text.
    case unreadable(path: String, reason: String)
    /// The file is not a rectangular TSV with a header row.
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path, let reason), .unreadable(let path, let reason), .malformed(let path, let reason): "\(path): \(reason)"
        }
    }
}
