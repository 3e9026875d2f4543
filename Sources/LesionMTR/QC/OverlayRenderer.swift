import NIfTI
import Raster

/// Draws a `SliceView` of a map in grey, with each lesion component's boundary outlined in its
/// colour (core, rim, perilesional).
///
/// A voxel's region is its (owning lesion, component) pair. Inside a voxel's pixel block, the
/// pixels along a side whose in-plane neighbour is in another region (or outside the image
/// volume) are outlined, `thickness` pixels deep, in the voxel's component colour — so every
/// outlined pixel lies on a voxel of the component its colour names. A region continuing past
/// the view's edge is not outlined there.
public enum OverlayRenderer {
    /// Component colours (Okabe–Ito-like, distinct for colour-blind readers): core vermilion,
    /// rim yellow, perilesional sky blue.
    public static let colours: [ComponentCode: RGB] = [
        .core: RGB(0xE6, 0x3B, 0x1F), .rim: RGB(0xF5, 0xD3, 0x00), .perilesional: RGB(0x38, 0xB6, 0xFF),
    ]

    /// The image of `view`: `values` windowed by `window`, outlines from `component` and `owner`
    /// (storage order, as `LesionRegions` gives them); `outlines: false` gives the plain slice.
    public static func render(_ view: SliceView, values: [Float], window: IntensityWindow,
                              component: [UInt8], owner: [Int32], outlines: Bool = true) -> RGBImage {
        var image = RGBImage(width: view.pixelWidth, height: view.pixelHeight)
        let grid = view.frame.dims
        func index(_ p: SIMD3<Int>) -> Int { p.x + grid.x * (p.y + grid.y * p.z) }
        let zx = view.zoomX, zy = view.zoomY
        let thickness = max(1, min(zx, zy) / 4)
        // Region key per cell of the view plus a one-cell border (outside the volume: −1).
        let w = view.columns + 2, h = view.rows + 2
        var key = [Int64](repeating: -1, count: w * h)
        for r in -1...view.rows {
            for c in -1...view.columns {
                let u = view.u0 + c, v = view.v0 + r
                guard u >= 0, v >= 0, u < view.frame.width, v < view.frame.height else { continue }
                let n = index(view.frame.voxel(u: u, v: v, slice: view.slice))
                key[(r + 1) * w + c + 1] = component[n] == 0 ? 0 : Int64(owner[n]) << 2 | Int64(component[n])
            }
        }
        image.bytes.withUnsafeMutableBufferPointer { px in
            for r in 0..<view.rows {
                for c in 0..<view.columns {
                    let n = index(view.frame.voxel(u: view.u0 + c, v: view.v0 + r, slice: view.slice))
                    let g = window.grey(values[n])
                    let k = key[(r + 1) * w + c + 1]
                    let colour = outlines && k > 0 ? colours[ComponentCode(rawValue: UInt8(k & 3))!] : nil
                    // Sides bordering another region; a neighbour beyond the view's edge but inside
                    // the volume has its own key in the border, so a region continuing there is open.
                    let left = k != key[(r + 1) * w + c], right = k != key[(r + 1) * w + c + 2]
                    let up = k != key[r * w + c + 1], down = k != key[(r + 2) * w + c + 1]
                    for y in 0..<zy {
                        for x in 0..<zx {
                            let o = ((r * zy + y) * view.pixelWidth + c * zx + x) * 3
                            let outline = colour != nil
                                && ((x < thickness && left) || (x >= zx - thickness && right)
                                    || (y < thickness && up) || (y >= zy - thickness && down))
                            if outline, let colour {
                                px[o] = colour.r; px[o + 1] = colour.g; px[o + 2] = colour.b
                            } else {
                                px[o] = g; px[o + 1] = g; px[o + 2] = g
                            }
                        }
                    }
                }
            }
        }
        return image
    }
}
