import NIfTI
import Testing
@testable import VoxelKernels

@Test("label reach in steps: nearest id (ties lowest) and exact steps within reach, reach + 1 beyond")
func labelReachStepsMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 10)
        let labels = randomLabels(dims, density: 0.04, ids: 5, using: &rng)
        let reach = Int(seed % 4) + 1
        let got = LabelReach.steps(labels, reach: reach)
        for (v, e) in bruteNearestLabel(labels, distance: { Double(cityBlock($0)) }).enumerated() {
            if e.d <= Double(reach) {
                #expect(got.nearest[v] == e.id && got.distance[v] == Int32(e.d), "seed \(seed) voxel \(v)")
            } else {
                #expect(got.nearest[v] == 0 && got.distance[v] == Int32(reach + 1), "seed \(seed) voxel \(v)")
            }
        }
    }
}

@Test("label reach in mm: nearest id (ties lowest) and exact squared mm within reach, anisotropic spacing")
func labelReachMillimetresMatchesBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 10)
        let spacing = seed % 2 == 0 ? SIMD3<Double>(repeating: 1.5) : randomSpacing(using: &rng)
        let labels = randomLabels(dims, spacing: spacing, density: 0.04, ids: 5, using: &rng)
        let reach = Double.random(in: 0.5 ... 5, using: &rng)
        let got = LabelReach.squaredMillimetres(labels, reach: reach)
        for (v, e) in bruteNearestLabel(labels, distance: { squaredLength($0, spacing) }).enumerated() {
            if e.d <= reach * reach * (1 + 1e-12) {
                #expect(got.nearest[v] == e.id, "seed \(seed) voxel \(v)")
                #expect(abs(got.distance[v] - e.d) <= 1e-9 * max(1, e.d), "seed \(seed) voxel \(v)")
            } else {
                #expect(got.nearest[v] == 0 && got.distance[v] == .infinity, "seed \(seed) voxel \(v)")
            }
        }
    }
}

@Test("label reach agrees with whole-image nearest-label assignment")
func labelReachAgreesWithNearestLabel() {
    for seed in seeds.prefix(10) {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 12)
        let labels = randomLabels(dims, density: 0.03, ids: 4, using: &rng)
        let reach = LabelReach.steps(labels, reach: 2)
        let assigned = NearestLabel.assign(labels, withinSteps: 2, threads: 1)
        let fromReach = labels.voxels.indices.map { labels.voxels[$0] > 0 ? 0 : reach.nearest[$0] }
        #expect(fromReach == assigned.voxels, "seed \(seed)")
    }
}

@Test("label reach in place, steps in one byte: the same nearest ids and steps as the value form")
func labelReachInPlaceMatchesValueForm() {
    for seed in seeds.prefix(12) {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 10)
        let labels = randomLabels(dims, density: 0.04, ids: 5, using: &rng)
        let reach = Int(seed % 4) + 1
        let expected = LabelReach.steps(labels, reach: reach)
        var nearest = labels.voxels.map { max($0, 0) }
        let got = LabelReach.assignSteps(&nearest, grid: labels.grid, reach: reach, as: UInt8.self)
        #expect(nearest == expected.nearest, "seed \(seed)")
        #expect(got.distance.map(Int32.init) == expected.distance, "seed \(seed)")
        #expect(got.boxes == expected.boxes, "seed \(seed)")
    }
}

@Test("label reach in place, mm: the same nearest ids and squared distances as the value form")
func labelReachMillimetresInPlaceMatchesValueForm() {
    for seed in seeds.prefix(12) {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 10)
        let spacing = randomSpacing(using: &rng)
        let labels = randomLabels(dims, spacing: spacing, density: 0.04, ids: 5, using: &rng)
        let expected = LabelReach.squaredMillimetres(labels, reach: 2.5)
        var nearest = labels.voxels.map { max($0, 0) }
        let got = LabelReach.assignSquaredMillimetres(&nearest, grid: labels.grid, reach: 2.5)
        #expect(nearest == expected.nearest && got.distance == expected.distance, "seed \(seed)")
    }
}
