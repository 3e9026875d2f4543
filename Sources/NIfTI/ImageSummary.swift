/// What `lesionmtr info` reports about one file: header facts and value range of the scaled data.
public struct ImageSummary: Codable, Equatable, Sendable {
    /// The path as given.
    public var file: String
    /// 1 or 2.
    public var niftiVersion: Int
    /// Whether the data file is gzip-compressed.
    public var compressed: Bool
    /// [nx, ny, nz].
    public var dims: [Int]
    /// Voxel size in mm, [dx, dy, dz].
    public var spacingMM: [Double]
    /// Datatype name (`uint8`, `float32` …) and code.
    public var datatype: String
    public var datatypeCode: Int32
    /// `scl_slope`/`scl_inter` as stored (nil when not finite) and whether they apply.
    public var sclSlope: Double?
    public var sclInter: Double?
    public var scalingApplied: Bool
    /// Transform codes and the 4×4 matrices (row-major, mm).
    public var qformCode: Int32
    public var qform: [[Double]]
    public var sformCode: Int32
    public var sform: [[Double]]
    /// Which transform the analysis uses: `sform`, `qform` or `pixdim`.
    public var affineSource: String
    public var affine: [[Double]]
    /// Statistics of the finite scaled values (nil if there are none) and the non-finite count.
    public var min: Double?
    public var mean: Double?
    public var max: Double?
    public var nonFinite: Int

    /// The summary of an image read by `NIfTIReader.readFloatWithHeader`. The mean is
    /// accumulated in double precision.
    public init(file: String, header: NIfTIHeader, volume: Volume<Float>) {
        let g = volume.grid
        self.file = file
        niftiVersion = header.version
        compressed = header.dataPath.hasSuffix(".gz")
        dims = [g.dims.x, g.dims.y, g.dims.z]
        spacingMM = [g.spacing.x, g.spacing.y, g.spacing.z]
        datatype = header.dataType.map(\.description) ?? "unknown"
        datatypeCode = header.datatypeCode
        sclSlope = header.sclSlope.isFinite ? header.sclSlope : nil
        sclInter = header.sclInter.isFinite ? header.sclInter : nil
        scalingApplied = header.scaling != nil
        qformCode = g.qform.code
        qform = g.qform.affine.matrix
        sformCode = g.sform.code
        sform = g.sform.affine.matrix
        affineSource = g.sform.isSet ? "sform" : g.qform.isSet ? "qform" : "pixdim"
        affine = g.affine.matrix
        var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, n = 0
        for v in volume.voxels where v.isFinite {
            lo = Swift.min(lo, v); hi = Swift.max(hi, v); sum += Double(v); n += 1
        }
        min = n > 0 ? Double(lo) : nil
        max = n > 0 ? Double(hi) : nil
        mean = n > 0 ? sum / Double(n) : nil
        nonFinite = volume.voxels.count - n
    }
}
