import Raster
import Testing

/// PNG encoding and decoding (`Sources/Raster/PNG.swift`).
struct PNGTests {
    @Test("a 1×1 RGB image: signature, IHDR fields and the fixed IEND chunk, byte for byte")
    func layout() {
        var image = RGBImage(width: 1, height: 1)
        image[0, 0] = RGB(255, 0, 0)
        let bytes = PNG.encode(image)
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: length 13, "IHDR", width 1, height 1, depth 8, colour type 2 (RGB), deflate, filter 0, no interlace.
        #expect(Array(bytes[8..<29]) == [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])
        // IEND is always the same 12 bytes: length 0, "IEND", CRC-32 of "IEND" = AE 42 60 82.
        #expect(Array(bytes.suffix(12)) == [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    @Test("decode(encode(image)) gives the image back, and encoding is deterministic")
    func roundTrip() throws {
        var image = RGBImage(width: 7, height: 5)
        for y in 0..<5 { for x in 0..<7 { image[x, y] = RGB(UInt8(x * 30), UInt8(y * 50), UInt8((x * y) % 256)) } }
        let bytes = PNG.encode(image)
        #expect(bytes == PNG.encode(image))
        let decoded = try PNG.decode(bytes)
        #expect(decoded.width == 7 && decoded.height == 5)
        for y in 0..<5 { for x in 0..<7 { #expect(decoded[x, y] == image[x, y]) } }
    }

    @Test("grey + alpha and RGBA inputs decode to the same RGBA")
    func channels() throws {
        let grey = try PNG.decode(PNG.encode(pixels: [10, 200, 30, 40], width: 2, height: 1, channels: 2))
        #expect(grey.rgba == [10, 10, 10, 200, 30, 30, 30, 40])
        let rgba = try PNG.decode(PNG.encode(pixels: [1, 2, 3, 4], width: 1, height: 1, channels: 4))
        #expect(rgba.rgba == [1, 2, 3, 4])
    }

    @Test("a corrupted chunk is refused (CRC check)")
    func corrupt() {
        var bytes = PNG.encode(RGBImage(width: 2, height: 2))
        bytes[20] ^= 1
        #expect(throws: PNG.DecodeError.badChunk) { try PNG.decode(bytes) }
        #expect(throws: PNG.DecodeError.notPNG) { try PNG.decode([1, 2, 3]) }
    }

    @Test("RGB colours print as #rrggbb")
    func hex() {
        #expect(RGB(0xE6, 0x3B, 0x0F).description == "#e63b0f")
    }
}
