import NIfTI

/// Why one subject cannot be analysed: a file problem (`NIfTIError`, naming the file) or an
/// inconsistent request. `exitCode` follows sysexits.
public enum AnalysisError: Error, CustomStringConvertible, Sendable {
    /// A file could not be read, or two files are not on one grid.
    case file(NIfTIError)
    /// The inputs contradict each other (e.g. `mton` without `mtoff`, a session given twice).
    case invalidInput(String)

    public var description: String {
        switch self {
        case .file(let e): e.description
        case .invalidInput(let message): message
        }
    }

    /// The file concerned, when there is one.
    public var path: String? {
        if case .file(let e) = self { return e.path }
        return nil
    }

    /// The reason without the file name.
    public var reason: String {
        switch self {
        case .file(let e): e.reason
        case .invalidInput(let message): message
        }
    }

    /// 65 bad data (and 66/73/74 from file errors), 64 for an inconsistent request.
    public var exitCode: Int32 {
        switch self {
        case .file(let e): e.exitCode
        case .invalidInput: 64
        }
    }
}
