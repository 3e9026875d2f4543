/// A row filter `column=value` or `column!=value` (e.g. `component=rim`,
/// `below_subject_median=1`). Values compare as numbers when both sides are numbers (so `1`
/// matches `1.0`), else as exact text. A missing cell (`n/a`) never matches `=` and always
/// matches `!=`.
public struct RowFilter: Sendable, Equatable, CustomStringConvertible {
    public var column: String
    public var value: String
    /// True for `!=`.
    public var negated: Bool

    public init(column: String, value: String, negated: Bool = false) {
        self.column = column
        self.value = value
        self.negated = negated
    }

    /// Parses `column=value` or `column!=value`; nil if there is no `=` or the column is empty.
    public init?(parsing text: String) {
        if let r = text.range(of: "!=") {
            self.init(column: String(text[..<r.lowerBound]), value: String(text[r.upperBound...]), negated: true)
        } else if let r = text.range(of: "=") {
            self.init(column: String(text[..<r.lowerBound]), value: String(text[r.upperBound...]))
        } else { return nil }
        if column.isEmpty { return nil }
    }

    public var description: String { column + (negated ? "!=" : "=") + value }

    /// Whether a cell passes the filter.
    public func matches(_ cell: String) -> Bool {
        if DataFrame.isMissing(cell) { return negated }
        let equal: Bool
        if let a = Double(cell), let b = Double(value) { equal = a == b } else { equal = cell == value }
        return equal != negated
    }

    /// The rows of `frame` that pass every filter; throws `ModelError.missingColumn` naming the
    /// first filter column that `frame` lacks.
    public static func apply(_ filters: [RowFilter], to frame: DataFrame, table: String) throws(ModelError) -> DataFrame {
        var columns: [(RowFilter, [String])] = []
        for f in filters {
            guard let c = frame.column(f.column) else { throw .missingColumn(table: table, column: f.column, purpose: "the filter \(f)") }
            columns.append((f, c))
        }
        return frame.rows { r in columns.allSatisfy { $0.0.matches($0.1[r]) } }
    }
}
