import NIfTI

/// A rectangle of one slice, magnified: what one image of the report shows. Each voxel becomes a
/// block of `zoom.x × zoom.y` pixels (integer factors, chosen per axis from the voxel spacing so
/// that blocks have about the same size in mm on both axes).
public struct SliceView: Sendable, Equatable {
    public var frame: SliceFrame
    public var slice: Int
    /// First column and row of the rectangle in the full slice, and its size in voxels.
    public var u0: Int, v0: Int, columns: Int, rows: Int
    /// Pixels per voxel along the screen's columns and rows.
    public var zoomX: Int, zoomY: Int

    public var pixelWidth: Int { columns * zoomX }
    public var pixelHeight: Int { rows * zoomY }

    /// The voxel (i, j, k) drawn at pixel column `x`, row `y` of the image.
    public func voxel(atPixel x: Int, _ y: Int) -> SIMD3<Int> {
        frame.voxel(u: u0 + x / zoomX, v: v0 + y / zoomY, slice: slice)
    }

    /// The view of slice `slice` over screen columns `u` and rows `v` (clipped to the slice),
    /// at about `pixelsPerMM` (at least one pixel per voxel).
    public init(frame: SliceFrame, slice: Int, u: ClosedRange<Int>, v: ClosedRange<Int>, spacing: SIMD3<Double>, pixelsPerMM: Double) {
        self.frame = frame
        self.slice = slice
        u0 = max(0, u.lowerBound)
        v0 = max(0, v.lowerBound)
        columns = max(1, min(frame.width - 1, u.upperBound) - u0 + 1)
        rows = max(1, min(frame.height - 1, v.upperBound) - v0 + 1)
        zoomX = max(1, Int((pixelsPerMM * spacing[frame.columnAxis]).rounded()))
        zoomY = max(1, Int((pixelsPerMM * spacing[frame.rowAxis]).rounded()))
    }
}
