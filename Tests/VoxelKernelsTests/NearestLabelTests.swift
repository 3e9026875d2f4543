import NIfTI
import Testing
@testable import VoxelKernels

/// Brute force: for each unlabelled allowed voxel, the lowest id among labelled voxels at the
/// least distance, if that distance is within reach.
private func bruteNearest(_ labels: Volume<Int32>, allowed: (Int) -> Bool, distance: (SIMD3<Int>) -> Double, reach: Double, tie: Double) -> [Int32] {
    bruteNearestLabel(labels, distance: distance, tie: tie).enumerated().map { v, nearest in
        labels.voxels[v] == 0 && allowed(v) && nearest.d <= reach + tie ? nearest.id : 0
    }
}

@Test("nearest-label assignment in steps matches brute force, ties to the lowest id")
func nearestLabelStepsMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 10)
        let labels = randomLabels(dims, density: 0.04, ids: 5, using: &rng)
        let w = Int(seed % 4) + 1
        let allowedMask = (0 ..< labels.voxels.count).map { _ in Bool.random(using: &rng) || seed % 2 == 0 }
        let got = NearestLabel.assign(labels, withinSteps: w, threads: 2) { allowedMask[$0] }
        let expected = bruteNearest(labels, allowed: { allowedMask[$0] }, distance: { Double(cityBlock($0)) }, reach: Double(w), tie: 0)
        #expect(got.voxels == expected, "seed \(seed) dims \(dims) w \(w)")
    }
}

@Test("nearest-label assignment in mm matches brute force, ties to the lowest id")
func nearestLabelMillimetresMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 10)
        // Half the cases isotropic, where exact ties are common.
        let spacing = seed % 2 == 0 ? SIMD3<Double>(repeating: 1.5) : randomSpacing(using: &rng)
        let labels = randomLabels(dims, spacing: spacing, density: 0.04, ids: 5, using: &rng)
        let r = Double.random(in: 0.5 ... 5, using: &rng)
        let got = NearestLabel.assign(labels, withinRadius: r, threads: 2)
        let expected = bruteNearest(labels, allowed: { _ in true }, distance: { squaredLength($0, spacing).squareRoot() }, reach: r, tie: 1e-9)
        #expect(got.voxels == expected, "seed \(seed) dims \(dims) spacing \(spacing) r \(r)")
    }
}

@Test("a voxel equidistant from two labels goes to the lower id")
func nearestLabelTie() {
    let labels = Volume<Int32>(grid: makeGrid(SIMD3(5, 1, 1)), voxels: [0, 7, 0, 3, 0])
    #expect(NearestLabel.assign(labels, withinSteps: 1).voxels == [7, 0, 3, 0, 3])
    #expect(NearestLabel.assign(labels, withinRadius: 1).voxels == [7, 0, 3, 0, 3])
}

@Test("distance to another label matches brute force, with touching labels and the border")
func distanceToOtherLabelMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 9)
        let spacing = randomSpacing(using: &rng)
        let labels = randomLabels(dims, spacing: spacing, density: 0.8, ids: 3, using: &rng)
        let bound = Int(seed % 4)
        let steps = DistanceToOtherLabel.steps(labels, bound: bound, threads: 2)
        let mm = DistanceToOtherLabel.millimetres(labels, threads: 2)
        let all = coordinates(dims)
        for p in all {
            let i = index(p, dims), l = labels.voxels[i]
            if l == 0 {
                #expect(steps[i] == 0 && mm[i] == 0, "seed \(seed)")
                continue
            }
            var bestSteps = Int(distanceToOutside(p, dims, spacing: .one))
            var bestMM = distanceToOutside(p, dims, spacing: spacing)
            for q in all where labels.voxels[index(q, dims)] != l {
                bestSteps = min(bestSteps, cityBlock(p &- q))
                bestMM = min(bestMM, squaredLength(p &- q, spacing).squareRoot())
            }
            #expect(steps[i] == Int32(min(bestSteps, bound + 1)), "seed \(seed) voxel \(p)")
            #expect(close(mm[i], bestMM), "seed \(seed) voxel \(p)")
        }
    }
}

@Test("touching labels erode each other: two slabs of one voxel each are all boundary")
func touchingLabelsAreBoundary() {
    let labels = Volume<Int32>(grid: makeGrid(SIMD3(4, 3, 3)), voxels: coordinates(SIMD3(4, 3, 3)).map { $0.x < 2 ? 1 : 2 })
    let d = DistanceToOtherLabel.steps(labels, bound: 5)
    // Centre row j = k = 1: i = 1 and 2 touch the other label, i = 0 and 3 touch the border.
    #expect((0 ..< 4).map { d[index(SIMD3($0, 1, 1), SIMD3(4, 3, 3))] } == [1, 1, 1, 1])
}

@Test("label kernels do not depend on the thread count")
func labelKernelThreadIndependence() {
    var rng = SeededGenerator(seed: 7)
    let labels = randomLabels(SIMD3(31, 27, 19), spacing: SIMD3(1, 1.2, 2), density: 0.01, ids: 40, using: &rng)
    for t in [2, 3] {
        #expect(NearestLabel.assign(labels, withinSteps: 3, threads: t).voxels == NearestLabel.assign(labels, withinSteps: 3, threads: 1).voxels)
        #expect(NearestLabel.assign(labels, withinRadius: 3, threads: t).voxels == NearestLabel.assign(labels, withinRadius: 3, threads: 1).voxels)
        #expect(DistanceToOtherLabel.millimetres(labels, threads: t) == DistanceToOtherLabel.millimetres(labels, threads: 1))
    }
}
