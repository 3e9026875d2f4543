import NIfTI
import VoxelKernels

/// Lesion ids from a binary lesion image (docs/definitions.md, Lesions): voxels > 0, connected components
/// with the given connectivity, components below `minVoxels` dropped, ids 1…n by first voxel.
public enum LesionLabelling {
    /// The labelled volume and the number of lesions of a lesion image (voxels > 0).
    public static func label(_ image: Volume<Float>, connectivity: Int, minVoxels: Int) -> (volume: Volume<Int32>, count: Int) {
        let result = label(image.voxels.map { $0 > 0 ? 1 : 0 }, dims: image.grid.dims, connectivity: connectivity, minVoxels: minVoxels)
        return (Volume(grid: image.grid, voxels: result.labels), result.count)
    }

    /// Ids for a binary mask (1 lesion, 0 not) of `dims` voxels, the number of lesions and the
    /// number of voxels they hold (of lesions kept: at least `minVoxels` each).
    public static func label(_ mask: [UInt8], dims: SIMD3<Int>, connectivity: Int,
                             minVoxels: Int) -> (labels: [Int32], count: Int, voxels: Int) {
        let result = ConnectedComponents.label(mask, dims: dims, connectivity: Connectivity(rawValue: connectivity) ?? .twentySix,
                                               minSize: minVoxels)
        return (result.labels, result.sizes.count, result.sizes.reduce(0, +))
    }
}
