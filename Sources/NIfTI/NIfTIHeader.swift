/// What a NIfTI header says, as plain Swift values (read through nifticlib; see `NiftiLibrary`).
///
/// A header describes a file; it has not been checked against lesionmtr's needs. `validated()`
/// (in the reader) turns it into a `Grid` or a precise error.
public struct NIfTIHeader: Sendable {
    /// 1 for NIfTI-1, 2 for NIfTI-2.
    public var version: Int
    /// Raw `datatype` code; `dataType` names it when it is in the NIfTI table.
    public var datatypeCode: Int32
    /// `dim[0…7]`: dim[0] is the number of dimensions, dim[1…3] are nx, ny, nz.
    public var dim: [Int64]
    /// `pixdim[0…7]`: pixdim[0] is qfac, pixdim[1…3] the voxel size.
    public var pixdim: [Double]
    /// `scl_slope` as stored (0 or non-finite means no scaling).
    public var sclSlope: Double
    /// `scl_inter` as stored.
    public var sclInter: Double
    /// The qform (code and matrix).
    public var qform: CodedTransform
    /// The sform (code and matrix).
    public var sform: CodedTransform
    /// `xyzt_units` spatial part (2 = mm).
    public var xyzUnits: Int32
    /// `descrip`, up to 80 characters.
    public var description: String
    /// The file that holds the voxel data (`.nii`, `.nii.gz`, `.img`, `.img.gz`).
    public var dataPath: String
    /// Byte offset of the first voxel in the (uncompressed) data file.
    public var dataOffset: Int
    /// True when the data is stored most significant byte first.
    public var isBigEndian: Bool

    /// The datatype, or nil for a code outside the NIfTI table.
    public var dataType: DataType? { DataType(rawValue: datatypeCode) }

    /// The scaling `(slope, intercept)` to apply, or nil when the slope is 0 or not finite.
    public var scaling: (slope: Double, intercept: Double)? {
        guard sclSlope != 0, sclSlope.isFinite else { return nil }
        return (sclSlope, sclInter.isFinite ? sclInter : 0)
    }

    /// `dim[1…3]` (may be invalid until checked).
    public var spatialDims: SIMD3<Int64> { SIMD3(dim[1], dim[2], dim[3]) }

    /// Product of `dim[4…dim[0]]`: the number of 3-D volumes in the file.
    public var volumeCount: Int64 {
        let n = Int(dim[0])
        guard n > 3 else { return 1 }
        return (4...min(n, 7)).reduce(Int64(1)) { acc, d in
            acc.multipliedReportingOverflow(by: max(dim[d], 1)).partialValue
        }
    }
}
