import ArgumentParser

@main
struct LesionMTRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesionmtr",
        abstract: "Lesion MTR analysis for multiple sclerosis remyelination trials.",
        version: "0.1.0",
        subcommands: [Info.self, Stats.self, Batch.self, MergeCommand.self, MTRCommand.self, Label.self, Simulate.self, Model.self, Power.self])
}
