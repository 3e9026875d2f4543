/// An 8-bit RGB raster, rows top to bottom, pixels left to right, 3 bytes per pixel.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width × height × 3` bytes: R, G, B of each pixel in row order.
    public var bytes: [UInt8]

    /// A `width × height` image filled with `colour`.
    public init(width: Int, height: Int, fill colour: RGB = RGB(0, 0, 0)) {
        precondition(width > 0 && height > 0, "an image needs at least one pixel")
        self.width = width
        self.height = height
        if colour.r == colour.g && colour.g == colour.b {
            bytes = [UInt8](repeating: colour.r, count: width * height * 3)
        } else {
            bytes = [UInt8](unsafeUninitializedCapacity: width * height * 3) { b, initialized in
                for p in 0..<(width * height) {
                    b[3 * p] = colour.r
                    b[3 * p + 1] = colour.g
                    b[3 * p + 2] = colour.b
                }
                initialized = width * height * 3
            }
        }
    }

    /// The colour at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> RGB {
        get {
            let o = (y * width + x) * 3
            return RGB(bytes[o], bytes[o + 1], bytes[o + 2])
        }
        set {
            let o = (y * width + x) * 3
            bytes[o] = newValue.r
            bytes[o + 1] = newValue.g
            bytes[o + 2] = newValue.b
        }
    }
}

/// One 8-bit RGB colour.
public struct RGB: Sendable, Hashable, CustomStringConvertible {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A grey level.
    public init(grey v: UInt8) { self.init(v, v, v) }

    /// `#rrggbb`, for HTML and SVG.
    public var description: String {
        "#" + [r, g, b].map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
