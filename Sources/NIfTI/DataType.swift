/// A NIfTI voxel datatype (`datatype` header field), named once from the table of DT_* codes
/// in `nifti1.h`.
///
/// Only the real scalar types are readable (`isReadable`); complex, RGB, 1-bit and 128-bit
/// types are recognised so that an error can name them, and are refused by the reader.
public enum DataType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case binary = 1
    case uint8 = 2
    case int16 = 4
    case int32 = 8
    case float32 = 16
    case complex64 = 32
    case float64 = 64
    case rgb24 = 128
    case int8 = 256
    case uint16 = 512
    case uint32 = 768
    case int64 = 1024
    case uint64 = 1280
    case float128 = 1536
    case complex128 = 1792
    case complex256 = 2048
    case rgba32 = 2304

    /// Bytes per voxel as stored on disk (0 for the 1-bit type).
    public var bytesPerVoxel: Int {
        switch self {
        case .binary: 0
        case .uint8, .int8: 1
        case .int16, .uint16: 2
        case .rgb24: 3
        case .int32, .uint32, .float32, .rgba32: 4
        case .int64, .uint64, .float64, .complex64: 8
        case .float128, .complex128: 16
        case .complex256: 32
        }
    }

    /// True for the ten real scalar types lesionmtr converts to Float32 / Int32.
    public var isReadable: Bool {
        switch self {
        case .uint8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64, .float32, .float64: true
        default: false
        }
    }

    /// True for the integer types (whose stored values are exact integers before scaling).
    public var isInteger: Bool {
        switch self {
        case .uint8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64: true
        default: false
        }
    }

    /// The name used by nibabel and numpy (`uint8`, `float32`, `complex64`, `RGB24` …).
    public var description: String {
        switch self {
        case .binary: "binary"
        case .uint8: "uint8"
        case .int16: "int16"
        case .int32: "int32"
        case .float32: "float32"
        case .complex64: "complex64"
        case .float64: "float64"
        case .rgb24: "RGB24"
        case .int8: "int8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .int64: "int64"
        case .uint64: "uint64"
        case .float128: "float128"
        case .complex128: "complex128"
        case .complex256: "complex256"
        case .rgba32: "RGBA32"
        }
    }
}
