import VoxelKernels

/// The ten statistic columns of a map over a region (docs/definitions.md, Statistics), in table order.
enum MapStatistics {
    /// Column suffixes: `<map>_<ses>_<suffix>`.
    static let suffixes = ["n_valid", "mean", "sd", "median", "p10", "p25", "p75", "p90", "min", "max"]
    /// Quantile levels requested from `LabelStatistics`, in the order `quantiles` returns them.
    static let probabilities = [0.1, 0.25, 0.5, 0.75, 0.9]

    /// The ten cells of `summary` (nil: an empty region, n_valid 0).
    static func cells(_ s: LabelSummary?) -> [String] {
        guard let s else { return ["0"] + Array(repeating: Cell.missing, count: 9) }
        let q = s.quantiles
        return [Cell.count(s.validCount), Cell.number(s.mean), Cell.number(s.sd), Cell.number(q?[2]),
                Cell.number(q?[0]), Cell.number(q?[1]), Cell.number(q?[3]), Cell.number(q?[4]),
                Cell.number(s.min), Cell.number(s.max)]
    }
}

/// Per-lesion geometry gathered in one pass: voxel counts, index sums for centroids, tissue
/// counts and CSF distances, for whole lesions and for each component.
struct LesionGeometry {
    /// Indexed by lesion id (0 unused).
    var wholeCount: [Int]
    var indexSum: [SIMD3<Double>]
    var tissueCount: [SIMD3<Int>]  // wm, cgm, dgm
    /// Indexed by `id * 4 + component` (component 0 = whole, 1 core, 2 rim, 3 perilesional).
    var count: [Int]
    var distanceSum: [Double]
    var distanceMin: [Double]

    init(_ images: SubjectImages, _ regions: LesionRegions, maxID: Int, tissueLabels: TissueLabels) {
        let n = maxID + 1
        wholeCount = [Int](repeating: 0, count: n)
        indexSum = [SIMD3<Double>](repeating: .zero, count: n)
        tissueCount = [SIMD3<Int>](repeating: .zero, count: n)
        count = [Int](repeating: 0, count: n * 4)
        distanceSum = [Double](repeating: 0, count: n * 4)
        distanceMin = [Double](repeating: .infinity, count: n * 4)
        let dims = images.grid.dims
        // Lesion and perilesional voxels are among the analysed ones, in storage order.
        for (r, v) in regions.analysed.enumerated() {
            let owner = Int(regions.owner[v])
            guard owner > 0 else { continue }
            let c = Int(regions.component[v])
            let d = regions.distanceToCSF?[r] ?? .nan
            if c != Int(ComponentCode.perilesional.rawValue) {
                let (i, j, k) = (v % dims.x, v / dims.x % dims.y, v / (dims.x * dims.y))
                wholeCount[owner] += 1
                indexSum[owner] += SIMD3(Double(i), Double(j), Double(k))
                switch tissueLabels.tissue(of: images.tissue[v]) {
                case .wm: tissueCount[owner].x += 1
                case .cgm: tissueCount[owner].y += 1
                case .dgm: tissueCount[owner].z += 1
                default: break
                }
                add(owner * 4, d)
            }
            add(owner * 4 + c, d)
        }
    }

    private mutating func add(_ slot: Int, _ d: Double) {
        count[slot] += 1
        distanceSum[slot] += d
        distanceMin[slot] = min(distanceMin[slot], d)
    }
}
