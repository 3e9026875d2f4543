import NIfTI
import VoxelKernels

/// Component codes written in the component mask (`--write-masks`) and used internally.
public enum ComponentCode: UInt8, Sendable {
    case none = 0, core = 1, rim = 2, perilesional = 3
}

/// The regions of DESIGN.md §3 for one subject: lesion ids, each voxel's component (core, rim,
/// perilesional) and owning lesion, NAWM, and the distance to CSF.
public struct LesionRegions: Sendable {
    /// Lesion id per voxel (kept lesions only); 0 elsewhere.
    public var ids: [Int32]
    /// The ids present, ascending.
    public var lesionIDs: [Int32]
    /// Component per voxel: core or rim inside lesions, perilesional around them, else none.
    public var component: [UInt8]
    /// The lesion a core, rim or perilesional voxel belongs to; 0 elsewhere.
    public var owner: [Int32]
    /// 1 in normal-appearing white matter.
    public var nawm: [UInt8]
    /// Euclidean distance (mm) to the nearest CSF voxel at lesion, perilesional and NAWM voxels
    /// (the only ones any table reads; elsewhere the distance or NaN); nil when there is no CSF
    /// at all.
    public var distanceToCSF: [Double]?

    /// Computes the regions with the widths and unit of `options`. With `csfDistance: false` the
    /// distance to CSF is left out (nil): for callers that only need the components, such as the
    /// QC report.
    public static func compute(_ images: SubjectImages, options: AnalysisOptions, threads: Int,
                               csfDistance: Bool = true) -> LesionRegions {
        let grid = images.grid
        let n = grid.voxelCount
        // 1. Lesions.
        let ids: [Int32]
        switch images.lesions {
        case .ids(let given):
            ids = given
        case .mask(let mask):
            ids = LesionLabelling.label(mask, dims: grid.dims, connectivity: options.connectivity, minVoxels: options.minVoxels).labels
        }
        let idVolume = Volume(grid: grid, voxels: ids)
        // One pass finds the lesions present (ids are ≥ 0) and their boxes, for the rim and the shell.
        let boxes = LabelBoxes(idVolume)
        let lesionIDs = boxes.labels

        // 2. Rim and core: distance to the nearest voxel not in the same lesion.
        var component = [UInt8](hugePageBacked: n, repeating: ComponentCode.none.rawValue)
        var owner = [Int32](hugePageBacked: n, repeating: 0)
        switch options.unit {
        case .voxel:
            let w = Int(options.rimWidth.rounded(.down))
            let steps = DistanceToOtherLabel.steps(idVolume, bound: max(w, 0), boxes: boxes, threads: threads)
            for v in 0..<n where ids[v] > 0 {
                component[v] = (w >= 1 && steps[v] <= Int32(w) ? ComponentCode.rim : .core).rawValue
                owner[v] = ids[v]
            }
        case .mm:
            let d = DistanceToOtherLabel.millimetres(idVolume, boxes: boxes, threads: threads)
            for v in 0..<n where ids[v] > 0 {
                component[v] = (d[v] <= options.rimWidth * (1 + 1e-12) ? ComponentCode.rim : .core).rawValue
                owner[v] = ids[v]
            }
        }

        // 3–4. Perilesional shell and NAWM, from each lesion's neighbourhood only: the nearest
        //      lesion (ties to the lowest id) and its distance, within the larger of the two widths.
        //      Perilesional: non-lesion brain voxels that are not CSF (by the tissue label; a
        //      separate --csf mask only serves the distance) within the perilesional width.
        //      NAWM: WM, not lesion, farther than the gap from every lesion.
        let tissue = images.tissue, csfLabel = options.tissueLabels.csf, wm = options.tissueLabels.wm
        var nawm = [UInt8](hugePageBacked: n, repeating: 0)
        func classify(nearest: [Int32], isPerilesional: (Int) -> Bool, isNearLesion: (Int) -> Bool) {
            for v in 0..<n where ids[v] == 0 {
                if nearest[v] > 0, tissue[v] != 0, tissue[v] != csfLabel, isPerilesional(v) {
                    component[v] = ComponentCode.perilesional.rawValue
                    owner[v] = nearest[v]
                }
                if tissue[v] == wm, !isNearLesion(v) { nawm[v] = 1 }
            }
        }
        switch options.unit {
        case .voxel:
            let w = max(-1, Int(options.perilesionalWidth.rounded(.down)))
            let gap = max(0, Int(options.nawmGap.rounded(.down)))
            let reach = LabelReach.steps(idVolume, reach: max(w, gap, 0), boxes: boxes)
            classify(nearest: reach.nearest, isPerilesional: { reach.distance[$0] <= Int32(w) },
                     isNearLesion: { reach.distance[$0] <= Int32(gap) })
        case .mm:
            let reach = LabelReach.squaredMillimetres(idVolume, reach: max(options.perilesionalWidth, options.nawmGap), boxes: boxes)
            classify(nearest: reach.nearest, isPerilesional: { isWithin(squared: reach.distance[$0], radius: options.perilesionalWidth) },
                     isNearLesion: { isWithin(squared: reach.distance[$0], radius: options.nawmGap) })
        }

        // 5. Distance to CSF, wanted at lesion, perilesional and NAWM voxels only.
        let csf = images.csf
        var toCSF: [Double]?
        if csfDistance, csf.contains(1) {
            let wanted = [UInt8](hugePageBacked: n) { w in
                for v in 0..<n { w[v] = owner[v] > 0 || nawm[v] == 1 ? 1 : 0 }
            }
            toCSF = EuclideanDistance.transform(csf, dims: grid.dims, spacing: grid.spacing, wanted: wanted, threads: threads)
        }

        return LesionRegions(ids: ids, lesionIDs: lesionIDs, component: component, owner: owner, nawm: nawm,
                             distanceToCSF: toCSF)
    }
}
