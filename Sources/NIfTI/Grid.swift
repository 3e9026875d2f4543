/// The geometry of a 3-D image: dimensions, voxel spacing and voxel-to-world transforms.
///
/// `affine` follows docs/definitions.md (Inputs): the sform if its code > 0, else the qform if its code > 0,
/// else `diag(spacing)` with no translation. Both transforms are kept so that a writer can
/// reproduce them. (The file's NIfTI version is a property of the header, not of the grid.)
public struct Grid: Equatable, Sendable {
    /// Voxels along i, j, k (each ≥ 1).
    public var dims: SIMD3<Int>
    /// Voxel size along i, j, k in mm: `|pixdim[1…3]|`.
    public var spacing: SIMD3<Double>
    /// The quaternion transform (`qform_code`, matrix).
    public var qform: CodedTransform
    /// The general affine transform (`sform_code`, matrix).
    public var sform: CodedTransform

    /// A grid with explicit transforms.
    public init(dims: SIMD3<Int>, spacing: SIMD3<Double>, qform: CodedTransform, sform: CodedTransform) {
        self.dims = dims
        self.spacing = spacing
        self.qform = qform
        self.sform = sform
    }

    /// A grid whose qform and sform are both `affine` with the given code (default: scanner).
    /// Spacing is taken from the lengths of the affine's columns.
    public init(dims: SIMD3<Int>, affine: Affine, code: TransformCode = .scanner) {
        let m = affine
        func columnLength(_ c: Int) -> Double {
            (m[0, c] * m[0, c] + m[1, c] * m[1, c] + m[2, c] * m[2, c]).squareRoot()
        }
        self.init(
            dims: dims, spacing: SIMD3(columnLength(0), columnLength(1), columnLength(2)),
            qform: CodedTransform(code: code.rawValue, affine: affine),
            sform: CodedTransform(code: code.rawValue, affine: affine))
    }

    /// Number of voxels, `nx·ny·nz`.
    public var voxelCount: Int { dims.x * dims.y * dims.z }

    /// Volume of one voxel in mm³.
    public var voxelVolume: Double { spacing.x * spacing.y * spacing.z }

    /// The voxel-to-world affine in use (sform, else qform, else diag(spacing)).
    public var affine: Affine {
        if sform.isSet { return sform.affine }
        if qform.isSet { return qform.affine }
        return .scaling(spacing)
    }

    /// Storage index of voxel (i, j, k): i fastest.
    @inlinable
    public func index(_ i: Int, _ j: Int, _ k: Int) -> Int {
        i + dims.x * (j + dims.y * k)
    }

    /// Why `other` is not the same grid as this one, or nil if it is: dims must be equal and the
    /// affines in use must agree element-wise within `tolerance` (mm).
    public func mismatch(with other: Grid, tolerance: Double = 1e-4) -> String? {
        if dims != other.dims {
            return "dims \(formatDims(dims)) vs \(formatDims(other.dims))"
        }
        let a = affine, b = other.affine
        var worst = (r: 0, c: 0, d: 0.0)
        for r in 0..<3 {
            for c in 0..<4 {
                let d = abs(a[r, c] - b[r, c])
                if !(d <= worst.d) { worst = (r, c, d) }
            }
        }
        if !(worst.d <= tolerance) {
            return "affines differ by \(formatCompact(worst.d)) mm at row \(worst.r + 1), column \(worst.c + 1) "
                + "(\(formatCompact(a[worst.r, worst.c])) vs \(formatCompact(b[worst.r, worst.c]))), "
                + "more than \(formatCompact(tolerance)) mm"
        }
        return nil
    }
}

/// `197×233×189`.
public func formatDims(_ d: SIMD3<Int>) -> String { "\(d.x)×\(d.y)×\(d.z)" }
