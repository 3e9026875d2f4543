import NIfTI

/// Connected-component labelling of a binary volume with 6, 18 or 26 connectivity.
///
/// Algorithm: one raster scan in storage order (i fastest) that gives each foreground voxel a
/// provisional label taken from an already-scanned neighbour, chosen by a decision tree that
/// skips neighbours known to be connected to one already taken (He, Chao & Suzuki, "A run-based
/// two-scan labeling algorithm", IEEE TIP 2008; Wu, Otoo & Suzuki, "Optimizing two-pass
/// connected-component labeling algorithms", Pattern Anal Appl 2009; the 26-connected tree of
/// seung-lab cc3d). Equivalences go to a union-find whose root is always the smallest provisional
/// label; a second pass writes final ids. Not a flood fill.
///
/// Ids are 1…n in the order of each component's first voxel in storage order (the smallest
/// provisional label of a set is its first voxel's). Components with fewer than `minSize` voxels
/// are set to 0 and the rest renumbered 1…n in the same order.
///
/// - Complexity: O(N·α(N)) time for N voxels; memory: the Int32 output plus one UInt32 and one
///   Int32 per provisional label (at most ⌈nx/2⌉·ny·nz, allocated lazily).
/// - Edge cases: an empty grid or a mask with no foreground gives all zeros and no sizes;
///   voxels beyond the border are background.
public enum ConnectedComponents {
    /// Labels the voxels of `mask` whose value is > 0.
    /// - Parameters:
    ///   - connectivity: which neighbours join a component.
    ///   - minSize: components with fewer voxels are dropped (≤ 1 keeps all).
    public static func label(
        _ mask: Volume<UInt8>, connectivity: Connectivity = .twentySix, minSize: Int = 1
    ) -> LabelledComponents {
        let (labels, sizes) = mask.voxels.withUnsafeBufferPointer {
            labelKernel($0, dims: mask.grid.dims, connectivity: connectivity, minSize: minSize)
        }
        return LabelledComponents(labels: Volume(grid: mask.grid, voxels: labels), sizes: sizes)
    }

    /// Labels the voxels of `volume` for which `isForeground` is true.
    public static func label<T>(
        _ volume: Volume<T>, connectivity: Connectivity = .twentySix, minSize: Int = 1,
        where isForeground: (T) -> Bool
    ) -> LabelledComponents {
        let mask = Volume<UInt8>(grid: volume.grid, voxels: volume.voxels.map { isForeground($0) ? 1 : 0 })
        return label(mask, connectivity: connectivity, minSize: minSize)
    }

    /// Labels a raw mask of `dims` voxels in storage order (> 0 is foreground).
    public static func label(
        _ mask: [UInt8], dims: SIMD3<Int>, connectivity: Connectivity = .twentySix, minSize: Int = 1
    ) -> (labels: [Int32], sizes: [Int]) {
        precondition(mask.count == dims.x * dims.y * dims.z, "mask size \(mask.count) ≠ dims \(dims)")
        return mask.withUnsafeBufferPointer { labelKernel($0, dims: dims, connectivity: connectivity, minSize: minSize) }
    }

    static func labelKernel(
        _ input: UnsafeBufferPointer<UInt8>, dims: SIMD3<Int>, connectivity: Connectivity, minSize: Int
    ) -> (labels: [Int32], sizes: [Int]) {
        let n = input.count
        guard n > 0 else { return ([], []) }
        // A new provisional label needs background at i−1, so at most ⌈nx/2⌉ per row.
        let capacity = ((dims.x + 1) / 2) * dims.y * dims.z + 1
        let forest = UnionFind(capacity: capacity)
        defer { forest.deallocate() }
        // The scans write every voxel (zeros for background), so the output needs no prior fill.
        var output = [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            adviseHugePages(UnsafeMutableRawPointer(out.baseAddress!), bytes: n * 4)
            switch connectivity {
            case .six: scan6(input.baseAddress!, out.baseAddress!, dims, forest)
            case .eighteen: scan18(input.baseAddress!, out.baseAddress!, dims, forest)
            case .twentySix: scan26(input.baseAddress!, out.baseAddress!, dims, forest)
            }
            initialized = n
        }
        // Resolve: roots are the smallest label of their set, so one forward pass flattens and
        // numbers the sets in order of first voxel.
        let count = forest.count
        let parent = forest.parent, size = forest.size
        var componentSizes = [Int]()
        for l in 1 ..< count {
            let p = Int(parent[l])
            if p == l {
                componentSizes.append(Int(size[l]))
                parent[l] = UInt32(componentSizes.count)  // provisional id (1-based), tagged below
            } else {
                // parent[p] already holds p's provisional id (p < l and p is resolved).
                let id = Int(parent[p])
                parent[l] = UInt32(id)
                componentSizes[id - 1] += Int(size[l])
            }
        }
        // Drop small components and renumber.
        var finalID = [Int32](repeating: 0, count: componentSizes.count + 1)
        var kept = [Int]()
        kept.reserveCapacity(componentSizes.count)
        for (index, s) in componentSizes.enumerated() where s >= minSize {
            kept.append(s)
            finalID[index + 1] = Int32(kept.count)
        }
        parent[0] = 0
        for l in 1 ..< count { parent[l] = UInt32(bitPattern: finalID[Int(parent[l])]) }
        output.withUnsafeMutableBufferPointer { out in
            let o = out.baseAddress!
            let raw = UnsafeRawPointer(input.baseAddress!)
            var i = 0
            // 8 voxels at a time: skipped when all background (their output is already 0),
            // else remapped without branches (background maps 0 → 0).
            while i + 8 <= n {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 {
                    for t in i ..< i + 8 { o[t] = Int32(bitPattern: parent[Int(UInt32(bitPattern: o[t]))]) }
                }
                i += 8
            }
            while i < n {
                o[i] = Int32(bitPattern: parent[Int(UInt32(bitPattern: o[i]))])
                i += 1
            }
        }
        return (output, kept)
    }
}

/// The result of labelling: ids 1…n (0 background) and the voxel count of each id.
public struct LabelledComponents: Sendable {
    /// Component ids on the input grid; 0 is background.
    public var labels: Volume<Int32>
    /// `sizes[id − 1]` is the number of voxels of component `id`.
    public var sizes: [Int]
    /// Number of components kept.
    public var count: Int { sizes.count }
}

/// Union-find over provisional labels 1…; label 0 is background. A set's root is its smallest
/// label. Manually allocated so the scan pays no bounds checks or copy-on-write checks.
final class UnionFind {
    let parent: UnsafeMutablePointer<UInt32>
    let size: UnsafeMutablePointer<UInt32>
    var count: Int = 1

    init(capacity: Int) {
        parent = .allocate(capacity: capacity)
        size = .allocate(capacity: capacity)
        parent[0] = 0
        size[0] = 0
    }

    func deallocate() {
        parent.deallocate()
        size.deallocate()
    }

    /// A fresh singleton label.
    @inline(__always)
    func make() -> UInt32 {
        let l = UInt32(truncatingIfNeeded: count)
        parent[count] = l
        size[count] = 0
        count += 1
        return l
    }

    @inline(__always)
    func find(_ x: UInt32) -> UInt32 {
        var x = x
        while parent[Int(x)] != x {
            let p = parent[Int(x)]
            let g = parent[Int(p)]
            parent[Int(x)] = g  // path halving
            x = g
        }
        return x
    }

    /// Joins the sets of `a` and `b`; returns the root (the smaller of the two roots).
    @inline(__always)
    func union(_ a: UInt32, _ b: UInt32) -> UInt32 {
        let ra = find(a), rb = find(b)
        if ra == rb { return ra }
        if ra < rb {
            parent[Int(rb)] = ra
            return ra
        }
        parent[Int(ra)] = rb
        return rb
    }
}

// MARK: - Scans
//
// Backward neighbourhood of voxel N (z = k, y = j, x = i), as in cc3d:
//
//   k − 1:  A B C     k:  J K L     (j − 1)
//           D E F         M N       (j)
//           G H I                   (j + 1)
//          i−1 i i+1     i−1 i i+1

@inline(__always)
private func take(_ label: inout UInt32, _ other: Int32, _ forest: UnionFind) {
    let o = UInt32(bitPattern: other)
    if label == o { return }
    label = label == 0 ? o : forest.union(label, o)
}

private func scan26(_ inp: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<Int32>, _ dims: SIMD3<Int>, _ forest: UnionFind) {
    let nx = dims.x, ny = dims.y, nz = dims.z
    let sxy = nx * ny
    let A = -1 - nx - sxy, B = -nx - sxy, C = 1 - nx - sxy
    let D = -1 - sxy, E = -sxy, F = 1 - sxy
    let G = -1 + nx - sxy, H = nx - sxy, I = 1 + nx - sxy
    let J = -1 - nx, K = -nx, L = 1 - nx
    let M = -1
    let size = forest.size
    for z in 0 ..< nz {
        for y in 0 ..< ny {
            let row = nx * (y + ny * z)
            let hasZ = z > 0, hasYm = y > 0, hasYp = y < ny - 1
            var x = -1
            while true {
                x += 1
                x = skipBackground(inp, out, row, x, nx)
                if x >= nx { break }
                let loc = row + x
                let hasXm = x > 0, hasXp = x < nx - 1
                @inline(__always) func fg(_ o: Int) -> Bool { inp[loc + o] != 0 }
                var label: UInt32 = 0
                if hasZ && fg(E) {
                    label = UInt32(bitPattern: out[loc + E])
                } else if hasYm && fg(K) {
                    label = UInt32(bitPattern: out[loc + K])
                    if hasZ && hasYp {
                        if fg(H) { take(&label, out[loc + H], forest) } else {
                            if hasXm && fg(G) { take(&label, out[loc + G], forest) }
                            if hasXp && fg(I) { take(&label, out[loc + I], forest) }
                        }
                    }
                } else if hasXm && fg(M) {
                    label = UInt32(bitPattern: out[loc + M])
                    if hasXp {
                        if hasZ && fg(F) { take(&label, out[loc + F], forest) } else {
                            if hasYm && fg(L) { take(&label, out[loc + L], forest) }
                            else if hasYm && hasZ && fg(C) { take(&label, out[loc + C], forest) }
                            if hasZ && hasYp && fg(I) { take(&label, out[loc + I], forest) }
                        }
                    }
                } else {
                    // E, K, M background: the rest split into an i−1 group {A, D, G, J} and an
                    // i+1 group {C, F, I, L}, plus B and H.
                    if hasZ && hasYm && fg(B) { take(&label, out[loc + B], forest) }
                    if hasZ && hasYp && fg(H) { take(&label, out[loc + H], forest) }
                    if hasXm {
                        if hasZ && fg(D) { take(&label, out[loc + D], forest) } else {
                            if hasYm && fg(J) { take(&label, out[loc + J], forest) }
                            else if hasYm && hasZ && fg(A) { take(&label, out[loc + A], forest) }
                            if hasYp && hasZ && fg(G) { take(&label, out[loc + G], forest) }
                        }
                    }
                    if hasXp {
                        if hasZ && fg(F) { take(&label, out[loc + F], forest) } else {
                            if hasYm && fg(L) { take(&label, out[loc + L], forest) }
                            else if hasYm && hasZ && fg(C) { take(&label, out[loc + C], forest) }
                            if hasYp && hasZ && fg(I) { take(&label, out[loc + I], forest) }
                        }
                    }
                    if label == 0 { label = forest.make() }
                }
                out[loc] = Int32(bitPattern: label)
                size[Int(label)] &+= 1
            }
        }
    }
}

private func scan18(_ inp: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<Int32>, _ dims: SIMD3<Int>, _ forest: UnionFind) {
    let nx = dims.x, ny = dims.y, nz = dims.z
    let sxy = nx * ny
    let B = -nx - sxy
    let D = -1 - sxy, E = -sxy, F = 1 - sxy
    let H = nx - sxy
    let J = -1 - nx, K = -nx, L = 1 - nx
    let M = -1
    let size = forest.size
    for z in 0 ..< nz {
        for y in 0 ..< ny {
            let row = nx * (y + ny * z)
            let hasZ = z > 0, hasYm = y > 0, hasYp = y < ny - 1
            var x = -1
            while true {
                x += 1
                x = skipBackground(inp, out, row, x, nx)
                if x >= nx { break }
                let loc = row + x
                let hasXm = x > 0, hasXp = x < nx - 1
                @inline(__always) func fg(_ o: Int) -> Bool { inp[loc + o] != 0 }
                var label: UInt32 = 0
                if hasZ && fg(E) {
                    // E touches B, D, F, H, K, M but not the corners J, L of this slice.
                    label = UInt32(bitPattern: out[loc + E])
                    if hasYm && hasXm && fg(J) { take(&label, out[loc + J], forest) }
                    if hasYm && hasXp && fg(L) { take(&label, out[loc + L], forest) }
                } else if hasYm && fg(K) {
                    // K touches B, J, L, M; of D, F, H: H touches both D and F.
                    label = UInt32(bitPattern: out[loc + K])
                    if hasZ {
                        if hasYp && fg(H) { take(&label, out[loc + H], forest) } else {
                            if hasXm && fg(D) { take(&label, out[loc + D], forest) }
                            if hasXp && fg(F) { take(&label, out[loc + F], forest) }
                        }
                    }
                } else if hasXm && fg(M) {
                    // M touches D, J; of B, F, H, L: F touches all three others, B touches L.
                    label = UInt32(bitPattern: out[loc + M])
                    if hasXp && hasZ && fg(F) { take(&label, out[loc + F], forest) } else {
                        if hasZ && hasYm && fg(B) { take(&label, out[loc + B], forest) }
                        else if hasYm && hasXp && fg(L) { take(&label, out[loc + L], forest) }
                        if hasZ && hasYp && fg(H) { take(&label, out[loc + H], forest) }
                    }
                } else {
                    if hasZ && hasYm && fg(B) { take(&label, out[loc + B], forest) }
                    if hasZ && hasXm && fg(D) { take(&label, out[loc + D], forest) }
                    if hasZ && hasXp && fg(F) { take(&label, out[loc + F], forest) }
                    if hasZ && hasYp && fg(H) { take(&label, out[loc + H], forest) }
                    if hasYm && hasXm && fg(J) { take(&label, out[loc + J], forest) }
                    if hasYm && hasXp && fg(L) { take(&label, out[loc + L], forest) }
                    if label == 0 { label = forest.make() }
                }
                out[loc] = Int32(bitPattern: label)
                size[Int(label)] &+= 1
            }
        }
    }
}

private func scan6(_ inp: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<Int32>, _ dims: SIMD3<Int>, _ forest: UnionFind) {
    let nx = dims.x, ny = dims.y, nz = dims.z
    let E = -nx * ny, K = -nx, M = -1
    let size = forest.size
    for z in 0 ..< nz {
        for y in 0 ..< ny {
            let row = nx * (y + ny * z)
            let hasZ = z > 0, hasYm = y > 0
            var x = -1
            while true {
                x += 1
                x = skipBackground(inp, out, row, x, nx)
                if x >= nx { break }
                let loc = row + x
                var label: UInt32 = 0
                if x > 0 && inp[loc + M] != 0 { label = UInt32(bitPattern: out[loc + M]) }
                if hasYm && inp[loc + K] != 0 { take(&label, out[loc + K], forest) }
                if hasZ && inp[loc + E] != 0 { take(&label, out[loc + E], forest) }
                if label == 0 { label = forest.make() }
                out[loc] = Int32(bitPattern: label)
                size[Int(label)] &+= 1
            }
        }
    }
}

/// The first foreground voxel at or after `x` in the row starting at `row` (or `nx`), writing
/// 0 to the output of every background voxel passed; 8 voxels per step over empty stretches.
@inline(__always)
private func skipBackground(_ inp: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<Int32>, _ row: Int, _ x: Int, _ nx: Int) -> Int {
    var x = x
    let raw = UnsafeRawPointer(inp)
    while x + 8 <= nx {
        let word = raw.loadUnaligned(fromByteOffset: row + x, as: UInt64.self)
        if word != 0 {
            let skip = word.trailingZeroBitCount >> 3  // little-endian: first non-zero byte
            for t in 0 ..< skip { out[row + x + t] = 0 }
            return x + skip
        }
        UnsafeMutableRawPointer(out + row + x).storeBytes(of: SIMD8<Int32>(), as: SIMD8<Int32>.self)
        x += 8
    }
    while x < nx && inp[row + x] == 0 {
        out[row + x] = 0
        x += 1
    }
    return x
}
