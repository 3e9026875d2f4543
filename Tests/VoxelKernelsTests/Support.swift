import NIfTI
@testable import VoxelKernels

/// A small seeded generator (SplitMix64) so every random test can print and replay its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A grid with the given dims and spacing (identity-like affine).
func makeGrid(_ dims: SIMD3<Int>, spacing: SIMD3<Double> = .one) -> Grid {
    Grid(dims: dims, affine: .scaling(spacing))
}

/// A random 0/1 mask where each voxel is foreground with probability `density`.
func randomMask(_ dims: SIMD3<Int>, density: Double, spacing: SIMD3<Double> = .one, using rng: inout SeededGenerator) -> Volume<UInt8> {
    let n = dims.x * dims.y * dims.z
    return Volume(grid: makeGrid(dims, spacing: spacing), voxels: (0 ..< n).map { _ in Double.random(in: 0 ..< 1, using: &rng) < density ? 1 : 0 })
}

/// Random small dims, including 1-voxel-thin axes.
func randomDims(using rng: inout SeededGenerator, max: Int = 9) -> SIMD3<Int> {
    SIMD3(Int.random(in: 1 ... max, using: &rng), Int.random(in: 1 ... max, using: &rng), Int.random(in: 1 ... max, using: &rng))
}

/// Random anisotropic spacing in mm.
func randomSpacing(using rng: inout SeededGenerator) -> SIMD3<Double> {
    SIMD3(Double.random(in: 0.5 ... 2.5, using: &rng), Double.random(in: 0.5 ... 2.5, using: &rng), Double.random(in: 0.5 ... 2.5, using: &rng))
}

/// All voxel coordinates of a grid in storage order.
func coordinates(_ dims: SIMD3<Int>) -> [SIMD3<Int>] {
    var out = [SIMD3<Int>]()
    out.reserveCapacity(dims.x * dims.y * dims.z)
    for k in 0 ..< dims.z { for j in 0 ..< dims.y { for i in 0 ..< dims.x { out.append(SIMD3(i, j, k)) } } }
    return out
}

func index(_ p: SIMD3<Int>, _ dims: SIMD3<Int>) -> Int { p.x + dims.x * (p.y + dims.y * p.z) }

func inside(_ p: SIMD3<Int>, _ dims: SIMD3<Int>) -> Bool { all(p .>= .zero) && all(p .< dims) }

/// Squared Euclidean length in mm of a voxel offset.
func squaredLength(_ d: SIMD3<Int>, _ spacing: SIMD3<Double>) -> Double {
    let v = SIMD3<Double>(Double(d.x), Double(d.y), Double(d.z)) * spacing
    return v.x * v.x + v.y * v.y + v.z * v.z
}

func cityBlock(_ d: SIMD3<Int>) -> Int { abs(d.x) + abs(d.y) + abs(d.z) }

/// The shortest distance from voxel `p` to a voxel just outside a grid of `dims`: one axis, one
/// step past the nearer face. In steps (`spacing` nil) or mm.
func distanceToOutside(_ p: SIMD3<Int>, _ dims: SIMD3<Int>, spacing: SIMD3<Double>) -> Double {
    var best = Double.infinity
    for a in 0 ..< 3 { best = min(best, Double(min(p[a] + 1, dims[a] - p[a])) * spacing[a]) }
    return best
}

/// Whether two doubles agree within `relative` tolerance (infinities must match).
func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= relative * max(1, abs(a), abs(b))
}

/// Every seed used by a randomized test, listed so failures name the seed.
let seeds: [UInt64] = Array(1 ... 40)

/// A random label volume: blobs of ids 1…`ids` on a background (ids may touch).
func randomLabels(_ dims: SIMD3<Int>, spacing: SIMD3<Double> = .one, density: Double, ids: Int32, using rng: inout SeededGenerator) -> Volume<Int32> {
    let n = dims.x * dims.y * dims.z
    return Volume(grid: makeGrid(dims, spacing: spacing), voxels: (0 ..< n).map { _ in
        Double.random(in: 0 ..< 1, using: &rng) < density ? Int32.random(in: 1 ... ids, using: &rng) : 0
    })
}

/// Brute force over every labelled voxel: for each voxel its own label at distance 0, or the
/// least distance to a labelled voxel and the lowest id at that distance (distances within `tie`
/// count as equal).
func bruteNearestLabel(_ labels: Volume<Int32>, distance: (SIMD3<Int>) -> Double, tie: Double = 0) -> [(id: Int32, d: Double)] {
    let dims = labels.grid.dims
    let sources = coordinates(dims).filter { labels.voxels[index($0, dims)] > 0 }
    return coordinates(dims).map { p in
        let own = labels.voxels[index(p, dims)]
        if own > 0 { return (own, 0) }
        var best = Double.infinity, id = Int32(0)
        for s in sources {
            let d = distance(p &- s), l = labels.voxels[index(s, dims)]
            if d < best - tie { best = d; id = l } else if abs(d - best) <= tie && l < id { id = l }
        }
        return (id, best)
    }
}
