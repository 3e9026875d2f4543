/// A voxel type as NIfTI stores it on disk: loaded from raw bytes in either byte order and
/// widened to Double for scaling.
protocol DiskScalar {
    /// The value at element `index` of `raw` (unaligned), byte-swapped when `swapped`.
    static func load(_ raw: UnsafeRawBufferPointer, at index: Int, swapped: Bool) -> Self
    /// The value as a Double (exact for all but the largest 64-bit integers).
    var asDouble: Double { get }
    /// The value as a Float (nearest).
    var asFloat: Float { get }
}

extension DiskScalar where Self: FixedWidthInteger {
    @inline(__always)
    static func load(_ raw: UnsafeRawBufferPointer, at index: Int, swapped: Bool) -> Self {
        let v = raw.loadUnaligned(fromByteOffset: index &* MemoryLayout<Self>.size, as: Self.self)
        return swapped ? v.byteSwapped : v
    }
    @inline(__always) var asDouble: Double { Double(self) }
    @inline(__always) var asFloat: Float { Float(self) }
}

extension UInt8: DiskScalar {}
extension Int8: DiskScalar {}
extension Int16: DiskScalar {}
extension UInt16: DiskScalar {}
extension Int32: DiskScalar {}
extension UInt32: DiskScalar {}
extension Int64: DiskScalar {}
extension UInt64: DiskScalar {}

extension Float: DiskScalar {
    @inline(__always)
    static func load(_ raw: UnsafeRawBufferPointer, at index: Int, swapped: Bool) -> Float {
        let bits = raw.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
        return Float(bitPattern: swapped ? bits.byteSwapped : bits)
    }
    @inline(__always) var asDouble: Double { Double(self) }
    @inline(__always) var asFloat: Float { self }
}

extension Double: DiskScalar {
    @inline(__always)
    static func load(_ raw: UnsafeRawBufferPointer, at index: Int, swapped: Bool) -> Double {
        let bits = raw.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self)
        return Double(bitPattern: swapped ? bits.byteSwapped : bits)
    }
    @inline(__always) var asDouble: Double { self }
    @inline(__always) var asFloat: Float { Float(self) }
}
