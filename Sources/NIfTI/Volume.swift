/// A 3-D image: voxel values in NIfTI storage order (i fastest, then j, then k) on a `Grid`.
///
/// `Volume<Float>` holds scaled intensities (MTR in pu, T1 …); `Volume<Int32>` holds labels;
/// `Volume<UInt8>` masks. Values are a plain Swift array so kernels can work on contiguous memory.
public struct Volume<Voxel: Sendable>: Sendable {
    /// The geometry shared by every volume of a subject.
    public var grid: Grid
    /// `grid.voxelCount` values, i fastest.
    public var voxels: [Voxel]

    /// A volume from its grid and values; `voxels.count` must equal `grid.voxelCount`.
    public init(grid: Grid, voxels: [Voxel]) {
        precondition(voxels.count == grid.voxelCount, "voxel count \(voxels.count) ≠ grid \(grid.voxelCount)")
        self.grid = grid
        self.voxels = voxels
    }

    /// A volume filled with one value.
    public init(grid: Grid, repeating value: Voxel) {
        self.init(grid: grid, voxels: Array(repeating: value, count: grid.voxelCount))
    }

    /// The value at voxel (i, j, k); indices must be inside the grid.
    @inlinable
    public subscript(i: Int, j: Int, k: Int) -> Voxel {
        get { voxels[grid.index(i, j, k)] }
        set { voxels[grid.index(i, j, k)] = newValue }
    }

    /// A volume of the same grid with each value transformed.
    public func map<T: Sendable>(_ transform: (Voxel) throws -> T) rethrows -> Volume<T> {
        Volume<T>(grid: grid, voxels: try voxels.map(transform))
    }
}
