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
        var nearest = labels.voxels.map { max($0, 0) }
        let found = assignSteps(&nearest, grid: labels.grid, reach: reach, as: Int32.self, boxes: boxes)
        return Found(nearest: nearest, distance: found.distance, boxes: found.boxes)
    }

    /// Nearest label and squared Euclidean distance (mm², exact in Double, so that "within
    /// reach" and ties are decided without rounding) for every voxel within `reach` mm of a label.
    /// `boxes` as for `steps`.
    public static func squaredMillimetres(_ labels: Volume<Int32>, reach: Double, boxes: LabelBoxes? = nil) -> Found<Double> {
        var nearest = labels.voxels.map { max($0, 0) }
        let found = assignSquaredMillimetres(&nearest, grid: labels.grid, reach: reach, boxes: boxes)
        return Found(nearest: nearest, distance: found.distance, boxes: found.boxes)
    }

    /// `steps` in place and in less memory, for large images: `labels` (storage order on `grid`,
    /// no label negative) becomes `Found.nearest`, and the steps come as `D` — `UInt8` holds any
    /// reach up to 254, a quarter of the memory of `Int32`. Returns the steps and the grown boxes.
    /// - Precondition: no label is negative; `reach + 1` fits in `D`.
    @_specialize(exported: true, where D == UInt8)
    @_specialize(exported: true, where D == Int32)
    public static func assignSteps<D: FixedWidthInteger & BitwiseCopyable & Sendable>(
        _ labels: inout [Int32], grid: Grid, reach: Int, as: D.Type, boxes: LabelBoxes? = nil
    ) -> (distance: [D], boxes: [VoxelBox]) {
        let reach = max(0, reach)
        precondition(reach < Int(D.max), "reach \(reach) does not fit in \(D.self)")
        return merge(&labels, dims: grid.dims, boxes: boxes, far: D(reach + 1), margin: SIMD3(repeating: reach)) { mask, dims in
            CityBlockDistance.distances(mask, dims: dims, bound: reach, threads: 1)
        } within: { $0 <= Int32(reach) } stored: { D($0) }
    }

    /// `squaredMillimetres` in place: `labels` (storage order on `grid`, no label negative)
    /// becomes `Found.nearest`. Returns the squared distances and the grown boxes.
    /// - Precondition: no label is negative.
    public static func assignSquaredMillimetres(
        _ labels: inout [Int32], grid: Grid, reach: Double, boxes: LabelBoxes? = nil
    ) -> (distance: [Double], boxes: [VoxelBox]) {
        let s = grid.spacing
        let margin = SIMD3((0..<3).map { Int((max(0, reach) / s[$0]).rounded(.up)) })
        return merge(&labels, dims: grid.dims, boxes: boxes, far: Double.infinity, margin: margin) { mask, dims in
            EuclideanDistance.transform(mask, dims: dims, spacing: s, squared: true, threads: 1)
        } within: { isWithin(squared: $0, radius: reach) } stored: { $0 }
    }

    /// The merge of both: labelled voxels are those at distance 0 (so that `labels` can be
    /// overwritten with the nearest label as the merge goes); each label's box transform `T` is
    /// stored as `D` where within reach and strictly nearer than before.
    private static func merge<T, D: Comparable & Numeric & BitwiseCopyable & Sendable>(
        _ labels: inout [Int32], dims: SIMD3<Int>, boxes: LabelBoxes?, far: D, margin: SIMD3<Int>,
        transform: ([UInt8], SIMD3<Int>) -> [T], within: (T) -> Bool, stored: (T) -> D
    ) -> (distance: [D], boxes: [VoxelBox]) {
        precondition(labels.count == dims.x * dims.y * dims.z, "labels size \(labels.count) ≠ dims \(dims)")
        var distance = [D](hugePageBacked: labels.count, repeating: far)
        var grown: [VoxelBox] = []
        labels.withUnsafeMutableBufferPointer { lv in
            let objects = boxes ?? LabelBoxes(UnsafeBufferPointer(lv), dims: dims)
            precondition((objects.labels.first ?? 0) >= 0, "negative label \(objects.labels.first ?? 0)")
            distance.withUnsafeMutableBufferPointer { dv in
                // Labelled voxels: distance 0 (found in their boxes); they keep their label.
                for (label, tight) in zip(objects.labels, objects.boxes) {
                    tight.forEachVoxel(inGrid: dims) { v, _ in
                        if lv[v] == label { dv[v] = 0 }
                    }
                }
                for (label, tight) in zip(objects.labels, objects.boxes) {
                    let box = VoxelBox(lower: pointwiseMax(tight.lower &- margin, .zero), upper: pointwiseMin(tight.upper &+ margin, dims))
                    grown.append(box)
                    var mask = [UInt8](repeating: 0, count: box.voxelCount)
                    box.forEachVoxel(inGrid: dims) { v, o in mask[o] = lv[v] == label && dv[v] == 0 ? 1 : 0 }
                    let d = transform(mask, box.dims)
                    box.forEachVoxel(inGrid: dims) { v, o in
                        guard dv[v] != 0, within(d[o]) else { return }
                        let x = stored(d[o])
                        if x < dv[v] {
                            dv[v] = x
                            lv[v] = label
                        }
                    }
                }
            }
        }
        return (distance, grown)
    }
}
