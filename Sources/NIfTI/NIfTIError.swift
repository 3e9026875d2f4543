/// Why a NIfTI file could not be read or written. Every error names the file (`path`) and says
/// the reason in one line (`description`); `exitCode` is the sysexits code a command should exit with.
public struct NIfTIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The category of failure.
    public enum Kind: String, Sendable, CaseIterable {
        /// The file does not exist.
        case missing
        /// The file exists but cannot be opened or read (permissions, a folder, I/O error).
        case unreadable
        /// Not a NIfTI-1/NIfTI-2 header (bad magic, bad header size, garbage, ANALYZE 7.5).
        case notNIfTI
        /// The data or the gzip stream ends early, or the gzip stream is corrupt.
        case truncated
        /// A datatype lesionmtr does not read (complex, RGB, 1-bit, float128).
        case unsupportedDatatype
        /// A 4-D (or higher) file with more than one volume.
        case multipleVolumes
        /// Dimensions that cannot describe an image (≤ 0, or absurdly many voxels).
        case impossibleDims
        /// Spacing that is zero or not finite, or a transform that is not finite.
        case badGeometry
        /// Label values that are not integers or do not fit in 32 bits.
        case badLabels
        /// Two files that must share a grid do not.
        case gridMismatch
        /// The output could not be created (folder missing or not writable, a file in the way).
        case cannotWrite
        /// The output was created but writing it failed (disk full, file size limit, I/O error);
        /// nothing partial is left behind.
        case writeFailed
    }

    /// The category of failure.
    public var kind: Kind
    /// The file concerned (for a grid mismatch, the file that differs from the reference).
    public var path: String
    /// The reason, in words, without the path.
    public var reason: String

    /// An error of `kind` for `path` with a one-line `reason`.
    public init(_ kind: Kind, path: String, reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    /// `path: reason` on one line.
    public var description: String { "\(path): \(reason)" }

    /// The sysexits code for this failure: 66 missing or unreadable input, 65 bad data,
    /// 73 cannot create output, 74 I/O error while writing.
    public var exitCode: Int32 {
        switch kind {
        case .missing, .unreadable: 66
        case .cannotWrite: 73
        case .writeFailed: 74
        default: 65
        }
    }
}
