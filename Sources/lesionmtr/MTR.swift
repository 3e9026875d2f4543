import ArgumentParser
import LesionMTR
import NIfTI

/// `lesionmtr mtr`: an MTR map from an MT-on/MT-off pair.
struct MTRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtr",
        abstract: "Compute an MTR map (pu) from MT-on and MT-off images: 100 × (MToff − MTon) / MToff.",
        discussion: """
            Voxels where MT-off ≤ --min-mtoff, or where either image is not finite, are NaN \
            (invalid voxels, excluded from every statistic). Both images must share one grid. \
            The output is Float32 on that grid, keeping both transforms. When most finite MTR \
            values are negative (MT-on brighter than MT-off), a warning asks whether --mt-on and \
            --mt-off are swapped; the map is written all the same.
            """)

    @Option(name: .customLong("mt-on"), help: ArgumentHelp("Image acquired with the MT pulse.", valueName: "file"))
    var mtOn: String

    @Option(name: .customLong("mt-off"), help: ArgumentHelp("Image acquired without the MT pulse.", valueName: "file"))
    var mtOff: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Output MTR map (.nii or .nii.gz).", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("MT-off at or below this gives NaN (MT-off units).", valueName: "value"))
    var minMtoff = 0.0

    func run() throws {
        do throws(NIfTIError) {
            let on = try NIfTIReader.readFloat(at: mtOn)
            let off = try NIfTIReader.readFloat(at: mtOff)
            if let difference = on.grid.mismatch(with: off.grid) {
                throw NIfTIError(.gridMismatch, path: mtOff, reason: "not on the grid of \(mtOn): \(difference)")
            }
            let map = mtr(on: on.voxels, off: off.voxels, minMTOff: Float(minMtoff))
            try NIfTIWriter.write(Volume(grid: on.grid, voxels: map), to: output, description: "lesionmtr MTR (pu)")
            if let warning = InputChecks.swappedMTPair(map, onPath: mtOn, offPath: mtOff, names: "--mt-on and --mt-off") {
                printError("warning: \(warning)")
            }
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
    }
}
