import NIfTI
import VoxelKernels

/// Component codes written in the component mask (`--write-masks`) and used internally.
public enum ComponentCode: UInt8, Sendable {
    case none = 0, core = 1, rim = 2, perilesional = 3
}

/// The regions of docs/definitions.md for one subject: lesion ids, each voxel's component (core, rim,
/// perilesional) and owning lesion, NAWM, and the distance to CSF at the voxels the tables read.
public struct LesionRegions: Sendable {
    /// The ids present, ascending.
    public var lesionIDs: [Int32]
    /// Component per voxel: core or rim inside lesions, perilesional around them, else none.
    public var component: [UInt8]
    /// The lesion a core, rim or perilesional voxel belongs to; 0 elsewhere.
    public var owner: [Int32]
    /// 1 in normal-appearing white matter.
    public var nawm: [UInt8]
    /// The voxels any table reads — lesion, perilesional and NAWM voxels (`owner > 0` or
    /// `nawm == 1`) — as grid storage indices, ascending. Per-voxel values the tables need (map
    /// values, distances) are held compactly in this order.
    public var analysed: [Int]
    /// Euclidean distance (mm) to the nearest CSF voxel at each voxel of `analysed`, in that
    /// order; nil when there is no CSF at all or it has not been computed (`distances(toCSF:…)`).
    public var distanceToCSF: [Double]?

    /// Whether voxel `v` (grid storage index) lies in a lesion: its core or rim.
    @inline(__always)
    public func isLesion(_ v: Int) -> Bool {
        component[v] == ComponentCode.core.rawValue || component[v] == ComponentCode.rim.rawValue
    }

    /// The id of the lesion voxel `v` lies in (kept lesions only); 0 outside lesions.
    @inline(__always)
    public func lesionID(at v: Int) -> Int32 { isLesion(v) ? owner[v] : 0 }

    /// Lesion id per voxel (kept lesions only), 0 elsewhere: built from `owner` and `component`
    /// on each call (O(N)), for writing or drawing; not held, to keep a subject's memory low.
    public var ids: [Int32] {
        [Int32](hugePageBacked: owner.count) { out in
            for v in 0..<owner.count { out[v] = lesionID(at: v) }
        }
    }

    /// Computes the regions with the widths and unit of `options`. The distance to CSF is left
    /// out (nil): callers that need it compute it with `distances(toCSF:grid:threads:joinable:)`
    /// (`stats` does, beside its map reading; the QC report does not draw it). The lesion ids are moved out of `images` (left empty): their
    /// memory becomes the owner volume.
    public static func compute(_ images: inout SubjectImages, options: AnalysisOptions, threads: Int) -> LesionRegions {
        let grid = images.grid
        let n = grid.voxelCount
        // 1. Lesions (labelled when read), moved out of `images` to be overwritten in place below.
        var idVolume = Volume(grid: grid, voxels: images.lesions)
        images.lesions = []
        // One pass finds the lesions present (ids are ≥ 0) and their boxes, for the rim and the shell.
        let boxes = LabelBoxes(idVolume)
        let lesionIDs = boxes.labels

        // 2. Rim and core: distance to the nearest voxel not in the same lesion; each lesion's
        //    voxels are visited in its box.
        var component = [UInt8](hugePageBacked: n, repeating: ComponentCode.none.rawValue)
        component.withUnsafeMutableBufferPointer { cp in
            let out = UnsafeSendable(cp.baseAddress!)
            func mark(_ v: Int, rim: Bool) { out.value[v] = (rim ? ComponentCode.rim : .core).rawValue }
            switch options.unit {
            case .voxel:
                let w = Int(options.rimWidth.rounded(.down))
                DistanceToOtherLabel.visitSteps(idVolume, bound: max(w, 0), boxes: boxes, threads: threads) { v, d in
                    mark(v, rim: w >= 1 && d <= Int32(w))
                }
            case .mm:
                DistanceToOtherLabel.visitMillimetres(idVolume, boxes: boxes, threads: threads) { v, d in
                    mark(v, rim: isAtMost(d, options.rimWidth))
                }
            }
        }

        // 3–4. Perilesional shell and NAWM, from each lesion's neighbourhood only: the nearest
        //      lesion (ties to the lowest id) and its distance, within the larger of the two widths,
        //      written over the ids (which become `owner`, `Shell.classify`); steps in one byte
        //      when they fit.
        let shell = Shell(tissue: images.tissue, labels: options.tissueLabels)
        let classified: Shell.Classified
        switch options.unit {
        case .voxel:
            let w = max(-1, Int(options.perilesionalWidth.rounded(.down)))
            let gap = max(0, Int(options.nawmGap.rounded(.down)))
            let reach = max(w, gap, 0)
            func classify<D: FixedWidthInteger & BitwiseCopyable & Sendable>(_: D.Type) -> Shell.Classified {
                let (distance, boxes) = LabelReach.assignSteps(&idVolume.voxels, grid: grid, reach: reach, as: D.self, boxes: boxes)
                return shell.classify(dims: grid.dims, nearest: &idVolume.voxels, boxes: boxes, component: &component,
                                      isPerilesional: { distance[$0] <= D(clamping: w) },
                                      isNearLesion: { distance[$0] <= D(gap) })
            }
            classified = reach < Int(UInt8.max) ? classify(UInt8.self) : classify(Int32.self)
        case .mm:
            let (distance, boxes) = LabelReach.assignSquaredMillimetres(
                &idVolume.voxels, grid: grid, reach: max(options.perilesionalWidth, options.nawmGap), boxes: boxes)
            classified = shell.classify(dims: grid.dims, nearest: &idVolume.voxels, boxes: boxes, component: &component,
                                        isPerilesional: { isWithin(squared: distance[$0], radius: options.perilesionalWidth) },
                                        isNearLesion: { isWithin(squared: distance[$0], radius: options.nawmGap) })
        }
        let (owner, nawm, analysed) = (classified.owner, classified.nawm, classified.analysed)

        return LesionRegions(lesionIDs: lesionIDs, component: component, owner: owner, nawm: nawm,
                             analysed: analysed, distanceToCSF: nil)
    }

    /// The Euclidean distance (mm) from each voxel of `analysed` to the nearest voxel of `csf`
    /// (> 0 is CSF, on `grid`), in that order; nil when there is no CSF voxel at all. Threads
    /// calling `joinable.help()` meanwhile work on it too.
    public func distances(toCSF csf: [UInt8], grid: Grid, threads: Int, joinable: JoinableWork? = nil) -> [Double]? {
        guard csf.contains(1) else { return nil }
        return EuclideanDistance.transform(csf, dims: grid.dims, spacing: grid.spacing, at: analysed, threads: threads,
                                           joinable: joinable)
    }
}

/// The perilesional shell and NAWM of docs/definitions.md from the nearest lesion of each voxel.
private struct Shell {
    /// The tissue codes (0 background) and the codes of CSF and WM.
    let tissue: [UInt8]
    let csf: UInt8, wm: UInt8

    init(tissue: TissueImage, labels: TissueLabels) {
        self.tissue = tissue.codes
        csf = tissue.code(of: labels.csf)
        wm = tissue.code(of: labels.wm)
    }

    /// The owner and NAWM volumes and the analysed voxels (`LesionRegions`).
    struct Classified {
        var owner: [Int32]
        var nawm: [UInt8]
        var analysed: [Int]
    }

    /// Perilesional: a voxel in no lesion whose nearest lesion is within the perilesional width
    /// and whose tissue is brain (≠ background) and not CSF (by the tissue label; a separate
    /// --csf mask only serves the distance). NAWM: WM in no lesion and not within the gap of any
    /// lesion. `nearest` (the nearest lesion within reach, from `LabelReach`, whose `boxes` are
    /// given) is moved out, left empty, and becomes the owner: kept for lesion and perilesional
    /// voxels (a lesion voxel's nearest lesion is its own), cleared elsewhere. One vectorisable
    /// pass marks the WM outside lesions; the rest looks only inside the reach boxes, where every
    /// voxel with a nearest lesion lies (a voxel seen again, in overlapping boxes, is left as the
    /// first visit made it). `isPerilesional(v)` and `isNearLesion(v)` tell whether voxel `v`'s
    /// nearest lesion is within the perilesional width and within the NAWM gap. On entry
    /// `component` marks every lesion voxel (core or rim) and nothing else: that is how lesion
    /// voxels are told.
    func classify(dims: SIMD3<Int>, nearest: inout [Int32], boxes: [VoxelBox], component: inout [UInt8],
                     isPerilesional: (Int) -> Bool, isNearLesion: (Int) -> Bool) -> Classified {
        let n = nearest.count
        // WM in no lesion (component still none: only cores and rims are marked so far), and
        // the counts of both, to size the list below.
        var nawmCount = 0, lesionCount = 0
        var nawm = [UInt8](hugePageBacked: n) { out in
            component.withUnsafeBufferPointer { cp in
                tissue.withUnsafeBufferPointer { tp in
                    // Branch-free, so that the compiler vectorises it.
                    let (t, c, o) = (tp.baseAddress!, cp.baseAddress!, out.baseAddress!)
                    for v in 0..<n { o[v] = (t[v] == wm ? 1 : 0) & (c[v] == 0 ? 1 : 0) }
                    nawmCount = ByteCount.count(of: 1, in: UnsafeBufferPointer(out))
                    lesionCount = n - ByteCount.count(of: 0, in: cp)
                }
            }
        }
        var owner = nearest
        nearest = []  // moved: `owner` is its only reference
        let perilesional = ComponentCode.perilesional.rawValue
        var perilesionalCount = 0
        tissue.withUnsafeBufferPointer { tp in
            owner.withUnsafeMutableBufferPointer { op in
                component.withUnsafeMutableBufferPointer { cp in
                    nawm.withUnsafeMutableBufferPointer { wp in
                        for box in boxes {
                            box.forEachVoxel(inGrid: dims) { v, _ in
                                // Not in a lesion (cores and rims are marked), not seen before.
                                guard op[v] > 0, cp[v] == 0 else { return }
                                let t = tp[v]
                                if t != 0, t != csf, isPerilesional(v) {
                                    cp[v] = perilesional
                                    perilesionalCount += 1
                                } else {
                                    op[v] = 0
                                }
                                if wp[v] == 1, isNearLesion(v) {
                                    wp[v] = 0
                                    nawmCount -= 1
                                }
                            }
                        }
                    }
                }
            }
        }
        // Listed in one pass into room for all (no growth while the caller's full-grid arrays are
        // held): lesion, perilesional and NAWM voxels, at most (perilesional voxels can be NAWM
        // too when the perilesional width exceeds the NAWM gap).
        let room = lesionCount + perilesionalCount + nawmCount
        let analysed = [Int](unsafeUninitializedCapacity: room) { list, listed in
            forEachMarked(owner, nawm, boxes: boxes, dims: dims) { v in
                list[listed] = v
                listed += 1
            }
        }
        return Classified(owner: owner, nawm: nawm, analysed: analysed)
    }
}

/// Calls `body(v)` for each voxel, ascending, with `owner[v] > 0` or `nawm[v] == 1` (the arrays
/// hold ids ≥ 0 and 0/1 flags). `owner` is > 0 only inside `boxes` (grid `dims`), so it is read
/// only on the rows those boxes cross; elsewhere `nawm` alone is read. Voxels go eight at a time
/// (a bit each), so runs without marks cost no branch per voxel.
private func forEachMarked(_ owner: [Int32], _ nawm: [UInt8], boxes: [VoxelBox], dims: SIMD3<Int>, _ body: (Int) -> Void) {
    var crossed = [Bool](repeating: false, count: dims.y * dims.z)
    for box in boxes {
        for z in box.lower.z ..< box.upper.z {
            for y in box.lower.y ..< box.upper.y { crossed[y + dims.y * z] = true }
        }
    }
    owner.withUnsafeBufferPointer { op in
        nawm.withUnsafeBufferPointer { wp in
            let w = UnsafeRawPointer(wp.baseAddress!)
            for row in crossed.indices {
                let start = row * dims.x, end = start + dims.x
                var v = start
                // Eight voxels at a time: a bit per marked voxel, then the set bits in order.
                while v + 8 <= end {
                    // NAWM flags are bytes 0/1: the multiply gathers them into the top byte.
                    var marked = (w.loadUnaligned(fromByteOffset: v, as: UInt64.self) &* 0x0102_0408_1020_4080) >> 56
                    if crossed[row] {
                        for k in 0 ..< 8 { marked |= (op[v + k] > 0 ? 1 : 0) << UInt64(k) }
                    }
                    while marked != 0 {
                        body(v + marked.trailingZeroBitCount)
                        marked &= marked &- 1
                    }
                    v += 8
                }
                while v < end {
                    if op[v] > 0 || wp[v] == 1 { body(v) }
                    v += 1
                }
            }
        }
    }
}
