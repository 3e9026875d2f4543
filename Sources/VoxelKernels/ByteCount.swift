/// Counting the bytes of one value in a volume of one-byte codes or flags (a tissue code, a
/// 0/1 mask), sixteen at a time.
public enum ByteCount {
    /// How many elements of `bytes` are `value`; 0 for an empty buffer.
    public static func count(of value: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base), n = bytes.count
        let target = SIMD16<UInt8>(repeating: value)
        var total = 0, i = 0
        while i + 16 <= n {
            // Per-lane counts, added up before any can pass 255.
            var lanes = SIMD16<UInt8>()
            let end = min(n - 15, i + 255 * 16)
            while i < end {
                let chunk = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                lanes &+= SIMD16<UInt8>().replacing(with: 1, where: chunk .== target)
                i += 16
            }
            total += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while i < n {
            if base[i] == value { total += 1 }
            i += 1
        }
        return total
    }

    /// How many elements of `bytes` are `value`.
    public static func count(of value: UInt8, in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { count(of: value, in: $0) }
    }
}
