import NIfTI

/// Where each lesion lies, for choosing what to show: its size, a voxel at its heart, and the
/// box around it and its perilesional shell. Computed from `LesionRegions`, never re-derived.
struct LesionLayout {
    struct Lesion {
        var id: Int32
        /// Voxels of the whole lesion.
        var count: Int
        /// The lesion voxel nearest (in mm) to the lesion's centroid: slices through it cut the lesion.
        var centre: SIMD3<Int>
        /// Bounding box (voxel indices) of the lesion and its perilesional shell.
        var low: SIMD3<Int>
        var high: SIMD3<Int>
    }

    var lesions: [Lesion]
    /// Bounding box of the brain (tissue ≠ 0), or of the whole grid if there is none.
    var brainLow: SIMD3<Int>
    var brainHigh: SIMD3<Int>

    /// `tissue`: per voxel, 0 outside the brain (tissue codes or labels).
    init(regions: LesionRegions, tissue: [UInt8], grid: Grid) {
        let d = grid.dims
        let maxID = Int(regions.lesionIDs.last ?? 0)
        var count = [Int](repeating: 0, count: maxID + 1)
        var sum = [SIMD3<Double>](repeating: .zero, count: maxID + 1)
        var low = [SIMD3<Int>](repeating: d, count: maxID + 1), high = [SIMD3<Int>](repeating: .zero, count: maxID + 1)
        var brainLow = d, brainHigh = SIMD3<Int>(repeating: -1)
        var n = 0
        for k in 0..<d.z {
            for j in 0..<d.y {
                for i in 0..<d.x {
                    defer { n += 1 }
                    let p = SIMD3(i, j, k)
                    if tissue[n] != 0 {
                        brainLow = pointwiseMin(brainLow, p)
                        brainHigh = pointwiseMax(brainHigh, p)
                    }
                    let o = Int(regions.owner[n])
                    guard o > 0 else { continue }
                    low[o] = pointwiseMin(low[o], p)
                    high[o] = pointwiseMax(high[o], p)
                    if regions.isLesion(n) {
                        count[o] += 1
                        sum[o] += SIMD3<Double>(Double(i), Double(j), Double(k))
                    }
                }
            }
        }
        if brainHigh.x < 0 { (brainLow, brainHigh) = (.zero, d &- 1) }
        self.brainLow = brainLow
        self.brainHigh = brainHigh
        // The lesion voxel nearest its centroid, searched within the lesion's box.
        lesions = regions.lesionIDs.map { id in
            let l = Int(id)
            let centroid = sum[l] / Double(max(1, count[l]))
            var best = (distance: Double.infinity, voxel: low[l])
            for k in low[l].z...high[l].z {
                for j in low[l].y...high[l].y {
                    for i in low[l].x...high[l].x where regions.lesionID(at: grid.index(i, j, k)) == id {
                        let delta = (SIMD3<Double>(Double(i), Double(j), Double(k)) - centroid) * grid.spacing
                        let dist = (delta * delta).sum()
                        if dist < best.distance { best = (dist, SIMD3(i, j, k)) }
                    }
                }
            }
            return Lesion(id: id, count: count[l], centre: best.voxel, low: low[l], high: high[l])
        }
    }

    /// The `n` largest lesions (ties: lower id first), in id order.
    func largest(_ n: Int) -> [Lesion] {
        Array(lesions.sorted { ($0.count, -$0.id) > ($1.count, -$1.id) }.prefix(n)).sorted { $0.id < $1.id }
    }

    /// Screen columns and rows covered by the box `low…high` in `frame`.
    static func screenRange(_ frame: SliceFrame, low: SIMD3<Int>, high: SIMD3<Int>) -> (u: ClosedRange<Int>, v: ClosedRange<Int>) {
        let a = frame.screen(of: low), b = frame.screen(of: high)
        return (min(a.u, b.u)...max(a.u, b.u), min(a.v, b.v)...max(a.v, b.v))
    }
}
