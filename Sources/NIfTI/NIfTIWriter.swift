/// A voxel type lesionmtr writes: Float32 maps, UInt8 masks, Int16 / Int32 labels.
public protocol StorableVoxel: Sendable {
    /// The NIfTI datatype written for this Swift type.
    static var dataType: DataType { get }
}
extension Float: StorableVoxel { public static var dataType: DataType { .float32 } }
extension UInt8: StorableVoxel { public static var dataType: DataType { .uint8 } }
extension Int16: StorableVoxel { public static var dataType: DataType { .int16 } }
extension Int32: StorableVoxel { public static var dataType: DataType { .int32 } }

/// Writing volumes as single-file NIfTI (`.nii`, or `.nii.gz` compressed by libdeflate).
///
/// The header keeps the grid: dims, spacing (mm), and both the qform and the sform with their
/// codes. Data are in the machine's byte order with `scl_slope` 1. Files are written through
/// a temporary name and a rename, and are byte-identical for identical input.
public enum NIfTIWriter {
    /// Writes `volume` to `path` (must end in `.nii` or `.nii.gz`).
    ///
    /// - Parameters:
    ///   - description: the header's `descrip` field (up to 79 bytes kept).
    ///   - version: 1 or 2; NIfTI-1 unless a dimension exceeds 32767, which needs NIfTI-2.
    ///   - compressionLevel: gzip level for `.nii.gz` (1 fastest … 12 smallest).
    public static func write<V: StorableVoxel>(
        _ volume: Volume<V>, to path: String, description: String = "lesionmtr",
        version: Int? = nil, compressionLevel: Int32 = 6
    ) throws(NIfTIError) {
        let compressed = path.hasSuffix(".nii.gz")
        guard compressed || path.hasSuffix(".nii") else {
            throw NIfTIError(.cannotWrite, path: path, reason: "output name must end in .nii or .nii.gz")
        }
        let needsV2 = volume.grid.dims.max() > Int(Int16.max)
        let v = version ?? (needsV2 ? 2 : 1)
        guard v == 1 || v == 2, !(v == 1 && needsV2) else {
            throw NIfTIError(.cannotWrite, path: path, reason: "NIfTI-\(v) cannot hold dims \(formatDims(volume.grid.dims))")
        }
        var bytes = NiftiLibrary.singleFileHeader(grid: volume.grid, dataType: V.dataType, version: v, description: description)
        volume.voxels.withUnsafeBytes { bytes.append(contentsOf: $0) }
        if compressed {
            bytes = bytes.withUnsafeBytes { Deflate.gzip($0, level: compressionLevel) }
        }
        try FileBytes.writeAtomically(bytes, to: path)
    }
}
