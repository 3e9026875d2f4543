/// The (i, j) columns of a grid that hold at least one voxel of an ascending list of storage
/// indices, numbered ("ranked") 0, 1, … in storage order, and the bounding box of the listed
/// voxels.
///
/// Ranks increase with i, then j, so within one k-slice the ranks of the listed voxels increase
/// with their indices: reading per-column values for the list in order is sequential.
/// - Complexity: O(V + R + nx·ny) time for V voxels spread over R rows; O(nx·ny) memory (an
///   Int32 per grid column).
/// - Edge cases: an empty list gives no columns and an empty box; repeated indices are allowed.
struct VoxelColumns {
    /// The grid's voxels along i, j, k.
    let dims: SIMD3<Int>
    /// Per grid column `i + nx·j`: its rank, or −1 when it holds no listed voxel.
    let rank: [Int32]
    /// Per rank: its grid column `i + nx·j` (ascending).
    let columns: [Int32]
    /// The bounding box of the listed voxels (empty at the origin when there is none).
    let box: VoxelBox

    /// Number of ranked columns.
    var count: Int { columns.count }

    /// The columns of `voxels`, storage indices of a grid of `dims` voxels.
    /// - Precondition: `voxels` is ascending (repeats allowed) and every index is in the grid.
    init(_ voxels: UnsafeBufferPointer<Int>, dims: SIMD3<Int>) {
        self.dims = dims
        let gx = dims.x, gxy = dims.x * dims.y
        precondition(gxy < Int(Int32.max), "grid slice of \(gxy) voxels too large for Int32 column ranks")
        var rank = [Int32](repeating: -1, count: gxy)
        var ascending = true
        for n in voxels.indices.dropFirst() where voxels[n] < voxels[n - 1] { ascending = false }
        precondition(ascending, "voxel indices are not ascending")
        if let first = voxels.first, let last = voxels.last {
            precondition(first >= 0 && last < gxy * dims.z, "voxel indices \(first)…\(last) outside the grid \(dims)")
        }
        rank.withUnsafeMutableBufferPointer { r in
            Self.walk(voxels, 0 ..< voxels.count, dims: dims) { _, _, column in r[column] = 0 }
        }
        var columns = [Int32]()
        var lower = SIMD3(gx, dims.y, 0), upper = SIMD3(0, 0, 0)
        for y in 0 ..< dims.y {
            for x in 0 ..< gx where rank[x + gx * y] == 0 {
                rank[x + gx * y] = Int32(columns.count)
                columns.append(Int32(x + gx * y))
                lower.x = min(lower.x, x)
                upper.x = max(upper.x, x + 1)
                if lower.y > y { lower.y = y }
                upper.y = y + 1
            }
        }
        if let first = voxels.first, let last = voxels.last {
            lower.z = first / gxy
            upper.z = last / gxy + 1
            box = VoxelBox(lower: lower, upper: upper)
        } else {
            box = VoxelBox(lower: .zero, upper: .zero)
        }
        self.rank = rank
        self.columns = columns
    }

    /// Calls `body(n, k, column)` for each `voxels[n]`, n in `range` in order: its slice k and its
    /// grid column `i + nx·j`. Divides only when the row changes (the indices must ascend).
    @inline(__always)
    static func walk(
        _ voxels: UnsafeBufferPointer<Int>, _ range: Range<Int>, dims: SIMD3<Int>,
        _ body: (_ n: Int, _ k: Int, _ column: Int) -> Void
    ) {
        let gx = dims.x, gy = dims.y
        var rowStart = 0, rowEnd = 0, columnOffset = 0, k = 0
        for n in range {
            let v = voxels[n]
            if v >= rowEnd {
                let row = v / gx
                k = row / gy
                rowStart = row * gx
                rowEnd = rowStart + gx
                // The column of the row's first voxel, minus that voxel's index.
                columnOffset = (row - k * gy) * gx - rowStart
            }
            body(n, k, v + columnOffset)
        }
    }
}
