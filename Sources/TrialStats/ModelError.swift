/// Why a model could not be fitted: each case reads as one line naming the table or formula.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// `table` lacks `column`, which `purpose` needs.
    case missingColumn(table: String, column: String, purpose: String)
    /// The formula text cannot be parsed.
    case badFormula(formula: String, reason: String)
    /// The response (or a variable used as a number) has text that is not a number.
    case notNumeric(table: String, column: String, example: String)
    /// No rows (or too few for the parameters) remain after filters and dropping missing values.
    case tooFewRows(table: String, reason: String)
    /// A design column is a linear combination of the others (e.g. a factor level with no rows).
    case rankDeficient(table: String, column: String)
    /// A bad argument (e.g. a power calculation input out of range).
    case invalidArgument(String)
    /// An input file is missing, or a folder where a file is expected; `reason` says so and
    /// what to give instead.
    case missingInput(path: String, reason: String)
    /// An input file exists but is not what it should be; `reason` says what it should be.
    case badInput(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingColumn(let table, let column, let purpose):
            "\(table): no column '\(column)' (needed by \(purpose))"
        case .badFormula(let formula, let reason): "formula '\(formula)': \(reason)"
        case .notNumeric(let table, let column, let example):
            "\(table): column '\(column)' is used as a number but has the value '\(example)'"
        case .tooFewRows(let table, let reason): "\(table): \(reason)"
        case .rankDeficient(let table, let column):
            "\(table): the design is rank deficient: '\(column)' is a linear combination of the other columns (a factor level or combination with no rows?)"
        case .invalidArgument(let message): message
        case .missingInput(let path, let reason), .badInput(let path, let reason): "\(path): \(reason)"
        }
    }
}
