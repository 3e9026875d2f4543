import CNifti

/// zlib streams (RFC 1950) and CRC-32 through libdeflate, for PNG: whole-buffer, deterministic
/// (the same input and level always give the same bytes). The only file of Raster that calls C.
enum Zlib {
    /// `input` as one zlib stream at compression `level` (1 fastest … 12 smallest).
    static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        let c = libdeflate_alloc_compressor(level)!
        defer { libdeflate_free_compressor(c) }
        let bound = libdeflate_zlib_compress_bound(c, input.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = input.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in libdeflate_zlib_compress(c, i.baseAddress, i.count, o.baseAddress, bound) }
        }
        precondition(n > 0, "libdeflate_zlib_compress failed within its own bound")
        out.removeSubrange(n...)
        return out
    }

    /// The `count` bytes a zlib stream inflates to; nil if the stream is corrupt or of another size.
    static func decompress(_ input: ArraySlice<UInt8>, count: Int) -> [UInt8]? {
        guard let d = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(d) }
        var out = [UInt8](repeating: 0, count: count)
        var made = 0
        let status = input.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in libdeflate_zlib_decompress(d, i.baseAddress, i.count, o.baseAddress, count, &made) }
        }
        return status == LIBDEFLATE_SUCCESS && made == count ? out : nil
    }

    /// CRC-32 (ISO 3309, as PNG chunks use) of `bytes`.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { b in libdeflate_crc32(0, b.baseAddress, b.count) }
    }
}
