import NIfTI
import Testing
@testable import VoxelKernels

/// Brute force: for each voxel of `box`, the least distance to a feature inside the box (and,
/// with `outsideIsFeature`, to the voxels just outside it). Squared mm (`spacing`) or steps.
private func bruteSquared(_ mask: Volume<UInt8>, box: VoxelBox, outside: Bool) -> [Double] {
    let s = mask.grid.spacing, dims = mask.grid.dims
    let bd = box.dims
    let features = coordinates(bd).filter { mask.voxels[index($0 &+ box.lower, dims)] > 0 }
    return coordinates(bd).map { p in
        var best = Double.infinity
        for f in features { best = min(best, squaredLength(p &- f, s)) }
        if outside { let o = distanceToOutside(p, bd, spacing: s); best = min(best, o * o) }
        return best
    }
}

private func bruteSteps(_ mask: Volume<UInt8>, box: VoxelBox, outside: Bool, bound: Int) -> [Int32] {
    let dims = mask.grid.dims, bd = box.dims
    let features = coordinates(bd).filter { mask.voxels[index($0 &+ box.lower, dims)] > 0 }
    return coordinates(bd).map { p in
        var best = Int.max
        for f in features { best = min(best, cityBlock(p &- f)) }
        if outside { best = min(best, Int(distanceToOutside(p, bd, spacing: .one))) }
        return Int32(min(best, bound + 1))
    }
}

private func randomBox(_ dims: SIMD3<Int>, using rng: inout SeededGenerator) -> VoxelBox {
    var lo = SIMD3<Int>.zero, hi = SIMD3<Int>.zero
    for a in 0 ..< 3 {
        lo[a] = Int.random(in: 0 ..< dims[a], using: &rng)
        hi[a] = Int.random(in: (lo[a] + 1) ... dims[a], using: &rng)
    }
    return VoxelBox(lower: lo, upper: hi)
}

@Test("Euclidean distances match brute force with anisotropic spacing, boxes and borders")
func euclideanMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 11)
        let spacing = randomSpacing(using: &rng)
        let mask = randomMask(dims, density: [0.0, 0.01, 0.05, 0.3, 0.9][Int(seed) % 5], spacing: spacing, using: &rng)
        let box = seed % 2 == 0 ? VoxelBox(dims: dims) : randomBox(dims, using: &rng)
        for outside in [false, true] {
            let expected = bruteSquared(mask, box: box, outside: outside)
            let squared = EuclideanDistance.squaredDistances(to: mask, box: box, outsideIsFeature: outside, threads: 2)
            let plain = EuclideanDistance.distances(to: mask, box: box, outsideIsFeature: outside, threads: 1)
            #expect(squared.count == expected.count)
            #expect(zip(squared, expected).allSatisfy { close($0, $1) }, "seed \(seed) dims \(dims) spacing \(spacing) box \(box) outside \(outside)")
            // Plain distances are stored as Float: 1e-6 relative.
            #expect(zip(plain, expected).allSatisfy { close(Double($0), $1.squareRoot(), relative: 1e-6) }, "seed \(seed)")
        }
    }
}

@Test("restricted to wanted voxels, the transform gives the full values there, and elsewhere the same or NaN")
func euclideanWantedVoxels() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 13)
        let spacing = randomSpacing(using: &rng)
        let mask = randomMask(dims, density: [0.01, 0.05, 0.3][Int(seed) % 3], spacing: spacing, using: &rng)
        let wanted = randomMask(dims, density: [0.0, 0.02, 0.2, 1.0][Int(seed) % 4], spacing: spacing, using: &rng).voxels
        let box = seed % 2 == 0 ? nil : randomBox(dims, using: &rng)
        for squared in [false, true] {
            let full = EuclideanDistance.transform(mask.voxels, dims: dims, spacing: spacing, box: box, squared: squared, threads: 1)
            let part = EuclideanDistance.transform(mask.voxels, dims: dims, spacing: spacing, box: box, squared: squared,
                                                   wanted: wanted, threads: Int(seed) % 3 + 1)
            let b = box ?? VoxelBox(dims: dims)
            var allAgree = true
            b.forEachVoxel(inGrid: dims) { v, o in
                allAgree = allAgree && (part[o] == full[o] || (wanted[v] == 0 && part[o].isNaN))
            }
            #expect(part.count == full.count)
            #expect(allAgree, "seed \(seed) dims \(dims) box \(b) squared \(squared)")
            if !wanted.contains(where: { $0 > 0 }) {
                #expect(part.allSatisfy { $0.isNaN }, "nothing wanted, nothing computed: seed \(seed)")
            }
        }
    }
}

@Test("with no feature every Euclidean distance is infinite")
func euclideanNoFeature() {
    let mask = Volume<UInt8>(grid: makeGrid(SIMD3(3, 4, 5)), repeating: 0)
    #expect(EuclideanDistance.distances(to: mask).allSatisfy { $0 == .infinity })
}

@Test("a single feature voxel gives the hand-computed anisotropic distances")
func euclideanSingleFeature() {
    var mask = Volume<UInt8>(grid: makeGrid(SIMD3(3, 3, 3), spacing: SIMD3(1, 2, 3)), repeating: 0)
    mask[0, 0, 0] = 1
    let d = EuclideanDistance.distances(to: mask)
    #expect(d[index(SIMD3(2, 0, 0), SIMD3(3, 3, 3))] == 2)
    #expect(d[index(SIMD3(0, 1, 0), SIMD3(3, 3, 3))] == 2)
    #expect(close(Double(d[index(SIMD3(1, 1, 1), SIMD3(3, 3, 3))]), (1.0 + 4 + 9).squareRoot(), relative: 1e-6))
    #expect(close(Double(d[index(SIMD3(2, 2, 2), SIMD3(3, 3, 3))]), (4.0 + 16 + 36).squareRoot(), relative: 1e-6))
}

@Test("city-block distances match brute force, capped at the bound")
func cityBlockMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 11)
        let mask = randomMask(dims, density: [0.0, 0.02, 0.1, 0.5][Int(seed) % 4], using: &rng)
        let box = seed % 3 == 0 ? VoxelBox(dims: dims) : randomBox(dims, using: &rng)
        let bound = Int(seed % 5)
        for outside in [false, true] {
            let got = CityBlockDistance.distances(to: mask, bound: bound, box: box, outsideIsFeature: outside, threads: 2)
            #expect(got == bruteSteps(mask, box: box, outside: outside, bound: bound), "seed \(seed) dims \(dims) box \(box) bound \(bound) outside \(outside)")
        }
    }
}

@Test("erosion by w steps equals w iterations of 6-connected erosion with background outside")
func erosionEqualsIteratedErosion() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 10)
        let mask = randomMask(dims, density: 0.85, using: &rng)
        let w = Int(seed % 4)
        var current = mask.voxels.map { $0 > 0 }
        for _ in 0 ..< w {
            current = coordinates(dims).map { p in
                guard current[index(p, dims)] else { return false }
                for o in [SIMD3(1, 0, 0), SIMD3(-1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, -1, 0), SIMD3(0, 0, 1), SIMD3(0, 0, -1)] {
                    let q = p &+ o
                    if !inside(q, dims) || !current[index(q, dims)] { return false }
                }
                return true
            }
        }
        let got = Morphology.erode(mask, steps: w, threads: 2).voxels.map { $0 == 1 }
        #expect(got == current, "seed \(seed) dims \(dims) w \(w)")
    }
}

@Test("dilation by w steps reaches exactly the voxels within city-block distance w")
func dilationMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 10)
        let mask = randomMask(dims, density: 0.05, using: &rng)
        let w = Int(seed % 4)
        let features = coordinates(dims).filter { mask.voxels[index($0, dims)] > 0 }
        let expected: [UInt8] = coordinates(dims).map { p in features.contains { cityBlock(p &- $0) <= w } ? 1 : 0 }
        #expect(Morphology.dilate(mask, steps: w).voxels == expected, "seed \(seed) w \(w)")
    }
}

@Test("erosion and dilation by a radius in mm match brute force")
func radiusMorphologyMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 9)
        let spacing = randomSpacing(using: &rng)
        let mask = randomMask(dims, density: 0.7, spacing: spacing, using: &rng)
        let r = Double.random(in: 0 ... 4, using: &rng)
        let fg = coordinates(dims).filter { mask.voxels[index($0, dims)] > 0 }
        let bg = coordinates(dims).filter { mask.voxels[index($0, dims)] == 0 }
        let eroded: [UInt8] = coordinates(dims).map { p in
            guard mask.voxels[index(p, dims)] > 0 else { return 0 }
            var best = distanceToOutside(p, dims, spacing: spacing)
            for q in bg { best = min(best, squaredLength(p &- q, spacing).squareRoot()) }
            return best > r ? 1 : 0
        }
        let dilated: [UInt8] = coordinates(dims).map { p in fg.contains { squaredLength(p &- $0, spacing).squareRoot() <= r } ? 1 : 0 }
        #expect(Morphology.erode(mask, radius: r).voxels == eroded, "seed \(seed) r \(r)")
        #expect(Morphology.dilate(mask, radius: r).voxels == dilated, "seed \(seed) r \(r)")
    }
}

@Test("radius morphology includes voxels at exactly the radius")
func radiusIncludesBoundary() {
    var mask = Volume<UInt8>(grid: makeGrid(SIMD3(7, 1, 1), spacing: SIMD3(0.7, 1, 1)), repeating: 0)
    mask[0, 0, 0] = 1
    // Voxel 3 is at 2.1 mm (0.7·3, which is not exact in binary floating point).
    let d = Morphology.dilate(mask, radius: 0.7 * 3).voxels
    #expect(d == [1, 1, 1, 1, 0, 0, 0])
}

@Test("distance transforms do not depend on the thread count")
func distanceThreadIndependence() {
    var rng = SeededGenerator(seed: 99)
    let dims = SIMD3(37, 29, 23)
    let mask = randomMask(dims, density: 0.02, spacing: SIMD3(0.9, 1.1, 2.7), using: &rng)
    let box = VoxelBox(lower: SIMD3(3, 2, 1), upper: SIMD3(35, 27, 22))
    let one = EuclideanDistance.squaredDistances(to: mask, box: box, threads: 1)
    for t in [2, 3, 8] {
        #expect(EuclideanDistance.squaredDistances(to: mask, box: box, threads: t) == one, "threads \(t)")
        #expect(EuclideanDistance.distances(to: mask, threads: t) == EuclideanDistance.distances(to: mask, threads: 1), "threads \(t)")
        #expect(CityBlockDistance.distances(to: mask, bound: 6, threads: t) == CityBlockDistance.distances(to: mask, bound: 6, threads: 1))
    }
}
