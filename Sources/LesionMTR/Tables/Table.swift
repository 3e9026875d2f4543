import Foundation

/// A tidy table: named columns and rows of text cells, written as TSV (`docs/tables.md`):
/// UTF-8, one header row, tab-separated, `\n` line ends, `n/a` for missing values.
public struct Table: Sendable, Equatable {
    /// Column names, in order.
    public var columns: [String]
    /// Rows of cells, each with one cell per column.
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The TSV text.
    public var tsv: String {
        var out = columns.joined(separator: "\t") + "\n"
        for row in rows { out += row.joined(separator: "\t") + "\n" }
        return out
    }
}

/// Cell formatting shared by every table.
public enum Cell {
    /// The missing-value marker.
    public static let missing = "n/a"

    /// A real number with 9 significant digits (`%.9g`); `n/a` for nil or non-finite.
    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return missing }
        // C's printf, as Foundation's String(format:) uses for %g, without its per-call cost
        // (thousands of cells per subject).
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
            let n = withVaList([x == 0 ? 0 : x]) { vsnprintf(buffer.baseAddress!, 32, "%.9g", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(n)), as: UTF8.self)
        }
    }

    /// An integer count.
    public static func count(_ n: Int) -> String { String(n) }
}
