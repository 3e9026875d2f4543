import NIfTI
import Testing
@testable import VoxelKernels

/// Brute-force labelling: a breadth-first flood fill from each unvisited foreground voxel in
/// storage order, so ids follow first voxels; then small components are dropped and the rest
/// renumbered.
private func floodFillLabels(_ mask: Volume<UInt8>, _ connectivity: Connectivity, minSize: Int) -> (labels: [Int32], sizes: [Int]) {
    let dims = mask.grid.dims
    var labels = [Int32](repeating: 0, count: mask.voxels.count)
    var sizes = [Int]()
    var offsets = [SIMD3<Int>]()
    for k in -1 ... 1 { for j in -1 ... 1 { for i in -1 ... 1 where connectivity.includes(i, j, k) && (i, j, k) != (0, 0, 0) { offsets.append(SIMD3(i, j, k)) } } }
    for p in coordinates(dims) where mask.voxels[index(p, dims)] > 0 && labels[index(p, dims)] == 0 {
        let id = Int32(sizes.count + 1)
        var queue = [p]
        labels[index(p, dims)] = id
        var head = 0
        while head < queue.count {
            let q = queue[head]
            head += 1
            for o in offsets {
                let r = q &+ o
                if inside(r, dims), mask.voxels[index(r, dims)] > 0, labels[index(r, dims)] == 0 {
                    labels[index(r, dims)] = id
                    queue.append(r)
                }
            }
        }
        sizes.append(queue.count)
    }
    var newID = [Int32](repeating: 0, count: sizes.count + 1)
    var kept = [Int]()
    for (n, s) in sizes.enumerated() where s >= minSize {
        kept.append(s)
        newID[n + 1] = Int32(kept.count)
    }
    return (labels.map { newID[Int($0)] }, kept)
}

@Test("labelling matches a brute-force flood fill on random volumes", arguments: Connectivity.allCases)
func labellingMatchesFloodFill(connectivity: Connectivity) {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let dims = randomDims(using: &rng, max: 12)
        let density = [0.1, 0.3, 0.5, 0.7, 0.9][Int(seed) % 5]
        let mask = randomMask(dims, density: density, using: &rng)
        let minSize = Int(seed) % 4
        let result = ConnectedComponents.label(mask, connectivity: connectivity, minSize: minSize)
        let expected = floodFillLabels(mask, connectivity, minSize: minSize)
        #expect(result.labels.voxels == expected.labels, "seed \(seed) dims \(dims) density \(density)")
        #expect(result.sizes == expected.sizes, "seed \(seed)")
    }
}

@Test("an empty mask has no components")
func emptyMaskHasNoComponents() {
    let mask = Volume<UInt8>(grid: makeGrid(SIMD3(4, 3, 2)), repeating: 0)
    let result = ConnectedComponents.label(mask)
    #expect(result.sizes.isEmpty)
    #expect(result.labels.voxels.allSatisfy { $0 == 0 })
}

@Test("a single voxel is one component unless minSize drops it")
func singleVoxel() {
    var mask = Volume<UInt8>(grid: makeGrid(SIMD3(3, 3, 3)), repeating: 0)
    mask[2, 2, 2] = 7
    #expect(ConnectedComponents.label(mask).sizes == [1])
    #expect(ConnectedComponents.label(mask).labels[2, 2, 2] == 1)
    let dropped = ConnectedComponents.label(mask, minSize: 2)
    #expect(dropped.sizes.isEmpty && dropped.labels[2, 2, 2] == 0)
}

@Test("diagonal neighbours join at 18 (edge) or 26 (corner) connectivity only")
func diagonalNeighbours() {
    var edge = Volume<UInt8>(grid: makeGrid(SIMD3(2, 2, 1)), repeating: 0)
    edge[0, 0, 0] = 1
    edge[1, 1, 0] = 1
    #expect(ConnectedComponents.label(edge, connectivity: .six).sizes == [1, 1])
    #expect(ConnectedComponents.label(edge, connectivity: .eighteen).sizes == [2])
    var corner = Volume<UInt8>(grid: makeGrid(SIMD3(2, 2, 2)), repeating: 0)
    corner[1, 0, 0] = 1
    corner[0, 1, 1] = 1
    #expect(ConnectedComponents.label(corner, connectivity: .eighteen).sizes == [1, 1])
    #expect(ConnectedComponents.label(corner, connectivity: .twentySix).sizes == [2])
}

@Test("ids follow each component's first voxel, and renumber after dropping")
func idsFollowFirstVoxel() {
    // Along one row: a pair, a gap, a single voxel, a gap, a triple.
    let row: [UInt8] = [1, 1, 0, 1, 0, 1, 1, 1]
    let mask = Volume(grid: makeGrid(SIMD3(8, 1, 1)), voxels: row)
    #expect(ConnectedComponents.label(mask).labels.voxels == [1, 1, 0, 2, 0, 3, 3, 3])
    let dropped = ConnectedComponents.label(mask, minSize: 2)
    #expect(dropped.labels.voxels == [1, 1, 0, 0, 0, 2, 2, 2])
    #expect(dropped.sizes == [2, 3])
}

@Test("a U shape whose arms meet late gets the id of its first voxel")
func lateMergeKeepsFirstID() {
    // Two arms start separately in row 0 and join in row 2; a separate voxel sits between them
    // in row 0 so the merged component must stay id 1 and the lone voxel id 2.
    var mask = Volume<UInt8>(grid: makeGrid(SIMD3(5, 3, 1)), repeating: 0)
    for j in 0 ..< 3 { mask[0, j, 0] = 1; mask[4, j, 0] = 1 }
    for i in 0 ..< 5 { mask[i, 2, 0] = 1 }
    mask[2, 0, 0] = 1
    let result = ConnectedComponents.label(mask, connectivity: .six)
    #expect(result.labels[4, 0, 0] == 1)
    #expect(result.labels[2, 0, 0] == 2)
    #expect(result.sizes == [9, 1])  // two arms of 3 + the 3 middle voxels of row 2
}

@Test("a predicate selects the foreground of any volume")
func predicateForeground() {
    let values: [Float] = [0.2, 0.9, 0.8, 0.1]
    let volume = Volume(grid: makeGrid(SIMD3(4, 1, 1)), voxels: values)
    let result = ConnectedComponents.label(volume) { $0 > 0.5 }
    #expect(result.labels.voxels == [0, 1, 1, 0])
}
