/// The bounding box of the non-zero voxels of a UInt8 mask, and which k-slices hold any.
///
/// Each slice is scanned eight bytes at a time: its first and last non-zero bytes give its
/// j-range, then each row of that range is read only outside the i-range found so far.
/// - Complexity: O(N) time for N voxels (at most one read of each byte), threaded over slices;
///   O(nz) memory.
/// - Edge cases: an all-zero mask (or an empty grid) gives no box and no slice.
struct NonZeroBounds {
    /// The bounding box of the non-zero voxels; nil when there is none.
    let box: VoxelBox?
    /// Per k-slice of the grid: whether it holds a non-zero voxel.
    let slices: [Bool]

    /// The bounds of `mask`, `dims` voxels in storage order.
    init(_ mask: UnsafePointer<UInt8>, dims: SIMD3<Int>, threads: Int) {
        let gx = dims.x, gxy = dims.x * dims.y
        // Per slice: lower i, lower j, upper i, upper j (exclusive); lower > upper when empty.
        var rects = [SIMD4<Int>](repeating: SIMD4(1, 1, 0, 0), count: dims.z)
        rects.withUnsafeMutableBufferPointer { r in
            let out = UnsafeSendable(r.baseAddress!)
            parallelChunks(dims.z, threads: threads) { slices in
                for z in slices {
                    let base = mask + z * gxy
                    let first = firstNonZero(base, gxy)
                    guard first < gxy else { continue }
                    let last = lastNonZero(base, gxy)
                    var xLow = first % gx, xHigh = last % gx
                    for y in first / gx ... last / gx {
                        let row = base + y * gx
                        if xLow > 0 { xLow = min(xLow, firstNonZero(row, xLow)) }
                        if xHigh < gx - 1 {
                            let tail = lastNonZero(row + xHigh + 1, gx - xHigh - 1)
                            if tail >= 0 { xHigh += 1 + tail }
                        }
                    }
                    out.value[z] = SIMD4(xLow, first / gx, xHigh + 1, last / gx + 1)
                }
            }
        }
        slices = rects.map { $0.x < $0.z }
        var lower = SIMD3(Int.max, Int.max, Int.max), upper = SIMD3(Int.min, Int.min, Int.min)
        for z in 0 ..< dims.z where slices[z] {
            let r = rects[z]
            lower = pointwiseMin(lower, SIMD3(r.x, r.y, z))
            upper = pointwiseMax(upper, SIMD3(r.z, r.w, z + 1))
        }
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
