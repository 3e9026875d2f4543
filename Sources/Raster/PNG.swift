/// PNG (ISO/IEC 15948) encoding of 8-bit images and decoding of the common subset.
///
/// Encoding writes the signature, `IHDR`, one `IDAT` (a zlib stream of the rows, each with
/// filter type 0) and `IEND`, with no time or text chunks, so the same image always gives the
/// same bytes. Decoding accepts 8-bit greyscale, grey + alpha, RGB and RGBA, non-interlaced,
/// with any of the five row filters — what lesionmtr writes and what browsers' screenshots use;
/// it exists for checks (tests, the report's acceptance test), not as a general image reader.
/// - Complexity: O(pixels) time and memory.
public enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG bytes of an RGB image.
    public static func encode(_ image: RGBImage) -> [UInt8] {
        encode(pixels: image.bytes, width: image.width, height: image.height, channels: 3)
    }

    /// The PNG bytes of 8-bit pixels with 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA)
    /// channels, rows top to bottom.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int) -> [UInt8] {
        let colourType: UInt8 = [1: 0, 2: 4, 3: 2, 4: 6][channels] ?? 255
        precondition(colourType != 255, "channels must be 1…4")
        precondition(width > 0 && height > 0 && pixels.count == width * height * channels, "pixels do not match the size")
        let stride = width * channels
        var raw = [UInt8]()
        raw.reserveCapacity((stride + 1) * height)
        for y in 0..<height {
            raw.append(0)
            raw += pixels[(y * stride)..<((y + 1) * stride)]
        }
        var out = signature
        chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colourType, 0, 0, 0], into: &out)
        chunk("IDAT", Zlib.compress(raw), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    /// A decoded image: RGBA, 4 bytes per pixel, rows top to bottom.
    public struct Decoded: Sendable {
        public var width: Int
        public var height: Int
        public var rgba: [UInt8]

        /// The colour at column `x`, row `y` (alpha dropped).
        public subscript(x: Int, y: Int) -> RGB {
            let o = (y * width + x) * 4
            return RGB(rgba[o], rgba[o + 1], rgba[o + 2])
        }
    }

    /// Why bytes could not be decoded.
    public enum DecodeError: Error, Equatable {
        case notPNG, badChunk, unsupported(String), corrupt
    }

    /// Decodes a PNG of the supported subset (see the type's documentation).
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Decoded {
        guard bytes.count > 8, Array(bytes[0..<8]) == signature else { throw .notPNG }
        var at = 8
        var width = 0, height = 0, channels = 0
        var data = [UInt8]()
        while at + 12 <= bytes.count {
            let length = Int(readBigEndian(bytes, at))
            guard length >= 0, at + 12 + length <= bytes.count else { throw .badChunk }
            let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
            let body = bytes[(at + 8)..<(at + 8 + length)]
            guard Zlib.crc32(bytes[(at + 4)..<(at + 8 + length)]) == readBigEndian(bytes, at + 8 + length) else { throw .badChunk }
            switch type {
            case "IHDR":
                guard length == 13 else { throw .badChunk }
                let h = Array(body)
                width = Int(readBigEndian(h, 0))
                height = Int(readBigEndian(h, 4))
                guard h[8] == 8 else { throw .unsupported("bit depth \(h[8])") }
                guard let c = [0: 1, 4: 2, 2: 3, 6: 4][Int(h[9])] else { throw .unsupported("colour type \(h[9])") }
                guard h[12] == 0 else { throw .unsupported("interlacing") }
                channels = c
            case "IDAT":
                data += body
            case "IEND":
                return try unfilter(data, width: width, height: height, channels: channels)
            default:
                break
            }
            at += 12 + length
        }
        throw .badChunk
    }

    /// Undoes the row filters and expands to RGBA.
    private static func unfilter(_ data: [UInt8], width: Int, height: Int, channels: Int) throws(DecodeError) -> Decoded {
        guard width > 0, height > 0, channels > 0 else { throw .badChunk }
        let stride = width * channels
        guard let raw = Zlib.decompress(data[...], count: (stride + 1) * height) else { throw .corrupt }
        var rows = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            let src = y * (stride + 1) + 1, dst = y * stride
            for x in 0..<stride {
                let a = x >= channels ? Int(rows[dst + x - channels]) : 0
                let b = y > 0 ? Int(rows[dst - stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(rows[dst - stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw .corrupt
                }
                rows[dst + x] = UInt8(truncatingIfNeeded: Int(raw[src + x]) + predictor)
            }
        }
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for p in 0..<(width * height) {
            let s = p * channels, d = p * 4
            switch channels {
            case 1, 2:
                rgba[d] = rows[s]; rgba[d + 1] = rows[s]; rgba[d + 2] = rows[s]
                if channels == 2 { rgba[d + 3] = rows[s + 1] }
            default:
                rgba[d] = rows[s]; rgba[d + 1] = rows[s + 1]; rgba[d + 2] = rows[s + 2]
                if channels == 4 { rgba[d + 3] = rows[s + 3] }
            }
        }
        return Decoded(width: width, height: height, rgba: rgba)
    }

    private static func chunk(_ type: String, _ body: [UInt8], into out: inout [UInt8]) {
        let typed = Array(type.utf8) + body
        out += bigEndian(UInt32(body.count)) + typed + bigEndian(Zlib.crc32(typed[...]))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static func readBigEndian(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}
