import ArgumentParser
import LesionMTR

/// The analysis options of docs/definitions.md, shared by `stats` and `batch` (spelled and documented once).
struct AnalysisArguments: ParsableArguments {
    @Option(help: "Connectivity for labelling a binary lesion mask: 6 (faces), 18 (faces+edges) or 26 (faces+edges+corners).")
    var connectivity = 26

    @Option(help: ArgumentHelp("Drop connected components smaller than this (voxels; binary masks only).", valueName: "voxels"))
    var minVoxels = 3

    @Flag(help: "The lesion image holds lesion ids (rounded values > 0): keep them, do not label or drop.")
    var labelled = false

    @Option(help: "Unit of --rim-width, --perilesional-width and --nawm-gap: voxel (6-connected steps) or mm (Euclidean).")
    var unit: DistanceUnit = .voxel

    @Option(help: ArgumentHelp("Rim: lesion voxels within this distance of a voxel outside the lesion (--unit).", valueName: "width"))
    var rimWidth = 1.0

    @Option(help: ArgumentHelp("Perilesional shell: non-lesion brain voxels (not CSF) within this distance of a lesion (--unit).", valueName: "width"))
    var perilesionalWidth = 2.0

    @Option(help: ArgumentHelp("NAWM: white matter farther than this from every lesion (--unit).", valueName: "gap"))
    var nawmGap = 2.0

    @Option(help: ArgumentHelp("Width of the distance-to-CSF bands (mm).", valueName: "mm"))
    var bandWidth = 1.0

    @Option(help: ArgumentHelp("Labels of the tissue segmentation (0 is always background; other labels are other brain tissue).", valueName: "csf=1,cgm=2,wm=3,dgm=4"))
    var tissueLabels = "csf=1,cgm=2,wm=3,dgm=4"

    @Option(help: ArgumentHelp("MT-off at or below this gives NaN MTR (mton/mtoff input; MT-off units).", valueName: "value"))
    var minMtoff = 0.0

    @Option(help: ArgumentHelp("Baseline session label (default: the first session named; required when a later session is named like a baseline — base, baseline, bl, m0, pre, screening, 0 — or, with --bids, a sessions.tsv dates another session earlier).", valueName: "ses"))
    var baseline: String?

    func validate() throws {
        guard [6, 18, 26].contains(connectivity) else { throw ValidationError("--connectivity must be 6, 18 or 26") }
        guard minVoxels >= 1 else { throw ValidationError("--min-voxels must be at least 1") }
        guard rimWidth >= 0, perilesionalWidth >= 0, nawmGap >= 0 else {
            throw ValidationError("--rim-width, --perilesional-width and --nawm-gap must be ≥ 0")
        }
        guard bandWidth > 0, bandWidth.isFinite else { throw ValidationError("--band-width must be > 0 mm") }
        do { _ = try TissueLabels(parsing: tissueLabels) } catch { throw ValidationError("--tissue-labels: \(error)") }
        if let baseline, !isLabel(baseline) { throw ValidationError("--baseline must be a label ([A-Za-z0-9]+)") }
    }

    /// The options for the analysis library.
    var options: AnalysisOptions {
        var o = AnalysisOptions()
        o.connectivity = connectivity
        o.minVoxels = minVoxels
        o.labelled = labelled
        o.unit = unit
        o.rimWidth = rimWidth
        o.perilesionalWidth = perilesionalWidth
        o.nawmGap = nawmGap
        o.bandWidthMM = bandWidth
        o.tissueLabels = (try? TissueLabels(parsing: tissueLabels)) ?? .standard
        o.minMTOff = minMtoff
        o.baseline = baseline
        return o
    }
}

extension DistanceUnit: ExpressibleByArgument {}

/// The optional outputs of `stats` and `batch`.
struct ExtraOutputArguments: ParsableArguments {
    @Flag(help: "Also write voxels.tsv: one row per lesion and perilesional voxel.")
    var voxels = false

    @Flag(help: "Also write lesion_ids.nii.gz and components.nii.gz (1 core, 2 rim, 3 perilesional) on the input grid.")
    var writeMasks = false
}
