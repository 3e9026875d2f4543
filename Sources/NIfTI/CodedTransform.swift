/// What a NIfTI transform's coordinates mean (`qform_code` / `sform_code`, nifti1.h
/// NIFTI_XFORM_*). Code 0 means the transform is absent.
public enum TransformCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case unknown = 0
    case scanner = 1
    case aligned = 2
    case talairach = 3
    case mni152 = 4
    case template = 5

    /// The name NIfTI tools print (`scanner`, `aligned`, `mni_152` …).
    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .scanner: "scanner"
        case .aligned: "aligned"
        case .talairach: "talairach"
        case .mni152: "mni_152"
        case .template: "template_other"
        }
    }
}

/// One of the two NIfTI voxel-to-world transforms (qform or sform) with its code.
///
/// `code` keeps the raw header value so that unusual codes survive a round trip; `kind` names it.
public struct CodedTransform: Equatable, Sendable {
    /// The raw code as stored in the header; > 0 means the transform is in use.
    public var code: Int32
    /// The voxel-to-world matrix (mm). For a qform, the matrix nifticlib derives from the
    /// quaternion, offsets and qfac.
    public var affine: Affine

    /// A transform with the given raw code and matrix.
    public init(code: Int32, affine: Affine) {
        self.code = code
        self.affine = affine
    }

    /// True if the header marks this transform as valid (code > 0).
    public var isSet: Bool { code > 0 }

    /// The code's name, or nil for a code outside the NIfTI table.
    public var kind: TransformCode? { TransformCode(rawValue: code) }
}
