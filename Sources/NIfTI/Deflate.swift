import CNifti

/// Whole-buffer gzip through libdeflate: faster than zlib's streaming inflate for NIfTI payloads,
/// and deterministic on output (no timestamp in the gzip header), so written files are
/// byte-identical from run to run. The only file that calls libdeflate.
enum Deflate {
    /// Why a gzip stream could not be inflated.
    enum Failure: Error {
        /// The stream is not valid DEFLATE/gzip data (corrupt, or cut inside a block).
        case corrupt
        /// The stream ended cleanly before `count` bytes were produced.
        case short(produced: Int)
    }

    /// The first `count` bytes of the (possibly multi-member) gzip stream `input`.
    ///
    /// `count` comes from the NIfTI header (offset + voxels × bytes); the stream may hold more
    /// (trailing data is ignored) but never less. Memory is bounded by `count` plus what one
    /// member beyond it needs.
    static func gunzipPrefix(_ input: UnsafeRawBufferPointer, count: Int) -> Result<[UInt8], Failure> {
        var failure: Failure?
        // Uninitialised output (no zero-fill): every byte is written by the inflater before the
        // array counts it as initialised, and a failed inflate discards the array.
        let out = [UInt8](unsafeUninitializedCapacity: count) { o, initialized in
            guard let base = o.baseAddress else { return }
            adviseHugePages(UnsafeMutableRawPointer(base), bytes: count)
            failure = gunzipPrefix(input, into: UnsafeMutableRawBufferPointer(o))
            initialized = failure == nil ? count : 0
        }
        if let failure { return .failure(failure) }
        return .success(out)
    }

    /// Inflates the first `out.count` bytes of the gzip stream `input` into `out`; nil on
    /// success, else why not (`out` then holds an unspecified prefix).
    static func gunzipPrefix(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Failure? {
        let count = out.count
        guard count > 0 else { return nil }
        guard let d = libdeflate_alloc_decompressor() else { return .corrupt }
        defer { libdeflate_free_decompressor(d) }
        let o = out.baseAddress!
        var inPos = 0, outPos = 0
        while outPos < count {
            guard inPos < input.count else { return .short(produced: outPos) }
            var usedIn = 0, madeOut = 0
            let status = libdeflate_gzip_decompress_ex(
                d, input.baseAddress! + inPos, input.count - inPos, o + outPos, count - outPos, &usedIn, &madeOut)
            if status == LIBDEFLATE_SUCCESS {
                inPos += usedIn
                outPos += madeOut
                if usedIn == 0 { return .corrupt }
            } else if status == LIBDEFLATE_INSUFFICIENT_SPACE {
                // This member inflates past what the image needs: inflate it into a larger
                // scratch buffer and keep the prefix.
                guard let member = inflateOneMember(d, input, from: inPos, atLeast: count - outPos) else { return .corrupt }
                member.withUnsafeBytes { m in
                    (o + outPos).copyMemory(from: m.baseAddress!, byteCount: count - outPos)
                }
                outPos = count
            } else {
                return .corrupt
            }
        }
        return nil
    }

    /// Inflates the single gzip member at `from`, growing the buffer until it fits (at most the
    /// DEFLATE limit of 1032:1); nil if it never does or the data is bad.
    private static func inflateOneMember(
        _ d: OpaquePointer, _ input: UnsafeRawBufferPointer, from: Int, atLeast: Int
    ) -> [UInt8]? {
        var size = max(atLeast * 2, 1 << 16)
        let limit = (input.count - from) * 1032 + (1 << 16)
        while size <= limit {
            var buffer = [UInt8](repeating: 0, count: size)
            var usedIn = 0, madeOut = 0
            let status = buffer.withUnsafeMutableBytes { o in
                libdeflate_gzip_decompress_ex(d, input.baseAddress! + from, input.count - from,
                                              o.baseAddress!, size, &usedIn, &madeOut)
            }
            if status == LIBDEFLATE_SUCCESS { return madeOut >= atLeast ? buffer : nil }
            if status != LIBDEFLATE_INSUFFICIENT_SPACE { return nil }
            size *= 2
        }
        return nil
    }

    /// `input` as one gzip member at compression `level` (1 fastest … 12 smallest; 6 default).
    static func gzip(_ input: UnsafeRawBufferPointer, level: Int32 = 6) -> [UInt8] {
        let c = libdeflate_alloc_compressor(level)!
        defer { libdeflate_free_compressor(c) }
        let bound = libdeflate_gzip_compress_bound(c, input.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { o in
            libdeflate_gzip_compress(c, input.baseAddress, input.count, o.baseAddress, bound)
        }
        precondition(n > 0, "libdeflate_gzip_compress failed within its own bound")
        out.removeSubrange(n...)
        return out
    }
}
