import NIfTI

/// For every unlabelled voxel within `reach` of some label: the nearest label (ties to the lowest
/// id) and its distance — city-block steps, or squared Euclidean mm with the voxel spacing. Work is
/// confined to each label's bounding box grown by the reach, so the cost follows the size of the
/// labelled objects, not of the image.
///
/// Algorithm: per label, in ascending id order, a distance transform (`CityBlockDistance` or
/// `EuclideanDistance`) of the label's voxels over its box grown by `reach` (per axis, in voxels:
/// ⌈reach / spacing⌉ for mm), merged into the result where strictly nearer than what an earlier
/// (lower) id gave. Exact: every voxel within reach of a label lies in that label's grown box,
/// and all of the label's voxels are inside it.
///
/// - Complexity: O(N) to find the boxes and allocate the result, plus O(Σ grown box volumes).
/// - Edge cases: labelled voxels get their own label and distance 0; voxels beyond reach of every
///   label get 0 and, for steps, `reach + 1`, for mm², +∞; negative or zero labels are unlabelled.
public enum LabelReach {
    /// What `steps` and `squaredMillimetres` find, per voxel in storage order.
    public struct Found<D: Sendable>: Sendable {
        /// The nearest label within reach (a labelled voxel's own label); 0 beyond reach.
        public var nearest: [Int32]
        /// Its distance; the "beyond reach" value where `nearest` is 0 and the voxel unlabelled.
        public var distance: [D]
        /// Each label's box grown by the reach, clipped to the grid (ascending label order):
        /// every voxel within reach of a label lies in its box, so work on the voxels within
        /// reach can be confined to these boxes.
        public var boxes: [VoxelBox]
    }

    /// Nearest label and city-block steps (0…`reach`, or `reach + 1` beyond) for every voxel.
    /// `boxes`: those of `labels`, when the caller has them already (else found here).
    public static func steps(_ labels: Volume<Int32>, reach: Int, boxes: LabelBoxes? = nil) -> Found<Int32> {
        let reach = max(0, reach)
        let far = Int32(reach + 1)
        return merge(labels, boxes: boxes, far: far, margin: SIMD3(repeating: reach)) { mask, dims in
            CityBlockDistance.distances(mask, dims: dims, bound: reach, threads: 1)
        } within: { $0 <= Int32(reach) }
    }

    /// Nearest label and squared Euclidean distance (mm², exact in Double, so that "within
    /// reach" and ties are decided without rounding) for every voxel within `reach` mm of a label.
    /// `boxes` as for `steps`.
    public static func squaredMillimetres(_ labels: Volume<Int32>, reach: Double, boxes: LabelBoxes? = nil) -> Found<Double> {
        let s = labels.grid.spacing
        let margin = SIMD3((0..<3).map { Int((max(0, reach) / s[$0]).rounded(.up)) })
        return merge(labels, boxes: boxes, far: Double.infinity, margin: margin) { mask, dims in
            EuclideanDistance.transform(mask, dims: dims, spacing: s, squared: true, threads: 1)
        } within: { isWithin(squared: $0, radius: reach) }
    }

    private static func merge<D: Comparable & Numeric & BitwiseCopyable & Sendable>(
        _ labels: Volume<Int32>, boxes: LabelBoxes?, far: D, margin: SIMD3<Int>,
        transform: ([UInt8], SIMD3<Int>) -> [D], within: (D) -> Bool
    ) -> Found<D> {
        let dims = labels.grid.dims
        var nearest = [Int32](hugePageBacked: labels.voxels.count, repeating: 0)
        var distance = [D](hugePageBacked: labels.voxels.count, repeating: far)
        var grown: [VoxelBox] = []
        labels.voxels.withUnsafeBufferPointer { lv in
            let objects = boxes ?? LabelBoxes(lv, dims: dims)
            // Labelled voxels: their own label at distance 0 (found in their boxes).
            for (label, tight) in zip(objects.labels, objects.boxes) where label > 0 {
                tight.forEachVoxel(inGrid: dims) { v, _ in
                    if lv[v] == label {
                        nearest[v] = label
                        distance[v] = 0
                    }
                }
            }
            for (label, tight) in zip(objects.labels, objects.boxes) where label > 0 {
                let box = VoxelBox(lower: pointwiseMax(tight.lower &- margin, .zero), upper: pointwiseMin(tight.upper &+ margin, dims))
                grown.append(box)
                var mask = [UInt8](repeating: 0, count: box.voxelCount)
                box.forEachVoxel(inGrid: dims) { v, o in mask[o] = lv[v] == label ? 1 : 0 }
                let d = transform(mask, box.dims)
                box.forEachVoxel(inGrid: dims) { v, o in
                    if lv[v] <= 0, within(d[o]), d[o] < distance[v] {
                        distance[v] = d[o]
                        nearest[v] = label
                    }
                }
            }
        }
        return Found(nearest: nearest, distance: distance, boxes: grown)
    }
}
