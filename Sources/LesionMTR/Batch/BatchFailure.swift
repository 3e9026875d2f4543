import Foundation

/// One subject that failed: the subject as written, the file concerned (or `-`), the reason.
public struct BatchFailure: Sendable, Equatable {
    public var subject: String
    public var file: String
    public var reason: String

    public init(subject: String, file: String, reason: String) {
        self.subject = subject
        self.file = file
        self.reason = reason
    }

    /// The errors.tsv row (tabs and line breaks in the text replaced by spaces).
    var row: String {
        [subject, file, reason].map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
            .joined(separator: "\t")
    }

    /// Parses an errors.tsv row.
    init?(row: String) {
        let cells = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard cells.count == 3 else { return nil }
        self.init(subject: cells[0], file: cells[1], reason: cells[2])
    }
}
