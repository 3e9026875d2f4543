import ArgumentParser
import NIfTI

@main
struct LesionMTRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesionmtr",
        abstract: "Lesion MTR analysis for multiple sclerosis remyelination trials.",
        version: "0.1.0",
        subcommands: [Info.self, Stats.self, Batch.self, MergeCommand.self, QC.self, MTRCommand.self, Label.self, Simulate.self])

    /// Sets the allocator up for large voxel arrays, then parses and runs the command.
    static func main() {
        keepFreedVoxelMemory()
        main(nil)
    }
}
