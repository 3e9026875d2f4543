import ArgumentParser
import Foundation
import NIfTI

@main
struct LesionMTRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesionmtr",
        abstract: "Lesion MTR analysis for multiple sclerosis remyelination trials.",
        version: "0.1.0",
        subcommands: [Info.self, Stats.self, Batch.self, MergeCommand.self, QC.self, MTRCommand.self, Label.self, Simulate.self, Model.self, Power.self])

    /// Sets the allocator up for large voxel arrays and ignores SIGXFSZ, so that a write beyond
    /// the file size limit (`ulimit -f`) fails with EFBIG and is reported in one line (exit 74)
    /// instead of killing the process mid-write; then parses and runs the command.
    static func main() {
        keepFreedVoxelMemory()
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}
