/// Grows irregular, compact lesions voxel by voxel inside one tissue, keeping every lesion at
/// least `separation` city-block steps from the others so that each is its own connected
/// component and perilesional shells never touch.
///
/// Growth is an Eden process biased towards the seed: of three random frontier voxels, the one
/// nearest the seed in a random anisotropic metric is taken, giving blobs with ragged borders
/// and varied elongation. Every lesion is 6-connected by construction.
struct LesionGrower {
    let dims: SIMD3<Int>
    /// Tissue label of every voxel (the simulated segmentation).
    let tissue: [UInt8]
    /// City-block distance kept between lesions (5: perilesional shells of width 2 cannot meet).
    let separation = 5
    /// Voxels no new lesion may enter (lesions so far and their surroundings).
    private(set) var blocked: [Bool]

    init(dims: SIMD3<Int>, tissue: [UInt8]) {
        self.dims = dims
        self.tissue = tissue
        blocked = [Bool](repeating: false, count: tissue.count)
    }

    /// A lesion of up to `target` voxels grown from `seed` within voxels labelled `label`, or nil
    /// if the seed is not allowed or fewer than `minimum` voxels could be reached. On success the
    /// lesion and its `separation − 1` surroundings become blocked.
    mutating func grow(from seed: Int, label: UInt8, target: Int, minimum: Int = 3,
                       rng: inout SeededRandom) -> [Int]? {
        guard tissue[seed] == label, !blocked[seed] else { return nil }
        let stretch = SIMD3(0.5 + rng.uniform(), 0.5 + rng.uniform(), 0.5 + rng.uniform())
        let seedIJK = coordinates(seed)
        var inLesion: Set<Int> = [seed]
        var lesion = [seed]
        var frontier = neighbours(seed)
        while lesion.count < target, !frontier.isEmpty {
            // Best of three random frontier voxels by anisotropic distance to the seed.
            var bestSlot = 0, bestDistance = Double.infinity
            for _ in 0..<min(3, frontier.count) {
                let slot = Int(rng.next() % UInt64(frontier.count))
                let d = SIMD3<Double>(coordinates(frontier[slot]) &- seedIJK) * stretch
                let distance = (d * d).sum()
                if distance < bestDistance { bestDistance = distance; bestSlot = slot }
            }
            let v = frontier[bestSlot]
            frontier.swapAt(bestSlot, frontier.count - 1)
            frontier.removeLast()
            guard !inLesion.contains(v), tissue[v] == label, !blocked[v] else { continue }
            inLesion.insert(v)
            lesion.append(v)
            frontier.append(contentsOf: neighbours(v))
        }
        guard lesion.count >= minimum else { return nil }
        block(around: lesion)
        return lesion.sorted()
    }

    /// Marks every voxel within `separation − 1` city-block steps of `lesion` as blocked.
    private mutating func block(around lesion: [Int]) {
        var distance = [Int: Int]()
        var layer = lesion
        for v in lesion { distance[v] = 0 }
        for step in 1..<separation {
            var next: [Int] = []
            for v in layer {
                for n in neighbours(v) where distance[n] == nil {
                    distance[n] = step
                    next.append(n)
                }
            }
            layer = next
        }
        for v in distance.keys { blocked[v] = true }
    }

    /// The 6-connected neighbours of storage index `v` inside the grid.
    func neighbours(_ v: Int) -> [Int] { Self.neighbours(v, dims: dims) }

    /// The 6-connected neighbours of storage index `v` inside a grid of `dims` voxels.
    static func neighbours(_ v: Int, dims: SIMD3<Int>) -> [Int] {
        let c = SIMD3(v % dims.x, (v / dims.x) % dims.y, v / (dims.x * dims.y))
        var out: [Int] = []
        out.reserveCapacity(6)
        let sx = 1, sy = dims.x, sz = dims.x * dims.y
        if c.x > 0 { out.append(v - sx) }
        if c.x < dims.x - 1 { out.append(v + sx) }
        if c.y > 0 { out.append(v - sy) }
        if c.y < dims.y - 1 { out.append(v + sy) }
        if c.z > 0 { out.append(v - sz) }
        if c.z < dims.z - 1 { out.append(v + sz) }
        return out
    }

    /// (i, j, k) of storage index `v`.
    func coordinates(_ v: Int) -> SIMD3<Int> {
        SIMD3(v % dims.x, (v / dims.x) % dims.y, v / (dims.x * dims.y))
    }
}
