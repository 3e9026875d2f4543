import NIfTI

/// Assigns unlabelled voxels near labelled objects to the nearest object: each voxel with label
/// 0 for which `allowed` holds and whose distance to the nearest labelled voxel is within the
/// reach gets the label of that nearest voxel; ties (several labels at the same least distance)
/// go to the lowest id. Distances are plain (not geodesic): `allowed` filters the voxels that
/// receive a label, never the paths.
///
/// Algorithm, steps: the separable L1 transform of `CityBlockDistance` carried on keys
/// `distance << 32 | label`, whose integer minimum is the lexicographic minimum (distance, then
/// id) — exact, because a minimum over all sources factors along the axes.
/// Algorithm, mm: the exact squared Euclidean transform of the labelled set
/// (`EuclideanDistance`) gives each voxel its least distance d; voxels within reach then scan
/// the neighbourhood offsets sorted by length, up to d, for the lowest id at distance d
/// (lengths equal within 1e-12 relative are ties).
///
/// - Complexity: steps: O(N) time, 8 bytes per voxel. mm: O(N) for the transform plus
///   O(V·K) for V voxels within reach and K offsets up to their distance.
/// - Edge cases: labels ≤ 0 count as unlabelled; no label gives all zeros; voxels outside the
///   field of view are never sources.
public enum NearestLabel {
    /// Labels (ids > 0) for the voxels newly assigned within `steps` 6-connected steps; 0
    /// everywhere else, including the originally labelled voxels.
    /// - Parameter allowed: whether the voxel at a storage index may receive a label.
    public static func assign(
        _ labels: Volume<Int32>, withinSteps steps: Int, threads: Int = defaultThreadCount,
        allowed: (Int) -> Bool = { _ in true }
    ) -> Volume<Int32> {
        var result = Volume<Int32>(grid: labels.grid, repeating: 0)
        guard steps >= 1 else { return result }
        let far = UInt64(L1Key.far) << 32
        var keys = labels.voxels.map { $0 > 0 ? UInt64(UInt32($0)) : far }
        separableMinPlus(&keys, dims: labels.grid.dims, step: UInt64(1) << 32, border: nil, threads: threads)
        let limit = UInt64(steps)
        for i in keys.indices where labels.voxels[i] <= 0 && keys[i] >> 32 <= limit && allowed(i) {
            result.voxels[i] = Int32(truncatingIfNeeded: keys[i] & 0xFFFF_FFFF)
        }
        return result
    }

    /// Labels for the voxels newly assigned within `radius` mm (Euclidean, voxel spacing
    /// honoured); 0 everywhere else, including the originally labelled voxels.
    public static func assign(
        _ labels: Volume<Int32>, withinRadius radius: Double, threads: Int = defaultThreadCount,
        allowed: (Int) -> Bool = { _ in true }
    ) -> Volume<Int32> {
        var result = Volume<Int32>(grid: labels.grid, repeating: 0)
        guard radius >= 0 else { return result }
        let grid = labels.grid
        let d2 = EuclideanDistance.transform(
            labels.voxels.map { $0 > 0 ? 1 : 0 }, dims: grid.dims, spacing: grid.spacing, squared: true,
            threads: threads)
        let offsets = Offsets(spacing: grid.spacing, radius: radius)
        let dims = grid.dims
        var index = 0
        for z in 0 ..< dims.z {
            for y in 0 ..< dims.y {
                for x in 0 ..< dims.x {
                    defer { index += 1 }
                    let d = d2[index]
                    guard labels.voxels[index] <= 0, d > 0, isWithin(squared: d, radius: radius), allowed(index)
                    else { continue }
                    var best = Int32.max
                    let tie = d * (1 + 1e-12)
                    for o in offsets.items {
                        if o.d2 > tie { break }
                        if o.d2 < d * (1 - 1e-12) { continue }
                        let p = SIMD3(x, y, z) &+ o.offset
                        guard all(p .>= .zero) && all(p .< dims) else { continue }
                        let l = labels.voxels[grid.index(p.x, p.y, p.z)]
                        if l > 0 && l < best { best = l }
                    }
                    if best != Int32.max { result.voxels[index] = best }
                }
            }
        }
        return result
    }

    /// Neighbourhood offsets within a radius, sorted by length.
    struct Offsets {
        var items: [(offset: SIMD3<Int>, d2: Double)] = []
        init(spacing: SIMD3<Double>, radius: Double) {
            let reach = SIMD3<Int>(
                Int((radius / spacing.x).rounded(.down)) + 1, Int((radius / spacing.y).rounded(.down)) + 1,
                Int((radius / spacing.z).rounded(.down)) + 1)
            for k in -reach.z ... reach.z {
                for j in -reach.y ... reach.y {
                    for i in -reach.x ... reach.x {
                        let v = SIMD3<Double>(Double(i), Double(j), Double(k)) * spacing
                        let d2 = (v * v).sum()
                        if d2 > 0 && isWithin(squared: d2, radius: radius) { items.append((SIMD3(i, j, k), d2)) }
                    }
                }
            }
            items.sort { $0.d2 < $1.d2 }
        }
    }
}
