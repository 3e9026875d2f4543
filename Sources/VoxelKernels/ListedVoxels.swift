/// An ascending list of voxel storage indices seen by row and column: which (i, j) columns of
/// the grid hold a listed voxel, the bounding box of the list, and where each row's voxels sit
/// in the list.
///
/// - Complexity: O(V + R + nx·ny) time for V voxels spread over R rows (one division per row,
///   not per voxel); O(nx·ny) memory.
/// - Edge cases: an empty list gives no column and an empty box.
struct ListedVoxels {
    /// The grid's voxels along i, j, k.
    let dims: SIMD3<Int>
    /// Per grid column `i + nx·j`: whether it holds a listed voxel.
    let columns: [Bool]
    /// The bounding box of the listed voxels (empty at the origin when there is none).
    let box: VoxelBox

    /// The i's of a band of `bands(_:box:)`: 16, the bits of a UInt16.
    static let bandWidth = 16

    /// The list `voxels`, storage indices of a grid of `dims` voxels.
    /// - Precondition: `voxels` is strictly ascending, every index lies in the grid and there
    ///   are fewer than 2³¹ of them.
    init(_ voxels: UnsafeBufferPointer<Int>, dims: SIMD3<Int>) {
        self.dims = dims
        let gx = dims.x
        var ascending = true
        for n in voxels.indices.dropFirst() where voxels[n] <= voxels[n - 1] { ascending = false }
        precondition(ascending, "voxel indices are not strictly ascending")
        precondition(voxels.count < Int(Int32.max), "\(voxels.count) voxels: too many for Int32 list positions")
        guard let first = voxels.first, let last = voxels.last else {
            columns = []
            box = VoxelBox(lower: .zero, upper: .zero)
            return
        }
        precondition(first >= 0 && last < dims.x * dims.y * dims.z, "voxel indices \(first)…\(last) outside the grid \(dims)")
        var columns = [Bool](repeating: false, count: dims.x * dims.y)
        columns.withUnsafeMutableBufferPointer { c in
            Self.walk(voxels, 0 ..< voxels.count, dims: dims) { _, x, y, _ in c[x + gx * y] = true }
        }
        var lower = SIMD3(Int.max, Int.max, first / (dims.x * dims.y))
        var upper = SIMD3(Int.min, Int.min, last / (dims.x * dims.y) + 1)
        for y in 0 ..< dims.y {
            for x in 0 ..< gx where columns[x + gx * y] {
                lower.x = min(lower.x, x)
                upper.x = max(upper.x, x + 1)
                lower.y = min(lower.y, y)
                upper.y = y + 1
            }
        }
        self.columns = columns
        box = VoxelBox(lower: lower, upper: upper)
    }

    /// The listed voxels of `box` by row and band of `bandWidth` i's from `box.lower.x`: for row (j, k)
    /// and band b, at `key = (b·nz + k − k₀)·ny + j − j₀` (box coordinates, so each band's rows
    /// are adjacent), `bits[key]` has bit t set when voxel `box.lower.x + 16·b + t` of the row
    /// is listed, and `starts[key]` is the list position of the first of them (unspecified
    /// when there is none); the others follow it in order. Every listed voxel must lie in
    /// `box`.
    func bands(_ voxels: UnsafeBufferPointer<Int>, box: VoxelBox) -> (starts: [Int32], bits: [UInt16]) {
        let lo = box.lower, d = box.dims, width = Self.bandWidth
        let rows = d.z * d.y
        var starts = [Int32](repeating: 0, count: (d.x + width - 1) / width * rows)
        var bits = [UInt16](repeating: 0, count: starts.count)
        starts.withUnsafeMutableBufferPointer { s in
            bits.withUnsafeMutableBufferPointer { m in
                var previous = -1
                Self.walk(voxels, 0 ..< voxels.count, dims: dims) { n, x, y, z in
                    let key = (x - lo.x) / width * rows + (z - lo.z) * d.y + y - lo.y
                    if key != previous {
                        s[key] = Int32(n)
                        previous = key
                    }
                    m[key] |= 1 << UInt16((x - lo.x) % width)
                }
            }
        }
        return (starts, bits)
    }

    /// Calls `body(n, i, j, k)` for each `voxels[n]`, n in `range` in order, with its grid
    /// coordinates. Divides only when the row changes (the indices must ascend).
    @inline(__always)
    static func walk(
        _ voxels: UnsafeBufferPointer<Int>, _ range: Range<Int>, dims: SIMD3<Int>,
        _ body: (_ n: Int, _ i: Int, _ j: Int, _ k: Int) -> Void
    ) {
        let gx = dims.x, gy = dims.y
        var rowStart = 0, rowEnd = 0, y = 0, z = 0
        for n in range {
            let v = voxels[n]
            if v >= rowEnd {
                let row = v / gx
                z = row / gy
                y = row - z * gy
                rowStart = row * gx
                rowEnd = rowStart + gx
            }
            body(n, v - rowStart, y, z)
        }
    }
}
