import NIfTI
import Testing
@testable import VoxelKernels

/// Random odd dims (1, 3, …, `max`) along each axis.
private func oddDims(using rng: inout SeededGenerator, max: Int) -> SIMD3<Int> {
    SIMD3(2 * Int.random(in: 0 ... max / 2, using: &rng) + 1, 2 * Int.random(in: 0 ... max / 2, using: &rng) + 1,
          2 * Int.random(in: 0 ... max / 2, using: &rng) + 1)
}

/// A random sub-box of a grid of `dims` (at least one voxel per axis).
private func randomSubBox(_ dims: SIMD3<Int>, using rng: inout SeededGenerator) -> VoxelBox {
    var lo = SIMD3<Int>.zero, hi = SIMD3<Int>.zero
    for a in 0 ..< 3 {
        lo[a] = Int.random(in: 0 ..< dims[a], using: &rng)
        hi[a] = Int.random(in: (lo[a] + 1) ... dims[a], using: &rng)
    }
    return VoxelBox(lower: lo, upper: hi)
}

/// Storage indices of the voxels of `box` (default: the grid) drawn with probability
/// `density`, ascending.
private func randomList(_ dims: SIMD3<Int>, density: Double, in box: VoxelBox? = nil, using rng: inout SeededGenerator) -> [Int] {
    var list = [Int]()
    (box ?? VoxelBox(dims: dims)).forEachVoxel(inGrid: dims) { v, _ in
        if Double.random(in: 0 ..< 1, using: &rng) < density { list.append(v) }
    }
    return list
}

/// A mask of `dims` with the voxels of `list` set.
private func mask(_ dims: SIMD3<Int>, _ list: [Int]) -> [UInt8] {
    var m = [UInt8](repeating: 0, count: dims.x * dims.y * dims.z)
    for v in list { m[v] = 1 }
    return m
}

/// Whether the transform at `list` equals the full transform there, to the bit, for plain
/// and squared distances; returns a description of the first difference, or nil.
private func mismatch(_ m: [UInt8], _ dims: SIMD3<Int>, _ spacing: SIMD3<Double>, _ list: [Int], threads: Int) -> String? {
    for squared in [false, true] {
        let full = EuclideanDistance.transform(m, dims: dims, spacing: spacing, squared: squared, threads: 1)
        let part = EuclideanDistance.transform(m, dims: dims, spacing: spacing, at: list, squared: squared, threads: threads)
        guard part.count == list.count else { return "count \(part.count) ≠ \(list.count)" }
        for (n, v) in list.enumerated() where part[n].bitPattern != full[v].bitPattern {
            return "squared \(squared) voxel \(v): \(part[n]) ≠ \(full[v])"
        }
    }
    return nil
}

@Test("at listed voxels the transform equals the full transform bit for bit (random masks, spacings, lists, threads)")
func atVoxelsMatchesFullTransform() {
    let densities = [0.0, 0.001, 0.05, 0.5, 1.0]
    let listDensities = [0.0, 0.03, 0.3, 1.0]
    let spacings = [SIMD3(0.9, 0.9, 3.0), SIMD3(1.0, 1.0, 1.0), SIMD3(0.7, 1.3, 1.1)]
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = oddDims(using: &rng, max: 23)
        let spacing = spacings[Int(seed) % spacings.count]
        let features = randomList(dims, density: densities[Int(seed) % densities.count], using: &rng)
        let list = randomList(dims, density: listDensities[Int(seed / 5) % listDensities.count], using: &rng)
        let problem = mismatch(mask(dims, features), dims, spacing, list, threads: Int(seed) % 3 + 1)
        #expect(problem == nil, "seed \(seed) dims \(dims) spacing \(spacing) \(features.count) features \(list.count) listed: \(problem ?? "")")
    }
}

@Test("features confined to a sub-box away from the origin give the full transform's values bit for bit")
func atVoxelsFeaturesInSubBox() {
    // Inexact spacings with equal steps make near-ties common: an envelope that rounded its
    // intersections in box rather than grid coordinates would differ in the last bit.
    let spacings = [SIMD3(0.9, 0.9, 3.0), SIMD3(0.7, 0.7, 0.7), SIMD3(1.1, 1.1, 1.1), SIMD3(0.3, 0.3, 0.9)]
    for seed in seeds {
        var rng = SeededGenerator(seed: seed + 1000)
        let dims = SIMD3(Int.random(in: 20 ... 41, using: &rng), Int.random(in: 20 ... 41, using: &rng),
                         Int.random(in: 9 ... 27, using: &rng))
        let spacing = seed % 5 == 4 ? randomSpacing(using: &rng) : spacings[Int(seed) % 5]
        let featureBox = randomSubBox(dims, using: &rng)
        let listBox = randomSubBox(dims, using: &rng)
        let features = randomList(dims, density: [0.01, 0.1, 0.3, 0.6][Int(seed / 5) % 4], in: featureBox, using: &rng)
        let list = randomList(dims, density: [0.05, 0.5, 1.0][Int(seed) % 3], in: listBox, using: &rng)
        let problem = mismatch(mask(dims, features), dims, spacing, list, threads: Int(seed) % 3 + 1)
        #expect(problem == nil, "seed \(seed) dims \(dims) spacing \(spacing) features in \(featureBox) list in \(listBox): \(problem ?? "")")
    }
}

@Test("features only on the faces of their box, listed voxels outside it: the work box comes from the list")
func atVoxelsListedOutsideFeatureBox() {
    let dims = SIMD3(31, 27, 19)
    let featureBox = VoxelBox(lower: SIMD3(12, 10, 7), upper: SIMD3(20, 17, 12))
    var features = [Int]()
    featureBox.forEachVoxel(inGrid: dims) { v, _ in
        let x = v % dims.x, y = v / dims.x % dims.y, z = v / (dims.x * dims.y)
        let onFace = x == featureBox.lower.x || x == featureBox.upper.x - 1 || y == featureBox.lower.y
            || y == featureBox.upper.y - 1 || z == featureBox.lower.z || z == featureBox.upper.z - 1
        if onFace && (x + 2 * y + 3 * z) % 4 != 0 { features.append(v) }
    }
    // Listed: two corners of the grid, a voxel beyond each face of the feature box, one inside.
    let corners = [0, dims.x * dims.y * dims.z - 1]
    let beyond = [SIMD3(3, 13, 9), SIMD3(28, 13, 9), SIMD3(15, 1, 9), SIMD3(15, 25, 9), SIMD3(15, 13, 0), SIMD3(15, 13, 18),
                  SIMD3(15, 13, 9)].map { $0.x + dims.x * ($0.y + dims.y * $0.z) }
    let list = (corners + beyond).sorted()
    for spacing in [SIMD3(0.9, 0.9, 3.0), SIMD3(1.0, 1.0, 1.0)] {
        for threads in 1 ... 3 {
            let problem = mismatch(mask(dims, features), dims, spacing, list, threads: threads)
            #expect(problem == nil, "spacing \(spacing) threads \(threads): \(problem ?? "")")
        }
    }
    // The list spans the whole grid, so the corner (0, 0, 0) is far from every feature.
    let d = EuclideanDistance.transform(mask(dims, features), dims: dims, spacing: .one, at: list, threads: 1)
    #expect(d[0] > 15 && d[0].isFinite)
}

@Test("a mask without features gives +∞ at every listed voxel")
func atVoxelsNoFeature() {
    let dims = SIMD3(5, 4, 3)
    let list = [0, 7, 8, 31, 59]
    let d = EuclideanDistance.transform([UInt8](repeating: 0, count: 60), dims: dims, spacing: .one, at: list, threads: 2)
    #expect(d == [Double](repeating: .infinity, count: 5))
}

@Test("an empty list gives an empty result")
func atVoxelsEmptyList() {
    var rng = SeededGenerator(seed: 7)
    let dims = SIMD3(6, 5, 4)
    let m = mask(dims, randomList(dims, density: 0.2, using: &rng))
    #expect(EuclideanDistance.transform(m, dims: dims, spacing: .one, at: [], threads: 2).isEmpty)
}

@Test("a single feature gives the hand-computed anisotropic distances at listed voxels, squared and plain")
func atVoxelsSingleFeature() {
    let dims = SIMD3(4, 4, 4)
    let at = { (p: SIMD3<Int>) in p.x + 4 * (p.y + 4 * p.z) }
    var m = [UInt8](repeating: 0, count: 64)
    m[at(SIMD3(1, 1, 1))] = 1
    let list = [at(SIMD3(0, 0, 0)), at(SIMD3(1, 1, 1)), at(SIMD3(3, 1, 1)), at(SIMD3(1, 1, 3))]
    let spacing = SIMD3(1.0, 2.0, 3.0)
    let squared = EuclideanDistance.transform(m, dims: dims, spacing: spacing, at: list, squared: true, threads: 1)
    let plain = EuclideanDistance.transform(m, dims: dims, spacing: spacing, at: list, threads: 1)
    #expect(squared == [1 + 4 + 9, 0, 4, 36])
    #expect(plain == [(14.0).squareRoot(), 0, 2, 6])
}

@Test("the transform at listed voxels does not depend on the thread count, bit for bit")
func atVoxelsThreadIndependence() {
    var rng = SeededGenerator(seed: 42)
    let dims = SIMD3(61, 53, 37)
    let features = randomList(dims, density: 0.02, in: VoxelBox(lower: SIMD3(5, 4, 3), upper: SIMD3(58, 50, 33)), using: &rng)
    let list = randomList(dims, density: 0.3, in: VoxelBox(lower: SIMD3(2, 6, 1), upper: SIMD3(55, 53, 30)), using: &rng)
    let m = mask(dims, features)
    for squared in [false, true] {
        let one = EuclideanDistance.transform(m, dims: dims, spacing: SIMD3(0.9, 0.9, 3.0), at: list, squared: squared, threads: 1)
            .map(\.bitPattern)
        for threads in [2, 3, 8] {
            let other = EuclideanDistance.transform(m, dims: dims, spacing: SIMD3(0.9, 0.9, 3.0), at: list, squared: squared,
                                                    threads: threads).map(\.bitPattern)
            #expect(other == one, "threads \(threads) squared \(squared)")
        }
    }
}

@Test("a list's columns, box and per-band rows are where its voxels are")
func listedVoxelsTables() {
    let dims = SIMD3(20, 3, 5)
    let at = { (p: SIMD3<Int>) in p.x + 20 * (p.y + 3 * p.z) }
    let points = [SIMD3(2, 1, 1), SIMD3(3, 1, 1), SIMD3(18, 1, 1), SIMD3(1, 2, 1), SIMD3(2, 1, 3), SIMD3(0, 0, 4)]
    let list = points.map(at)
    #expect(list == list.sorted())
    let listed = list.withUnsafeBufferPointer { ListedVoxels($0, dims: dims) }
    #expect(listed.columns.enumerated().filter(\.element).map(\.offset) == [0, 22, 23, 38, 41])
    #expect(listed.box == VoxelBox(lower: SIMD3(0, 0, 1), upper: SIMD3(19, 3, 5)))
    // Bands of 16 from i = 0 over the box: band 0 holds i < 16, band 1 i = 16 … 18.
    let box = listed.box
    let (starts, bits) = list.withUnsafeBufferPointer { listed.bands($0, box: box) }
    let rows = box.dims.y * box.dims.z
    let key = { (band: Int, p: SIMD3<Int>) in band * rows + (p.z - box.lower.z) * box.dims.y + p.y - box.lower.y }
    #expect(bits.count == 2 * rows)
    #expect(bits[key(0, SIMD3(0, 1, 1))] == 0b1100 && starts[key(0, SIMD3(0, 1, 1))] == 0)
    #expect(bits[key(1, SIMD3(0, 1, 1))] == 0b100 && starts[key(1, SIMD3(0, 1, 1))] == 2)
    #expect(bits[key(0, SIMD3(0, 2, 1))] == 0b10 && starts[key(0, SIMD3(0, 2, 1))] == 3)
    #expect(bits[key(0, SIMD3(0, 0, 4))] == 0b1 && starts[key(0, SIMD3(0, 0, 4))] == 5)
    #expect(bits.filter { $0 != 0 }.count == 5)
}

@Test("the rows of a mask's non-zero voxels, their slices and box match a direct scan")
func nonZeroRowsMatchScan() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed + 500)
        let dims = randomDims(using: &rng, max: 21)
        let features = randomList(dims, density: [0.0, 0.002, 0.05, 0.7][Int(seed) % 4], in: randomSubBox(dims, using: &rng), using: &rng)
        var lower = SIMD3(Int.max, Int.max, Int.max), upper = SIMD3(Int.min, Int.min, Int.min)
        var slices = [Bool](repeating: false, count: dims.z)
        var extents = [SIMD2<Int32>](repeating: SIMD2(1, 0), count: dims.y * dims.z)
        for v in features {
            let p = SIMD3(v % dims.x, v / dims.x % dims.y, v / (dims.x * dims.y))
            lower = pointwiseMin(lower, p)
            upper = pointwiseMax(upper, p &+ 1)
            slices[p.z] = true
            let row = p.y + dims.y * p.z
            let e = extents[row]
            extents[row] = e.x > e.y ? SIMD2(Int32(p.x), Int32(p.x)) : SIMD2(min(e.x, Int32(p.x)), max(e.y, Int32(p.x)))
        }
        let m = mask(dims, features)
        let rows = m.withUnsafeBufferPointer { NonZeroRows($0.baseAddress!, dims: dims, threads: 2) }
        #expect(rows.box == (features.isEmpty ? nil : VoxelBox(lower: lower, upper: upper)), "seed \(seed) dims \(dims)")
        #expect(rows.slices == slices, "seed \(seed)")
        #expect(rows.extents == extents, "seed \(seed)")
    }
}

@Test("pass i on a window of a row equals pass i on the whole row")
func rowPassWindowMatchesRowPass() {
    var rng = SeededGenerator(seed: 77)
    for trial in 0 ..< 400 {
        let n = Int.random(in: 1 ... 70, using: &rng)
        let density = [0.0, 0.02, 0.1, 0.5][trial % 4]
        let row: [UInt8] = (0 ..< n).map { _ in Double.random(in: 0 ..< 1, using: &rng) < density ? 1 : 0 }
        let s2 = Double.random(in: 0.2 ... 6, using: &rng)
        var whole = [Double](repeating: .nan, count: n)
        row.withUnsafeBufferPointer { r in whole.withUnsafeMutableBufferPointer { rowPass(r.baseAddress!, $0.baseAddress!, n, s2, false) } }
        let first = row.firstIndex { $0 != 0 } ?? n, last = row.lastIndex { $0 != 0 } ?? -1
        let x0 = Int.random(in: 0 ..< n, using: &rng), count = Int.random(in: 1 ... min(16, n - x0), using: &rng)
        var window = [Double](repeating: .nan, count: 2 * count)
        var steps = [Int](repeating: 0, count: count)
        row.withUnsafeBufferPointer { r in
            window.withUnsafeMutableBufferPointer { w in
                steps.withUnsafeMutableBufferPointer {
                    rowPassWindow(r.baseAddress!, first: first, last: last, from: x0, count: count, s2, w.baseAddress!, stride: 2,
                                  steps: $0.baseAddress!)
                }
            }
        }
        let got = stride(from: 0, to: 2 * count, by: 2).map { window[$0].bitPattern }
        #expect(got == whole[x0 ..< x0 + count].map(\.bitPattern), "trial \(trial) row \(row) window \(x0)+\(count)")
    }
}
