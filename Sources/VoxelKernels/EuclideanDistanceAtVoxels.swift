import NIfTI

extension EuclideanDistance {
    /// Distances (mm, or mm² with `squared`) from each voxel of `voxels` (grid storage indices,
    /// ascending, i fastest) to the nearest voxel of `mask` that is > 0; +∞ when there is none.
    /// Values are bit-identical to `transform(mask, dims:spacing:squared:)` at those voxels.
    ///
    /// Only what those voxels need is computed, and nothing grid-sized is allocated:
    /// 1. The work box bounds the feature voxels and the listed ones. Outside it there is no
    ///    feature, so cutting the grid to it changes no distance inside it (the parabolas keep
    ///    their grid coordinates, so the arithmetic is the same to the bit).
    /// 2. The box is cut into bands of 16 i's, each carried through the three passes by one
    ///    thread in its own buffers (bands are independent: every line of passes j and k lies
    ///    in one band). Per k-slice: pass i on the band's window of each row (seeded by the
    ///    nearest features outside it), pass j along the band's i-lines that hold a listed
    ///    column (i, j), read only at those columns and kept in a band store (listed columns ×
    ///    nz). Then pass k along each listed column, read only at its listed voxels and
    ///    written straight to the result.
    /// Every envelope is built exactly as in the full transform (the same parabolas in the
    /// same order with the same arithmetic) and read with the same expression, by one thread,
    /// so the result does not depend on `threads` either.
    ///
    /// - Parameters:
    ///   - mask: `dims` voxels in storage order; > 0 is a feature.
    ///   - spacing: voxel size in mm along i, j, k.
    ///   - voxels: the voxels wanted, strictly ascending storage indices.
    ///   - squared: squared distances (mm²) instead of distances (mm).
    ///   - threads: worker threads (results do not depend on it).
    ///   - joinable: threads calling its `help()` while this runs work on it too.
    /// - Returns: one value per entry of `voxels`, in the same order.
    /// - Complexity: O(N) byte reads (mostly eight at a time) to find the features' rows, O(V)
    ///   to index the V listed voxels, then O(B) for the B voxels of the work box (passes i and
    ///   j) and O(W·nz) for pass k on the W listed columns. Memory besides the result (V
    ///   Doubles): per thread a band store of at most 16·ny·nz Doubles and O(16·ny + nz)
    ///   scratch (ny, nz: the work box's); O(ny·nz) tables (the features' row extents, the
    ///   list's rows per band); O(nx·ny) column flags. On a 1 mm brain (670 k listed voxels):
    ///   about 6 MB at one thread, 3 MB more per extra thread.
    /// - Edge cases: no listed voxel gives `[]`; no feature gives +∞ everywhere.
    /// - Precondition: `mask.count` is the product of `dims`; `voxels` strictly ascends and
    ///   lies in the grid.
    public static func transform(
        _ mask: [UInt8], dims: SIMD3<Int>, spacing: SIMD3<Double>, at voxels: [Int], squared: Bool = false,
        threads: Int = defaultThreadCount, joinable: JoinableWork? = nil
    ) -> [Double] {
        precondition(all(dims .>= 0) && mask.count == dims.x * dims.y * dims.z, "mask size \(mask.count) ≠ dims \(dims)")
        return mask.withUnsafeBufferPointer { m in
            voxels.withUnsafeBufferPointer { v in
                edtAtVoxels(m, dims: dims, spacing: spacing, voxels: v, squared: squared, threads: threads, joinable: joinable)
            }
        }
    }
}

/// The kernel of `EuclideanDistance.transform(_:dims:spacing:at:squared:threads:)`.
func edtAtVoxels(
    _ mask: UnsafeBufferPointer<UInt8>, dims: SIMD3<Int>, spacing: SIMD3<Double>, voxels: UnsafeBufferPointer<Int>,
    squared: Bool, threads: Int, joinable: JoinableWork?
) -> [Double] {
    guard !voxels.isEmpty else { return [] }
    let listed = ListedVoxels(voxels, dims: dims)  // checks the list
    guard let input = mask.baseAddress else { return [] }  // unreachable: the list lies in the grid
    let features = NonZeroRows(input, dims: dims, threads: threads)
    guard let featureBox = features.box else { return [Double](hugePageBacked: voxels.count, repeating: .infinity) }
    let box = VoxelBox(lower: pointwiseMin(featureBox.lower, listed.box.lower),
                       upper: pointwiseMax(featureBox.upper, listed.box.upper))
    let (starts, bits) = listed.bands(voxels, box: box)
    let width = ListedVoxels.bandWidth, bands = (box.dims.x + width - 1) / width
    // The most listed columns in one band: the size of a band store.
    var keptPerBand = [Int](repeating: 0, count: bands)
    for y in box.lower.y ..< box.upper.y {
        for x in box.lower.x ..< box.upper.x where listed.columns[x + dims.x * y] {
            keptPerBand[(x - box.lower.x) / width] += 1
        }
    }
    let maxKept = keptPerBand.max() ?? 0

    return [Double](hugePageBacked: voxels.count) { out in
        features.extents.withUnsafeBufferPointer { extents in
            features.slices.withUnsafeBufferPointer { slices in
                listed.columns.withUnsafeBufferPointer { columns in
                    starts.withUnsafeBufferPointer { starts in
                        bits.withUnsafeBufferPointer { bits in
                            let plan = BandPlan(
                                mask: input, extents: extents.baseAddress!, slices: slices.baseAddress!,
                                columns: columns.baseAddress!, starts: starts.baseAddress!, bits: bits.baseAddress!,
                                out: out.baseAddress!, dims: dims, box: box, s2: spacing * spacing, squared: squared)
                            parallelChunks(bands, threads: threads, joinable: joinable, state: {
                                BandScratch(ny: box.dims.y, nz: box.dims.z, maxKept: maxKept)
                            }) { scratch, chunk in
                                for band in chunk { plan.run(band: band, scratch) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What every band of `edtAtVoxels` reads (shared, read-only) and where it writes its voxels'
/// values (each band its own entries of `out`).
private struct BandPlan: @unchecked Sendable {
    let mask: UnsafePointer<UInt8>
    /// Per grid row: first and last feature i (`NonZeroRows.extents`).
    let extents: UnsafePointer<SIMD2<Int32>>
    /// Per grid slice: whether it holds a feature.
    let slices: UnsafePointer<Bool>
    /// Per grid column: whether it holds a listed voxel.
    let columns: UnsafePointer<Bool>
    /// `ListedVoxels.bands` of the box: where each row's listed voxels of a band start in the
    /// list, and which they are.
    let starts: UnsafePointer<Int32>
    let bits: UnsafePointer<UInt16>
    let out: UnsafeMutablePointer<Double>
    let dims: SIMD3<Int>
    let box: VoxelBox
    /// Squared spacing (mm²).
    let s2: SIMD3<Double>
    let squared: Bool

    /// Band `band` (i from `box.lower.x + band·width`) through the three passes, its listed
    /// voxels' values written to `out`.
    @inline(__always)
    func run(band: Int, _ scratch: BandScratch) {
        let width = ListedVoxels.bandWidth
        let lo = box.lower, ny = box.dims.y, nz = box.dims.z
        let gx = dims.x, gy = dims.y
        let x0 = lo.x + band * width, w = min(width, box.upper.x - x0)
        let lines = scratch.lines, place = scratch.place, lineFirst = scratch.lineFirst

        // The band's listed columns (i, j), numbered by i-line then j: line b holds columns
        // lineFirst[b] ..< lineFirst[b + 1]; column c is at `place[c]` = b + width·j.
        var kept = 0
        for b in 0 ..< w {
            lineFirst[b] = Int32(kept)
            let column = columns + x0 + b + gx * lo.y
            for y in 0 ..< ny where column[gx * y] {
                place[kept] = Int32(b + width * y)
                kept += 1
            }
        }
        lineFirst[w] = Int32(kept)
        guard kept > 0 else { return }

        // Passes i and j per slice, the listed columns' values kept (slice-major). A slice
        // without features is +∞ throughout.
        let store = scratch.store, alongJ = scratch.alongJ
        for z in 0 ..< nz {
            let gz = lo.z + z
            let values = store + z * kept
            guard slices[gz] else {
                values.initialize(repeating: .infinity, count: kept)
                continue
            }
            for y in 0 ..< ny {
                let row = lo.y + y + gy * gz
                let e = extents[row]
                rowPassWindow(mask + row * gx, first: Int(e.x), last: Int(e.y), from: x0, count: w, s2.x,
                              lines + y, stride: ny, steps: scratch.steps)
            }
            // Pass j: the lower envelope along each i-line with listed columns, read only there
            // (as `envelope` reads it back).
            for b in 0 ..< w where lineFirst[b] < lineFirst[b + 1] {
                let line = UnsafePointer(lines + b * ny)
                let hasParabola = lowerEnvelope(line, ny, s2.y, alongJ, origin: lo.y) >= 0
                var j = 0
                for c in Int(lineFirst[b]) ..< Int(lineFirst[b + 1]) {
                    let y = Int(place[c]) / width
                    var d = line[y]  // +∞ without parabola, 0 at a feature
                    if hasParabola && d != 0 { d = alongJ.value(at: y, from: &j, s2.y, origin: lo.y) }
                    values[c] = d
                }
            }
        }

        // Pass k: blocks of adjacent kept columns gathered (each cache line of the store read
        // once), the lower envelope along each, read only at its listed voxels (as `envelope`
        // reads it back), rooted unless squared, written to `out`. Column (b, j) holds a listed
        // voxel at k when bit b of its row's `bits` is set; its place in the list follows the
        // row's start by the listed voxels before it in the row.
        let alongK = scratch.alongK, g = alongK.gathered, block = EnvelopeScratch.block
        let rows = ny * nz, starts = starts + band * rows, bits = bits + band * rows
        var c0 = 0
        while c0 < kept {
            let count = min(block, kept - c0)
            for z in 0 ..< nz {
                let src = store + z * kept + c0
                for b in 0 ..< count { g[b * nz + z] = src[b] }
            }
            for b in 0 ..< count {
                let column = UnsafePointer(g + b * nz), at = Int(place[c0 + b])
                let y = at / width, bit = UInt16(1) << UInt16(at % width)
                let hasParabola = lowerEnvelope(column, nz, s2.z, alongK, origin: lo.z) >= 0
                var j = 0
                for z in 0 ..< nz {
                    let m = bits[z * ny + y]
                    guard m & bit != 0 else { continue }
                    var d = column[z]  // +∞ without parabola, 0 at a feature
                    if hasParabola && d != 0 { d = alongK.value(at: z, from: &j, s2.z, origin: lo.z) }
                    out[Int(starts[z * ny + y]) + (m & (bit &- 1)).nonzeroBitCount] = squared ? d : d.squareRoot()
                }
            }
            c0 += count
        }
    }
}

/// One worker's buffers for `BandPlan.run`, freed with it.
private final class BandScratch {
    /// The band's j-lines, line b at `b·ny`.
    let lines: UnsafeMutablePointer<Double>
    /// Pass i's steps along a row of the band.
    let steps: UnsafeMutablePointer<Int>
    /// Per listed column (i-line b, then j) of the band: `b + width·j`.
    let place: UnsafeMutablePointer<Int32>
    /// Per i-line b of the band: its listed columns are `lineFirst[b] ..< lineFirst[b + 1]`.
    let lineFirst: UnsafeMutablePointer<Int32>
    /// Listed columns × nz, slice-major: `[k·columns + column]`.
    let store: UnsafeMutablePointer<Double>
    let alongJ: EnvelopeScratch
    let alongK: EnvelopeScratch

    init(ny: Int, nz: Int, maxKept: Int) {
        let width = ListedVoxels.bandWidth
        lines = .allocate(capacity: width * ny)
        steps = .allocate(capacity: width)
        place = .allocate(capacity: width * ny)
        lineFirst = .allocate(capacity: width + 1)
        store = .allocate(capacity: max(1, maxKept * nz))
        adviseHugePages(UnsafeMutableRawPointer(store), bytes: maxKept * nz * MemoryLayout<Double>.stride)
        alongJ = EnvelopeScratch(ny)
        alongK = EnvelopeScratch(nz)
    }

    deinit {
        lines.deallocate(); steps.deallocate(); place.deallocate(); lineFirst.deallocate(); store.deallocate()
    }
}
