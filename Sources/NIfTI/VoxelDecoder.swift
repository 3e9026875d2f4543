/// Converts a raw NIfTI payload (any real datatype, either byte order) to Float32 intensities or
/// Int32 labels, applying `scl_slope`/`scl_inter` in double precision.
enum VoxelDecoder {
    /// `count` values as Float32: `stored × slope + intercept` when `scaling` is given, else the
    /// stored value (nearest Float32).
    static func floats(
        _ raw: UnsafeRawBufferPointer, dataType: DataType, count: Int, swapped: Bool,
        scaling: (slope: Double, intercept: Double)?
    ) -> [Float] {
        dispatch(dataType, FloatConversion(raw: raw, count: count, swapped: swapped, scaling: scaling))
    }

    /// `count` values as Int32 labels: the scaled value rounded to the nearest integer.
    /// Fails with the reason when a value is not finite or does not fit in Int32.
    static func labels(
        _ raw: UnsafeRawBufferPointer, dataType: DataType, count: Int, swapped: Bool,
        scaling: (slope: Double, intercept: Double)?
    ) -> Result<[Int32], LabelFailure> {
        dispatch(dataType, LabelConversion(raw: raw, count: count, swapped: swapped, scaling: scaling))
    }

    /// `count` values as a binary mask: 1 where the value (scaled as by `floats`, as Float32) is
    /// > 0, else 0 (NaN too), with what the positive values look like.
    static func mask(
        _ raw: UnsafeRawBufferPointer, dataType: DataType, count: Int, swapped: Bool,
        scaling: (slope: Double, intercept: Double)?
    ) -> ([UInt8], PositiveValues) {
        dispatch(dataType, MaskConversion(raw: raw, count: count, swapped: swapped, scaling: scaling))
    }

    /// `count` values as labels (as `labels` rounds and checks them) held as one-byte codes:
    /// `codes[n]` indexes `labels`, the distinct labels in order of first appearance after
    /// label 0, which is always code 0. Fails as `labels` does, or at the voxel bringing a
    /// 256th distinct label.
    static func labelCodes(
        _ raw: UnsafeRawBufferPointer, dataType: DataType, count: Int, swapped: Bool,
        scaling: (slope: Double, intercept: Double)?
    ) -> Result<(codes: [UInt8], labels: [Int32]), CodeFailure> {
        dispatch(dataType, LabelCodeConversion(raw: raw, count: count, swapped: swapped, scaling: scaling))
    }

    /// Why a label image cannot be held as one-byte codes.
    enum CodeFailure: Error {
        case notLabel(LabelFailure)
        /// The voxel (storage index) whose label is the 256th distinct one.
        case tooManyLabels(index: Int)
    }

    /// The most distinct labels (0 included) `labelCodes` holds.
    static let maxCodedLabels = 255

    /// How far from an integer a label value may be (float noise) before it is refused.
    static let labelTolerance = 1e-3

    /// The label of the scaled value `x`: the nearest integer, or nil when `x` is not within
    /// `labelTolerance` of one that fits Int32. Rounding absorbs float noise (2.9999998), but a
    /// value such as 0.37 means the file is not a label image (e.g. a probability map).
    @inline(__always)
    static func label(of x: Double) -> Int32? {
        let v = x.rounded()
        guard v >= Double(Int32.min), v <= Double(Int32.max), abs(x - v) <= labelTolerance else { return nil }
        return Int32(v)
    }

    /// A label value lesionmtr cannot hold, with its storage index.
    struct LabelFailure: Error {
        var index: Int
        var value: Double
    }

    // MARK: - Dispatch over the ten stored types

    private protocol Conversion {
        associatedtype Output
        func run<T: DiskScalar>(_ type: T.Type) -> Output
    }

    private static func dispatch<C: Conversion>(_ dataType: DataType, _ c: C) -> C.Output {
        switch dataType {
        case .uint8: c.run(UInt8.self)
        case .int8: c.run(Int8.self)
        case .int16: c.run(Int16.self)
        case .uint16: c.run(UInt16.self)
        case .int32: c.run(Int32.self)
        case .uint32: c.run(UInt32.self)
        case .int64: c.run(Int64.self)
        case .uint64: c.run(UInt64.self)
        case .float32: c.run(Float.self)
        case .float64: c.run(Double.self)
        default: preconditionFailure("datatype \(dataType) reached the decoder unchecked")
        }
    }

    private struct FloatConversion: Conversion {
        let raw: UnsafeRawBufferPointer, count: Int, swapped: Bool
        let scaling: (slope: Double, intercept: Double)?

        func run<T: DiskScalar>(_ type: T.Type) -> [Float] {
            [Float](hugePageBacked: count) { out in
                if let (slope, intercept) = scaling {
                    for n in 0..<count {
                        out[n] = Float(T.load(raw, at: n, swapped: swapped).asDouble * slope + intercept)
                    }
                } else if T.self == Float.self, !swapped {
                    out.baseAddress!.update(from: raw.baseAddress!.assumingMemoryBound(to: Float.self), count: count)
                } else {
                    for n in 0..<count { out[n] = T.load(raw, at: n, swapped: swapped).asFloat }
                }
            }
        }
    }

    private struct MaskConversion: Conversion {
        let raw: UnsafeRawBufferPointer, count: Int, swapped: Bool
        let scaling: (slope: Double, intercept: Double)?

        func run<T: DiskScalar>(_ type: T.Type) -> ([UInt8], PositiveValues) {
            var positives = PositiveValues()
            let mask = [UInt8](hugePageBacked: count) { out in
                @inline(__always) func put(_ x: Float, at n: Int) {
                    out[n] = x > 0 ? 1 : 0
                    if x > 0 { positives.note(x) }
                }
                if let (slope, intercept) = scaling {
                    for n in 0..<count { put(Float(T.load(raw, at: n, swapped: swapped).asDouble * slope + intercept), at: n) }
                } else if T.self == UInt8.self {
                    positives = VoxelDecoder.byteMask(raw.bindMemory(to: UInt8.self).baseAddress!, into: out.baseAddress!, count: count)
                } else {
                    for n in 0..<count { put(T.load(raw, at: n, swapped: swapped).asFloat, at: n) }
                }
            }
            return (mask, positives)
        }
    }

    /// The usual mask file, `count` unscaled bytes at `source`, made into a binary mask at
    /// `mask` (which may be `source`: in place): the positive values are looked at first, eight
    /// bytes at a time passing over zeros, then one branch-free (vectorised) pass.
    static func byteMask(_ source: UnsafePointer<UInt8>, into mask: UnsafeMutablePointer<UInt8>, count: Int) -> PositiveValues {
        var positives = PositiveValues()
        let raw = UnsafeRawPointer(source)
        var n = 0
        while n < count && positives.second == nil {
            if n + 8 <= count, raw.loadUnaligned(fromByteOffset: n, as: UInt64.self) == 0 {
                n += 8
                continue
            }
            if source[n] > 0 { positives.note(Float(source[n])) }
            n += 1
        }
        for n in 0..<count { mask[n] = source[n] == 0 ? 0 : 1 }
        return positives
    }

    /// The usual segmentation file, `count` unscaled bytes at `source`, made into label codes at
    /// `codes` (which may be `source`: in place) as `labelCodes` makes them; the labels, or the
    /// voxel bringing one label too many.
    static func byteCodes(_ source: UnsafePointer<UInt8>, into codes: UnsafeMutablePointer<UInt8>, count: Int) -> Result<[Int32], CodeFailure> {
        tableCodes(count: count, into: codes) { Int(source[$0]) }
    }

    /// Codes for `count` small integer labels (`value(n)`, of at most 16 bits), written to
    /// `codes`: a table from the value's low 16 bits to its code, −1 until the value is met,
    /// label 0 always code 0. The labels, or the voxel bringing one label too many.
    private static func tableCodes(count: Int, into codes: UnsafeMutablePointer<UInt8>, _ value: (Int) -> Int) -> Result<[Int32], CodeFailure> {
        var labels: [Int32] = [0]
        var table = [Int16](repeating: -1, count: 1 << 16)
        table[0] = 0
        return table.withUnsafeMutableBufferPointer { table in
            for n in 0..<count {
                let x = value(n), slot = x & 0xFFFF
                if table[slot] < 0 {
                    guard labels.count < maxCodedLabels else { return .failure(.tooManyLabels(index: n)) }
                    labels.append(Int32(x))
                    table[slot] = Int16(labels.count - 1)
                }
                codes[n] = UInt8(truncatingIfNeeded: table[slot])
            }
            return .success(labels)
        }
    }

    private struct LabelCodeConversion: Conversion {
        let raw: UnsafeRawBufferPointer, count: Int, swapped: Bool
        let scaling: (slope: Double, intercept: Double)?

        func run<T: DiskScalar>(_ type: T.Type) -> Result<(codes: [UInt8], labels: [Int32]), CodeFailure> {
            // Unscaled integers of up to 16 bits (the usual segmentations): coded by a table.
            if scaling == nil || scaling! == (1, 0), T.self == UInt8.self || T.self == Int8.self || T.self == Int16.self || T.self == UInt16.self {
                var result: Result<[Int32], CodeFailure> = .success([])
                let codes = [UInt8](hugePageBacked: count) { out in
                    if T.self == UInt8.self {
                        result = VoxelDecoder.byteCodes(raw.bindMemory(to: UInt8.self).baseAddress!, into: out.baseAddress!, count: count)
                    } else {
                        result = VoxelDecoder.tableCodes(count: count, into: out.baseAddress!) {
                            Int(T.load(raw, at: $0, swapped: swapped).asDouble)
                        }
                    }
                }
                return result.map { (codes, $0) }
            }
            // Any other: rounded and checked as `labels` does, coded by search (the last label
            // met is tried first).
            var labels: [Int32] = [0]
            var failure: CodeFailure?
            var recent: (label: Int32, code: UInt8) = (0, 0)
            let (slope, intercept) = scaling ?? (1, 0)
            /// The code of `label`, made if new; nil beyond the limit.
            func code(of label: Int32) -> UInt8? {
                if let k = labels.firstIndex(of: label) { return UInt8(k) }
                guard labels.count < VoxelDecoder.maxCodedLabels else { return nil }
                labels.append(label)
                return UInt8(labels.count - 1)
            }
            let codes = [UInt8](hugePageBacked: count) { out in
                var n = 0
                while n < count {
                    let x = T.load(raw, at: n, swapped: swapped).asDouble * slope + intercept
                    guard let label = VoxelDecoder.label(of: x) else {
                        failure = .notLabel(LabelFailure(index: n, value: x))
                        break
                    }
                    if label != recent.label {
                        guard let c = code(of: label) else { failure = .tooManyLabels(index: n); break }
                        recent = (label, c)
                    }
                    out[n] = recent.code
                    n += 1
                }
                if n < count { out.baseAddress!.advanced(by: n).initialize(repeating: 0, count: count - n) }
            }
            if let failure { return .failure(failure) }
            return .success((codes, labels))
        }
    }

    private struct LabelConversion: Conversion {
        let raw: UnsafeRawBufferPointer, count: Int, swapped: Bool
        let scaling: (slope: Double, intercept: Double)?

        func run<T: DiskScalar>(_ type: T.Type) -> Result<[Int32], LabelFailure> {
            // Unscaled 8- and 16-bit integers (the usual segmentations and masks) fit Int32 as they are.
            if scaling == nil || scaling! == (1, 0), T.self == UInt8.self || T.self == Int8.self || T.self == Int16.self || T.self == UInt16.self {
                return .success([Int32](hugePageBacked: count) { out in
                    for n in 0..<count { out[n] = Int32(T.load(raw, at: n, swapped: swapped).asDouble) }
                })
            }
            var out = [Int32](hugePageBacked: count, repeating: 0)
            let (slope, intercept) = scaling ?? (1, 0)
            for n in 0..<count {
                let x = T.load(raw, at: n, swapped: swapped).asDouble * slope + intercept
                guard let label = VoxelDecoder.label(of: x) else { return .failure(LabelFailure(index: n, value: x)) }
                out[n] = label
            }
            return .success(out)
        }
    }
}

/// What the positive values of a mask image look like, in storage order: whether all are
/// integers, and the first two distinct ones (nil when there are fewer) — enough to tell a
/// binary mask (0/1, 0/255) or a soft one from lesion ids given as a mask.
public struct PositiveValues: Sendable, Equatable {
    /// Every positive value is an integer.
    public var allIntegers = true
    /// The first positive value and the first one different from it (noted only while every
    /// value so far is an integer).
    public var first: Float?, second: Float?

    public init() {}

    /// Notes the positive value `x`, the next in storage order.
    @inline(__always)
    mutating func note(_ x: Float) {
        guard allIntegers else { return }
        if x != x.rounded() {
            allIntegers = false
        } else if first == nil {
            first = x
        } else if second == nil, x != first {
            second = x
        }
    }
}
