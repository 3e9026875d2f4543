import NIfTI

/// City-block (6-connected, L1) distance transform in whole voxel steps, capped at a bound.
///
/// For every voxel, the number of face steps `|Δi| + |Δj| + |Δk|` to the nearest feature voxel,
/// or `bound + 1` when that is more than `bound` (or there is no feature). This equals the
/// number of 6-connected dilations needed to reach the voxel.
///
/// Algorithm: the L1 metric is separable, so three passes of a two-scan 1-D min-plus transform
/// (forward `d[p] = min(d[p], d[p−1] + 1)`, then backward) along i, j and k are exact
/// (Rosenfeld & Pfaltz, "Distance functions on digital pictures", Pattern Recognition 1, 1968).
/// Threaded over lines with a join between passes; integer arithmetic, so thread-count
/// independent.
///
/// - Complexity: O(N) time, O(N) memory (Int32 result) plus O(n) per thread for a line.
/// - Edge cases: no feature gives `bound + 1` everywhere (unless `outsideIsFeature`); with
///   `outsideIsFeature` the voxels just outside the box (or field of view) are features, so a
///   border voxel is at most 1 step away.
public enum CityBlockDistance {
    /// Steps (0…`bound`, or `bound + 1` for farther) from each voxel of `box` (default: the whole
    /// grid) to the nearest voxel of `feature` whose value is > 0, in box storage order.
    public static func distances(
        to feature: Volume<UInt8>, bound: Int, box: VoxelBox? = nil, outsideIsFeature: Bool = false,
        threads: Int = defaultThreadCount
    ) -> [Int32] {
        distances(
            feature.voxels, dims: feature.grid.dims, bound: bound, box: box,
            outsideIsFeature: outsideIsFeature, threads: threads)
    }

    /// The transform on a raw mask of `dims` voxels (storage order, > 0 is feature).
    public static func distances(
        _ mask: [UInt8], dims: SIMD3<Int>, bound: Int, box: VoxelBox? = nil,
        outsideIsFeature: Bool = false, threads: Int = defaultThreadCount
    ) -> [Int32] {
        precondition(mask.count == dims.x * dims.y * dims.z, "mask size \(mask.count) ≠ dims \(dims)")
        precondition(bound >= 0, "bound must be ≥ 0")
        let box = box ?? VoxelBox(dims: dims)
        precondition(box.fits(in: dims), "box \(box) outside grid \(dims)")
        let cap = Int32(min(bound, Int(Int32.max) - 1) + 1)
        let far = L1Key.far
        var keys = [Int32](repeating: 0, count: box.voxelCount)
        let gx = dims.x, gxy = dims.x * dims.y, bd = box.dims, lo = box.lower
        mask.withUnsafeBufferPointer { m in
            keys.withUnsafeMutableBufferPointer { k in
                let b = m.baseAddress!
                var o = 0
                for z in 0 ..< bd.z {
                    for y in 0 ..< bd.y {
                        let row = b + (lo.x + gx * (lo.y + y) + gxy * (lo.z + z))
                        for x in 0 ..< bd.x {
                            k[o] = row[x] != 0 ? 0 : far
                            o += 1
                        }
                    }
                }
            }
        }
        separableMinPlus(&keys, dims: bd, step: 1, border: outsideIsFeature ? 0 : nil, threads: threads)
        for i in keys.indices where keys[i] > cap { keys[i] = cap }
        return keys
    }
}

/// Keys of the separable L1 transform: a distance (possibly packed with a label in low bits).
enum L1Key {
    /// "No source": large enough that adding any path length keeps it far, small enough not to
    /// overflow.
    static let far: Int32 = 1 << 30
}

/// In-place separable L1 min-plus transform of `keys` (box storage order, dims `d`): after the
/// call `keys[p] = min_q keys[q] + step·|p − q|₁`. `border`, if given, is the key of virtual
/// sources just outside the box on every side.
func separableMinPlus<K: FixedWidthInteger & Sendable>(
    _ keys: inout [K], dims d: SIMD3<Int>, step: K, border: K?, threads: Int
) {
    guard d.x > 0, d.y > 0, d.z > 0 else { return }
    let nx = d.x, ny = d.y, nz = d.z
    keys.withUnsafeMutableBufferPointer { buffer in
        let base = UnsafeSendable(buffer.baseAddress!)
        // Pass i: contiguous rows.
        parallelChunks(ny * nz, threads: threads, grain: 64) { rows in
            let b = base.value
            for r in rows { minPlusLine(b + r * nx, n: nx, stride: 1, step: step, border: border) }
        }
        // Pass j: per slice, all i at once row by row (vectorisable across i).
        parallelChunks(nz, threads: threads) { slices in
            let b = base.value
            for z in slices {
                let s = b + z * nx * ny
                minPlusPlane(s, count: nx, lines: ny, stride: nx, step: step, border: border)
            }
        }
        // Pass k: per j-row, all i at once, stepping through slices.
        parallelChunks(ny, threads: threads) { rows in
            let b = base.value
            for y in rows {
                minPlusPlane(b + y * nx, count: nx, lines: nz, stride: nx * ny, step: step, border: border)
            }
        }
    }
}

@inline(__always)
private func minPlusLine<K: FixedWidthInteger>(_ p: UnsafeMutablePointer<K>, n: Int, stride: Int, step: K, border: K?) {
    var prev = border ?? p[0]
    if border == nil { prev = p[0] &- step }  // so that p[0] compares with itself
    for x in 0 ..< n {
        let c = prev &+ step
        let v = p[x * stride]
        prev = c < v ? c : v
        p[x * stride] = prev
    }
    prev = border ?? p[(n - 1) * stride] &- step
    var x = n - 1
    while x >= 0 {
        let c = prev &+ step
        let v = p[x * stride]
        prev = c < v ? c : v
        p[x * stride] = prev
        x -= 1
    }
}

/// The same two scans applied to `count` parallel lines at once: line `i` is
/// `p[i + t·stride]`, t = 0 ..< lines. The inner loop runs over i, contiguous in memory.
@inline(__always)
private func minPlusPlane<K: FixedWidthInteger>(_ p: UnsafeMutablePointer<K>, count: Int, lines: Int, stride: Int, step: K, border: K?) {
    if let border {
        let first = border &+ step
        for i in 0 ..< count { if first < p[i] { p[i] = first } }
    }
    for t in 1 ..< max(lines, 1) {
        let cur = p + t * stride, prev = p + (t - 1) * stride
        for i in 0 ..< count {
            let c = prev[i] &+ step
            if c < cur[i] { cur[i] = c }
        }
    }
    if let border {
        let last = p + (lines - 1) * stride
        let first = border &+ step
        for i in 0 ..< count { if first < last[i] { last[i] = first } }
    }
    var t = lines - 2
    while t >= 0 {
        let cur = p + t * stride, next = p + (t + 1) * stride
        for i in 0 ..< count {
            let c = next[i] &+ step
            if c < cur[i] { cur[i] = c }
        }
        t -= 1
    }
}
