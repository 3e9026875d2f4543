import NIfTI

/// Exact Euclidean distance transform with anisotropic voxel spacing.
///
/// For every voxel, the distance in mm from its centre to the centre of the nearest feature
/// voxel — the same numbers as `scipy.ndimage.distance_transform_edt(~feature, sampling=spacing)`.
///
/// Algorithm: separable passes (Felzenszwalb & Huttenlocher, "Distance transforms of sampled
/// functions", Theory of Computing 8, 2012). Pass i is a two-scan 1-D distance along each row;
/// passes j and k replace each line by the lower envelope of the parabolas
/// `f(q) + s²(p − q)²`, which is exact. Squared distances are carried in Double. Each pass is
/// threaded over lines (slices for j, rows for k) with a join between passes; a line is
/// computed by one thread with the same arithmetic, so the result does not depend on the
/// thread count. `transform(_:dims:spacing:at:squared:threads:)` gives the same values at a
/// list of voxels only, without grid-sized memory.
///
/// - Complexity: O(N) time for N voxels (three passes), O(N) memory for the Double result plus
///   O(n) scratch per thread for a line of n voxels.
/// - Edge cases: no feature at all gives +∞ everywhere (unless `outsideIsFeature`); an empty box
///   gives an empty result; with `outsideIsFeature` the voxels just beyond the box (or the field
///   of view) count as feature voxels, as if the image were padded by one layer of features.
public enum EuclideanDistance {
    /// Squared distances (mm²) from each voxel of `box` (default: the whole grid) to the nearest
    /// voxel of `feature` whose value is > 0, in box storage order (i fastest).
    /// - Parameters:
    ///   - box: the region to compute, treated as the whole image.
    ///   - outsideIsFeature: whether voxels outside the box count as features.
    ///   - threads: worker threads (results do not depend on it).
    public static func squaredDistances(
        to feature: Volume<UInt8>, box: VoxelBox? = nil, outsideIsFeature: Bool = false,
        threads: Int = defaultThreadCount
    ) -> [Double] {
        transform(
            feature.voxels, dims: feature.grid.dims, spacing: feature.grid.spacing, box: box,
            outsideIsFeature: outsideIsFeature, squared: true, threads: threads)
    }

    /// Distances (mm) from each voxel of `box` (default: the whole grid) to the nearest voxel of
    /// `feature` whose value is > 0, in box storage order; +∞ when there is none. Stored as
    /// Float between passes (relative error ≤ 1e-7, far below 1e-4 mm on any brain image) to
    /// halve memory traffic; use `squaredDistances` for Double.
    public static func distances(
        to feature: Volume<UInt8>, box: VoxelBox? = nil, outsideIsFeature: Bool = false,
        threads: Int = defaultThreadCount
    ) -> [Float] {
        distances(
            feature.voxels, dims: feature.grid.dims, spacing: feature.grid.spacing, box: box,
            outsideIsFeature: outsideIsFeature, threads: threads)
    }

    /// Distances (mm, Float) to the nearest voxel of `volume` for which `isFeature` is true.
    public static func distances<T>(
        to volume: Volume<T>, box: VoxelBox? = nil, outsideIsFeature: Bool = false,
        threads: Int = defaultThreadCount, where isFeature: (T) -> Bool
    ) -> [Float] {
        let mask = volume.voxels.map { isFeature($0) ? UInt8(1) : 0 }
        return distances(
            mask, dims: volume.grid.dims, spacing: volume.grid.spacing, box: box,
            outsideIsFeature: outsideIsFeature, threads: threads)
    }

    /// Distances (mm, Float) on a raw mask of `dims` voxels (storage order, > 0 is feature).
    public static func distances(
        _ mask: [UInt8], dims: SIMD3<Int>, spacing: SIMD3<Double>, box: VoxelBox? = nil,
        outsideIsFeature: Bool = false, threads: Int = defaultThreadCount
    ) -> [Float] {
        checked(mask, dims: dims, spacing: spacing, box: box, outsideIsFeature: outsideIsFeature, squared: false,
                threads: threads, as: Float.self)
    }

    /// The transform on a raw mask of `dims` voxels (storage order, > 0 is feature) with
    /// `spacing` in mm; squared (mm²) or plain (mm) distances over `box`, in Double throughout.
    ///
    /// - Parameter wanted: when given (same size as `mask`), the voxels whose distances are
    ///   needed (> 0): their values are identical to those of the full transform; any other
    ///   voxel holds its true value or NaN. Lines of the last two passes without a wanted voxel
    ///   are skipped, so a mask covering part of the image costs that much less.
    public static func transform(
        _ mask: [UInt8], dims: SIMD3<Int>, spacing: SIMD3<Double>, box: VoxelBox? = nil,
        outsideIsFeature: Bool = false, squared: Bool = false, wanted: [UInt8]? = nil,
        threads: Int = defaultThreadCount
    ) -> [Double] {
        if let wanted {
            precondition(wanted.count == mask.count, "wanted size \(wanted.count) ≠ mask size \(mask.count)")
        }
        return checked(mask, dims: dims, spacing: spacing, box: box, outsideIsFeature: outsideIsFeature, squared: squared,
                       wanted: wanted, threads: threads, as: Double.self)
    }

    /// The kernel on a raw mask after checking its size and box, with results stored as `S`.
    private static func checked<S: DistanceStorage>(
        _ mask: [UInt8], dims: SIMD3<Int>, spacing: SIMD3<Double>, box: VoxelBox?, outsideIsFeature: Bool,
        squared: Bool, wanted: [UInt8]? = nil, threads: Int, as: S.Type
    ) -> [S] {
        precondition(mask.count == dims.x * dims.y * dims.z, "mask size \(mask.count) ≠ dims \(dims)")
        let box = box ?? VoxelBox(dims: dims)
        precondition(box.fits(in: dims), "box \(box) outside grid \(dims)")
        let lines = wanted.map { WantedLines($0, gridDims: dims, box: box) }
        return mask.withUnsafeBufferPointer {
            edtKernel($0.baseAddress, gridDims: dims, box: box, spacing: spacing,
                      outsideIsFeature: outsideIsFeature, squared: squared, wanted: lines, threads: threads, as: S.self)
        }
    }
}

/// Which lines of the last two passes hold a wanted voxel, in box coordinates: a k-line (i, j)
/// when its column holds one, a j-line at i when some column (i, ·) does. Read-only once built.
final class WantedLines: @unchecked Sendable {
    /// Per column (i + nx·j): holds a wanted voxel.
    let columns: UnsafeMutablePointer<Bool>
    /// Per i: some column (i, ·) holds a wanted voxel.
    let iLines: UnsafeMutablePointer<Bool>

    init(_ wanted: [UInt8], gridDims: SIMD3<Int>, box: VoxelBox) {
        let d = box.dims, lo = box.lower
        columns = .allocate(capacity: max(d.x * d.y, 1))
        columns.initialize(repeating: false, count: d.x * d.y)
        iLines = .allocate(capacity: max(d.x, 1))
        iLines.initialize(repeating: false, count: d.x)
        wanted.withUnsafeBufferPointer { w in
            for z in 0 ..< d.z {
                for y in 0 ..< d.y {
                    let row = lo.x + gridDims.x * (lo.y + y + gridDims.y * (lo.z + z))
                    for x in 0 ..< d.x where w[row + x] > 0 {
                        columns[x + d.x * y] = true
                        iLines[x] = true
                    }
                }
            }
        }
    }

    deinit {
        columns.deallocate()
        iLines.deallocate()
    }
}

/// The three passes; `input` is read at grid indices of voxels inside `box`. `S` is the
/// storage type between passes (Double, or Float for plain distances); the envelope arithmetic
/// is always Double. With `wanted`, lines without a wanted voxel are skipped and every voxel of
/// a k-line (column) without a wanted voxel is NaN.
func edtKernel<S: DistanceStorage>(
    _ input: UnsafePointer<UInt8>?, gridDims: SIMD3<Int>, box: VoxelBox, spacing: SIMD3<Double>,
    outsideIsFeature: Bool, squared: Bool, wanted: WantedLines? = nil, threads: Int, as: S.Type = Double.self
) -> [S] {
    let d = box.dims
    let nx = d.x, ny = d.y, nz = d.z
    let count = box.voxelCount
    guard count > 0, let input else { return [] }
    let s2 = spacing * spacing
    let gx = gridDims.x, gxy = gridDims.x * gridDims.y
    let lo = box.lower
    return [S](unsafeUninitializedCapacity: count) { buffer, initialized in
        adviseHugePages(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: count * MemoryLayout<S>.stride)
        let f = UnsafeSendable(buffer.baseAddress!)
        let inp = UnsafeSendable(input)
        // Passes i and j, fused per k-slice so the slice is still in cache for pass j: two
        // scans per row (steps to the nearest feature in the row), then the lower envelope
        // along each j-line.
        parallelChunks(nz, threads: threads) { slices in
            let scratch = EnvelopeScratch(ny)
            let f = f.value, inp = inp.value
            for z in slices {
                for y in 0 ..< ny {
                    let src = inp + (lo.x + gx * (lo.y + y) + gxy * (lo.z + z))
                    rowPass(src, f + (y + ny * z) * nx, nx, s2.x, outsideIsFeature)
                }
                let slice = f + z * nx * ny
                linesPass(slice, lines: nx, n: ny, stride: nx, s2: s2.y, border: outsideIsFeature, root: false,
                          wanted: wanted.map { UnsafePointer($0.iLines) }, scratch)
                // Unwanted columns are never read by pass k: mark them NaN now, while the slice is in cache.
                if let columns = wanted?.columns {
                    for c in 0 ..< nx * ny where !columns[c] { slice[c] = S(double: .nan) }
                }
            }
        }
        // Pass k: lower envelope along each k-line, a j-row at a time.
        parallelChunks(ny, threads: threads) { rows in
            let scratch = EnvelopeScratch(nz)
            for y in rows {
                linesPass(f.value + y * nx, lines: nx, n: nz, stride: nx * ny, s2: s2.z, border: outsideIsFeature,
                          root: !squared, wanted: wanted.map { UnsafePointer($0.columns + y * nx) }, scratch)
            }
        }
        initialized = count
    }
}

/// Lines `base[l + t·stride]`, t < n, for l < `lines` (adjacent in memory), transformed in
/// blocks of `EnvelopeScratch.block` lines: gathered into contiguous scratch (so each cache
/// line and page of the strided data is touched once per block), enveloped, scattered back.
/// With `wanted`, only lines l with `wanted[l]` are transformed and written; the others are
/// left as they are.
@inline(__always)
private func linesPass<S: DistanceStorage>(
    _ base: UnsafeMutablePointer<S>, lines: Int, n: Int, stride: Int, s2: Double, border: Bool, root: Bool,
    wanted: UnsafePointer<Bool>?, _ scratch: EnvelopeScratch
) {
    let block = EnvelopeScratch.block
    var first = 0
    while first < lines {
        let width = min(block, lines - first)
        if let wanted, !(first ..< first + width).contains(where: { wanted[$0] }) {
            first += width
            continue
        }
        let g = scratch.gathered
        var nonZero: UInt64 = 0  // OR of the bit patterns: 0 iff every value is +0
        for t in 0 ..< n {
            let src = base + t * stride + first
            for b in 0 ..< width {
                let x = src[b]
                g[b * n + t] = x.double
                nonZero |= x.bits
            }
        }
        // A block of feature voxels only (all zeros) stays zero; a border makes no difference.
        if nonZero == 0 {
            first += width
            continue
        }
        if let wanted {
            for b in 0 ..< width where wanted[first + b] { envelope(g + b * n, n, s2, border, scratch) }
            for t in 0 ..< n {
                let dst = base + t * stride + first
                for b in 0 ..< width where wanted[first + b] {
                    dst[b] = root ? S.root(of: g[b * n + t]) : S(double: g[b * n + t])
                }
            }
        } else {
            for b in 0 ..< width { envelope(g + b * n, n, s2, border, scratch) }
            for t in 0 ..< n {
                let dst = base + t * stride + first
                if root {
                    for b in 0 ..< width { dst[b] = S.root(of: g[b * n + t]) }
                } else {
                    for b in 0 ..< width { dst[b] = S(double: g[b * n + t]) }
                }
            }
        }
        first += width
    }
}

/// Squared distance along a row to the nearest feature of the row (or the border).
@inline(__always)
func rowPass<S: DistanceStorage>(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<S>, _ n: Int, _ s2: Double, _ border: Bool) {
    // Forward: steps since the last feature; backward: steps to the next; keep the smaller.
    let none = Int32.max / 2
    var last: Int32 = border ? -1 : -none
    for x in 0 ..< n {
        if src[x] != 0 { last = Int32(truncatingIfNeeded: x) }
        let steps = Int32(truncatingIfNeeded: x) &- last
        dst[x] = steps >= none / 2 ? S(double: .infinity) : S(double: Double(steps &* steps) * s2)
    }
    var next: Int32 = border ? Int32(truncatingIfNeeded: n) : none
    var x = n - 1
    while x >= 0 {
        if src[x] != 0 { next = Int32(truncatingIfNeeded: x) }
        let steps = next &- Int32(truncatingIfNeeded: x)
        if steps < none / 2 {
            let v = S(double: Double(steps &* steps) * s2)
            if v < dst[x] { dst[x] = v }
        }
        x &-= 1
    }
}

/// Pass i on the window `x0 ..< x0 + count` of a row whose non-zero voxels lie within
/// `first ... last` (first > last: none): the same values as `rowPass` over the whole row (at
/// most one feature is looked for on each side of the window, eight bytes at a time), written to
/// `dst[b·stride]` for the window's voxel b; `steps` is scratch for `count` Ints.
@inline(__always)
func rowPassWindow(
    _ row: UnsafePointer<UInt8>, first: Int, last: Int, from x0: Int, count: Int, _ s2: Double,
    _ dst: UnsafeMutablePointer<Double>, stride: Int, steps: UnsafeMutablePointer<Int>
) {
    guard first <= last else {
        for b in 0 ..< count { dst[b &* stride] = .infinity }
        return
    }
    let x1 = x0 + count
    let none = Int.max / 4
    // The nearest features before and after the window (far away: none); the row's extent
    // gives them at once when the window lies beyond it.
    var before = first >= x0 ? -none : last < x0 ? last : first + lastNonZero(row + first, x0 - first)
    var after = last < x1 ? none : first >= x1 ? first : x1 + firstNonZero(row + x1, last + 1 - x1)
    // Steps back to a feature, then forward ones where fewer. rowPass keeps the smaller of
    // the two squared distances in Double; the rounding of n²·s2 is monotone in n, so that is
    // the squared distance of the fewer steps.
    for b in 0 ..< count {
        if row[x0 &+ b] != 0 { before = x0 &+ b }
        steps[b] = x0 &+ b &- before
    }
    var b = count &- 1
    while b >= 0 {
        if row[x0 &+ b] != 0 { after = x0 &+ b }
        let n = min(steps[b], after &- x0 &- b)
        dst[b &* stride] = n >= none / 2 ? .infinity : Double(n &* n) * s2
        b &-= 1
    }
}

/// Scratch buffers for one line of the envelope pass (and a block of gathered lines), freed
/// with the object.
final class EnvelopeScratch {
    /// Lines transformed together by `linesPass`.
    static let block = 16
    let gathered: UnsafeMutablePointer<Double>
    let v: UnsafeMutablePointer<Int>
    let vf: UnsafeMutablePointer<Double>
    let vg: UnsafeMutablePointer<Double>
    let z: UnsafeMutablePointer<Double>
    let inverse: UnsafeMutablePointer<Double>
    var inverseFor: Double = .nan
    init(_ n: Int) {
        inverse = .allocate(capacity: n + 1)
        gathered = .allocate(capacity: n * Self.block)
        v = .allocate(capacity: n)
        vf = .allocate(capacity: n)
        vg = .allocate(capacity: n)
        z = .allocate(capacity: n + 1)
    }
    deinit {
        gathered.deallocate(); v.deallocate(); vf.deallocate(); vg.deallocate(); z.deallocate(); inverse.deallocate()
    }

    /// The lower envelope built by `lowerEnvelope` (at least one parabola) at point `p` of a
    /// line whose points are visited in ascending order, `j` (0 before the first) the
    /// parabola lowest at the previous one. Not for feature points (value 0, read directly).
    @inline(__always)
    func value(at p: Int, from j: inout Int, _ s2: Double, origin: Int) -> Double {
        let dp = Double(p &+ origin)
        while z[j &+ 1] < dp { j &+= 1 }
        let t = dp - Double(v[j] &+ origin)
        return vf[j] + s2 * t * t
    }

    /// The table `1 / (2·s2·k)`, k = 1 ..< n (built once per spacing).
    @inline(__always)
    func reciprocal(_ s2: Double, _ n: Int) -> UnsafeMutablePointer<Double> {
        if inverseFor != s2 {
            for k in 1 ..< max(n, 1) { inverse[k] = 1 / (2 * s2 * Double(k)) }
            inverseFor = s2
        }
        return inverse
    }
}

/// Felzenszwalb–Huttenlocher lower envelope, in place: `f[p] ← min_q f[q] + s2·(p − q)²`, in
/// index units; infinite values carry no parabola. With `border`, virtual zeros at −1 and n.
///
/// Zero runs (feature voxels) are short-cut: inside a run of zeros only its two end parabolas
/// can be lowest for any point outside the run, and points inside it stay 0 — so interior zeros
/// add no parabola (most voxels of a brain mask lie in such runs). Intersections multiply by a
/// table of `1 / (2·s2·k)` instead of dividing. The stack keeps each parabola's value and
/// offset term, so neither the intersections nor the read-back reload them, and the read-back
/// writes the line in place (the same arithmetic, so the same bits, as with a separate output).
@inline(__always)
private func envelope(_ f: UnsafeMutablePointer<Double>, _ n: Int, _ s2: Double, _ border: Bool, _ s: EnvelopeScratch) {
    // Read the envelope back in place: f[p] is read before it is written, and the parabolas'
    // values are on the stack. With no parabola every value is +∞ already.
    if lowerEnvelope(f, n, s2, s, origin: 0) >= 0 {
        var j = 0
        for p in 0 ..< n where f[p] != 0 { f[p] = s.value(at: p, from: &j, s2, origin: 0) }
    }
    if border {
        for p in 0 ..< n {
            let a = Double(p + 1), b = Double(n - p)
            let m = s2 * min(a * a, b * b)
            if m < f[p] { f[p] = m }
        }
    }
}

/// The first half of `envelope`: the stack of parabolas of the lower envelope of `f[0 ..< n]`
/// (values unchanged), left in `s` for `EnvelopeScratch.value(at:from:_:origin:)`. Returns the
/// index of the top of the stack, −1 when there is no parabola (every value +∞).
///
/// `origin` is the coordinate of `f[0]` on a longer line (0: the line itself): the parabolas
/// are written in those coordinates, so a window of a line whose other values are all +∞ gives
/// the same envelope, to the bit, as the whole line (the intersections round the same way).
@inline(__always)
func lowerEnvelope(_ f: UnsafePointer<Double>, _ n: Int, _ s2: Double, _ s: EnvelopeScratch, origin: Int) -> Int {
    // The stack of parabolas on the envelope: vertex v[k], value vf[k] = f[v[k]], vg[k] =
    // f[v[k]] + s2·(v[k] + origin)² (what every intersection with it needs), left end z[k].
    // Indices stay within 0 ... n + origin, far from overflow: wrapping arithmetic.
    let v = s.v, vf = s.vf, vg = s.vg, z = s.z, inv = s.reciprocal(s2, n)
    var k = -1
    var q = 0
    while q < n {
        let fq = f[q]
        if fq == .infinity { q &+= 1; continue }
        if fq == 0 && q > 0 && q < n &- 1 && f[q &- 1] == 0 && f[q &+ 1] == 0 {
            // Interior of a zero run: jump to its last zero.
            var e = q &+ 1
            while e < n &- 1 && f[e &+ 1] == 0 { e &+= 1 }
            q = e
            continue
        }
        let dq = Double(q &+ origin)
        let gq = fq + s2 * dq * dq
        if k < 0 {
            k = 0
            z[0] = -.infinity
        } else {
            var sep: Double
            while true {
                sep = (gq - vg[k]) * inv[q &- v[k]]
                if sep <= z[k] && k > 0 { k &-= 1 } else { break }
            }
            if sep <= z[k] {
                z[0] = -.infinity
            } else {
                k &+= 1
                z[k] = sep
            }
        }
        v[k] = q
        vf[k] = fq
        vg[k] = gq
        z[k &+ 1] = .infinity
        q &+= 1
    }
    return k
}

/// Storage of distances between passes: Double, or Float where 1e-7 relative is enough.
protocol DistanceStorage: Comparable, Sendable {
    init(double: Double)
    var double: Double { get }
    /// The bit pattern, widened (0 only for +0).
    var bits: UInt64 { get }
    /// The square root of a squared distance, stored.
    static func root(of squared: Double) -> Self
}

extension Double: DistanceStorage {
    @inline(__always) init(double: Double) { self = double }
    @inline(__always) var double: Double { self }
    @inline(__always) var bits: UInt64 { bitPattern }
    @inline(__always) static func root(of squared: Double) -> Double { squared.squareRoot() }
}

extension Float: DistanceStorage {
    @inline(__always) init(double: Double) { self = Float(double) }
    @inline(__always) var double: Double { Double(self) }
    @inline(__always) var bits: UInt64 { UInt64(bitPattern) }
    @inline(__always) static func root(of squared: Double) -> Float { Float(squared).squareRoot() }
}
