import NIfTI

/// Binary erosion and dilation by a distance: in whole 6-connected steps (city-block) or by a
/// radius in mm (Euclidean with the voxel spacing).
///
/// Algorithm: a distance transform, then a threshold. Erosion by `w` steps keeps a foreground
/// voxel whose city-block distance to the nearest background voxel is > `w` — exactly `w`
/// iterations of 6-connected erosion; dilation adds voxels within `w` steps of the foreground.
/// The mm variants use the exact Euclidean transform (`EuclideanDistance`) and "within r" means
/// `d² ≤ r²·(1 + 1e-12)`, so voxels at exactly r are included despite rounding.
///
/// - Complexity: O(N) time and memory (one distance transform).
/// - Edge cases: erosion counts voxels outside the field of view as background (a border voxel
///   never survives an erosion by ≥ 1 step); dilation never reaches outside the field of view;
///   `steps < 1` or `radius` < the smallest spacing leave the mask unchanged for erosion in
///   steps, and erode by at least nothing in mm; empty masks stay empty.
public enum Morphology {
    /// The foreground (> 0) of `mask` eroded by `steps` 6-connected steps, as 0/1.
    public static func erode(_ mask: Volume<UInt8>, steps: Int, threads: Int = defaultThreadCount) -> Volume<UInt8> {
        guard steps >= 1 else { return binarised(mask) }
        let background = mask.voxels.map { $0 == 0 ? UInt8(1) : 0 }
        let d = CityBlockDistance.distances(
            background, dims: mask.grid.dims, bound: steps, outsideIsFeature: true, threads: threads)
        return Volume(grid: mask.grid, voxels: d.map { $0 > Int32(steps) ? 1 : 0 })
    }

    /// The foreground (> 0) of `mask` dilated by `steps` 6-connected steps, as 0/1.
    public static func dilate(_ mask: Volume<UInt8>, steps: Int, threads: Int = defaultThreadCount) -> Volume<UInt8> {
        guard steps >= 1 else { return binarised(mask) }
        let d = CityBlockDistance.distances(to: mask, bound: steps, threads: threads)
        return Volume(grid: mask.grid, voxels: d.map { $0 <= Int32(steps) ? 1 : 0 })
    }

    /// Foreground voxels whose Euclidean distance (mm) to the nearest background voxel, or to
    /// the outside of the field of view, is more than `radius`, as 0/1.
    public static func erode(_ mask: Volume<UInt8>, radius: Double, threads: Int = defaultThreadCount) -> Volume<UInt8> {
        let background = mask.voxels.map { $0 == 0 ? UInt8(1) : 0 }
        let d2 = EuclideanDistance.transform(
            background, dims: mask.grid.dims, spacing: mask.grid.spacing, outsideIsFeature: true,
            squared: true, threads: threads)
        return Volume(grid: mask.grid, voxels: d2.map { isWithin(squared: $0, radius: radius) ? 0 : 1 })
    }

    /// Voxels within `radius` mm (Euclidean) of the foreground, as 0/1.
    public static func dilate(_ mask: Volume<UInt8>, radius: Double, threads: Int = defaultThreadCount) -> Volume<UInt8> {
        let d2 = EuclideanDistance.squaredDistances(to: mask, threads: threads)
        return Volume(grid: mask.grid, voxels: d2.map { isWithin(squared: $0, radius: radius) ? 1 : 0 })
    }

    private static func binarised(_ mask: Volume<UInt8>) -> Volume<UInt8> { mask.map { $0 > 0 ? 1 : 0 } }
}

/// Whether a squared distance (mm²) is within `radius` mm: `d² ≤ r²·(1 + 1e-12)`
/// (`isAtMost` on the squares); never for a negative radius.
@inlinable
public func isWithin(squared d2: Double, radius: Double) -> Bool {
    radius >= 0 && isAtMost(d2, radius * radius)
}
