/// A rectangular sub-region of a voxel grid: indices `lower ..< upper` along each axis
/// (half-open, like a Swift range). Kernels that take a box work on it as if it were the whole
/// image: "outside the field of view" then means outside the box.
public struct VoxelBox: Equatable, Hashable, Sendable {
    /// First index along i, j, k (inclusive).
    public var lower: SIMD3<Int>
    /// One past the last index along i, j, k (exclusive).
    public var upper: SIMD3<Int>

    /// The box `lower ..< upper`; each `lower` must be ≤ the matching `upper`.
    public init(lower: SIMD3<Int>, upper: SIMD3<Int>) {
        precondition(all(lower .<= upper), "box lower \(lower) above upper \(upper)")
        self.lower = lower
        self.upper = upper
    }

    /// The whole of a grid with `dims` voxels per axis.
    public init(dims: SIMD3<Int>) { self.init(lower: .zero, upper: dims) }

    /// Voxels along each axis.
    @inlinable public var dims: SIMD3<Int> { upper &- lower }

    /// Number of voxels in the box (0 when any axis is empty).
    @inlinable public var voxelCount: Int { let d = dims; return d.x * d.y * d.z }

    /// Whether the box holds no voxel.
    @inlinable public var isEmpty: Bool { voxelCount == 0 }

    /// Whether voxel (i, j, k) lies inside the box.
    @inlinable
    public func contains(_ p: SIMD3<Int>) -> Bool { all(p .>= lower) && all(p .< upper) }

    /// This box grown by `margin` voxels on every side, then clipped to a grid of `dims`.
    public func expanded(by margin: Int, within dims: SIMD3<Int>) -> VoxelBox {
        let lo = pointwiseMax(lower &- SIMD3(repeating: margin), .zero)
        let hi = pointwiseMin(upper &+ SIMD3(repeating: margin), dims)
        return VoxelBox(lower: pointwiseMin(lo, hi), upper: hi)
    }

    /// Whether `self` lies inside a grid of `dims` voxels.
    public func fits(in dims: SIMD3<Int>) -> Bool { all(lower .>= .zero) && all(upper .<= dims) }

    /// Calls `body(gridIndex, boxIndex)` for every voxel of the box, in storage order (i fastest):
    /// its index in a grid of `gridDims` voxels, and its index in the box's own storage order.
    @inlinable
    public func forEachVoxel(inGrid gridDims: SIMD3<Int>, _ body: (_ gridIndex: Int, _ boxIndex: Int) -> Void) {
        var o = 0
        for z in lower.z ..< upper.z {
            for y in lower.y ..< upper.y {
                let row = gridDims.x * (y + gridDims.y * z)
                for x in lower.x ..< upper.x {
                    body(row + x, o)
                    o += 1
                }
            }
        }
    }
}
