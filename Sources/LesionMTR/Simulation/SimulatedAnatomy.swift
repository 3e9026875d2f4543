import Foundation
import NIfTI
import VoxelKernels

/// The anatomy every simulated subject shares, derived once from the MNI ICBM152 2009a grey and
/// white matter probabilities in `sample-data/anatomy` (README, How the simulated trial is made).
///
/// Derivation (documented so a reader can judge it):
/// 1. `gm`, `wm` = probability / 255 (2 mm grid: means of 2×2×2 blocks).
/// 2. Brain: `gm + wm > 0.1`, holes filled (background components, 6-connected, that do not
///    touch the edge of the image — the ventricles), then closed by 2 mm (city-block) so that
///    sulcal CSF is inside.
/// 3. Tissue label in the brain: the largest of CSF = 1 − gm − wm, gm, wm → 1 CSF, 2 GM, 3 WM.
/// 4. Deep GM (4): GM voxels more than 15 mm inside the brain within the MNI box
///    |x| ≤ 32, −38 ≤ y ≤ 28, −12 ≤ z ≤ 24 mm (basal ganglia and thalamus); other GM is cortical.
/// 5. Ventricles: CSF more than 12 mm inside the brain.
struct SimulatedAnatomy: Sendable {
    var grid: Grid
    /// Standard labels: 0 background, 1 CSF, 2 CGM, 3 WM, 4 DGM.
    var tissue: [UInt8]
    /// Noise-free MTR (pu) and T1 (ms) of the healthy anatomy (partial-volume mixtures); 0 outside.
    var mtrTemplate: [Float]
    var t1Template: [Float]
    /// Euclidean distance (mm) to the nearest CSF voxel.
    var distanceToCSF: [Float]
    /// Storage indices where a lesion of each kind may be seeded.
    var seeds: [LesionKind: [Int]]

    /// Derives the anatomy from `folder/gm.nii.gz` and `folder/wm.nii.gz`.
    static func derive(from folder: String, parameters p: SimulationParameters, threads: Int) throws(NIfTIError) -> SimulatedAnatomy {
        var gm = try NIfTIReader.readFloat(at: folder + "/gm.nii.gz")
        var wm = try NIfTIReader.readFloat(at: folder + "/wm.nii.gz")
        if let mismatch = gm.grid.mismatch(with: wm.grid) {
            throw NIfTIError(.gridMismatch, path: folder + "/wm.nii.gz", reason: "not on the grid of gm.nii.gz: \(mismatch)")
        }
        if p.gridMM == 2 {
            gm = blockMean(gm)
            wm = blockMean(wm)
        }
        let grid = gm.grid
        let dims = grid.dims, n = grid.voxelCount
        let g = gm.voxels.map { min(max($0 / 255, 0), 1) }
        let w = wm.voxels.map { min(max($0 / 255, 0), 1) }

        // 2. Brain: threshold, fill holes, close.
        let core = (0..<n).map { g[$0] + w[$0] > 0.1 ? UInt8(1) : 0 }
        let filled = fillHoles(core, dims: dims)
        let radius = max(1, 2 / p.gridMM)
        let grown = CityBlockDistance.distances(filled, dims: dims, bound: radius, threads: threads)
        let outsideGrown = grown.map { $0 > Int32(radius) ? UInt8(1) : 0 }
        let shrunk = CityBlockDistance.distances(outsideGrown, dims: dims, bound: radius, outsideIsFeature: true, threads: threads)
        let brain = (0..<n).map { filled[$0] == 1 || shrunk[$0] > Int32(radius) }

        // 3–4. Labels.
        let outside = brain.map { $0 ? UInt8(0) : 1 }
        let depth = EuclideanDistance.transform(outside, dims: dims, spacing: grid.spacing, outsideIsFeature: true, threads: threads)
        var tissue = [UInt8](repeating: 0, count: n)
        let affine = grid.affine
        for v in 0..<n where brain[v] {
            let csf = max(0, 1 - g[v] - w[v])
            if csf >= g[v] && csf >= w[v] {
                tissue[v] = 1
            } else if w[v] >= g[v] {
                tissue[v] = 3
            } else {
                let mni = affine.apply(SIMD3(Double(v % dims.x), Double(v / dims.x % dims.y), Double(v / (dims.x * dims.y))))
                let deepBox = abs(mni.x) <= 32 && mni.y >= -38 && mni.y <= 28 && mni.z >= -12 && mni.z <= 24
                tissue[v] = deepBox && depth[v] > 15 ? 4 : 2
            }
        }

        // Templates: partial-volume mixtures of pure-tissue values.
        var mtr = [Float](repeating: 0, count: n), t1 = [Float](repeating: 0, count: n)
        for v in 0..<n where tissue[v] != 0 {
            let total = max(g[v] + w[v], 1)
            let gv = Double(g[v] / total), wv = Double(w[v] / total), cv = max(0, 1 - gv - wv)
            let deep = tissue[v] == 4
            mtr[v] = Float(wv * p.mtrWM + gv * (deep ? p.mtrDGM : p.mtrCGM) + cv * p.mtrCSF)
            t1[v] = Float(wv * p.t1WM + gv * (deep ? p.t1DGM : p.t1CGM) + cv * p.t1CSF)
        }

        let csfMask = tissue.map { $0 == 1 ? UInt8(1) : 0 }
        let toCSF = EuclideanDistance.transform(csfMask, dims: dims, spacing: grid.spacing, threads: threads)
        let seeds = seedCandidates(tissue: tissue, gm: g, depth: depth, toCSF: toCSF, grid: grid, threads: threads)
        return SimulatedAnatomy(grid: grid, tissue: tissue, mtrTemplate: mtr, t1Template: t1,
                                distanceToCSF: toCSF.map(Float.init), seeds: seeds)
    }

    /// Where each kind of lesion may start.
    private static func seedCandidates(
        tissue: [UInt8], gm: [Float], depth: [Double], toCSF: [Double], grid: Grid, threads: Int
    ) -> [LesionKind: [Int]] {
        let dims = grid.dims, n = tissue.count
        let mm = grid.spacing.x
        let ventricle = (0..<n).map { tissue[$0] == 1 && depth[$0] > 12 ? UInt8(1) : 0 }
        let toVentricle = CityBlockDistance.distances(ventricle, dims: dims, bound: 2, threads: threads)
        let cortex = tissue.map { $0 == 2 ? UInt8(1) : 0 }
        let toCortex = CityBlockDistance.distances(cortex, dims: dims, bound: Int((6 / mm).rounded(.up)), threads: threads)
        var seeds: [LesionKind: [Int]] = [:]
        for v in 0..<n {
            switch tissue[v] {
            case 3:
                if toVentricle[v] <= Int32(max(1, 2 / mm)) { seeds[.periventricular, default: []].append(v) }
                if toCortex[v] <= 1 { seeds[.juxtacortical, default: []].append(v) }
                if toCSF[v] > 8, Double(toCortex[v]) * mm > 5 { seeds[.deepWhiteMatter, default: []].append(v) }
            case 2:
                if gm[v] > 0.6 { seeds[.cortical, default: []].append(v) }
            case 4:
                seeds[.deepGrey, default: []].append(v)
            default:
                break
            }
        }
        return seeds
    }

    /// `mask` with every background region that does not reach the image edge set to 1.
    private static func fillHoles(_ mask: [UInt8], dims: SIMD3<Int>) -> [UInt8] {
        let background = mask.map { $0 == 0 ? UInt8(1) : 0 }
        let (labels, sizes) = ConnectedComponents.label(background, dims: dims, connectivity: .six)
        var touchesEdge = [Bool](repeating: false, count: sizes.count + 1)
        for k in 0..<dims.z {
            for j in 0..<dims.y {
                for i in 0..<dims.x where i == 0 || j == 0 || k == 0 || i == dims.x - 1 || j == dims.y - 1 || k == dims.z - 1 {
                    touchesEdge[Int(labels[i + dims.x * (j + dims.y * k)])] = true
                }
            }
        }
        return (0..<mask.count).map { mask[$0] == 1 || (labels[$0] > 0 && !touchesEdge[Int(labels[$0])]) ? 1 : 0 }
    }

    /// The mean of each 2×2×2 block (a partial block at the far edge averages what it has); the
    /// new voxel centre is the block centre.
    static func blockMean(_ volume: Volume<Float>) -> Volume<Float> {
        let d = volume.grid.dims
        let nd = SIMD3((d.x + 1) / 2, (d.y + 1) / 2, (d.z + 1) / 2)
        var sums = [Float](repeating: 0, count: nd.x * nd.y * nd.z)
        var counts = [Float](repeating: 0, count: sums.count)
        for k in 0..<d.z {
            for j in 0..<d.y {
                for i in 0..<d.x {
                    let t = i / 2 + nd.x * (j / 2 + nd.y * (k / 2))
                    sums[t] += volume.voxels[i + d.x * (j + d.y * k)]
                    counts[t] += 1
                }
            }
        }
        let a = volume.grid.affine
        let origin = a.apply(SIMD3(0.5, 0.5, 0.5))
        let affine = Affine(
            SIMD4(2 * a[0, 0], 2 * a[0, 1], 2 * a[0, 2], origin.x),
            SIMD4(2 * a[1, 0], 2 * a[1, 1], 2 * a[1, 2], origin.y),
            SIMD4(2 * a[2, 0], 2 * a[2, 1], 2 * a[2, 2], origin.z))
        let code = volume.grid.sform.isSet ? volume.grid.sform.code : 2
        let grid = Grid(dims: nd, spacing: volume.grid.spacing * 2,
                        qform: CodedTransform(code: code, affine: affine), sform: CodedTransform(code: code, affine: affine))
        return Volume(grid: grid, voxels: zip(sums, counts).map { $0 / $1 })
    }
}
