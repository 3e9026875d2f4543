import NIfTI

/// For each labelled voxel, the distance to the nearest voxel that does not carry its label —
/// background, another label, or the outside of the field of view — in 6-connected steps or in
/// mm. Erosion of each label by its own complement, so touching objects erode each other.
///
/// Algorithm: per label, a distance transform (`CityBlockDistance` or `EuclideanDistance`) over
/// the label's bounding box grown by one voxel, with "not this label" as the feature and the
/// outside of the box as feature. This is exact: the nearest voxel not in L, clamped into the
/// grown box, is no farther and is still not in L (it lies in the box's outer layer, or is the
/// field-of-view border). Labels are processed in parallel; each writes only its own voxels.
///
/// - Complexity: O(Σ box volumes) time; O(N) memory for the result plus one box per thread.
/// - Edge cases: background (0) voxels get 0; a label touching the border is at most one step
///   (one spacing) from the outside; an image without labels gives all zeros.
public enum DistanceToOtherLabel {
    /// Steps (1…`bound`, or `bound + 1` for farther) from each labelled voxel to the nearest
    /// voxel not in its label; 0 for background voxels. `boxes`: those of `labels`, when the
    /// caller has them already (else found here).
    public static func steps(_ labels: Volume<Int32>, bound: Int, boxes: LabelBoxes? = nil,
                             threads: Int = defaultThreadCount) -> [Int32] {
        collect(labels, zero: Int32(0)) { visitSteps(labels, bound: bound, boxes: boxes, threads: threads, $0) }
    }

    /// Euclidean distance (mm, voxel spacing honoured) from each labelled voxel to the centre of
    /// the nearest voxel not in its label; 0 for background voxels. `boxes` as for `steps`.
    public static func millimetres(_ labels: Volume<Int32>, boxes: LabelBoxes? = nil,
                                   threads: Int = defaultThreadCount) -> [Double] {
        collect(labels, zero: 0.0) { visitMillimetres(labels, boxes: boxes, threads: threads, $0) }
    }

    /// `steps` without an image-sized result: `body(v, d)` is called once for each labelled
    /// voxel `v` (storage index) with its steps `d`. Labels are handled by up to `threads`
    /// workers at once, so `body` runs concurrently and must touch only what belongs to `v`.
    public static func visitSteps(_ labels: Volume<Int32>, bound: Int, boxes: LabelBoxes? = nil,
                                  threads: Int = defaultThreadCount, _ body: (Int, Int32) -> Void) {
        run(labels, boxes: boxes, threads: threads, body) { mask, box in
            CityBlockDistance.distances(mask, dims: box.dims, bound: bound, outsideIsFeature: true, threads: 1)
        }
    }

    /// `millimetres` without an image-sized result, as `visitSteps`.
    public static func visitMillimetres(_ labels: Volume<Int32>, boxes: LabelBoxes? = nil,
                                        threads: Int = defaultThreadCount, _ body: (Int, Double) -> Void) {
        let spacing = labels.grid.spacing
        run(labels, boxes: boxes, threads: threads, body) { mask, box in
            EuclideanDistance.transform(mask, dims: box.dims, spacing: spacing, outsideIsFeature: true, threads: 1)
        }
    }

    /// An image-sized result, `zero` where `visit` gives no value.
    private static func collect<D: BitwiseCopyable>(_ labels: Volume<Int32>, zero: D, _ visit: ((Int, D) -> Void) -> Void) -> [D] {
        var result = [D](hugePageBacked: labels.voxels.count, repeating: zero)
        result.withUnsafeMutableBufferPointer { out in
            let dst = UnsafeSendable(out.baseAddress!)
            visit { v, d in dst.value[v] = d }
        }
        return result
    }

    private static func run<D>(
        _ labels: Volume<Int32>, boxes: LabelBoxes?, threads: Int, _ body: (Int, D) -> Void, transform: ([UInt8], VoxelBox) -> [D]
    ) {
        let dims = labels.grid.dims
        labels.voxels.withUnsafeBufferPointer { lv in
            let objects = boxes ?? LabelBoxes(lv, dims: dims)
            let src = UnsafeSendable(lv.baseAddress!)
            withoutActuallyEscaping(transform) { transform in
                withoutActuallyEscaping(body) { body in
                    let shared = UnsafeSendable((transform, body))
                    parallelChunks(objects.labels.count, threads: threads) { range in
                        let lv = src.value
                        for n in range {
                            let label = objects.labels[n]
                            let box = objects.boxes[n].expanded(by: 1, within: dims)
                            let bd = box.dims
                            var mask = [UInt8](repeating: 0, count: box.voxelCount)
                            box.forEachVoxel(inGrid: dims) { v, o in mask[o] = lv[v] == label ? 0 : 1 }
                            let d = shared.value.0(mask, VoxelBox(dims: bd))
                            box.forEachVoxel(inGrid: dims) { v, o in
                                if lv[v] == label { shared.value.1(v, d[o]) }
                            }
                        }
                    }
                }
            }
        }
    }
}
