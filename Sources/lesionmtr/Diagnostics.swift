import Foundation

/// Writes `lesionmtr: message` as one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("lesionmtr: \(message)\n".utf8))
}
