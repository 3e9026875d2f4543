/// Where the non-zero voxels of a UInt8 mask lie, row by row: the first and last non-zero i of
/// each row (j, k), which k-slices hold any, and their bounding box.
///
/// Each row is scanned eight bytes at a time from both ends, stopping at its first and last
/// non-zero bytes (a row without any is read once).
/// - Complexity: O(N) time for N voxels at most (each byte read at most once), threaded over
///   slices; O(ny·nz) memory.
/// - Edge cases: an all-zero mask (or an empty grid) gives no box and no slice.
struct NonZeroRows {
    /// Per row `j + ny·k`: its first and last non-zero i; first > last when it has none.
    let extents: [SIMD2<Int32>]
    /// Per k-slice: whether it holds a non-zero voxel.
    let slices: [Bool]
    /// The bounding box of the non-zero voxels; nil when there is none.
    let box: VoxelBox?

    /// The rows of `mask`, `dims` voxels in storage order.
    init(_ mask: UnsafePointer<UInt8>, dims: SIMD3<Int>, threads: Int) {
        let gx = dims.x, gy = dims.y
        precondition(gx < Int(Int32.max), "rows of \(gx) voxels too long for Int32 extents")
        var extents = [SIMD2<Int32>](repeating: SIMD2(1, 0), count: gy * dims.z)
        extents.withUnsafeMutableBufferPointer { e in
            let out = UnsafeSendable(e.baseAddress!)
            parallelChunks(dims.z, threads: threads) { slices in
                for row in slices.lowerBound * gy ..< slices.upperBound * gy {
                    let p = mask + row * gx
                    let first = firstNonZero(p, gx)
                    if first < gx { out.value[row] = SIMD2(Int32(first), Int32(lastNonZero(p, gx))) }
                }
            }
        }
        var slices = [Bool](repeating: false, count: dims.z)
        var lower = SIMD3(Int.max, Int.max, Int.max), upper = SIMD3(Int.min, Int.min, Int.min)
        for z in 0 ..< dims.z {
            for y in 0 ..< gy {
                let e = extents[y + gy * z]
                guard e.x <= e.y else { continue }
                slices[z] = true
                lower = pointwiseMin(lower, SIMD3(Int(e.x), y, z))
                upper = pointwiseMax(upper, SIMD3(Int(e.y) + 1, y + 1, z + 1))
            }
        }
        self.extents = extents
        self.slices = slices
        box = lower.z == Int.max ? nil : VoxelBox(lower: lower, upper: upper)
    }
}

/// The index of the first non-zero byte of `p[0 ..< n]`, or `n` when there is none.
@inline(__always)
func firstNonZero(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i + 8 <= n {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        if word != 0 { return i + word.trailingZeroBitCount >> 3 }
        i += 8
    }
    while i < n {
        if p[i] != 0 { return i }
        i += 1
    }
    return n
}

/// The index of the last non-zero byte of `p[0 ..< n]`, or −1 when there is none.
@inline(__always)
func lastNonZero(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    let raw = UnsafeRawPointer(p)
    var end = n
    while end >= 8 {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self))
        if word != 0 { return end - 1 - word.leadingZeroBitCount >> 3 }
        end -= 8
    }
    while end > 0 {
        end -= 1
        if p[end] != 0 { return end }
    }
    return -1
}
