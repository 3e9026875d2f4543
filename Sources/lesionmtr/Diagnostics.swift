import Foundation

/// Writes `lesionmtr: message` as one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((errorLine(message) + "\n").utf8))
}

/// `message` as an error line: `lesionmtr: message`.
func errorLine(_ message: String) -> String { "lesionmtr: \(message)" }

/// The command line as recorded in sidecars: the program's arguments without the options that
/// change how a run executes but not what it computes (`--threads`, `--jobs`, `--shard`,
/// `--quiet`, `--resume`, and the QC report's `--qc` and `--max-lesions`), so that outputs are
/// byte-identical whatever they are.
func reproducibleCommandLine(_ arguments: [String] = CommandLine.arguments) -> [String] {
    let valued: Set = ["--threads", "--jobs", "--shard", "--max-lesions"], flags: Set = ["--quiet", "--resume", "--qc"]
    var out: [String] = []
    var skipNext = false
    for a in arguments {
        if skipNext { skipNext = false; continue }
        if valued.contains(a) { skipNext = true; continue }
        if flags.contains(a) || valued.contains(where: { a.hasPrefix($0 + "=") }) { continue }
        out.append(a)
    }
    if let first = out.first { out[0] = (first as NSString).lastPathComponent }
    return out
}
