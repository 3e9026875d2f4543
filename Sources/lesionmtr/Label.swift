import ArgumentParser
import LesionMTR
import NIfTI

/// `lesionmtr label`: lesion ids from a binary mask, as `stats` numbers them.
struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label the connected components of a binary lesion mask (ids as lesionmtr stats numbers them).",
        discussion: """
            Voxels > 0 are lesion. Components are found with --connectivity; those smaller than \
            --min-voxels are dropped; ids are 1…n in the order of each component's first voxel \
            in storage order (i fastest). Writes an Int32 label image on the input grid (opens in \
            FSLeyes and ITK-SNAP) and prints the number of lesions.
            """)

    @Argument(help: ArgumentHelp("Binary lesion mask.", valueName: "mask"))
    var mask: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Output label image (.nii or .nii.gz).", valueName: "file"))
    var output: String

    @Option(help: "Connectivity: 6 (faces), 18 (faces+edges) or 26 (faces+edges+corners).")
    var connectivity = 26

    @Option(help: ArgumentHelp("Drop components smaller than this (voxels).", valueName: "voxels"))
    var minVoxels = 3

    func validate() throws {
        guard [6, 18, 26].contains(connectivity) else { throw ValidationError("--connectivity must be 6, 18 or 26") }
        guard minVoxels >= 1 else { throw ValidationError("--min-voxels must be at least 1") }
    }

    func run() throws {
        do throws(NIfTIError) {
            let input = try NIfTIReader.readFloat(at: mask)
            let ids = LesionLabelling.label(input, connectivity: connectivity, minVoxels: minVoxels)
            try NIfTIWriter.write(ids.volume, to: output, description: "lesionmtr lesion ids")
            print("\(ids.count) lesions")
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
    }
}
