import NIfTI
import VoxelKernels

/// Lesion ids from a binary lesion image (DESIGN.md §3.1): voxels > 0, connected components
/// with the given connectivity, components below `minVoxels` dropped, ids 1…n by first voxel.
public enum LesionLabelling {
    /// The labelled volume and the number of lesions.
    public static func label(_ image: Volume<Float>, connectivity: Int, minVoxels: Int) -> (volume: Volume<Int32>, count: Int) {
        let mask = image.voxels.map { $0 > 0 ? UInt8(1) : 0 }
        let result = ConnectedComponents.label(mask, dims: image.grid.dims,
                                               connectivity: Connectivity(rawValue: connectivity) ?? .twentySix, minSize: minVoxels)
        return (Volume(grid: image.grid, voxels: result.labels), result.sizes.count)
    }
}
