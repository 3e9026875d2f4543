import ArgumentParser
import Foundation

@main
struct LesionMTRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesionmtr",
        abstract: "Lesion MTR analysis for multiple sclerosis remyelination trials.",
        version: "0.1.0",
        subcommands: [Info.self, Stats.self, Batch.self, MergeCommand.self, MTRCommand.self, Label.self, Simulate.self])

    /// Ignores SIGXFSZ so that a write beyond the file size limit (`ulimit -f`) fails with EFBIG
    /// and is reported in one line (exit 74), instead of killing the process mid-write.
    static func main() {
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}
